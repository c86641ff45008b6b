"""The gradebook dashboard: frames read from a gradebook built with nbgrader's API
(known numbers), the HTML view in the kernel, the friendly page when there is
no gradebook, and the Voila page in a real Chromium."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from mentorkit import gradebook as model
from mentorkit.ui import gradebook as view

from .browser_checks import RequestLog, axe_violations, describe, page_errors
from .cohort_fixtures import SAMPLE_ASSIGNMENTS, SAMPLE_ROSTER, build_sample_gradebook, record_score
from .servers import voila

PAGE = "/voila/render/exercises/facilitator/gradebook.ipynb"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        # nbgrader runs `alembic` from PATH when it creates a gradebook.
        patch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        return build_sample_gradebook(tmp_path_factory.mktemp("gradebook") / "gradebook.db")


@pytest.fixture
def cohort(sample_db):
    return model.load(sample_db)


def test_the_gradebook_is_found_in_the_course_or_where_the_environment_says(monkeypatch, tmp_path):
    monkeypatch.delenv(model.ENV, raising=False)
    monkeypatch.setenv("MENTORKIT_COURSE", str(tmp_path))
    assert model.gradebook_path() == tmp_path / "gradebook.db"
    monkeypatch.setenv(model.ENV, str(tmp_path / "elsewhere.db"))
    assert model.gradebook_path() == tmp_path / "elsewhere.db"


def test_roster_and_assignments_are_read(cohort):
    assert set(cohort.students["student_id"]) == {s[0] for s in SAMPLE_ROSTER}
    assert list(cohort.assignments["assignment"]) == sorted(SAMPLE_ASSIGNMENTS)
    assert "Jo <b> Smith & Co" in set(cohort.students["name"])
    assert list(cohort.assignments["label"])[:2] == ["01 Models of mentoring", "02 Setting expectations"]


def test_completion_by_lesson_counts_graded_waiting_and_missing(cohort):
    table = cohort.completion_by_lesson().set_index("assignment")
    assert table.loc["01-models-of-mentoring", ["Submitted", "Graded", "Needs grading", "Not submitted"]
                     ].tolist() == [4, 3, 1, 2]
    assert table.loc["02-setting-expectations", ["Submitted", "Graded", "Needs grading", "Not submitted"]
                     ].tolist() == [2, 1, 1, 4]
    assert table.loc["03-feedback", ["Submitted", "Not submitted"]].tolist() == [0, 6]
    assert table.loc["01-models-of-mentoring", "Submitted (%)"] == pytest.approx(66.7)


def test_completion_by_participant(cohort):
    table = cohort.completion()
    assert table.shape == (6, 3)
    assert table.loc["Rania Ahmed (rahmed)"].tolist() == [model.GRADED, model.GRADED, model.NOT_SUBMITTED]
    assert table.loc["ليلى حداد (lhaddad)", "01 Models of mentoring"] == model.NEEDS_GRADING
    assert set(table.loc["Nia Owens (nowens)"]) == {model.NOT_SUBMITTED}


def test_who_has_not_submitted(cohort):
    missing = cohort.not_submitted()
    first = missing[missing["assignment"] == "01-models-of-mentoring"]
    assert set(first["name"]) == {"Nia Owens", "Preet Kaur"}
    assert len(missing[missing["assignment"] == "03-feedback"]) == len(SAMPLE_ROSTER)


def test_what_waits_for_grading_by_hand(cohort):
    waiting = cohort.needs_grading()
    assert set(zip(waiting["student_id"], waiting["cells"], strict=True)) == {
        ("lhaddad", "reflection_mentoring_model"), ("jsmith", "reflection_first_meeting")}


def test_score_summary_per_reflection_and_check(cohort):
    summary = cohort.item_summary().set_index("item")
    assert summary.loc["reflection_mentoring_model", "kind"] == model.REFLECTION
    assert summary.loc["mentor_roles", "kind"] == model.CHECK
    assert summary.loc["reflection_mentoring_model", ["count", "mean"]].tolist() == [3, 3.0]
    assert summary.loc["mentor_roles", ["count", "mean"]].tolist() == [4, 0.75]
    assert summary.loc["feedback_timing", "count"] == 0
    totals = cohort.totals().set_index(["student_id", "assignment"])
    assert totals.loc[("rahmed", "01-models-of-mentoring"), ["score", "max_score", "final"]].tolist() \
        == [7.0, 7.0, True]
    assert not totals.loc[("jsmith", "02-setting-expectations"), "final"]


def test_reading_never_writes(sample_db):
    before = sample_db.read_bytes()
    model.load(sample_db).completion()
    assert sample_db.read_bytes() == before


def test_a_missing_gradebook_is_explained(tmp_path):
    with pytest.raises(model.GradebookError, match="no gradebook at .* `nbgrader db student import"):
        model.load(tmp_path / "gradebook.db")
    html = view.show_gradebook(tmp_path / "gradebook.db")._repr_html_()
    assert "Nothing to show yet" in html and "MENTORKIT_GRADEBOOK" in html
    assert not (tmp_path / "gradebook.db").exists()


def without_guide(html: str) -> str:
    """The page less the facilitator guide folded into it (which quotes cell ids and errors)."""
    import re

    cut = re.sub(r'<details class="mk-guide.*?</details>', "", html, flags=re.S)
    assert cut != html, "the page has no facilitator guide"
    return cut


def test_a_file_that_is_not_a_gradebook_is_explained(tmp_path):
    broken = tmp_path / "gradebook.db"
    broken.write_text("these are notes, not a database")
    html = without_guide(view.show_gradebook(broken)._repr_html_())  # the guide names tracebacks
    assert "could not be read as an nbgrader gradebook" in html
    assert "Traceback" not in html and "SELECT" not in html
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert "could not be read" in view.show_gradebook(empty)._repr_html_()


def test_the_dashboard_html_has_every_section_and_escapes_names(sample_db):
    html = view.show_gradebook(sample_db)._repr_html_()
    for heading in ("Completion by lesson", "Who has not submitted", "Waiting to be graded by hand",
                    "Completion by participant", "Scores by reflection and knowledge check"):
        assert f"<h2>{heading}</h2>" in html
    assert html.count("<img ") == 1 + 2  # completion, and scores for the two assignments with grades
    assert 'alt="Completion by lesson. 01 Models of mentoring: 4 submitted' in html
    assert "Nia Owens" in html and "Preet Kaur" in html
    assert "Jo &lt;b&gt; Smith &amp; Co" in html and "Jo <b>" not in html


def test_completion_chart_labels_each_lesson(cohort):
    fig = view.completion_figure(cohort.completion_by_lesson())
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(cohort.assignments["label"])
    assert ax.get_xlabel() == "Participants"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Graded", "Needs grading", "Not submitted"]


@pytest.mark.browser
@pytest.mark.slow
def test_voila_renders_the_dashboard_over_a_gradebook(page, sample_db, tmp_path):
    with voila(env={view.model.ENV: str(sample_db), "MENTORKIT_HOME": str(tmp_path)}) as server:
        server.start("/voila/")
        requests = RequestLog(page)
        page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
        page.wait_for_selector("img[alt^='Completion by lesson']", timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=60_000)
        text = page.inner_text("body")
        assert "Traceback" not in text
        assert "show_gradebook" not in page.content()  # Voila shows no code
        assert "Who has not submitted" in text
        assert "Nia Owens" in text and "Preet Kaur" in text
        assert "ليلى حداد" in text
        assert page.locator("img[alt^='Scores for 01 Models of mentoring']").count() == 1
        assert page.locator("table").count() >= 4
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        assert page_errors(page) == []
        assert requests.external() == []
        assert any("/voila/" in url for url in requests.urls)  # the log did record the page's requests


# -- questions by their text, totals per person, the guide on the page -----------------------
REAL = "02-setting-expectations"


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    """A gradebook whose cells are the real graded cells of release/02-setting-expectations,
    read here from the notebook's metadata; one participant with known scores, known by a
    code alone, and two who share a name and have not submitted."""
    import nbformat
    from nbgrader.api import Gradebook

    path = tmp_path_factory.mktemp("real-gradebook") / "gradebook.db"
    notebook = nbformat.read(Path(__file__).resolve().parents[1] / "release" / REAL / f"{REAL}.ipynb",
                             as_version=4)
    graded = [(c.metadata.nbgrader["grade_id"], c.cell_type, float(c.metadata.nbgrader["points"]))
              for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        with Gradebook(f"sqlite:///{path}", "mentorkit") as gb:
            gb.update_or_create_student("p01", first_name="", last_name="")  # a code, no name
            for code in ("asmith1", "asmith2"):  # two people, one name
                gb.update_or_create_student(code, first_name="Ann", last_name="Smith")
            gb.update_or_create_assignment(REAL)
            gb.update_or_create_notebook(REAL, REAL)
            for name, cell_type, points in graded:
                gb.update_or_create_grade_cell(name, REAL, REAL, max_score=points, cell_type=cell_type)
                if cell_type == "markdown":
                    gb.update_or_create_solution_cell(name, REAL, REAL)
            gb.add_submission(REAL, "p01")
            for name, cell_type, points in graded:
                record_score(gb.find_grade(name, REAL, REAL, "p01"), points, by_hand=cell_type == "markdown")
            gb.db.commit()
    return path


def test_questions_are_named_by_their_text_not_their_cell_ids(real_db):
    cohort = model.load(real_db)
    labels = dict(zip(cohort.cells["item"], cohort.cells["question"], strict=True))
    assert labels["q3_terms_to_agree_test"].startswith("Question 3: Which of these are terms the lesson")
    assert labels["reflection_unspoken_assumption"].startswith("Reflection 1: Think of a mentoring")
    html = without_guide(view.show_gradebook(real_db)._repr_html_())
    assert "Question 3: Which of these are terms the lesson" in html
    assert "q3_terms_to_agree_test" not in html and "reflection_unspoken_assumption" not in html
    assert "<th>Question</th>" in html and "<th>Cell</th>" not in html


def test_a_participant_without_a_name_is_shown_by_code_with_a_full_total(real_db):
    row = model.load(real_db).person_totals().set_index("student_id").loc["p01"]
    assert row["who"] == "p01"
    assert row["Total"] == row["Out of"] == 16.0  # 5 checks of 1 point, reflections of 4, 4 and 3


def test_totals_by_participant_add_up_the_scores(sample_db):
    from .cohort_fixtures import SAMPLE_SUBMISSIONS

    table = model.load(sample_db).person_totals().set_index("student_id")
    out_of = sum(points for cells in SAMPLE_ASSIGNMENTS.values() for _, _, points in cells)
    for student_id, *_ in SAMPLE_ROSTER:
        expected = sum(score or 0.0 for (who, _), scores in SAMPLE_SUBMISSIONS.items() if who == student_id
                       for score in scores.values())
        assert table.loc[student_id, "Total"] == expected, student_id
        assert table.loc[student_id, "Out of"] == out_of
    assert table.loc["rahmed", "01 Models of mentoring"] == 7.0
    assert table.loc["jsmith", "Not final"] == 1 and table.loc["rahmed", "Not final"] == 0
    html = view.totals_html(model.load(sample_db))
    assert "<th scope=\"row\">Rania Ahmed (rahmed)</th><td>7</td><td>4</td>" in html
    assert "Jo &lt;b&gt; Smith &amp; Co (jsmith)" in html
    assert "<td>0*</td>" in html  # jsmith's 02, still waiting for grading by hand


def test_two_people_with_one_name_keep_a_row_each(real_db):
    table = model.load(real_db).completion()
    assert list(table.index) == ["Ann Smith (asmith1)", "Ann Smith (asmith2)", "p01"]


@pytest.mark.browser
@pytest.mark.slow
def test_standalone_voila_opens_the_guide_on_the_page(page, sample_db, tmp_path):
    """`voila exercises/facilitator/gradebook.ipynb`, as the guide says to run it, serves
    nothing outside exercises/facilitator/ (docs/ is two folders up): the guide is on the
    page, folded, and opens where it is."""
    from .servers import BIN, ROOT, Server, free_port

    port = free_port()
    argv = [str(BIN / "voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
            "--Voila.port_retries=0", "exercises/facilitator/gradebook.ipynb"]
    env = {view.model.ENV: str(sample_db), "MENTORKIT_HOME": str(tmp_path)}
    with Server(argv, port, cwd=ROOT, env=env) as server:
        server.start("/")
        assert server.get("/voila/files/../../docs/facilitator-guide.md")[0] != 200  # why it is inline
        page.goto(server.url("/"), wait_until="domcontentloaded", timeout=120_000)
        opener = page.locator(f"#{view.GUIDE_ID} > summary")
        opener.wait_for(timeout=120_000)
        guide = page.get_by_role("heading", name="4. The roster")
        assert not guide.is_visible()
        opener.click()
        guide.wait_for(state="visible", timeout=10_000)
        assert "nbgrader db student import roster.csv" in page.locator(f"#{view.GUIDE_ID}").inner_text()
        assert "Totals by participant" in page.inner_text("body")
        assert page_errors(page) == []
