"""The course map and the certificate, from store states set up here."""

import base64
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pypdf
import pytest

from mentorkit import progress
from mentorkit.certificate import certificate_for, certificate_pdf
from mentorkit.course import LESSONS, SELF_ASSESSMENTS
from mentorkit.scenario import available
from mentorkit.store import Store
from mentorkit.ui.progress import CertificateMaker, LessonComplete, ProgressMap, map_html

ROOT = Path(__file__).resolve().parents[1]
WRITTEN = [lesson.slug for lesson in LESSONS if (ROOT / lesson.notebook).exists()]


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "learner")


def finished_scenario(store, scenario_id, steps=(("start", "a"),)):
    completion = {"ending": "end", "steps": [list(s) for s in steps]}
    store.save("scenarios", scenario_id, {"scenario": scenario_id, "steps": [], "completions": [completion]})


def by_id(items):
    return {item.id: item for item in items}


def test_a_new_learner_has_done_nothing(store):
    state = progress.course_progress(store=store)
    assert {kind for kind, (done, _) in state.counts().items() if done} == set()
    assert state.counts()["scenario"] == (0, len(available()))
    assert state.counts()["lesson"] == (0, len(WRITTEN))


def test_the_map_reflects_lessons_scenarios_and_self_assessments(store):
    progress.mark_lesson(WRITTEN[0], store=store)
    finished_scenario(store, "busy-mentor")
    store.save("scenarios", "first-meeting", {"steps": [["start", "a"]], "completions": []})
    store.save("competencies", "pre", {"answers": {}})
    state = progress.course_progress(store=store)

    lessons, scenes = by_id(state.of_kind("lesson")), by_id(state.of_kind("scenario"))
    assert lessons[WRITTEN[0]].status == progress.DONE
    assert all(item.status == progress.NOT_STARTED for slug, item in lessons.items() if slug != WRITTEN[0])
    assert (scenes["busy-mentor"].status, scenes["busy-mentor"].detail) == (progress.DONE, "1 ending reached")
    assert scenes["first-meeting"].status == progress.STARTED
    assert scenes["saying-no"].status == progress.NOT_STARTED
    assert by_id(state.of_kind("self-assessment"))["competencies"].detail == "Before the course"

    html = map_html(state)
    assert f"0 of {len(WRITTEN) - 1} lessons done (plus the welcome: done)" in html
    assert f"1 of {len(available())} scenarios done" in html
    row = re.search(r"<tr><td>2</td>.*?</tr>", html).group(0)
    assert "The mentor with no time" in row and "&#10003; done" in row


def test_the_map_names_when_a_self_assessment_was_answered_as_the_app_does(store):
    """Timepoints in the app's words, an old name counted as its new one (the
    practices' first version kept its one set of answers as "current", now
    "pre"), and "saved" for an app with one set of answers."""
    store.save("practices", "current", {"answers": {}})
    store.save("practices", "pre", {"answers": {}})
    store.save("practices", "follow-up", {"answers": {}})
    store.save("competencies", "then", {"answers": {}})
    store.save("impostor-feelings", "current", {"answers": {}})
    store.save("network-map", "current", {"answers": {}})
    apps = by_id(progress.course_progress(store=store).of_kind("self-assessment"))
    assert apps["practices"].detail == "Before the course, About six months after the course"
    assert apps["competencies"].detail == "Looking back"
    assert apps["impostor-feelings"].detail == "saved" and apps["network-map"].detail == "saved"
    assert apps["career-conference"].detail == ""
    store.delete("practices", "pre")
    store.delete("practices", "follow-up")
    practices = by_id(progress.course_progress(store=store).of_kind("self-assessment"))["practices"]
    assert practices.detail == "Before the course", "the first version's answers, kept as \"current\""


def test_unticking_a_lesson_takes_it_off_the_map(store):
    progress.mark_lesson("00-welcome", store=store)
    progress.mark_lesson("00-welcome", False, store=store)
    assert not progress.lesson_done("00-welcome", store=store)
    with pytest.raises(ValueError, match="no lesson called"):
        progress.mark_lesson("99-nothing", store=store)


def test_a_corrupt_record_is_reported_on_the_map_not_raised(store):
    target = store.path("scenarios", "busy-mentor")
    target.parent.mkdir(parents=True)
    target.write_text("{ not json")
    state = progress.course_progress(store=store)
    assert by_id(state.of_kind("scenario"))["busy-mentor"].status == progress.NOT_STARTED
    assert any("busy-mentor.json" in p for p in state.problems)
    assert "could not be read" in map_html(state)


def answer_cells(notebook):
    return [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]


def test_an_assignment_counts_answers_written_in_the_learners_copy(tmp_path, store):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "modules", course / "modules")
    shutil.copytree(ROOT / "exercises", course / "exercises")
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {"nbgrader": {"solution": True, "grade_id": "reflect"}},
         "source": "YOUR ANSWER HERE"},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True, "grade_id": "q1"}},
         "source": 'q1 = ""'},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": False, "grade_id": "check"}},
         "source": "assert True"},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    released = course / "release" / "02-setting-expectations" / "02-setting-expectations.ipynb"
    released.parent.mkdir(parents=True)
    released.write_text(json.dumps(notebook))
    workdir = tmp_path / "home"

    def status():
        items = progress.course_progress(store=store, root=course, workdirs=[workdir]).of_kind("assignment")
        return by_id(items)["02-setting-expectations"]

    assert (status().status, status().detail) == (progress.NOT_STARTED, "0 of 2 answers written")
    fetched = workdir / "02-setting-expectations" / released.name
    fetched.parent.mkdir(parents=True)
    notebook["cells"][1]["source"] = 'q1 = "B"'
    fetched.write_text(json.dumps(notebook))
    assert (status().status, status().detail) == (progress.STARTED, "1 of 2 answers written")
    notebook["cells"][0]["source"] = "I would ask about goals first. 🙂"
    fetched.write_text(json.dumps(notebook))
    assert status().status == progress.DONE
    fetched.write_text("{ truncated")
    assert status().detail == "your copy could not be read"


def test_the_certificate_names_the_learner_and_what_they_did(store):
    for slug in WRITTEN:
        progress.mark_lesson(slug, store=store)
    finished_scenario(store, "amplification")
    store.save("competencies", "pre", {"answers": {}})
    cert = certificate_for("  Dr.   Amal  Haddad ", progress.course_progress(store=store),
                           issued=date(2026, 11, 24))
    assert cert.name == "Dr. Amal Haddad" and cert.complete
    reader = pypdf.PdfReader(io.BytesIO(certificate_pdf(cert)))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Dr. Amal Haddad" in text
    lessons = [slug for slug in WRITTEN if slug != "00-welcome"]  # the welcome is not counted as a lesson
    assert f"completed {len(lessons)} of {len(lessons)} lessons, 1 scenarios and 1 self-assessments" in text
    assert "The idea that changed hands" in text and "Issued 24 November 2026" in text
    for lesson in LESSONS:
        assert (lesson.title[:30] in text) == (lesson.slug in lessons)
    assert reader.metadata.title == "Certificate of completion: Dr. Amal Haddad"


@pytest.mark.parametrize("name, words", [("   ", "Type your name"), ("x" * 81, "longer than 80")])
def test_the_certificate_needs_a_usable_name(store, name, words):
    with pytest.raises(ValueError, match=words):
        certificate_for(name, progress.course_progress(store=store))


def test_the_views_save_and_show_progress(store):
    tick = LessonComplete("00-welcome", store=store)
    tick.box.value = True
    assert progress.lesson_done("00-welcome", store=store) and "Saved" in tick.status.value
    view = ProgressMap(store=store)
    assert re.search(r"<tr><td>0</td>.*?&#10003; done", view.table.value)
    finished_scenario(store, "saying-no")
    view.refresh_button.click()
    assert "1 of" in view.table.value and "Six committees and counting" in view.table.value

    maker = CertificateMaker(store=store)
    maker.button.click()
    assert "Type your name" in maker.message.value and maker.result.value == ""
    maker.name.value = "Dr. Lee $x$ <script>alert(1)</script>"
    maker.button.click()
    assert maker.message.value == "" and "<script>" not in maker.result.value
    pdf = base64.b64decode(re.search(r"base64,([^\"]+)", maker.result.value).group(1))
    assert "Dr. Lee $x$ <script>" in pypdf.PdfReader(io.BytesIO(pdf)).metadata.title


def test_the_self_assessment_catalogue_points_at_real_lessons():
    slugs = {lesson.slug for lesson in LESSONS}
    for app in SELF_ASSESSMENTS:
        assert set(app.lessons) <= slugs


def h1(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for line in source.splitlines():
            if cell["cell_type"] == "markdown" and line.startswith("# "):
                return line[2:].strip()
    return ""


def test_lesson_titles_are_the_ones_on_the_lessons_own_pages():
    """One name per lesson: Your progress, the certificate and the links use
    course.LESSONS; a lesson's page shows its h1 ("2. Setting expectations")."""
    for lesson in LESSONS:
        if lesson.slug in WRITTEN:
            number = lesson.number
            page = re.sub(rf"^{number}\. ", "", h1(ROOT / lesson.notebook)) if number != "0" else h1(
                ROOT / lesson.notebook)
            assert page == lesson.title, lesson.slug


def test_the_summary_counts_the_numbered_lessons_and_names_the_welcome_apart(store):
    html = map_html(progress.course_progress(store=store))
    numbered = [slug for slug in WRITTEN if slug != "00-welcome"]
    assert f"0 of {len(numbered)} lessons done (plus the welcome: not yet)" in html
    assert html.count("<tr><td>") == len(LESSONS)
    assert '<div class="mk-map-wrap">' in html  # scrolls sideways on a phone
    assert ".mk-map a {" in html and "text-decoration: underline" in html


def test_the_lesson_tick_points_at_your_progress(store):
    tick = LessonComplete("03-feedback", store=store)
    tick.box.value = True
    assert "Your progress</a> on the welcome page" in tick.status.value
    assert "course map" not in tick.status.value
