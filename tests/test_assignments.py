"""The nbgrader assignments of lessons 01..10: what each source notebook asks,
that release/ is exactly what generate_assignment makes of source/, that the
release gives nothing away, and that nbgrader's validator (the same code the
Validate button runs) treats source, release and a learner's answers as a
facilitator and a self-paced learner would expect.

The slow parts (generating every assignment, running the notebooks) run once,
in module fixtures."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mentorkit.course import LESSONS

ROOT = Path(__file__).resolve().parents[1]
SLUGS = [lesson.slug for lesson in LESSONS if 1 <= int(lesson.slug[:2]) <= 10]
BIN = Path(sys.executable).parent

SOLUTION = re.compile(r"^[ \t]*#+[ \t]*BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*#+[ \t]*END SOLUTION", re.S | re.M)
HIDDEN = re.compile(r"#+[ \t]*BEGIN HIDDEN TESTS[ \t]*\n(.*?)#+[ \t]*END HIDDEN TESTS", re.S)
MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===\s*\n(.*?)=== END MARK SCHEME ===", re.S)
GUIDE = "<details><summary>After you have written yours: what a strong reflection does</summary>"
WIDGET_CODE = re.compile(r"\b(mentorkit|ipywidgets|show_\w+|widget)", re.I)
FORM_MESSAGE = (r"'qN should be (one letter between quotes, such as \"B\" \(a letter from A to [A-H]\)"
                r"|a list of letters, each in quotes, such as \[\"A\", \"C\"\] \(letters A to [A-H] only\))'")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
REFLECTION = "Before our first meeting I asked what she hoped to gain this year, and we wrote it down."

pytestmark = pytest.mark.slow


def source_path(slug: str) -> Path:
    return ROOT / "source" / slug / f"{slug}.ipynb"


def release_path(slug: str) -> Path:
    return ROOT / "release" / slug / f"{slug}.ipynb"


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def read(path: Path):
    return nbformat.read(path, as_version=4)


def reflections(nb) -> list:
    return [c for c in nb.cells
            if c.cell_type == "markdown" and meta(c).get("grade") and meta(c).get("solution")]


def answers(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and meta(c).get("solution")]


def graded_cells(nb) -> list:
    """The test cells of the knowledge checks (not the no-point checks of the reflections)."""
    return [c for c in nb.cells if c.cell_type == "code" and meta(c).get("grade")
            and not meta(c)["grade_id"].endswith("_written")]


def reflection_checks(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and meta(c).get("grade")
            and meta(c)["grade_id"].endswith("_written")]


def solution_of(cell) -> str:
    """What the instructor's answer cell leaves in effect: the solution region, run."""
    return "\n".join(SOLUTION.findall(cell.source)).strip()


def secrets(nb) -> list[str]:
    """Every line of text the participants' copy must not hold: solutions, hidden
    tests and rubrics, markers included."""
    found = []
    for cell in nb.cells:
        for pattern in (SOLUTION, HIDDEN, MARK_SCHEME):
            for block in pattern.findall(cell.source):
                found += [line.strip() for line in block.splitlines() if len(line.strip()) > 3]
        found += [m for m in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "MARK SCHEME") if m in cell.source]
    return found


def validator(**settings):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    for key, value in settings.items():
        setattr(config.Validator, key, value)
    return Validator(config=config)


# --- what each source notebook asks ----------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_each_lesson_has_reflections_with_rubrics_and_checks_with_hidden_tests(slug):
    nb = read(source_path(slug))
    refl = reflections(nb)
    assert 2 <= len(refl) <= 3, f"{slug}: {len(refl)} reflections"
    for cell in refl:
        assert 3 <= meta(cell)["points"] <= 5, meta(cell)["grade_id"]
        assert MARK_SCHEME.search(cell.source), f"{meta(cell)['grade_id']} has no mark scheme"
        assert not meta(cell).get("locked")
    checks, graded = answers(nb), graded_cells(nb)
    assert 3 <= len(checks) <= 6, f"{slug}: {len(checks)} knowledge checks"
    assert len(graded) == len(checks)  # one test cell per check
    for answer in checks:
        test = nb.cells[nb.cells.index(answer) + 1]
        assert meta(test).get("grade") and meta(test).get("locked") and meta(test)["points"] == 1
        assert meta(test)["grade_id"] == meta(answer)["grade_id"] + "_test"
        visible, hidden = HIDDEN.split(test.source)[0], HIDDEN.findall(test.source)
        assert visible.lstrip().startswith('"""'), "a test cell opens with a one-line docstring"
        assert hidden and "assert" in hidden[0], f"{meta(test)['grade_id']} has no hidden test"
        assert re.search(r"assert .+, '.+'", visible), "the visible check explains itself"
        assert solution_of(answer), f"{meta(answer)['grade_id']} has no solution region"
    ids = [meta(c)["grade_id"] for c in nb.cells if meta(c)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("slug", SLUGS)
def test_each_reflection_is_followed_by_a_locked_no_point_check_that_it_is_written(slug):
    nb = read(source_path(slug))
    assert len(reflection_checks(nb)) == len(reflections(nb))
    for cell in reflections(nb):
        check = nb.cells[nb.cells.index(cell) + 1]
        assert meta(check) == {**meta(check), "grade": True, "locked": True, "points": 0,
                               "grade_id": meta(cell)["grade_id"] + "_written", "solution": False}
        assert f'== "{meta(cell)["grade_id"]}"' in check.source
        assert re.search(r"assert .+, '.+ is still empty: write your answer in its box.'", check.source)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_knowledge_check_carries_its_choices_for_the_form(slug):
    """The Assignments page shows choices from cell metadata; they must say what the prose says,
    and nbgrader generate_assignment must carry them into the release unchanged."""
    source, release = read(source_path(slug)), read(release_path(slug))
    released = {meta(c)["grade_id"]: c for c in answers(release)}
    for cell in answers(source):
        form = cell.metadata["mentorkit"]
        question = nb_before(source, cell)
        prose = re.findall(r"^- \*\*([A-H])\.\*\* (.+)$", question, re.M)
        assert [(c["key"], c["text"]) for c in form["choices"]] == [(k, t.strip()) for k, t in prose]
        assert form["kind"] == ("several" if "every answer that applies" in question else "one")
        assert form["variable"] == meta(cell)["grade_id"].split("_")[0]
        value = ast.literal_eval(solution_of(cell).split(" = ", 1)[1])
        assert isinstance(value, list if form["kind"] == "several" else str)
        assert released[meta(cell)["grade_id"]].metadata["mentorkit"] == form
    for cell in reflections(source):
        assert cell.metadata["mentorkit"]["kind"] == "reflection"


def nb_before(nb, cell) -> str:
    return nb.cells[nb.cells.index(cell) - 1].source


@pytest.mark.parametrize("slug", SLUGS)
def test_source_notebooks_are_clean_and_free_of_widgets(slug):
    nb = read(source_path(slug))
    assert nb.metadata.kernelspec.name == "python3"
    assert [c.id for c in nb.cells] == [f"{slug}-{i}" for i in range(len(nb.cells))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert not WIDGET_CODE.search(cell.source), cell.source
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for needed in ("Assignments page", "Check my answers", "docs/assignments-in-jupyterlab.md",
                   "facilitator"):
        assert needed in text, f"{slug}: the instructions do not mention {needed}"
    # a learner reads no code: typing answers by hand is explained in the guide the
    # instructions point to, for those who prefer JupyterLab
    for gone in ("Type the letter", "between the two quotes", "Nbgrader → Assignments", 'q1 = "B"',
                 "Shift + Enter"):
        assert gone not in text, f"{slug}: the instructions still say {gone!r}"
    guide = (ROOT / "docs" / "assignments-in-jupyterlab.md").read_text(encoding="utf-8")
    for needed in ('q1 = "B"', '["A", "C"]', "Validate", "Shift + Enter"):
        assert needed in guide, f"the JupyterLab guide does not mention {needed}"


@pytest.mark.parametrize("slug", SLUGS)
def test_the_reflection_guide_follows_the_reflections_and_is_no_rubric(slug):
    nb = read(source_path(slug))
    guides = [i for i, c in enumerate(nb.cells) if GUIDE in c.source]
    assert len(guides) == 1
    guide = nb.cells[guides[0]]
    assert guide.cell_type == "markdown" and not meta(guide) and "</details>" in guide.source
    last_reflection = max(nb.cells.index(c) for c in reflections(nb))
    assert guides[0] > last_reflection
    assert not [line for line in secrets(nb) if line in guide.source]


@pytest.mark.parametrize("slug", SLUGS)
def test_visible_messages_do_not_depend_on_the_answer(slug):
    """The form message is built from the question's shape only (one letter or a
    list, how many options), so it cannot hint at which letter is right."""
    nb = read(source_path(slug))
    for answer in answers(nb):
        test = nb.cells[nb.cells.index(answer) + 1]
        var = meta(answer)["grade_id"].split("_")[0]
        visible = HIDDEN.split(test.source)[0]
        message = re.search(r", ('.+')\s*$", visible.strip()).group(1)
        neutral = message.replace(var, "qN")
        assert re.fullmatch(FORM_MESSAGE, neutral), message
        for hidden in HIDDEN.findall(test.source):
            for text in re.findall(r", ('[^']*'|\"[^\"]*\")\s*$", hidden, re.M):
                assert not re.search(r"[\"'][A-H][\"']|\[[\"']", ast.literal_eval(text)), text


# --- release/ is what nbgrader makes of source/ ----------------------------------------------

@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """Every assignment generated afresh into a temporary copy of the course."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    course = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "source", course / "source")
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    with pytest.MonkeyPatch.context() as patch:
        # nbgrader runs `alembic` from PATH when it creates a gradebook.
        patch.setenv("PATH", str(BIN) + os.pathsep + os.environ["PATH"])
        api = NbGraderAPI(config=config)
        for slug in SLUGS:
            result = api.generate_assignment(slug, force=True, create=True)
            assert result["success"], f"{slug}:\n{result.get('error')}\n{result.get('log')}"
    return course / "release"


@pytest.mark.parametrize("slug", SLUGS)
def test_committed_release_is_what_generate_assignment_makes(regenerated, slug):
    fresh = json.loads((regenerated / slug / f"{slug}.ipynb").read_text(encoding="utf-8"))
    committed = json.loads(release_path(slug).read_text(encoding="utf-8"))
    assert committed == fresh, (f"release/{slug} differs from source/{slug}: run "
                                f"nbgrader generate_assignment {slug} --force")
    assert sorted(p.name for p in release_path(slug).parent.iterdir()) == [f"{slug}.ipynb"]


@pytest.mark.parametrize("slug", SLUGS)
def test_release_has_no_outputs_and_gives_nothing_away(slug):
    nb = read(release_path(slug))
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    text = "\n".join(c.source for c in nb.cells)
    leaked = [line for line in secrets(read(source_path(slug))) if line in text]
    assert leaked == []
    for cell in reflections(nb):
        assert cell.source == "YOUR ANSWER HERE"
    for cell in answers(nb):
        assert "NotImplementedError" not in cell.source
        assert re.search(r'^q\d+ = (""|\[\])$', cell.source, re.M), cell.source


# --- nbgrader validate: the command line, and the Validate button's code -------------------

def nbgrader_validate(*args: str) -> str:
    env = {**os.environ, "PATH": str(BIN) + os.pathsep + os.environ["PATH"]}
    done = subprocess.run([str(BIN / "nbgrader"), "validate", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_nbgrader_validate_passes_every_source_and_fails_every_test_of_every_release():
    output = nbgrader_validate(*[str(source_path(s)) for s in SLUGS])
    assert output.count("Success! Your notebook passes all the tests.") == len(SLUGS), output[-3000:]
    assert "FAILED" not in output and "changed" not in output.lower()
    # --invert counts a no-point check as passed whatever it finds (0 of 0 is full marks), so
    # the reflections' checks are the only cells a blank release may "pass".
    invert = validator(invert=True)
    for slug in SLUGS:
        passed = [r["source"] for r in invert.validate(str(release_path(slug))).get("passed", [])]
        expected = [c.source.strip() for c in reflection_checks(read(release_path(slug)))]
        assert sorted(passed) == sorted(expected), f"{slug}: a blank release passes {passed}"


def answered(slug: str, tmp: Path, choose) -> Path:
    """A copy of the release with each answer cell set by ``choose(source answer cell)``
    and every reflection written, as a participant would leave it."""
    source = {meta(c)["grade_id"]: c for c in answers(read(source_path(slug)))}
    nb = read(release_path(slug))
    for cell in answers(nb):
        cell.source = choose(source[meta(cell)["grade_id"]])
    for cell in reflections(nb):
        cell.source = REFLECTION
    path = tmp / slug / f"{slug}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def learner_results(tmp_path_factory) -> dict:
    """Validate results (the code behind the Validate button) for a release answered
    correctly and one answered in the wrong form, per lesson."""
    tmp = tmp_path_factory.mktemp("learner")
    check = validator()
    results = {}
    for slug in SLUGS:
        right = answered(slug, tmp / "right", solution_of)
        badly = answered(slug, tmp / "badly", lambda c: solution_of(c).split(" = ")[0] + ' = "A and C"')
        results[slug] = {"right": check.validate(str(right)), "badly": check.validate(str(badly))}
    return results


@pytest.mark.parametrize("slug", SLUGS)
def test_a_release_answered_correctly_passes_validate(learner_results, slug):
    assert learner_results[slug]["right"] == {}, learner_results[slug]["right"]


@pytest.mark.parametrize("slug", SLUGS)
def test_an_answer_in_the_wrong_form_gets_the_form_message_and_not_the_answer(learner_results, slug):
    failed = learner_results[slug]["badly"].get("failed", [])
    source = read(source_path(slug))
    checks = answers(source)
    assert len(failed) == len(checks)  # `q1 = "A and C"` fails every check, and only checks
    secret = secrets(source)
    for result, answer in zip(failed, checks, strict=True):
        var = meta(answer)["grade_id"].split("_")[0]
        last = ANSI.sub("", result["raw_error"]).strip().splitlines()[-1]
        assert last.startswith(f"AssertionError: {var} should be "), last
        assert not [line for line in secret if line in result["raw_error"] or line in result["source"]]


def test_empty_reflections_fail_validate_by_name_and_a_letter_without_quotes_gets_words(tmp_path):
    """An emptied reflection and an untouched one both fail nbgrader's validation, named;
    `q1 = B` (a NameError in the answer cell) gets the plain form message in the check cell."""
    slug = "05-sponsorship"
    path = answered(slug, tmp_path, solution_of)
    nb = read(path)
    first, second = reflections(nb)[:2]
    first.source = ""
    second.source = "YOUR ANSWER HERE"
    answer = answers(nb)[0]
    var = meta(answer)["grade_id"].split("_")[0]
    answer.source = f"{var} = B"
    nbformat.write(nb, path)
    failed = validator().validate(str(path)).get("failed", [])
    lasts = [ANSI.sub("", r["raw_error"]).strip().splitlines()[-1] for r in failed]
    assert "AssertionError: Reflection 1 is still empty: write your answer in its box." in lasts
    assert "AssertionError: Reflection 2 is still empty: write your answer in its box." in lasts
    form = f"AssertionError: {var} should be one letter between quotes"
    assert any(last.startswith(form) for last in lasts)
    assert not any("NameError" in r["raw_error"] for r in failed)


def test_a_wrong_letter_fails_the_hidden_test_with_a_hint_not_the_answer(tmp_path):
    """Against the instructor's version (hidden tests present), a well-formed wrong
    answer fails, and the message names the question, not the right letter."""
    slug = "02-setting-expectations"
    nb = read(source_path(slug))
    for cell in answers(nb):
        solution = solution_of(cell)
        var, value = solution.split(" = ", 1)
        value = ast.literal_eval(value)
        wrong = next(x for x in "ABCD" if x not in value)
        cell.source = f"{var} = {[wrong]!r}" if isinstance(value, list) else f"{var} = {wrong!r}"
    path = tmp_path / slug / f"{slug}.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    failed = validator().validate(str(path)).get("failed", [])
    assert len(failed) == len(answers(nb))
    for result in failed:
        last = ANSI.sub("", result["raw_error"]).strip().splitlines()[-1]
        assert "is not right yet" in last
        assert not re.search(r"[\"'][A-H][\"']", last), last
