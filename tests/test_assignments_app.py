"""The Assignments page's model (mentorkit.assignments): the learner's working copy,
answers written into the nbgrader notebook, checking with nbgrader's validator, the
self-paced answer key, and the course map. Real notebooks from release/ and source/,
real nbgrader; the browser tests are in test_browser_assignments.py."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from mentorkit import assignments as model
from mentorkit import progress
from mentorkit.store import Store

from .notebook_checks import updated_course

ROOT = Path(__file__).resolve().parents[1]
SLUG = "05-sponsorship"
TEXT = "Last year I put forward three people, all from my own lab. 🙂 Next time: a written list first."


@pytest.fixture
def copy(mentorkit_home):
    return model.start_self_paced(SLUG)


def cells_by_id(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}


def fill(answers: model.Answers, right: bool = True, skip: tuple[str, ...] = ()) -> None:
    key = model.answer_key(SLUG)
    for question in answers.form.questions:
        if question.grade_id in skip:
            continue
        if question.kind == model.REFLECTION:
            answers.set(question.grade_id, TEXT)
            continue
        value = key[question.grade_id][0]
        if not right:
            value = ["B"] if question.kind == model.SEVERAL else ("A" if value != "A" else "B")
        answers.set(question.grade_id, value)


def test_the_self_paced_copy_is_made_once_in_the_learners_store(mentorkit_home):
    assert model.working_copy(SLUG) is None
    assert model.has_answers(SLUG) is False
    path = model.start_self_paced(SLUG)
    assert path == mentorkit_home / "assignments" / SLUG / f"{SLUG}.ipynb"
    assert path.read_text(encoding="utf-8") == model.release_path(SLUG).read_text(encoding="utf-8")
    assert model.working_copy(SLUG) == path
    assert model.has_answers(SLUG) is False  # a fresh copy equals the release
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.source == "YOUR ANSWER HERE").source = "mine"
    nbformat.write(nb, path)
    assert model.start_self_paced(SLUG) == path and '"mine"' in path.read_text(encoding="utf-8")
    assert model.has_answers(SLUG) is True


def test_the_form_comes_from_cell_metadata(copy):
    form = model.read_form(copy, SLUG)
    kinds = [q.kind for q in form.questions]
    assert kinds.count(model.REFLECTION) == 2 and model.SEVERAL in kinds and model.ONE in kinds
    first = form.checks[0]
    assert first.title == "Question 1" and first.points == 1 and first.variable == "q1"
    assert [c.key for c in first.choices] == ["A", "B", "C", "D"]
    assert "**A.**" not in first.prompt and "sponsor from a mentor" in first.prompt
    assert [q.points for q in form.reflections] == [5, 4]
    with pytest.raises(model.AssignmentError):
        model.release_path("../../etc/passwd")


@pytest.mark.parametrize("assignment_id", ["09a-fostering-independence", "02a-mentoring-up"])
def test_a_lesson_added_later_keeps_a_lettered_assignment_id(assignment_id):
    """Lessons slotted in after others (9a after 9) are named 09a-...: the page opens them."""
    expected = ROOT / "release" / assignment_id / f"{assignment_id}.ipynb"
    assert model.release_path(assignment_id, ROOT) == expected


@pytest.mark.parametrize("assignment_id",
                         ["9a-fostering-independence", "09ab-fostering", "09A-x", "09a-", "09a_x"])
def test_an_id_that_is_not_a_lesson_slug_is_refused(assignment_id):
    with pytest.raises(model.AssignmentError):
        model.release_path(assignment_id, ROOT)


def test_the_released_lettered_assignment_is_listed():
    assert "09a-fostering-independence" in model.released_ids(ROOT)


def test_answers_are_written_into_the_notebook_and_locked_cells_stay_as_released(copy):
    answers = model.Answers(copy)
    fill(answers)
    result = answers.save()
    assert result.saved and result.message.startswith("Saved at ")
    cells, released = cells_by_id(copy), cells_by_id(model.release_path(SLUG))
    assert cells["q1_sponsor_or_mentor"].source.splitlines()[-1] == 'q1 = "C"'
    assert cells["q4_without_title"].source.splitlines()[-1] == 'q4 = ["A", "C", "E"]'
    assert cells["reflection_whom_you_put_forward"].source == TEXT
    for grade_id, cell in released.items():
        if grade_id and cell.metadata["nbgrader"].get("locked"):
            assert cells[grade_id].source == cell.source
    assert not list(copy.parent.glob(".*.tmp"))  # the temporary file was renamed into place
    results = model.validate(copy)
    assert results == {}, results  # checksums hold, every check passes
    again = model.Answers(copy)  # read back as a reopened page would
    assert again.value("q4_without_title") == ["A", "C", "E"] and again.value("q1_sponsor_or_mentor") == "C"
    assert again.value("reflection_whom_you_put_forward") == TEXT


def test_check_names_what_is_missing_in_plain_words(copy):
    answers = model.Answers(copy)
    fill(answers, skip=("reflection_three_people", "q2_patton_success"))
    answers.save()
    result = model.check(copy, answers.form)
    assert result.problems == ["Question 2 has no answer yet.",
                               "Reflection 2 is still empty: write your answer in its box."]
    answers.set("reflection_three_people", "   ")  # spaces are not an answer
    answers.set("q2_patton_success", "D")
    answers.save()
    assert model.check(copy, answers.form).problems == [
        "Reflection 2 is still empty: write your answer in its box."]


def test_a_hand_edited_answer_in_the_wrong_form_is_named_without_a_traceback(copy):
    answers = model.Answers(copy)
    fill(answers)
    answers.save()
    nb = nbformat.read(copy, as_version=4)
    cell = next(c for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_sponsor_or_mentor")
    cell.source = "q1 = C"  # the quotes lost, as a learner typing by hand might
    nbformat.write(nb, copy)
    again = model.Answers(copy)
    assert again.unreadable("q1_sponsor_or_mentor") and not again.unreadable("q2_patton_success")
    problems = model.check(copy, again.form).problems
    assert problems == ["Question 1 has no answer yet."]
    assert "Traceback" not in problems[0] and "NameError" not in problems[0]


def test_learning_alone_the_key_from_source_says_which_checks_are_right(copy):
    key = model.answer_key(SLUG)
    assert key["q1_sponsor_or_mentor"][0] == "C"
    answers = model.Answers(copy)
    fill(answers, right=False)
    answers.set("q1_sponsor_or_mentor", "c")  # lower case is still the right letter
    answers.save()
    marks = model.check(copy, answers.form, key).marks
    assert marks["q1_sponsor_or_mentor"][0] is True
    assert [grade_id for grade_id, (right, _) in marks.items() if not right] == \
        [q.grade_id for q in answers.form.checks[1:]]
    assert all(why for _, why in marks.values())  # each with a reason or a pointer to the lesson
    assert model.answer_key(SLUG, root=ROOT / "no-such-course") is None


def test_a_change_made_in_jupyterlab_meanwhile_is_kept_or_set_aside_never_lost(copy):
    page = model.Answers(copy)  # the page has read the notebook
    nb = nbformat.read(copy, as_version=4)  # ... then JupyterLab changes two answers
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "q2_patton_success":
            cell.source = 'q2 = "D"'
        if grade_id == "reflection_whom_you_put_forward":
            cell.source = "Written in JupyterLab."
    nbformat.write(nb, copy)
    page.set("reflection_whom_you_put_forward", TEXT)  # the page changes one of the same
    page.set("q1_sponsor_or_mentor", "C")
    result = page.save()
    assert result.saved and result.conflicts == ["Reflection 1"]
    assert "JupyterLab" in result.message
    cells = cells_by_id(copy)
    assert cells["q2_patton_success"].source == 'q2 = "D"'  # JupyterLab's answer stands
    assert cells["reflection_whom_you_put_forward"].source == TEXT
    assert cells["q1_sponsor_or_mentor"].source.endswith('q1 = "C"')
    aside = list(copy.parent.glob(f"{SLUG}.other-answers-*.txt"))
    assert len(aside) == 1 and "Written in JupyterLab." in aside[0].read_text(encoding="utf-8")


def test_an_unreadable_notebook_is_not_overwritten_and_the_answer_stays_on_the_page(copy):
    page = model.Answers(copy)
    copy.write_text("{ cut off", encoding="utf-8")
    page.set("reflection_whom_you_put_forward", TEXT)
    result = page.save()
    assert not result.saved and "still on this page" in result.message
    assert copy.read_text(encoding="utf-8") == "{ cut off"
    assert page.dirty


def test_a_course_update_does_not_touch_the_learners_answers(copy, tmp_path, monkeypatch):
    answers = model.Answers(copy)
    fill(answers)
    answers.save()
    before = copy.read_text(encoding="utf-8")
    course = updated_course(tmp_path, SLUG, "Sponsorship", "Sponsorship (2nd edition)")
    monkeypatch.setenv("MENTORKIT_COURSE", str(course))
    assert model.start_self_paced(SLUG) == copy
    assert copy.read_text(encoding="utf-8") == before
    assert model.has_answers(SLUG, course)


def test_the_course_map_reads_the_working_copy(copy, mentorkit_home):
    def status():
        items = progress.course_progress(store=Store(mentorkit_home), root=ROOT, workdirs=[])
        return next(i for i in items.of_kind("assignment") if i.id == SLUG)

    assert status().status == progress.NOT_STARTED
    answers = model.Answers(copy)
    answers.set("q1_sponsor_or_mentor", "C")
    answers.save()
    assert (status().status, status().detail) == (progress.STARTED, "1 of 7 answers written")
    fill(answers)
    answers.save()
    assert status().status == progress.DONE


def test_the_page_address_can_name_an_assignment(monkeypatch):
    from mentorkit.ui.assignments import query_assignment

    monkeypatch.setenv("QUERY_STRING", "assignment=05-sponsorship&voila-template=mentorkit")
    assert query_assignment() == "05-sponsorship"
    monkeypatch.setenv("QUERY_STRING", "")
    assert query_assignment() == ""


def test_an_exchange_left_unconfigured_is_where_nbgrader_looks_for_it():
    """A participant whose configuration names the course but not the
    exchange's folder uses nbgrader's own default; the page must look there
    too, or it treats them as self-paced."""
    from nbgrader.exchange.default.exchange import Exchange

    assert model.DEFAULT_EXCHANGE == Exchange.class_traits()["root"].default_value


def test_outside_a_cohort_nothing_is_fetched(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    config = model.nbgrader_config()
    assert not model.in_cohort(config)
    assert model.fetched_path(SLUG, config) is None
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "mentorkit"\n'
        f'c.Exchange.root = {str(tmp_path / "exchange")!r}\n'
        f'c.Exchange.assignment_dir = {str(tmp_path / "work")!r}\n')
    assert not model.in_cohort(model.nbgrader_config())  # a course, but no exchange to reach
    (tmp_path / "exchange").mkdir()
    config = model.nbgrader_config()
    assert model.in_cohort(config)
    assert model.fetched_path(SLUG, config) == tmp_path / "work" / SLUG / f"{SLUG}.ipynb"
    json.dumps(str(config))  # readable, no exception
