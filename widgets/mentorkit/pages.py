"""The learner's pages and the small header at the top of each.

Every page a learner opens is a notebook shown as an app by Voila. Each one
starts with a header cell: course home, previous and next page, and where the
page sits in the course. The header is plain HTML in a Markdown cell, so it is
drawn before the kernel has started, and it works in JupyterLab too.

The headers are generated from the course's shape (``course.LESSONS`` and
``course.SELF_ASSESSMENTS``), never written by hand: ``python -m
mentorkit.pages`` rewrites them, and a test fails when a notebook's header
differs from what this module would write.

Addresses: a learner page is ``/voila/render/<path>``; links between pages
are relative, so they resolve inside Voila (and inside JupyterLab, for the
notebook view), whatever the server's base URL (a hub user's ``/user/<name>/``).
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import sys
from dataclasses import dataclass
from pathlib import Path

from .course import LESSONS, SELF_ASSESSMENTS, course_root

HEADER_TAG = "mk-header"
FOOTER_TAG = "mk-footer"
HOME = "modules/00-welcome.ipynb"
SCENARIOS = "exercises/scenarios.ipynb"
ASSIGNMENTS = "exercises/assignments.ipynb"
VOILA_PREFIX = "voila/render/"


@dataclass(frozen=True)
class Page:
    """One learner page: its notebook, its title, and its place in the course."""

    path: str  # relative to the course root
    title: str
    where: str  # "Lesson 5 of 11", "Practice", ...
    previous: str | None = None  # another page's path
    next: str | None = None
    related: tuple[str, ...] = ()  # lesson paths it belongs to (for apps)


def _lesson_title(index: int) -> str:
    lesson = LESSONS[index]
    return lesson.title if index == 0 else f"{lesson.number}. {lesson.title}"


def learner_pages() -> list[Page]:
    """Every page a learner opens, in the order of the course."""
    pages = []
    last = len(LESSONS) - 1
    for i, lesson in enumerate(LESSONS):
        # "Lesson 2a · page 3 of 16" when a lesson's number is not its place
        where = ("Course home" if i == 0 else f"Lesson {i} of {last}" if lesson.number == str(i)
                 else f"Lesson {lesson.number} · page {i} of {last}")
        pages.append(Page(
            lesson.notebook, _lesson_title(i), where,
            previous=LESSONS[i - 1].notebook if i > 0 else None,
            next=LESSONS[i + 1].notebook if i < last else None,
        ))
    pages.append(Page(SCENARIOS, "Scenarios", "Practice: every scenario in the course"))
    pages.append(Page(ASSIGNMENTS, "Assignments", "Assignments for the lessons"))
    for app in SELF_ASSESSMENTS:
        pages.append(Page(app.notebook, app.title, "Self-assessment",
                          related=tuple(f"modules/{slug}.ipynb" for slug in app.lessons)))
    return pages


def page_titles() -> dict[str, str]:
    return {page.path: page.title for page in learner_pages()}


def _rel(target: str, source: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def _neighbours(page: Page, next_label: str) -> dict[str, str]:
    """The links to the previous and the next page, by rel."""
    titles, links = page_titles(), {}
    if page.previous:
        links["prev"] = (f'<a rel="prev" href="{_rel(page.previous, page.path)}">'
                         f"&larr; Previous: {html.escape(titles[page.previous])}</a>")
    if page.next:
        links["next"] = (f'<a rel="next" href="{_rel(page.next, page.path)}">'
                         f"{next_label}: {html.escape(titles[page.next])} &rarr;</a>")
    return links


def _nav(links: list[str], label: str, css: str, extra: str = "") -> str:
    items = "\n".join(f"<li>{link}</li>" for link in links)
    return f'<nav class="{css}" aria-label="{label}">\n<ul>\n{items}\n</ul>\n{extra}</nav>'


def header_html(page: Page) -> str:
    """The header of one page, as one line of HTML per link (Markdown keeps it)."""
    titles = page_titles()
    links = []
    if page.path != HOME:
        links.append(f'<a class="mk-home" href="{_rel(HOME, page.path)}">Course home</a>')
    neighbours = _neighbours(page, "Next")
    links += [neighbours[rel] for rel in ("prev", "next") if rel in neighbours]
    for lesson in page.related:
        if lesson == HOME:
            continue  # already there, as "Course home"
        links.append(f'<a href="{_rel(lesson, page.path)}">Lesson: {html.escape(titles[lesson])}</a>')
    if page.path != SCENARIOS and not page.path.startswith("exercises/"):
        links.append(f'<a href="{_rel(SCENARIOS, page.path)}">Scenarios</a>')
    if page.path != ASSIGNMENTS:
        links.append(f'<a href="{_rel(ASSIGNMENTS, page.path)}">Assignments</a>')
    where = f'<span class="mk-where" aria-current="page">{html.escape(page.where)}</span>\n'
    return _nav(links, "Course", "mk-header", where)


def footer_html(page: Page) -> str | None:
    """The links at the foot of a lesson: where to go when you have read it."""
    neighbours = _neighbours(page, "Next lesson")
    if not neighbours:
        return None
    links = [neighbours[rel] for rel in ("next", "prev") if rel in neighbours]
    if page.path != HOME:
        links.append(f'<a href="{_rel(HOME, page.path)}">Course home</a>')
    return _nav(links, "Next and previous", "mk-header mk-footer")


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _tags(cell: dict) -> list:
    return cell.get("metadata", {}).get("tags", [])


def has_current_header(nb: dict, page: Page) -> bool:
    """The notebook starts with the page's header and, for a lesson, ends with its footer."""
    cells = nb.get("cells", [])
    if not cells or HEADER_TAG not in _tags(cells[0]) or _source(cells[0]) != header_html(page):
        return False
    footer = footer_html(page)
    footers = [c for c in cells if FOOTER_TAG in _tags(c)]
    if footer is None:
        return footers == []
    return len(footers) == 1 and cells[-1] is footers[0] and _source(cells[-1]) == footer


def write_header(path: Path, page: Page) -> bool:
    """Put the page's header at the top of its notebook; True when it changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    if has_current_header(nb, page):
        return False
    cells = [c for c in nb["cells"] if not {HEADER_TAG, FOOTER_TAG} & set(_tags(c))]
    new = [(HEADER_TAG, header_html(page)), (FOOTER_TAG, footer_html(page))]
    made = {}
    for tag, text in new:
        if text is None:
            continue
        cell = {"cell_type": "markdown", "metadata": {"tags": [tag]},
                "source": text.splitlines(keepends=True)}
        if nb.get("nbformat_minor", 0) >= 5:  # nbformat 4.5 cells carry an id
            cell = {"cell_type": "markdown", "id": f"{path.stem}-{tag[3:]}", **cell}
        made[tag] = cell
    nb["cells"] = [made[HEADER_TAG], *cells, *([made[FOOTER_TAG]] if FOOTER_TAG in made else [])]
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    tmp = path.with_suffix(".ipynb.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def main(argv: list[str] | None = None) -> int:
    root = course_root()
    changed = 0
    for page in learner_pages():
        target = root / page.path
        if not target.exists():
            print(f"{page.path}: not found, no header written", file=sys.stderr)
            continue
        if write_header(target, page):
            changed += 1
            print(f"{page.path}: header written")
    print(f"{changed} header(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
