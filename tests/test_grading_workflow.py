"""The facilitator's whole grading workflow, end to end, with real nbgrader and a
real filesystem exchange in a temporary course: roster import, generate,
release, fetch and submit as participants, collect, autograde, grading by
hand, feedback and export. The cohort hands in what real cohorts hand in:
perfect, partial and untouched notebooks, reflections only, an edited test,
deleted cells, an endless loop, a notebook that is not JSON, and reflections
with emoji, right-to-left script and 100,000 characters.

The workflow runs once (module fixture); each test checks one promise."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from mentorkit.feedback import HIDDEN_FAILED

from .cohort_fixtures import (
    ASSIGNMENT,
    COURSE_ID,
    EMOJI_REFLECTION,
    LONG_REFLECTION,
    ROOT,
    ROSTER,
    RTL_REFLECTION,
    Course,
    Rubric,
    cohort_cases,
    feedback_text,
    import_roster,
    make_course,
    read_export,
    read_rubric,
    right_half,
    submission_text,
    write_roster,
)

pytestmark = pytest.mark.slow

SOURCE = ROOT / "source"
TIMEOUT = 5  # seconds a cell may run in this test (the course allows more; see nbgrader_config.py)
CASES = cohort_cases()
BY_CASE = {person.case: person for person in ROSTER}
COMMENT = "Clear and specific: you named what each of you will bring. Well done."


@dataclass
class Run:
    """What the workflow produced, for the tests to look at."""

    course: Course
    rubric: Rubric
    import_log: str = ""
    autograde: dict = field(default_factory=dict)  # student_id -> nbgrader API result
    flagged: dict = field(default_factory=dict)  # student_id -> cells left for grading by hand
    export: dict = field(default_factory=dict)  # student_id -> row of grades.csv
    feedback: dict = field(default_factory=dict)  # student_id -> feedback HTML
    fetched_feedback: list = field(default_factory=list)
    before_override: dict = field(default_factory=dict)  # test cell -> autograded score


def _ok(result: dict, what: str) -> None:
    assert result["success"], f"{what} failed:\n{result.get('error')}\n{result.get('log', '')[-3000:]}"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    base = tmp_path_factory.mktemp("grading")
    with pytest.MonkeyPatch.context() as patch:
        # nbgrader runs `alembic` from PATH when it creates a gradebook.
        patch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        course = make_course(base, SOURCE, timeout=TIMEOUT)
        result = Run(course, read_rubric(course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))

        # The facilitator: roster, assignment, release.
        result.import_log = import_roster(course, write_roster(base / "roster.csv"))
        api = course.api()
        with api.gradebook as gb:
            gb.update_or_create_assignment(ASSIGNMENT, duedate="2030-01-31 17:00:00 UTC")
        _ok(api.generate_assignment(ASSIGNMENT), "generate_assignment")
        _ok(api.release_assignment(ASSIGNMENT), "release_assignment")

        # The participants: fetch, work (in their own way), submit.
        for person in ROSTER:
            case = CASES[person.case]
            if not case.submits:
                continue
            notebook = course.fetch(person.id)
            notebook.write_text(submission_text(case, notebook, result.rubric), encoding="utf-8")
            course.submit(person.id)

        # The facilitator again: collect and autograde everyone.
        _ok(api.collect(ASSIGNMENT), "collect")
        for person in ROSTER:
            if CASES[person.case].submits:
                result.autograde[person.id] = api.autograde(ASSIGNMENT, person.id)

        # Grading by hand: every cell nbgrader left to the facilitator.
        with api.gradebook as gb:
            for person in ROSTER:
                if not CASES[person.case].submits:
                    continue
                notebook = gb.find_submission_notebook(result.rubric.notebook, ASSIGNMENT, person.id)
                result.flagged[person.id] = {g.name for g in notebook.grades if g.needs_manual_grade}
                for grade in notebook.grades:
                    if not grade.needs_manual_grade:
                        continue
                    score = CASES[person.case].grade(result.rubric, grade.name)
                    if score is not None:
                        grade.manual_score = score
                        grade.needs_manual_grade = False  # nbgrader does not clear this itself
            # An override: the hand-edited answers had the right letters in the wrong form.
            edited = BY_CASE["hand-edited-form"].id
            for check in result.rubric.checks:
                for test_id in check.test_ids:
                    grade = gb.find_grade(test_id, result.rubric.notebook, ASSIGNMENT, edited)
                    result.before_override[test_id] = grade.score
                    grade.manual_score = check.test_points[test_id]
                    grade.needs_manual_grade = False
            perfect = gb.find_comment(result.rubric.reflections[0].grade_id, result.rubric.notebook,
                                      ASSIGNMENT, BY_CASE["perfect"].id)
            perfect.manual_comment = COMMENT
            gb.db.commit()

        # Feedback, returned through the exchange, and the export.
        _ok(api.generate_feedback(ASSIGNMENT), "generate_feedback")
        for person in ROSTER:
            page = course.root / "feedback" / person.id / ASSIGNMENT / f"{result.rubric.notebook}.html"
            if page.exists():
                result.feedback[person.id] = page.read_text(encoding="utf-8")
        _ok(api.release_feedback(ASSIGNMENT), "release_feedback")
        result.fetched_feedback = course.fetch_feedback(BY_CASE["perfect"].id)

        grades_csv = base / "grades.csv"
        with Gradebook(f"sqlite:///{course.db}", COURSE_ID) as gb:
            CsvExportPlugin(to=str(grades_csv)).export(gb)
        result.export = read_export(grades_csv)
    return result


def submitted(case: str) -> bool:
    return CASES[case].submits


def test_the_roster_is_imported_with_names_intact(run):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{run.course.db}", COURSE_ID) as gb:
        students = {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}
    assert students == {p.id: (p.first_name, p.last_name, p.email) for p in ROSTER}
    assert len(students) >= 12


def test_the_source_notebook_has_something_to_grade(run):
    """The test derives everything from the source: make sure there is enough of it."""
    assert len(run.rubric.checks) >= 2 and all(check.points > 0 for check in run.rubric.checks)
    assert run.rubric.reflections and all(item.points > 0 for item in run.rubric.reflections)
    assert run.rubric.hidden_tests, "the knowledge checks are expected to have hidden tests"


def test_every_submission_is_collected(run):
    collected = {p.name for p in (run.course.root / "submitted").iterdir()}
    assert collected == {p.id for p in ROSTER if submitted(p.case)}


def test_autograde_reports_the_broken_notebook_and_grades_everyone_else(run):
    broken = BY_CASE["not-json"].id
    failed = {sid for sid, result in run.autograde.items() if not result["success"]}
    assert failed == {broken}
    assert "does not appear to be JSON" in run.autograde[broken]["log"]
    assert broken in run.autograde[broken]["log"]


def test_an_endless_loop_is_stopped_and_the_rest_of_the_notebook_graded(run):
    looping = BY_CASE["endless-loop"]
    graded = nbformat.read(run.course.root / "autograded" / looping.id / ASSIGNMENT /
                           f"{run.rubric.notebook}.ipynb", as_version=4)
    first = run.rubric.checks[0].answer_id
    cell = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == first)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors and errors[0].ename in {"KeyboardInterrupt", "CellTimeoutError"}


def test_editing_a_test_cell_earns_nothing_for_that_check(run):
    edited = BY_CASE["edited-test"]
    graded = nbformat.read(run.course.root / "autograded" / edited.id / ASSIGNMENT /
                           f"{run.rubric.notebook}.ipynb", as_version=4)
    sources = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in graded.cells}
    for test_id in run.rubric.checks[0].test_ids:
        assert "always passes now" not in sources[test_id]  # nbgrader put the real test back


def test_nbgrader_leaves_the_right_cells_to_the_facilitator(run):
    rubric = run.rubric
    reflections = {item.grade_id for item in rubric.reflections}
    tasks = {item.grade_id for item in rubric.manual if not item.answerable}
    expected = {
        "perfect": reflections | tasks,
        "partial": {rubric.reflections[0].grade_id} | tasks,
        "unmodified": tasks,  # nbgrader scores untouched answers 0 by itself
        "reflections-only": reflections | tasks,
        "edited-test": reflections | tasks,
        "deleted-cells": reflections | tasks | set(rubric.checks[0].test_ids),
        "endless-loop": reflections | tasks,
        "not-json": reflections | tasks | {t for c in rubric.checks for t in c.test_ids},
        "emoji": reflections | tasks,
        "right-to-left": reflections | tasks,
        "very-long": reflections | tasks,
        "hand-edited-form": reflections | tasks,
    }
    assert {p.case: run.flagged[p.id] for p in ROSTER if submitted(p.case)} == expected


def test_exported_grades_are_the_expected_scores(run):
    rubric = run.rubric
    assert set(run.export) == {p.id for p in ROSTER}
    got = {p.case: float(run.export[p.id]["score"]) for p in ROSTER}
    want = {p.case: CASES[p.case].expected(rubric) for p in ROSTER}
    assert got == pytest.approx(want)
    assert {float(row["max_score"]) for row in run.export.values()} == {rubric.total}
    assert all(row["assignment"] == ASSIGNMENT for row in run.export.values())
    not_submitted = {p.id for p in ROSTER if not submitted(p.case)}
    assert {sid for sid, row in run.export.items() if row["timestamp"] in ("", "None")} == not_submitted


def test_feedback_shows_scores_and_comments_but_never_hidden_tests_or_rubrics(run):
    graded = {p.id for p in ROSTER if submitted(p.case) and p.case != "not-json"}
    assert set(run.feedback) == graded
    for student, html in run.feedback.items():
        text = feedback_text(html)
        leaked = [line for line in run.rubric.hidden_tests + run.rubric.mark_schemes if line in text]
        assert leaked == [], f"feedback for {student} shows {leaked}"
        assert "BEGIN HIDDEN TESTS" not in text and "MARK SCHEME" not in text
    perfect = feedback_text(run.feedback[BY_CASE["perfect"].id])
    assert COMMENT in perfect
    assert f"(Score: {run.rubric.total:.1f} / {run.rubric.total:.1f})" in perfect
    partial = feedback_text(run.feedback[BY_CASE["partial"].id])
    assert HIDDEN_FAILED in partial  # a wrong answer is told so, without the test that caught it
    wrong = [check for check in run.rubric.checks if check not in right_half(run.rubric)]
    for check in wrong:  # with the hint its author wrote, if any
        assert all(hint in partial for hint in check.hints), check.answer_id
    right_hints = {hint for check in right_half(run.rubric) for hint in check.hints}
    assert not any(hint in partial for hint in right_hints - {h for c in wrong for h in c.hints})


def test_a_wrong_form_scores_nothing_until_the_facilitator_overrides_it(run):
    """`q1 = "C."` or `q3 = "A, C"`: the visible check fails with its plain message and the
    check scores 0; a score typed by the facilitator replaces it in the export."""
    tests = [t for check in run.rubric.checks for t, points in check.test_points.items() if points]
    assert {t: run.before_override[t] for t in tests} == dict.fromkeys(tests, 0.0)
    edited = BY_CASE["hand-edited-form"]
    graded = nbformat.read(run.course.root / "autograded" / edited.id / ASSIGNMENT /
                           f"{run.rubric.notebook}.ipynb", as_version=4)
    for cell in graded.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in tests:
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert errors and errors[0].ename == "AssertionError" and " should be " in errors[0].evalue
    assert float(run.export[edited.id]["score"]) == run.rubric.total


def test_reflections_in_any_script_and_length_reach_the_feedback(run):
    for case, text in [("emoji", EMOJI_REFLECTION), ("right-to-left", RTL_REFLECTION)]:
        assert text in feedback_text(run.feedback[BY_CASE[case].id])
    long = feedback_text(run.feedback[BY_CASE["very-long"].id])
    assert LONG_REFLECTION[:2000] in long and LONG_REFLECTION[-2000:] in long


def test_a_participant_fetches_their_feedback_through_the_exchange(run):
    assert [p.name for p in run.fetched_feedback] == [f"{run.rubric.notebook}.html"]
    assert COMMENT in feedback_text(run.fetched_feedback[0].read_text(encoding="utf-8"))


def test_the_dashboard_reads_the_same_gradebook(run):
    from mentorkit import gradebook

    cohort = gradebook.load(run.course.db)
    names = {p.id: f"{p.first_name} {p.last_name}" for p in ROSTER}
    missing = cohort.not_submitted()
    assert set(missing["name"]) == {names[p.id] for p in ROSTER if not submitted(p.case)}
    totals = cohort.totals().set_index("student_id")["score"].to_dict()
    assert totals == pytest.approx({sid: float(row["score"]) for sid, row in run.export.items()
                                    if sid in totals})
    status = cohort.status().set_index("student_id")["status"].to_dict()
    assert status[BY_CASE["not-json"].id] == gradebook.NEEDS_GRADING
    assert status[BY_CASE["perfect"].id] == gradebook.GRADED
    kinds = cohort.item_summary().set_index("item")["kind"].to_dict()
    assert {kinds[item.grade_id] for item in run.rubric.reflections} == {gradebook.REFLECTION}
    scored = [t for c in run.rubric.checks for t in c.test_ids if not t.endswith("_written")]
    assert {kinds[t] for t in scored} == {gradebook.CHECK}
    # a reflection's 0-point "is it written?" check is a form check, not a score: not listed
    assert not [item for item in kinds if item.endswith("_written")]
