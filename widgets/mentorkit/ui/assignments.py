"""The Assignments page (exercises/assignments.ipynb): the list of assignments,
and one assignment as a form whose answers are written into the nbgrader
notebook as the learner goes. The model is ``mentorkit.assignments``."""

from __future__ import annotations

import os
from datetime import datetime
from urllib.parse import parse_qs

import ipywidgets as widgets

from .. import assignments as model
from ..course import LESSONS
from ._html import esc, markdown
from .appkit import CSS, StatusLine

APP_CSS = """
<style>
.mk-assignments { max-width: 52em; font-size: 15px; }
.mk-q { border-top: 1px solid #d0d7de; padding: 0.6em 0 0.4em; margin-top: 0.4em; }
.mk-q h3 { font-size: 17px; margin: 0.2em 0; }
.mk-points { color: #3d3d3d; font-size: 13px; font-weight: normal; }
.mk-q .widget-radio-box label, .mk-q .widget-checkbox label { white-space: normal !important;
  line-height: 1.35; font-size: 14px; color: #111; }
.mk-q .widget-radio-box { width: 100%; height: auto; }
.mk-q .widget-radio-box label { margin: 0.3em 0; display: flex !important; flex-direction: row !important;
  justify-content: flex-start; align-items: baseline; gap: 0.5em; height: auto !important;
  line-height: 1.4 !important; }
.mk-q .widget-radio-box label input { order: -1; flex: none; margin: 0; }
.mk-assignments .mk-nav.jupyter-button { align-self: flex-start; width: auto; }
.mk-q .widget-checkbox { width: 100%; height: auto; margin: 0.15em 0; }
.mk-q .widget-checkbox .widget-label-basic { white-space: normal; height: auto; line-height: 1.35; }
.mk-q .widget-checkbox label.widget-label-basic { display: flex; align-items: baseline; gap: 0.4em;
  width: auto; }
.mk-reflection textarea { field-sizing: content; font-family: inherit; min-height: 6em; max-height: 40em;
  font-size: 15px; line-height: 1.45; width: 100%; resize: vertical; }
.mk-reflection { width: 100%; max-width: 46em; }
.mk-verdict { margin: 0.3em 0; padding: 0.3em 0.8em; border-left: 5px solid; background: #f7f7f7; }
.mk-right { border-color: #1a7f37; } .mk-notyet { border-color: #b42318; }
.mk-problems li { color: #8a1c12; }
.mk-saved { color: #14532d; font-size: 13px; min-height: 1.3em; }
/* the saved line stays in view at the foot of the window while the learner scrolls */
.mk-saved-line .mk-saved, .mk-saved-line .mk-status { position: fixed; bottom: 0; left: 0; right: 0;
  z-index: 20; background: #ffffff;
  padding: 0.45em 2em; border-top: 1px solid #c9d1da; font-size: 14px; }
.mk-form { padding-bottom: 3em; }
/* Lumino's panels contain their children strictly, which would pin a fixed line to the panel */
.lm-Widget:has(.mk-saved-line) { contain: none !important; }
.mk-row-item .mk-nav.jupyter-button { min-width: 16em; text-align: left; }
.mk-row-item { display: flex; align-items: baseline; gap: 1em; border-bottom: 1px solid #e3e7ec;
  padding: 0.3em 0; }
</style>
"""


def query_assignment() -> str:
    """``?assignment=05-sponsorship`` from the page's address (Voila passes it to the kernel
    as QUERY_STRING)."""
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get("assignment", [])
    return values[0] if values else ""


def _title(assignment_id: str) -> str:
    titles = {lesson.slug: lesson.title for lesson in LESSONS}
    return titles.get(assignment_id, assignment_id)


def _alert(error: Exception) -> widgets.HTML:
    """A failed step's message, read out by screen readers."""
    return widgets.HTML(f'<p class="mk-status" role="alert">{esc(error)}</p>')


def _button(text: str, primary: bool = False) -> widgets.Button:
    button = widgets.Button(description=text, button_style="primary" if primary else "",
                            layout=widgets.Layout(width="auto"))
    button.add_class("mk-nav")
    return button


class AssignmentsApp(widgets.VBox):
    """The list of assignments, or one assignment as a form."""

    def __init__(self, assignment: str | None = None, config=None, background: bool = True):
        super().__init__()
        self.add_class("mk-assignments")
        self.config = config
        self.cohort = False
        self.form_view: FormView | None = None
        self.loaded = None  # the thread that fills in a cohort's page, if any
        self.message = StatusLine()
        self.body = widgets.VBox()
        self.children = [widgets.HTML(CSS + APP_CSS), self.message, self.body]
        try:
            self.config = config if config is not None else model.nbgrader_config()
            self.cohort = model.in_cohort(self.config)
        except Exception:  # an unreadable nbgrader config: learning alone still works
            self.cohort = False
        wanted = assignment if assignment is not None else query_assignment()
        first = (lambda: self.open_assignment(wanted)) if wanted else self.show_list
        if self.cohort and background:
            # nbgrader's exchange takes seconds to import: draw the page first, then fill it in
            import threading

            self.body.children = [widgets.HTML('<p class="mk-meta" role="status">Looking for your '
                                               "assignments…</p>")]
            self.loaded = threading.Thread(target=first, daemon=True)
            self.loaded.start()
        else:
            first()

    # -- the list ---------------------------------------------------------------------------
    def show_list(self, _=None) -> None:
        self.form_view = None
        rows: list[widgets.Widget] = [widgets.HTML("<h2>Your assignments</h2>")]
        try:
            items = self._items()
        except model.AssignmentError as exc:
            self.message.warn(str(exc))
            items = []
        if not items:
            rows.append(widgets.HTML("<p>No assignments have been released yet.</p>"))
        for assignment_id, status in items:
            button = _button(_title(assignment_id))  # each button names its assignment
            button.tooltip = f"Open the assignment on {_title(assignment_id)}"
            button.on_click(lambda _, a=assignment_id: self.open_assignment(a))
            label = widgets.HTML(f'<span class="mk-meta">{esc(status)}</span>')
            row = widgets.HBox([button, label])
            row.add_class("mk-row-item")
            rows.append(row)
        self.body.children = rows

    def _items(self) -> list[tuple[str, str]]:
        if self.cohort:
            words = {"released": "not started", "fetched": "in progress", "submitted": "submitted"}
            items = []
            for item in model.cohort_assignments(self.config):
                status = words.get(item.status, item.status)
                if item.submitted_at:
                    status += f" {item.submitted_at[:16]}"
                if item.feedback_ready or item.feedback_fetched:
                    status += ", feedback ready"
                items.append((item.assignment_id, status))
            return items
        items = []
        for assignment_id in model.released_ids():
            copy = model.working_copy(assignment_id)
            status = "started" if copy and model.has_answers(assignment_id) else "not started"
            items.append((assignment_id, status))
        return items

    # -- one assignment -----------------------------------------------------------------------
    def open_assignment(self, assignment_id: str) -> None:
        self.message.say("")
        try:
            if self.cohort:
                path = model.fetch(assignment_id, self.config)
                key = None
            else:
                path = model.start_self_paced(assignment_id)
                key = model.answer_key(assignment_id)
            self.form_view = FormView(assignment_id, path, cohort=self.cohort, key=key, config=self.config,
                                      back=self.show_list)
        except model.AssignmentError as exc:
            self.message.warn(str(exc))
            self.show_list()
            return
        self.body.children = [self.form_view]


class FormView(widgets.VBox):
    """One assignment as a form."""

    def __init__(self, assignment_id: str, path, cohort: bool, key, config, back):
        super().__init__()
        self.assignment_id, self.path, self.cohort, self.key, self.config = \
            assignment_id, path, cohort, key, config
        self.form = model.read_form(path, assignment_id)
        self.answers = model.Answers(path, self.form)
        self.saved = widgets.HTML()
        self.saved.add_class("mk-saved-line")
        self.add_class("mk-form")
        self.verdicts: dict[str, widgets.HTML] = {}
        self.checks_run = 0
        self.inputs: dict[str, widgets.Widget] = {}
        back_button = _button("← All assignments")
        back_button.on_click(back)
        intro = "\n\n".join(p for p in self.form.intro.split("\n\n") if "](" not in p)
        parts: list[widgets.Widget] = [
            back_button,
            widgets.HTML(f"<h2>{esc(self.form.title)}</h2>{markdown(intro)}"
                         "<p>Your answers are saved as you go.</p>"),
        ]
        for question in self.form.questions:
            parts.append(self._question(question))
        self.check_button = _button("Check my answers", primary=True)
        self.check_button.on_click(self.check)
        self.results = widgets.HTML()
        actions = [self.check_button]
        self.submit_area = widgets.VBox()
        self.feedback_area = widgets.VBox()
        if cohort:
            self.submit_button = _button("Submit")
            self.submit_button.on_click(self.ask_submit)
            self.feedback_button = _button("Show my feedback")
            self.feedback_button.on_click(self.show_feedback)
            actions += [self.submit_button, self.feedback_button]
        parts += [widgets.HBox(actions), self.results, self.submit_area, self.feedback_area, self.saved]
        self.children = parts
        self.saved.value = ""

    def _question(self, question: model.Question) -> widgets.Widget:
        points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
        head = widgets.HTML(f'<h3>{esc(question.title)} <span class="mk-points">({points})</span></h3>'
                            f"{markdown(question.prompt)}")
        value = self.answers.value(question.grade_id)
        parts: list[widgets.Widget] = [head]
        if self.answers.unreadable(question.grade_id):
            parts.append(widgets.HTML('<p class="mk-status">This answer was typed by hand in a form the page '
                                      "cannot show. Choose again here to replace it.</p>"))
        if question.kind == model.REFLECTION:
            box = widgets.Textarea(value=value, placeholder="Write your answer here.",
                                   continuous_update=True, layout=widgets.Layout(width="100%"))
            box.add_class("mk-reflection")
            box.observe(lambda change, q=question: self._changed(q, change["new"]), names="value")
            self.inputs[question.grade_id] = box
            parts.append(box)
        elif question.kind == model.ONE:
            options = [(f"{c.key}. {c.text}", c.key) for c in question.choices]
            keys = [c.key for c in question.choices]
            radio = widgets.RadioButtons(options=options, value=value if value in keys else None,
                                         layout=widgets.Layout(width="100%"))
            radio.observe(lambda change, q=question: self._changed(q, change["new"]), names="value")
            self.inputs[question.grade_id] = radio
            parts.append(radio)
        else:
            chosen = set(value or [])
            boxes = []
            for choice in question.choices:
                tick = widgets.Checkbox(value=choice.key in chosen, indent=False,
                                        description=f"{choice.key}. {choice.text}",
                                        layout=widgets.Layout(width="100%"))
                tick.observe(lambda change, q=question: self._ticked(q), names="value")
                boxes.append(tick)
            group = widgets.VBox(boxes)
            self.inputs[question.grade_id] = group
            parts.append(group)
        verdict = widgets.HTML()
        self.verdicts[question.grade_id] = verdict
        parts.append(verdict)
        box = widgets.VBox(parts)
        box.add_class("mk-q")
        return box

    def _ticked(self, question: model.Question) -> None:
        group = self.inputs[question.grade_id]
        keys = [c.key for c, tick in zip(question.choices, group.children, strict=True) if tick.value]
        self._changed(question, keys)

    def _changed(self, question: model.Question, value) -> None:
        self.answers.set(question.grade_id, value)
        self.verdicts[question.grade_id].value = ""
        if self.results.value and "mk-outdated" not in self.results.value:
            self.results.value += ('<p class="mk-meta mk-outdated">You have changed an answer since this '
                                   "check: check again to be sure.</p>")
        self.save()

    def save(self) -> model.SaveResult:
        result = self.answers.save()
        css = "mk-saved" if result.saved and not result.conflicts else "mk-status"
        self.saved.value = f'<div class="{css}" role="status">{esc(result.message)}</div>'
        return result

    # -- checking, submitting, feedback --------------------------------------------------------
    def check(self, _=None) -> None:
        if self.answers.dirty and not self.save().saved:
            return
        self.check_button.disabled = True
        self.results.value = '<p class="mk-meta" role="status">Checking your answers…</p>'
        try:
            result = model.check(self.path, self.form, self.key)
        finally:
            self.check_button.disabled = False
        self.checks_run += 1
        if result.ok:
            text = "<p><strong>Everything is answered.</strong> "
            text += ("You can submit when you are ready.</p>" if self.cohort else
                     "Below each knowledge check you can see whether it is right.</p>")
        else:
            items = "".join(f"<li>{esc(p)}</li>" for p in result.problems)
            text = ('<div role="alert"><p><strong>Not finished yet:</strong></p>'
                    f'<ul class="mk-problems">{items}</ul></div>')
        self.results.value = f'<div class="mk-results" data-check="{self.checks_run}">{text}</div>'
        for grade_id, (right, why) in result.marks.items():
            self._verdict(grade_id, right, why)

    def _verdict(self, grade_id: str, right: bool, why: str) -> None:
        css, word = ("mk-right", "Right.") if right else ("mk-notyet", "Not this time.")
        self.verdicts[grade_id].value = (f'<div class="mk-verdict {css}"><strong>{word}</strong> '
                                         f"{esc(why)}</div>")

    def ask_submit(self, _=None) -> None:
        if self.answers.dirty and not self.save().saved:
            return
        yes, no = _button("Yes, submit now", primary=True), _button("Not yet")
        yes.on_click(self.submit)
        no.on_click(lambda _: setattr(self.submit_area, "children", []))
        self.submit_area.children = [
            widgets.HTML("<p>Submit this assignment to your facilitator now? You can submit again later; "
                         "the last submission before the deadline is the one graded.</p>"),
            widgets.HBox([yes, no])]

    def submit(self, _=None) -> None:
        try:
            stamp = model.submit(self.assignment_id, self.config)
        except model.AssignmentError as exc:
            self.submit_area.children = [_alert(exc)]
            return
        when = _when(stamp)
        self.submit_area.children = [widgets.HTML(
            f'<p class="mk-saved" role="status"><strong>Submitted</strong> on {esc(when)}.</p>')]

    def show_feedback(self, _=None) -> None:
        try:
            pages = model.fetch_feedback(self.assignment_id, self.config)
        except model.AssignmentError as exc:
            self.feedback_area.children = [_alert(exc)]
            return
        if not pages:
            self.feedback_area.children = [widgets.HTML(
                "<p>There is no feedback yet. Your facilitator releases it after grading.</p>")]
            return
        feedback = model.read_feedback(pages[-1].read_text(encoding="utf-8"), self.form)
        rows = ["<h3>Feedback</h3>",
                f"<p><strong>Score: {feedback.score:g} of {feedback.max_score:g}</strong></p>"]
        for title, right, why in feedback.checks:
            css, word = ("mk-right", "right") if right else ("mk-notyet", "not this time")
            rows.append(f'<div class="mk-verdict {css}"><strong>{esc(title)}: {word}.</strong> '
                        f"{esc(why)}</div>")
        for title, score, points, comment in feedback.reflections:
            note = f"<br>{esc(comment)}" if comment else ""
            rows.append(f'<div class="mk-verdict mk-right"><strong>{esc(title)}: {score:g} of {points:g} '
                        f"points.</strong>{note}</div>")
        self.feedback_area.children = [widgets.HTML("".join(rows))]


def _when(stamp: str) -> str:
    for fmt in ("%Y-%m-%d %H:%M:%S.%f %Z", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(stamp, fmt).strftime("%d %B %Y at %H:%M")
        except ValueError:
            continue
    return stamp


def assignments_app(assignment: str | None = None):
    """The Assignments page; nothing while nbgrader runs the notebook."""
    from . import grading

    if grading():
        return None
    app = AssignmentsApp(assignment)
    from IPython.display import display

    display(app)
    return app
