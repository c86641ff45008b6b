"""Rubric sheets (`mentorkit rubrics`): one per assignment in source/, each with every
graded cell's question, points, right answers or mark scheme, made without changing
anything in source/. The expectations are read from the source notebooks here, with
nbformat, not through the code under test."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import nbformat
import pytest

from mentorkit import cli
from mentorkit.rubrics import FOLDER

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
SOLUTION = re.compile(r"^[ \t]*#+[ \t]*BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*#+[ \t]*END SOLUTION", re.S | re.M)
MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===\s*\n(.*?)=== END MARK SCHEME ===", re.S)
IDS = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: its content hash and modification time."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def plain(text: str) -> str:
    """Text without tags, entities, Markdown emphasis or runs of white space."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(w for w in text.replace("*", "").replace("`", "").split() if w != "-")


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    out = tmp_path_factory.mktemp("rubrics")
    before = snapshot(SOURCE)
    assert cli.main(["rubrics", "--out", str(out)]) == cli.EXIT_OK
    assert snapshot(SOURCE) == before, "making the rubric sheets changed something in source/"
    return out


def test_there_are_assignments_to_check():
    assert len(IDS) >= 10


def test_every_assignment_in_source_has_a_sheet_and_the_index_links_it(sheets):
    made = sorted(p.stem for p in sheets.glob("*.html") if p.name != "index.html")
    assert made == IDS
    index = (sheets / "index.html").read_text(encoding="utf-8")
    for assignment in IDS:
        assert f'href="{assignment}.html"' in index


def section(page: str, grade_id: str) -> str:
    found = re.search(rf'<section class="item" id="{re.escape(grade_id)}">(.*?)</section>', page, re.S)
    assert found, f"the sheet has no section for {grade_id}"
    return plain(found.group(1))


@pytest.mark.parametrize("assignment", IDS)
def test_each_graded_cell_has_its_question_points_and_answer(sheets, assignment):
    page = (sheets / f"{assignment}.html").read_text(encoding="utf-8")
    cells = nbformat.read(SOURCE / assignment / f"{assignment}.ipynb", as_version=4).cells
    total = 0.0
    for index, cell in enumerate(cells):
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or not meta.get("grade_id"):
            continue
        question = plain(cells[index - 1].source.split("\n\n")[1])  # the paragraph after the heading
        if cell.cell_type == "markdown":  # a reflection: graded here, with its mark scheme
            points = meta["points"]
            text = section(page, meta["grade_id"])
            scheme = plain(MARK_SCHEME.search(cell.source).group(1))
        else:  # a knowledge check: its points are on the test cell that follows
            test = cells[index + 1].metadata["nbgrader"]
            points = test["points"]
            text = section(page, meta["grade_id"])
            assert test["grade_id"] in text
            letters = re.findall(r'"([A-H])"', SOLUTION.search(cell.source).group(1))
            scheme = f"Correct: {', '.join(sorted(letters))}."
        total += points
        assert question[:120] in text, f"{meta['grade_id']}: question text missing"
        assert f"({points:g} point" in text, f"{meta['grade_id']}: points missing"
        assert scheme[:200] in text, f"{meta['grade_id']}: answer or mark scheme missing"
    assert f"{total:g} points in all" in plain(page)
    assert "what a strong reflection does" in page.lower()


def test_the_default_folder_is_kept_out_of_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"{FOLDER}/" in ignored


def test_an_unknown_assignment_is_named_and_nothing_is_written(tmp_path, capsys):
    assert cli.main(["rubrics", "99-nothing", "--out", str(tmp_path / "out")]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "99-nothing" in err and "02-setting-expectations" in err
    assert not (tmp_path / "out").exists()
