"""Views of the learner's progress: the "Your progress" table on the welcome
page, the "I have finished this lesson" tick at the end of each lesson, and
the certificate maker of the closing lesson.

One name for the live table everywhere: "Your progress" (the welcome page's
static list of lessons is its "course map")."""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as widgets

from .. import progress as model
from ..course import CORE_MINUTES, LESSONS, core_step, course_root
from ..pages import ASSIGNMENTS
from ..store import Store, StoreError
from . import grading
from ._html import CSS, esc
from .download import download_link

MARK = {model.DONE: "&#10003; done", model.STARTED: "&#9680; started", model.NOT_STARTED: "&#9675; not yet"}
MAP_CSS = """
<style>
.mk-map { border-collapse: collapse; font-size: 14px; line-height: 1.4; color: #1b1b1b; }
.mk-map th, .mk-map td { border: 1px solid #9aa5b1; padding: 0.35em 0.6em; vertical-align: top;
  text-align: left; }
.mk-map th { background: #e8edf3; }
.mk-map .mk-done { color: #14532d; font-weight: bold; }
.mk-map .mk-started { color: #6b4e00; }
.mk-map .mk-not { color: #3d3d3d; }
.mk-map ul { margin: 0; padding-left: 1.1em; }
.mk-map a { color: #0b57d0; text-decoration: underline; }
.mk-map a:visited { color: #6a1b9a; }
.mk-map .mk-core { display: inline-block; margin-top: 0.2em; padding: 0 0.4em; font-size: 12px;
  font-weight: normal; color: #1e3a5f; background: #e3ecf7; border: 1px solid #9db4d3;
  border-radius: 3px; white-space: nowrap; }
/* Never wider than the page: the table scrolls sideways inside its box (the
   widget boxes around it must be allowed to shrink), and on a phone each
   lesson becomes a block of labelled lines instead of six squeezed columns. */
.mk-map-wrap { overflow-x: auto; max-width: 100%; }
.mk-map-box, .mk-map-box .widget-html-content { min-width: 0; max-width: 100%; }
@media (max-width: 600px) {
  .mk-map, .mk-map tbody, .mk-map tr, .mk-map td, .mk-map caption { display: block; }
  .mk-map thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  .mk-map tr { border: 1px solid #9aa5b1; margin: 0 0 0.6em; padding: 0.3em 0.5em; }
  .mk-map td { border: none; padding: 0.15em 0; }
  .mk-map td:first-child, .mk-map td:nth-child(2) { display: inline; font-weight: bold;
    padding-right: 0.4em; }
  .mk-map td:empty { display: none; }
  .mk-map td[data-label]::before { content: attr(data-label) ": "; color: #3d3d3d; }
  .mk-map td[data-label$="?"]::before { content: attr(data-label) " "; }  /* no "done?:" */
  .mk-map .mk-core { margin: 0.2em 0 0 0; }
}
</style>
"""


def _href(path: str) -> str:
    """A link to a course file relative to the notebook on screen, so it works in
    JupyterLab and in Voila alike."""
    return Path(os.path.relpath(course_root() / path, Path.cwd())).as_posix()


def _item_href(item: model.Item) -> str:
    """Where an item opens: an assignment in the assignments app (never the
    nbgrader notebook itself), everything else as its own page."""
    if item.kind == "assignment":
        return f"{_href(ASSIGNMENTS)}?assignment={item.id}"
    return _href(item.path)


def _status(item: model.Item) -> str:
    css = {model.DONE: "mk-done", model.STARTED: "mk-started"}.get(item.status, "mk-not")
    detail = f" ({esc(item.detail)})" if item.detail and item.status != model.NOT_STARTED else ""
    return f'<span class="{css}">{MARK[item.status]}</span>{detail}'


def _label(item: model.Item) -> str:
    """An item's link text; an assignment shares its lesson's title, so say what it is."""
    return "Reflections and knowledge check" if item.kind == "assignment" else item.title


WELCOME = "00-welcome"
HEADINGS = ("#", "Lesson", "Lesson done?", "Scenarios", "Assignment", "Self-assessment")


def summary_text(progress: model.Progress) -> str:
    """'2 of 11 lessons done (plus the welcome: done); 1 of 20 scenarios done; …'.
    The welcome page is not one of the numbered lessons, so it is named apart."""
    parts = []
    for kind, (done, total) in progress.counts().items():
        extra = ""
        welcome = next((i for i in progress.of_kind(kind) if i.id == WELCOME), None)
        if kind == "lesson" and welcome is not None:
            done, total = done - welcome.done, total - 1
            extra = f" (plus the welcome: {'done' if welcome.done else 'not yet'})"
        parts.append(f"{done} of {total} {kind}s done{extra}")
    return "; ".join(parts)


def core_marker(slug: str) -> str:
    """'Core path: 20 min' under a lesson's title when the core path goes through it."""
    step = core_step(slug)
    if step is None:
        return ""
    return (f' <span class="mk-core" title="The core path: about {CORE_MINUTES} minutes through the '
            f'whole course; each lesson\'s summary says what to read and do">'
            f"Core path: {step.minutes} min</span>")


def map_html(progress: model.Progress) -> str:
    """The "Your progress" table: one row per lesson."""
    summary = summary_text(progress)
    rows = []
    for lesson in LESSONS:
        own = progress.for_lesson(lesson.slug, "lesson")
        title = (f'<a href="{esc(_href(lesson.notebook))}">{esc(lesson.title)}</a>' if own
                 else f"{esc(lesson.title)} <em>(coming soon)</em>") + core_marker(lesson.slug)
        cells = [lesson.number, title, _status(own[0]) if own else ""]
        for kind in ("scenario", "assignment", "self-assessment"):
            items = [i for i in progress.for_lesson(lesson.slug, kind)
                     if kind != "scenario" or i.lessons[0] == lesson.slug]
            cells.append("<ul>" + "".join(
                f'<li><a href="{esc(_item_href(i))}">{esc(_label(i))}</a>: {_status(i)}</li>'
                for i in items) + "</ul>" if items else "")
        # data-label names a cell when a phone shows the row as lines, not columns
        rows.append("<tr>" + "".join(
            f'<td data-label="{h}">{c}</td>' if i > 1 else f"<td>{c}</td>"
            for i, (h, c) in enumerate(zip(HEADINGS, cells, strict=True))) + "</tr>")
    head = "".join(f'<th scope="col">{h}</th>' for h in HEADINGS)
    notes = "".join(f"<li>{esc(p)}</li>" for p in progress.problems)
    return (f'{MAP_CSS}<p class="mk-meta">{esc(summary)}.</p>'
            f'<div class="mk-map-wrap"><table class="mk-map">'
            f'<caption class="mk-meta">Your progress through the course. <em>Core path</em> marks '
            f"a lesson's minutes on the core path, about {round(CORE_MINUTES / 60)} hours in all; "
            "each lesson's summary at its top says what to read and do.</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            + (f'<ul class="mk-status">{notes}</ul>' if notes else ""))


class ProgressMap(widgets.VBox):
    """The "Your progress" table, and a button to refresh it."""

    def __init__(self, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.store = store or Store()
        self.table = widgets.HTML()
        self.table.add_class("mk-map-box")
        self.add_class("mk-map-box")
        self.refresh_button = widgets.Button(description="Refresh my progress", icon="refresh",
                                             layout=widgets.Layout(width="auto"))
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.children = [widgets.HTML(CSS), self.table, self.refresh_button]
        self.refresh()

    def refresh(self) -> model.Progress:
        self.store.problems.clear()
        self.progress = model.course_progress(store=self.store)
        self.table.value = map_html(self.progress)
        return self.progress


def progress_map(store: Store | None = None):
    """The "Your progress" table; nothing during autograding."""
    return None if grading() else ProgressMap(store=store)


class LessonComplete(widgets.VBox):
    """A tick box at the end of a lesson that records it as finished."""

    def __init__(self, slug: str, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.slug, self.store = slug, store or Store()
        self.box = widgets.Checkbox(model.lesson_done(slug, self.store), indent=False,
                                    description="I have finished this lesson",
                                    style={"description_width": "initial"})
        self.status = widgets.HTML()
        self.box.observe(self._changed, names="value")
        self.children = [widgets.HTML(CSS), self.box, self.status]

    def _changed(self, change) -> None:
        try:
            model.mark_lesson(self.slug, change["new"], store=self.store)
        except StoreError as exc:
            self.status.value = f'<p class="mk-status">Not saved: {esc(exc)}</p>'
            return
        if not change["new"]:
            self.status.value = '<p class="mk-meta">Saved as not finished.</p>'
        elif self.slug == WELCOME:
            self.status.value = ('<p class="mk-meta">Saved. Press <em>Refresh my progress</em> above: '
                                 "Your progress then shows the welcome as done.</p>")
        else:
            welcome = esc(_href(f"modules/{WELCOME}.ipynb"))
            self.status.value = ('<p class="mk-meta mk-link">Saved. It now shows as done in '
                                 f'<a href="{welcome}">Your progress</a> on the welcome page.</p>')


def lesson_complete(slug: str, store: Store | None = None):
    """The "I have finished this lesson" tick box; nothing during autograding."""
    return None if grading() else LessonComplete(slug, store=store)


class CertificateMaker(widgets.VBox):
    """Type a name, get a PDF certificate of what the store says was done."""

    def __init__(self, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.store = store or Store()
        self.name = widgets.Text(description="Name on the certificate", placeholder="e.g. Dr. Ana Ortiz",
                                 style={"description_width": "13em"},
                                 layout=widgets.Layout(width="100%", max_width="36em"))
        self.message = widgets.HTML()
        self.button = widgets.Button(description="Make my certificate", button_style="primary",
                                     icon="certificate", layout=widgets.Layout(width="auto"))
        self.button.on_click(self._make)
        self.result = widgets.HTML()
        self.children = [widgets.HTML(CSS), widgets.HBox([self.name, self.message]), self.button,
                         self.result]

    def _make(self, _button=None) -> bytes | None:
        from ..certificate import certificate_for, certificate_pdf

        try:
            cert = certificate_for(self.name.value, model.course_progress(store=self.store))
        except ValueError as exc:
            self.message.value = f'<span class="mk-status">{esc(exc)}</span>'
            self.result.value = ""
            return None
        self.message.value = ""
        pdf = certificate_pdf(cert)
        note = ("" if cert.complete else
                f" It lists the {len(cert.lessons)} of {cert.lessons_total} lessons you have ticked as "
                "finished; tick the rest and make it again whenever you like.")
        self.result.value = (f'<p class="mk-meta">Your certificate is ready.{esc(note)}</p>'
                             + download_link(pdf, "mentorkit-certificate.pdf",
                                             "Download your certificate (PDF)", mime="application/pdf"))
        return pdf


def certificate_maker(store: Store | None = None):
    return None if grading() else CertificateMaker(store=store)
