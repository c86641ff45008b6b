"""A cohort on a real JupyterHub: the course's hub configuration, the proxy
from npm, local spawning on loopback. The instructor and five students get
tokens through the REST API and their own servers; the instructor generates
and releases an assignment with the formgrader's API, each student fetches,
answers and submits it through the Assignments API of their own server, and
the instructor collects and autogrades; the grades are what each student
earned. Then everything started is stopped, and checked gone."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from .hub import Hub

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = [f"student{i}" for i in range(1, 6)]
COURSE = "mentorkit"


def first_assignment() -> Path:
    found = sorted((ROOT / "source").glob("[0-9][0-9]-*/*.ipynb"))
    assert found, "no assignment in source/ to release"
    return found[0]


SOURCE = first_assignment()
ASSIGNMENT = SOURCE.parent.name
SOLUTION = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$", re.M)


def answer_cells(nb) -> list[tuple[str, str]]:
    """(grade_id, solution source) of the autograded answer cells, in order."""
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade") and cell.cell_type == "code":
            found.append((meta["grade_id"], "\n".join(
                line for line in cell.source.splitlines() if not SOLUTION.match(line))))
    return found


def points_by_answer(nb) -> dict[str, float]:
    """Answer cell -> points of the autograded test cells that follow it (up to the next answer)."""
    points: dict[str, float] = {}
    current = None
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("solution") and not meta.get("grade"):
            current = meta["grade_id"]
            points[current] = 0.0
        elif meta.get("grade") and current is not None:
            points[current] += float(meta.get("points", 0))
    return points


def test_the_assignment_has_checks_worth_points():
    nb = nbformat.read(SOURCE, as_version=4)
    assert answer_cells(nb), f"{SOURCE.name} has no autograded answer cells"
    assert all(value > 0 for value in points_by_answer(nb).values())


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with Hub(tmp_path_factory.mktemp("hub"), students=STUDENTS) as running:
        running.start()
        yield running
        left = running.stop()
        assert left == [], f"processes left running: {left}"


def test_a_cohort_fetches_submits_and_is_graded_on_the_hub(hub):
    source = nbformat.read(SOURCE, as_version=4)
    checks = answer_cells(source)
    points = points_by_answer(source)

    # every user: a token through the REST API, then their own server
    for name in ["instructor", *STUDENTS]:
        token = hub.token_for(name)
        me = hub.api("GET", "user", token=token).json()
        assert me["name"] == name
        hub.spawn(name)

    # the instructor's server has the course and the formgrader; students' do not
    assert hub.user_request("instructor", "GET", "formgrader/api/status").status_code == 200
    assert hub.user_request("student1", "GET", "formgrader/api/status").status_code == 404
    welcome = hub.user_request("student1", "GET", "api/contents/modules/00-welcome.ipynb")
    assert welcome.status_code == 200

    # generate and release as the instructor
    generated = hub.user_json("instructor", "POST", f"formgrader/api/assignment/{ASSIGNMENT}/assign")
    assert generated["success"], generated
    released = hub.user_json("instructor", "POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")
    assert released["success"], released

    # each student fetches, answers the first i checks right, and submits
    notebook_path = f"assignments/{ASSIGNMENT}/{SOURCE.name}"
    for i, name in enumerate(STUDENTS):
        listed = hub.user_json(name, "POST", "assignments/fetch",
                               data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert listed["success"], listed
        assert any(a["assignment_id"] == ASSIGNMENT and a["status"] == "fetched"
                   for a in listed["value"]), listed
        model = hub.user_json(name, "GET", f"api/contents/{notebook_path}")
        nb = nbformat.from_dict(model["content"])
        right = {grade_id for grade_id, _ in checks[:i]}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            for check_id, solution in checks:
                if grade_id == check_id and check_id in right:
                    cell.source = solution
        hub.user_json(name, "PUT", f"api/contents/{notebook_path}",
                      json={"type": "notebook", "format": "json", "content": nb})
        submitted = hub.user_json(name, "POST", "assignments/submit",
                                  data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert submitted["success"], submitted
        mine = [a for a in submitted["value"] if a["assignment_id"] == ASSIGNMENT]
        assert any(a["status"] == "submitted" for a in mine), mine

    # collect and autograde as the instructor
    collected = hub.user_json("instructor", "POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")
    assert collected["success"], collected
    for name in STUDENTS:
        graded = hub.user_json("instructor", "POST",
                               f"formgrader/api/submission/{ASSIGNMENT}/{name}/autograde")
        assert graded["success"], graded

    # the grades: each check answered right earns its test cells' points
    submissions = {s["student"]: s for s in
                   hub.user_json("instructor", "GET", f"formgrader/api/submissions/{ASSIGNMENT}")}
    assert set(submissions) == set(STUDENTS)
    for i, name in enumerate(STUDENTS):
        expected = sum(points[grade_id] for grade_id, _ in checks[:i])
        assert submissions[name]["autograded"], name
        assert submissions[name]["code_score"] == pytest.approx(expected), name
