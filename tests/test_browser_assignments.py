"""The Assignments page in a real Chromium against a real Voila server.

Learning alone: a learner answers every knowledge check by clicking and the
reflections by typing, is told which reflection is still empty, sees which checks
are right; the answers survive a restart of the server and a course update.

In a cohort: a participant fetches, answers and submits through a real nbgrader
exchange (a temporary one); two more participants (half done, all wrong) hand in
through the same model; the facilitator collects and autogrades with nbgrader and
the scores are the expected ones; the reflections reach the Formgrader's records;
feedback released by the facilitator shows in the page."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from mentorkit import assignments as model

from .browser_checks import RequestLog, axe_violations, describe, page_errors
from .cohort_fixtures import ASSIGNMENT, make_course
from .notebook_checks import updated_course
from .servers import voila

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("MENTORKIT_SCREENSHOTS") or Path(tempfile.gettempdir()) / "mentorkit-screenshots")
APP = "/voila/render/exercises/assignments.ipynb"
SELF_PACED = "05-sponsorship"
REFLECTIONS = ["Last year I put forward three people for talks, all men from my own lab.",
               "My mentee could meet the program director, a visiting speaker and a K award holder.",
               "I would say it as a safeguard agreed at the start, reviewed every six months."]
LONG = "\n\n".join(f"{n}. I put forward a colleague from my own department for a panel." for n in range(1, 9))
COMMENT = "Specific and honest: the written criteria are a strong next step."


def shot(page, name: str, near: str = "") -> Path:
    """A screenshot (the page scrolls inside Voila's template: ``near`` is scrolled into view)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if near:
        page.locator(near).last.scroll_into_view_if_needed()
    path = SHOTS / f"assignments-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(".mk-assignments", timeout=120_000)


def question(page, index: int):
    return page.locator(".mk-q").nth(index)


def answer_checks(page, form: model.Form, key: dict, wrong: tuple[str, ...] = ()) -> None:
    """Click the answers of every knowledge check (the right ones, unless named in ``wrong``)."""
    for index, item in enumerate(form.questions):
        if item.kind == model.REFLECTION:
            continue
        right = key[item.grade_id][0]
        chosen = right if isinstance(right, list) else [right]
        if item.grade_id in wrong:
            chosen = [next(c.key for c in item.choices if c.key not in chosen)]
        for choice in item.choices:
            label = question(page, index).get_by_label(f"{choice.key}. {choice.text}", exact=True)
            if choice.key in chosen:
                label.check()
    page.wait_for_timeout(300)


def type_reflection(page, form: model.Form, number: int, text: str) -> None:
    index = form.questions.index(form.reflections[number])
    box = question(page, index).locator("textarea")
    box.click()
    box.press_sequentially(text[:40], delay=5)  # typed, as a person would
    box.fill(text)


def wait_saved(page, path: Path | None = None, grade_id: str = "", text: str = "") -> None:
    """Wait for the Saved line and, given a notebook, for ``text`` to be in it: the last
    keystrokes may reach the kernel a moment after the page shows them."""
    page.wait_for_selector(".mk-saved:has-text('Saved at')", timeout=30_000)
    if path is not None:
        deadline = time.monotonic() + 30
        while model.answer_sources(path).get(grade_id) != text:
            assert time.monotonic() < deadline, f"{grade_id} was not saved"
            time.sleep(0.1)


def check_answers(page, server=None) -> str:
    results = page.locator(".mk-results")
    done = int(results.get_attribute("data-check")) if results.count() else 0
    page.get_by_role("button", name="Check my answers").click()
    try:
        page.wait_for_selector(f".mk-results[data-check='{done + 1}']", timeout=120_000)
    except Exception:
        shot(page, "check-timed-out")
        if server is not None:
            print(server.log_tail(80))
        raise
    return page.locator(".mk-assignments").inner_text()


def no_code_shown(page) -> None:
    text = page.locator("body").inner_text()
    for sign in ("Traceback", "from mentorkit", "NameError", "Error:", "assignments_app"):
        assert sign not in text, sign


# -- learning alone ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """A self-paced learner: their store, an empty Jupyter config (no course to fetch from)."""
    base = tmp_path_factory.mktemp("alone")
    (base / "jupyter").mkdir()
    return {"MENTORKIT_HOME": str(base / "home"), "JUPYTER_CONFIG_DIR": str(base / "jupyter")}


@pytest.fixture(scope="module")
def alone_server(alone):
    with voila(env=alone) as running:
        running.start("/voila/")
        yield running


def test_learning_alone_answer_by_clicking_and_typing_then_check(page, alone_server, alone):
    log = RequestLog(page)
    wait_for_app(page, alone_server.url(f"{APP}?assignment={SELF_PACED}"))
    copy = Path(alone["MENTORKIT_HOME"]) / "assignments" / SELF_PACED / f"{SELF_PACED}.ipynb"
    form = model.read_form(copy, SELF_PACED)
    key = model.answer_key(SELF_PACED)
    assert page.get_by_role("heading", name=form.title).is_visible()
    assert question(page, 0).get_by_text("(1 point)").is_visible()
    no_code_shown(page)
    answer_checks(page, form, key, wrong=(form.checks[-1].grade_id,))
    box = question(page, form.questions.index(form.reflections[0])).locator("textarea")
    empty_height = box.bounding_box()["height"]
    type_reflection(page, form, 0, LONG)  # the second one stays empty
    assert box.bounding_box()["height"] > empty_height * 1.5  # the box grows with the text
    wait_saved(page, copy, form.reflections[0].grade_id, LONG)
    shot(page, "alone-form")
    shot(page, "alone-several", ".widget-checkbox")
    text = check_answers(page)
    assert "Reflection 2 is still empty" in text and "Reflection 1 is still" not in text
    assert "has no answer" not in text
    shot(page, "alone-one-empty", ".mk-problems")
    type_reflection(page, form, 1, REFLECTIONS[1])
    wait_saved(page, copy, form.reflections[1].grade_id, REFLECTIONS[1])
    text = check_answers(page)
    assert "Everything is answered" in text
    page.wait_for_selector(".mk-verdict", timeout=30_000)
    verdicts = page.locator(".mk-verdict").all_inner_texts()
    assert len(verdicts) == len(form.checks)
    assert all(v.startswith("Right.") for v in verdicts[:-1]) and verdicts[-1].startswith("Not this time.")
    assert len(verdicts[-1]) > len("Not this time.") + 5  # with a pointer to the lesson
    shot(page, "alone-checked", ".mk-verdict")
    no_code_shown(page)
    on_disk = model.Answers(copy, form)
    assert on_disk.value(form.reflections[0].grade_id) == LONG
    assert on_disk.value(form.reflections[1].grade_id) == REFLECTIONS[1]
    assert on_disk.value(form.checks[0].grade_id) == key[form.checks[0].grade_id][0]
    assert log.external() == []
    assert page_errors(page) == []
    assert axe_violations(page) == [], describe(axe_violations(page))


def test_learning_alone_answers_survive_a_restart_and_a_course_update(page, alone_server, alone,
                                                                       tmp_path):
    copy = Path(alone["MENTORKIT_HOME"]) / "assignments" / SELF_PACED / f"{SELF_PACED}.ipynb"
    assert copy.exists(), "runs after the test above"
    before = copy.read_text(encoding="utf-8")
    alone_server.stop()
    course = updated_course(tmp_path, SELF_PACED, "Assignment 5:", "Assignment 5 (updated):")
    with voila(env={**alone, "MENTORKIT_COURSE": str(course)}) as restarted:
        restarted.start("/voila/")
        wait_for_app(page, restarted.url(f"{APP}?assignment={SELF_PACED}"))
        form = model.read_form(copy, SELF_PACED)
        index = form.questions.index(form.reflections[1])
        page.wait_for_function(
            "([i, t]) => document.querySelectorAll('.mk-q')[i].querySelector('textarea').value === t",
            arg=[index, REFLECTIONS[1]], timeout=30_000)
        first = form.checks[0]
        right = model.answer_key(SELF_PACED)[first.grade_id][0]
        label = next(f"{c.key}. {c.text}" for c in first.choices if c.key == right)
        assert question(page, 0).get_by_label(label, exact=True).is_checked()
        # the learner's copy, not the updated release
        assert page.get_by_role("heading", name="Assignment 5: Sponsorship").is_visible()
        shot(page, "alone-after-restart")
        page.get_by_role("button", name="← All assignments").click()
        page.wait_for_selector("text=Your assignments", timeout=30_000)
        assert "started" in page.locator(".mk-row-item").filter(has_text="Sponsorship").inner_text()
        assert page.locator(".mk-row-item").count() == len(model.released_ids()) == 15
        shot(page, "alone-list")
    assert copy.read_text(encoding="utf-8") == before


# -- a cohort, through nbgrader's exchange ----------------------------------------------------------
def participant_config(course, student_id: str) -> str:
    home = course.home(student_id)
    return (f"c = get_config()\n"
            f"c.CourseDirectory.course_id = 'mentorkit'\n"
            f"c.CourseDirectory.student_id = {student_id!r}\n"
            f"c.Exchange.root = {str(course.exchange)!r}\n"
            f"c.Exchange.assignment_dir = {str(home)!r}\n"
            f"c.Exchange.cache = {str(home / '.nbgrader-cache')!r}\n")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A temporary course with an exchange; the facilitator has released the assignment."""
    base = tmp_path_factory.mktemp("cohort")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        course = make_course(base, ROOT / "source", timeout=10)
        api = course.api()
        with api.gradebook as gb:
            gb.update_or_create_assignment(ASSIGNMENT, duedate="2030-01-31 17:00:00 UTC")
            for student in ("aadeyemi", "bnunez", "cokafor"):
                gb.update_or_create_student(student)
        for step in (api.generate_assignment, api.release_assignment):
            result = step(ASSIGNMENT)
            assert result["success"], result.get("log")
        yield course


@pytest.fixture(scope="module")
def cohort_server(cohort, tmp_path_factory):
    config_dir = tmp_path_factory.mktemp("participant-jupyter")
    (config_dir / "nbgrader_config.py").write_text(participant_config(cohort, "aadeyemi"))
    env = {"JUPYTER_CONFIG_DIR": str(config_dir),
           "MENTORKIT_HOME": str(tmp_path_factory.mktemp("participant-store"))}
    with voila(env=env) as running:
        running.start("/voila/")
        running.config_dir = config_dir
        yield running


def by_model(course, student_id: str, answer) -> None:
    """A participant handing in through the page's model (the code behind its buttons)."""
    config = course.as_participant(student_id)["config"]
    config.CourseDirectory.assignment_id = ""
    path = model.fetch(ASSIGNMENT, config)
    answers = model.Answers(path)
    answer(answers)
    assert answers.save().saved
    model.submit(ASSIGNMENT, config)


def test_a_cohort_participant_fetches_answers_submits_and_reads_feedback(page, cohort, cohort_server):
    source_key = model.answer_key(ASSIGNMENT, ROOT)
    wait_for_app(page, cohort_server.url(APP))
    row = page.locator(".mk-row-item").filter(has_text="Setting expectations")
    assert "not started" in row.inner_text()
    shot(page, "cohort-list")
    row.get_by_role("button", name="Setting expectations").click()
    page.wait_for_selector(".mk-q", timeout=60_000)
    fetched = cohort.home("aadeyemi") / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert fetched.exists()
    form = model.read_form(fetched, ASSIGNMENT)
    assert len(form.reflections) == 3
    answer_checks(page, form, source_key)
    type_reflection(page, form, 0, REFLECTIONS[0])
    type_reflection(page, form, 1, REFLECTIONS[1])
    wait_saved(page, fetched, form.reflections[1].grade_id, REFLECTIONS[1])
    text = check_answers(page, cohort_server)
    assert "Reflection 3 is still empty" in text
    assert page.locator(".mk-verdict").count() == 0  # no answer key in a cohort
    type_reflection(page, form, 2, REFLECTIONS[2])
    wait_saved(page, fetched, form.reflections[2].grade_id, REFLECTIONS[2])
    assert "Everything is answered" in check_answers(page)
    page.get_by_role("button", name="Submit", exact=True).click()
    page.get_by_role("button", name="Yes, submit now").click()
    page.wait_for_selector("text=Submitted", timeout=60_000)
    assert " at " in page.locator(".mk-saved:has-text('Submitted')").inner_text()
    shot(page, "cohort-submitted", "text=Submitted")
    no_code_shown(page)

    # The course map's view of it: the fetched copy, with answers (on a hub the participant
    # has no release/ folder: the exchange's copy is the blank to compare with).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_CONFIG_DIR", str(cohort_server.config_dir))
        patch.setenv("MENTORKIT_COURSE", str(cohort.homes))
        patch.chdir(cohort.homes)
        assert model.working_copy(ASSIGNMENT) == fetched
        assert model.has_answers(ASSIGNMENT)
        assert model.pristine_path(ASSIGNMENT).is_relative_to(cohort.exchange)

    # Two more participants: half done, and every check wrong.
    checks = form.checks
    half = checks[: (len(checks) + 1) // 2]

    def half_done(answers):
        for item in half:
            answers.set(item.grade_id, source_key[item.grade_id][0])
        answers.set(form.reflections[0].grade_id, REFLECTIONS[0])

    def all_wrong(answers):
        for item in checks:
            right = source_key[item.grade_id][0]
            other = next(c.key for c in item.choices if c.key not in right)
            answers.set(item.grade_id, [other] if item.kind == model.SEVERAL else other)
        for number, reflection in enumerate(form.reflections):
            answers.set(reflection.grade_id, REFLECTIONS[number])

    by_model(cohort, "bnunez", half_done)
    by_model(cohort, "cokafor", all_wrong)

    # The facilitator: collect and autograde with nbgrader.
    api = cohort.api()
    assert api.collect(ASSIGNMENT)["success"]
    for student in ("aadeyemi", "bnunez", "cokafor"):
        result = api.autograde(ASSIGNMENT, student)
        assert result["success"], result.get("log")
    points = sum(item.points for item in checks)
    with api.gradebook as gb:
        scores = {s: gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, s).score
                  for s in ("aadeyemi", "bnunez", "cokafor")}
        assert scores == {"aadeyemi": points, "bnunez": sum(i.points for i in half), "cokafor": 0}
        # What the Formgrader shows: the reflections as written, waiting to be graded by hand.
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "aadeyemi")
        waiting = {g.name for g in notebook.grades if g.needs_manual_grade}
        assert waiting == {r.grade_id for r in form.reflections}
        for reflection in form.reflections:
            grade = gb.find_grade(reflection.grade_id, ASSIGNMENT, ASSIGNMENT, "aadeyemi")
            grade.manual_score = reflection.points
            grade.needs_manual_grade = False
        comment = gb.find_comment(form.reflections[0].grade_id, ASSIGNMENT, ASSIGNMENT, "aadeyemi")
        comment.manual_comment = COMMENT
        gb.db.commit()
    autograded = nbformat.read(cohort.root / "autograded" / "aadeyemi" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                               as_version=4)
    texts = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in autograded.cells}
    assert [texts[r.grade_id] for r in form.reflections] == REFLECTIONS
    # Autograde runs the reflections' checks against the submitted notebook itself.
    for student, empty in (("aadeyemi", set()), ("bnunez", {r.grade_id for r in form.reflections[1:]})):
        graded = nbformat.read(cohort.root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                               as_version=4)
        failed = {c.metadata["nbgrader"]["grade_id"].removesuffix("_written") for c in graded.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_written")
                  and any(o.output_type == "error" for o in c.outputs)}
        assert failed == empty, student

    # Feedback, released and fetched in the page.
    assert api.generate_feedback(ASSIGNMENT)["success"]
    assert api.release_feedback(ASSIGNMENT)["success"]
    page.get_by_role("button", name="Show my feedback").click()
    page.wait_for_selector("text=Score:", timeout=60_000)
    feedback = page.locator(".mk-assignments").inner_text()
    total = points + sum(r.points for r in form.reflections)
    assert f"Score: {total:g} of {total:g}" in feedback
    for item in checks:
        assert f"{item.title}: right." in feedback
    assert COMMENT in feedback
    assert "HIDDEN" not in feedback and "assert" not in feedback
    shot(page, "cohort-feedback", "text=Score:")
    no_code_shown(page)
    page.get_by_role("button", name="← All assignments").click()
    page.wait_for_selector("text=Your assignments", timeout=30_000)
    status = page.locator(".mk-row-item").filter(has_text="Setting expectations").inner_text()
    assert "submitted" in status and "feedback ready" in status
    assert page_errors(page) == []


def test_feedback_for_wrong_answers_says_not_this_time_with_the_hint(cohort):
    """Read with the page's own reader: a participant with wrong answers (graded above)."""
    api = cohort.api()
    feedback_page = cohort.root / "feedback" / "cokafor" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    if not feedback_page.exists():
        pytest.skip("runs after the cohort test")  # pragma: no cover
    form = model.read_form(cohort.root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", ASSIGNMENT)
    feedback = model.read_feedback(feedback_page.read_text(encoding="utf-8"), form)
    assert [right for _, right, _ in feedback.checks] == [False] * len(form.checks)
    assert all("not right yet" not in why and why for _, _, why in feedback.checks), feedback.checks
    assert feedback.score == 0 and api is not None
    json.dumps(feedback.checks)
