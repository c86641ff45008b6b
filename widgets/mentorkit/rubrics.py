"""Rubric sheets: one read-only HTML page per assignment, for grading.

Each sheet is made from the instructor's notebook in ``source/`` and lists, in
order, every knowledge check (question, choices, the right answers and why,
points) and every reflection (prompt, points, the mark scheme) with the
assignment's "what a strong reflection does" guide. A facilitator keeps it open
beside the Formgrader, so that nobody has to open ``source/`` in JupyterLab
(which saves metadata into it and changes the next ``generate_assignment``).

The sheets carry the answers, so they are made on demand into ``rubrics/``
(kept out of git; on the hub only facilitators have ``source/`` to make them
from) rather than committed into ``docs/``, which every participant gets.

    mentorkit rubrics                    # every assignment, into rubrics/
    mentorkit rubrics 02-setting-expectations --out /tmp/sheets
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import assignments as model
from .course import course_root

MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===\s*\n(.*?)=== END MARK SCHEME ===", re.S)
GUIDE = re.compile(r"<details>\s*<summary>[^<]*strong reflection[^<]*</summary>(.*?)</details>", re.S | re.I)
FOLDER = "rubrics"

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; background: #fff;
  max-width: 50em; margin: 1.5em auto; padding: 0 1em; line-height: 1.45; font-size: 15px; }
h1 { font-size: 24px; margin-bottom: 0.2em; } h2 { font-size: 19px; margin-top: 1.6em;
  border-bottom: 2px solid #111; padding-bottom: 0.15em; }
h3 { font-size: 16px; margin: 0 0 0.3em; }
.meta, .id { color: #333; font-size: 13px; }
.id code { font-size: 12px; }
.item { border: 1px solid #888; border-radius: 4px; padding: 0.6em 0.9em; margin: 0.8em 0;
  break-inside: avoid; page-break-inside: avoid; }
.choices { list-style: none; padding-left: 0; }
.choices li { margin: 0.2em 0; padding-left: 1.8em; text-indent: -1.8em; }
.right { font-weight: bold; }
.mark { display: inline-block; width: 1.6em; text-indent: 0; }
.why { border-left: 4px solid #1a7f37; padding-left: 0.7em; }
.scheme { border-left: 4px solid #0b57d0; padding-left: 0.7em; }
.notice { border: 2px solid #b42318; padding: 0.4em 0.8em; font-size: 14px; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  a { color: #111; text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
@page { margin: 18mm 16mm; }
"""


class RubricError(Exception):
    """A sheet that cannot be made; the message says which assignment and why."""


@dataclass
class Sheet:
    assignment: str
    path: Path
    points: float


def _markdown(text: str) -> str:
    import mistune

    return mistune.create_markdown(escape=True)(text)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def assignment_ids(root: Path | None = None) -> list[str]:
    """Every assignment with an instructor's notebook in ``source/``."""
    root = root or course_root()
    return sorted(p.parent.name for p in (root / "source").glob("*/*.ipynb")
                  if p.stem == p.parent.name and ".ipynb_checkpoints" not in p.parts)


def _fmt(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def sheet_html(assignment_id: str, root: Path | None = None) -> tuple[str, float]:
    """The rubric sheet of one assignment, as a standalone HTML page, and its total points."""
    try:
        path = model.source_path(assignment_id, root)
    except model.AssignmentError as exc:
        raise RubricError(f"{assignment_id}: {exc}") from exc
    if not path.is_file():
        raise RubricError(f"{assignment_id}: there is no instructor's notebook at {path}")
    try:
        form = model.read_form(path, assignment_id)
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (model.AssignmentError, OSError, ValueError, KeyError) as exc:
        raise RubricError(f"{assignment_id}: {path} could not be read ({exc})") from exc
    key = model.answer_key(assignment_id, root) or {}
    by_id = {(c.get("metadata", {}).get("nbgrader") or {}).get("grade_id"): model._text(c.get("source"))
             for c in cells}
    guide = next((m.group(1) for c in cells if (m := GUIDE.search(model._text(c.get("source"))))), "")
    total = sum(q.points for q in form.questions)
    parts = []
    checks, reflections = form.checks, form.reflections
    if checks:
        parts.append(f"<h2>Knowledge checks ({_fmt(sum(q.points for q in checks))}, marked by nbgrader)</h2>")
    for number, q in enumerate(checks, 1):
        right, why = key.get(q.grade_id, (None, ""))
        right_set = {str(r).upper() for r in (right if isinstance(right, (list, tuple)) else [right])
                     if r is not None}
        choices = "".join(
            f'<li class="{"right" if c.key in right_set else ""}"><span class="mark">'
            f'{"&#10003;" if c.key in right_set else ""}</span><strong>{esc(c.key)}.</strong> {esc(c.text)}'
            f'{" <em>(correct)</em>" if c.key in right_set else ""}</li>' for c in q.choices)
        answer = ", ".join(sorted(right_set)) or "not found in source/"
        parts.append(
            f'<section class="item" id="{esc(q.grade_id)}"><h3>{esc(q.title or f"Question {number}")} '
            f'<span class="meta">({_fmt(q.points)})</span></h3>'
            f'<div class="id">Formgrader cells: <code>{esc(q.grade_id)}</code> (answer), '
            f"<code>{esc(q.test_id)}</code> (test, {_fmt(q.points)})</div>"
            f"{_markdown(q.prompt)}<ul class=\"choices\">{choices}</ul>"
            f'<div class="why"><p><strong>Correct: {esc(answer)}.</strong>'
            f'{" " + esc(why) if why else ""}</p></div></section>')
    if reflections:
        parts.append(f"<h2>Reflections ({_fmt(sum(q.points for q in reflections))}, graded by you)</h2>")
    for number, q in enumerate(reflections, 1):
        found = MARK_SCHEME.search(by_id.get(q.grade_id, ""))
        scheme = _markdown(found.group(1).strip()) if found else "<p><em>No mark scheme in source/.</em></p>"
        parts.append(
            f'<section class="item" id="{esc(q.grade_id)}"><h3>{esc(q.title or f"Reflection {number}")} '
            f'<span class="meta">({_fmt(q.points)})</span></h3>'
            f'<div class="id">Formgrader cell: <code>{esc(q.grade_id)}</code></div>'
            f'{_markdown(q.prompt)}<div class="scheme"><p><strong>Mark scheme</strong></p>{scheme}</div>'
            "</section>")
    if guide:
        parts.append('<h2>What a strong reflection does</h2><section class="item"><p class="meta">The guide '
                     "participants may open after writing their reflections; it is no rubric.</p>"
                     f"{_markdown(guide.strip())}</section>")
    title = form.title or assignment_id
    page = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Rubric: {esc(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<h1>Rubric: {esc(title)}</h1>"
        f'<p class="meta">Assignment <code>{esc(assignment_id)}</code> · {_fmt(total)} in all · made from '
        f"<code>source/{esc(assignment_id)}/{esc(path.name)}</code>, which this page never changes.</p>"
        '<p class="notice">For facilitators only: this sheet holds the answers and the mark schemes. '
        "Do not share it with participants.</p>"
        f'{"".join(parts)}</body></html>')
    return page, total


def write_sheets(out: Path | None = None, ids: list[str] | None = None,
                 root: Path | None = None) -> list[Sheet]:
    """Write one sheet per assignment (all of ``source/`` by default) and an index into ``out``."""
    root = root or course_root()
    out = Path(out) if out else root / FOLDER
    ids = ids or assignment_ids(root)
    made = []
    pages = [(i, *sheet_html(i, root)) for i in ids]  # every sheet is read before any is written
    out.mkdir(parents=True, exist_ok=True)
    for assignment_id, page, total in pages:
        target = out / f"{assignment_id}.html"
        target.write_text(page, encoding="utf-8")
        made.append(Sheet(assignment_id, target, total))
    rows = "".join(f'<li><a href="{esc(s.path.name)}">{esc(s.assignment)}</a> ({_fmt(s.points)})</li>'
                   for s in made)
    (out / "index.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Rubric sheets</title>'
        f"<style>{CSS}</style></head><body><h1>Rubric sheets</h1>"
        '<p class="notice">For facilitators only: these sheets hold the answers.</p>'
        f"<ul>{rows}</ul></body></html>", encoding="utf-8")
    return made
