"""One app for every self-assessment instrument, shown in Voila or JupyterLab:

    from mentorkit.ui.assessment import show_self_assessment
    show_self_assessment("competencies")

The page is built from the instrument (``exercises/self-assessments/<id>.yaml``):
a labelled input per item, grouped by domain and shown one domain ("area") at
a time (Previous / Next area and a list of areas with how far each is answered;
an area's inputs are made when the learner first goes there, so the page
appears quickly), a timepoint choice when the instrument has more than one,
answers saved in the learner's store as they go (key = timepoint, so the
course map sees them; the model, not the inputs, holds them), "See my
results" (naming the areas whose answers need attention, or a chart drawn
with matplotlib, imported only then), CSV and JSON downloads, and an upload box
that restores a download. The instrument's ``results`` decides what results
look like: ``radar`` (scores, pre/post overlay, lessons to revisit), ``profile``
(how often, next steps), ``themes`` (a gentle reading and resources) or
``summary`` (a printable summary as HTML and PDF).

The model (:mod:`mentorkit.assessment`) scores, checks and exports; this view
only shows what it says.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from .. import assessment as model
from ..content import ContentError
from ..course import LESSONS
from ..store import Store, StoreError
from . import grading
from ._html import esc, lesson_href, markdown
from .appkit import (
    CSS,
    Download,
    DownloadLinks,
    Field,
    Rejected,
    RestoreQuestion,
    Saver,
    StatusLine,
    UploadBox,
    disclaimer,
    heading,
    note,
    radio,
    text_input,
)

LESSON_TITLES = {lesson.slug: lesson.title for lesson in LESSONS}
NOT_ANSWERED = "Choose..."
RESULTS_CSS = """
<style>
.mk-total { font-size: 14px; margin: 0.1em 0 0.8em; color: #1b1b1b; }
.mk-results { max-width: 52em; font-size: 15px; line-height: 1.5; color: #1b1b1b; }
.mk-results h3 { margin: 1em 0 0.3em; }
.mk-summary h4 { margin: 0.6em 0 0.1em; font-size: 14px; }
.mk-summary p { margin: 0 0 0.4em; white-space: pre-wrap; }
/* the list of areas never runs past a phone's screen: the select shrinks and
   its chosen area is cut at the edge (the open list shows each in full) */
.mk-area-nav .widget-dropdown { max-width: 100%; min-width: 0; }
.mk-area-nav .widget-dropdown select { min-width: 0; max-width: 100%; }
</style>
"""


# -- one input per item ---------------------------------------------------------
class Shared:
    """Layouts and styles that every input of one app shares. A page of forty
    questions would otherwise send the browser some 360 widget models (each
    input, label style and layout is one); sharing them roughly thirds that,
    and the page becomes usable sooner."""

    def __init__(self) -> None:
        self.wide = widgets.Layout(width="100%", max_width="46em")
        self.plain = widgets.Layout()
        self.choice_style = DescriptionStyle(description_width="initial")
        self.text_style = TextStyle(description_width="initial")
        self.html_style = HTMLStyle()

    def html(self, value: str = "") -> widgets.HTML:
        return widgets.HTML(value, layout=self.plain, style=self.html_style)


class ItemField(Field):
    """The input for one item, with its label, help and message slot (a
    :class:`~mentorkit.ui.appkit.Field` built from shared layouts and styles).
    ``read()`` gives the answer as the model wants it; ``show(value)`` puts one back."""

    def __init__(self, instrument: model.Instrument, item: model.Item, shared: Shared | None = None):
        shared = shared or Shared()
        widgets.VBox.__init__(self, layout=shared.plain)
        self.item = item
        common = {"description": item.text, "layout": shared.wide}
        if item.type == "rating":
            scale = instrument.scale
            options = [(NOT_ANSWERED, 0)] + [(scale.label(v), v) for v in scale.values]
            box = widgets.Dropdown(options=options, value=0, style=shared.choice_style, **common)
        elif item.type == "choice":
            options = [(NOT_ANSWERED, "")] + [(o, o) for o in item.options]
            box = widgets.Dropdown(options=options, value="", style=shared.choice_style, **common)
        elif item.type == "number":
            hint = f"a whole number{f' ({item.unit})' if item.unit else ''}"
            box = widgets.Text(placeholder=hint, style=shared.text_style, **common)
        else:
            box = widgets.Textarea(rows=item.rows, style=shared.text_style, **common)
        box.add_class("mk-field")
        self.input = box
        self.message = shared.html()
        self.message.add_class("mk-message")
        help_text = " ".join(t for t in (item.help, reverse_note(instrument, item),
                                         "" if item.required else "Optional.") if t)
        parts: list[widgets.Widget] = [box]
        if help_text:
            parts.append(shared.html(f'<p class="mk-help">{esc(help_text)}</p>'))
        self.children = [*parts, self.message]
        self.add_class("mk-row")

    def read(self) -> Any:
        value = self.input.value
        if self.item.type == "number":
            return model.typed_number(value, self.item)
        if self.item.type in ("rating", "choice"):
            return value or None
        return value

    def show(self, value: Any) -> None:
        """Put a saved answer back; one the input cannot hold (an out-of-range
        rating from an old file) leaves it empty, and the message says why."""
        if self.item.type in ("rating", "choice"):
            allowed = [v for _, v in self.input.options]
            self.input.value = value if value in allowed else allowed[0]
        elif value is None:
            self.input.value = ""
        else:
            self.input.value = str(value)


def _value_of(widget: widgets.HTML) -> str:
    """The HTML of a text widget made by :mod:`appkit`, closing the widget (its
    text goes into another one)."""
    value = widget.value
    for part in (widget.layout, widget.style, widget):
        part.close()
    return value


def _share_alike(root: widgets.Widget, shared: Shared) -> None:
    """Give every widget under ``root`` one layout and one style object per
    distinct setting, closing the copies. Each layout and style is a model the
    browser must create before it draws the page, and most of the page's
    widgets (labels, boxes, help lines) have identical ones. Nothing in this
    app changes a layout or style after building, so sharing is safe."""
    import json

    alike: dict[tuple[type, str], widgets.Widget] = {}
    for kept in (shared.wide, shared.plain, shared.choice_style, shared.text_style, shared.html_style):
        alike.setdefault((type(kept), json.dumps(kept.get_state(), sort_keys=True, default=str)), kept)
    todo = [root]
    while todo:
        widget = todo.pop()
        if isinstance(widget, widgets.Box):
            todo.extend(widget.children)
        for name in ("layout", "style"):
            own = getattr(widget, name, None)
            if not isinstance(own, widgets.Widget):
                continue
            key = (type(own), json.dumps(own.get_state(), sort_keys=True, default=str))
            first = alike.setdefault(key, own)
            if first is not own:
                setattr(widget, name, first)
                own.close()


# -- the app ---------------------------------------------------------------------
class SelfAssessmentApp(RestoreQuestion, widgets.VBox):
    """A self-assessment page over one instrument and the learner's store."""

    def __init__(self, instrument: model.Instrument, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.instrument = instrument
        self.saver = Saver(instrument.id, instrument.version, store)
        self.results: dict[str, model.Answers] = {}
        self.checked = False  # after "See my results", missing answers are flagged too
        self.total_problems: dict[str, str] = {}  # domain id -> a wrong total, shown on its total line
        self._filling = False
        notes = self._load_saved()
        current = self._latest() or instrument.timepoints[0]
        self.answers = self.results.get(current) or instrument.new_answers(current)

        self.participant = Field(text_input("Participant code (optional)", self.answers.participant),
                                 help="Only if your facilitator asked for one: it goes into your "
                                      "downloads in place of your name. Leave it empty otherwise.")
        self.participant.input.observe(self._participant_changed, names="value")
        self.timepoint: Field | None = None
        if len(instrument.timepoints) > 1:
            self.timepoint = Field(radio("Which time are you answering for?",
                                         [(instrument.timepoint_label(t), t) for t in instrument.timepoints],
                                         current))
            self.timepoint.input.observe(self._timepoint_changed, names="value")
        self.timepoint_help = widgets.HTML(self._timepoint_help(current))

        # One area at a time: the browser creates a view for every widget it is
        # sent, and a whole instrument (some 170 views) made the page slow to
        # appear. The first area is built now, the others when the learner
        # moves to them; ``self.answers`` (the model) stays the source of truth,
        # so answers to areas not built yet are kept, saved and checked.
        self.shared = Shared()
        self.fields: dict[str, ItemField] = {}  # the inputs of the areas built so far
        self.totals: dict[str, widgets.HTML] = {}  # the total lines of the areas built so far
        self.areas: dict[int, widgets.VBox] = {}  # area index -> its questions, once built
        self._shown: dict[str, str] = {}  # the problems showing now (item id -> message)
        self.area = 0
        count = len(instrument.domains)
        self.area_heading = widgets.HTML()
        self.area_box = widgets.VBox(layout=self.shared.plain)
        self.previous_button = widgets.Button(description="Previous area", icon="arrow-left",
                                              tooltip="Go back to the previous area",
                                              layout=widgets.Layout(width="auto"))
        self.next_button = widgets.Button(description="Next area", icon="arrow-right",
                                          tooltip="Go on to the next area",
                                          layout=widgets.Layout(width="auto"))
        self.previous_button.on_click(lambda _b: self._step(-1))
        self.next_button.on_click(lambda _b: self._step(+1))
        self.area_list = widgets.Dropdown(options=self._area_options(), value=0, description="Go to area",
                                          style=self.shared.choice_style,
                                          layout=widgets.Layout(width="auto", max_width="46em"))
        self.area_list.observe(self._area_chosen, names="value")
        nav = widgets.HBox([self.previous_button, self.next_button, self.area_list],
                           layout=widgets.Layout(flex_flow="row wrap", align_items="center",
                                                 margin="0.3em 0 0.8em"))
        nav.add_class("mk-area-nav")
        sections: list[widgets.Widget] = [self.area_heading, self.area_box]
        if count > 1:
            sections.append(nav)

        self.status = StatusLine()
        self.results_button = widgets.Button(description="See my results", button_style="primary",
                                             icon="bar-chart", tooltip="Draw your results",
                                             layout=widgets.Layout(width="auto"))
        self.results_button.on_click(lambda _b: self.show_results())
        self.problems_line = widgets.HTML()
        self.output = widgets.HTML()
        self.output.add_class("mk-results")
        self.downloads = DownloadLinks()
        self.upload = UploadBox("Restore my answers from a file\u2026", self._restore,
                                help="Choose a file you downloaded from this page earlier. Before its "
                                     "answers replace the ones saved here, you are asked, and a copy "
                                     "of them is kept; if the file cannot be used, nothing changes.")
        self._pending: tuple[str, list[model.Answers], str] | None = None
        self._undo: dict[str, model.Answers | None] | None = None
        # the question and its buttons go under the upload box, made on the first
        # restore: no widget more for the browser to create before the page appears
        self.restore_box = self.upload
        # the style sheet, the disclaimer and the introduction never change: one
        # widget for the three (every widget is a view the browser must create)
        intro = widgets.HTML(CSS + RESULTS_CSS + _value_of(disclaimer(instrument.disclaimer))
                             + _value_of(note(instrument.intro)))
        top = [intro, self.participant]
        if self.timepoint is not None:
            top += [self.timepoint, self.timepoint_help]
        self.children = [*top, *sections, self.status, self.results_button, self.problems_line,
                         self.output, heading("Keep a copy", 3), self.downloads, self.upload]
        self.show_area(0)
        _share_alike(self, self.shared)
        self._fill()
        if notes:
            self.status.warn(" ".join(notes))
        elif self.answers.saved:
            self.status.say(f"Restored your answers saved on {_when(self.answers.saved)}.")

    # -- loading and filling -------------------------------------------------------
    def _load_saved(self) -> list[str]:
        notes: list[str] = []
        instrument = self.instrument
        for timepoint in instrument.timepoints:
            loaded = self.saver.load(timepoint)
            if loaded.data is None:  # answers kept under the timepoint's old name, if any
                for old in (o for o, new in instrument.renamed_timepoints.items() if new == timepoint):
                    earlier = self.saver.load(old)
                    notes += earlier.notes  # e.g. a damaged file, set aside
                    if earlier.data is not None:
                        earlier.notes = []
                        loaded = earlier
                        break
            if loaded.version in instrument.earlier_versions:
                # say plainly what was added, instead of "kept where they still fit"
                notes += [n for n in loaded.notes if not n.startswith("Your answers were saved with version")]
                added = instrument.added_note(loaded.version)
                if added and added not in notes:
                    notes.append(added)
                    notes.append("Your earlier answers are all kept. The new questions are blank: answer "
                                 "them if you like, but your results can be shown without them.")
            else:
                notes += loaded.notes
            if loaded.data is not None:
                answers, dropped = model.Answers.from_data(instrument, timepoint, loaded.data,
                                                           loaded.saved, loaded.version)
                notes += dropped
                self.results[timepoint] = answers
        return notes

    def _timepoint_help(self, timepoint: str) -> str:
        text = self.instrument.timepoint_help.get(timepoint, "")
        return f'<p class="mk-help">{esc(text)}</p>' if text else ""

    def _latest(self) -> str | None:
        # ties (saved in the same second) go to the later timepoint
        order = self.instrument.timepoints
        saved = [(a.saved, order.index(t), t) for t, a in self.results.items()]
        return max(saved)[2] if saved else None

    def _fill(self) -> None:
        """Show ``self.answers`` in the inputs built so far (without saving them
        again); an area built later takes its answers from ``self.answers``."""
        self._filling = True
        try:
            for item_id, field in self.fields.items():
                field.show(self.answers.get(item_id))
            if self.answers.participant:
                self.participant.value = self.answers.participant
        finally:
            self._filling = False
        self._show_problems()
        self._show_downloads()

    # -- areas, one at a time ---------------------------------------------------------
    def _area_of(self, item_id: str) -> int:
        domain_id = self.instrument.item(item_id).domain
        return next(i for i, d in enumerate(self.instrument.domains) if d.id == domain_id)

    def _build_area(self, index: int) -> widgets.VBox:
        """The questions (and total line) of area ``index``, made once, showing
        the model's answers and the problems known now."""
        if index in self.areas:
            return self.areas[index]
        domain = self.instrument.domains[index]
        parts: list[widgets.Widget] = []
        self._filling = True
        try:
            for item in domain.items:
                field = ItemField(self.instrument, item, self.shared)
                field.show(self.answers.get(item.id))
                field.input.observe(lambda change, item_id=item.id: self._changed(item_id), names="value")
                field.say(self._shown.get(item.id, ""))
                self.fields[item.id] = field
                parts.append(field)
        finally:
            self._filling = False
        if domain.total is not None:
            self.totals[domain.id] = self.shared.html()
            parts.append(self.totals[domain.id])
        box = widgets.VBox(parts, layout=self.shared.plain)
        self.areas[index] = box
        if domain.total is not None:
            self._show_totals()
        return box

    def show_area(self, index: int) -> None:
        """Show area ``index`` (building it the first time) in place of the one shown."""
        domains = self.instrument.domains
        index = max(0, min(index, len(domains) - 1))
        box = self._build_area(index)
        self.area = index
        domain = domains[index]
        summary = (f'<p class="mk-help">{esc(domain.summary)}</p>'
                   if domain.summary and self.instrument.results != "summary" else "")
        where = f"Area {index + 1} of {len(domains)}: " if len(domains) > 1 else ""
        self.area_heading.value = (f'<div class="mk-section" aria-live="polite"><h3>{esc(where)}'
                                   f"{esc(domain.title)}</h3></div>{summary}")
        self.area_box.children = [box]
        self.previous_button.disabled = index == 0
        self.next_button.disabled = index == len(domains) - 1
        self._show_area_list()

    def _step(self, by: int) -> None:
        """Previous or Next area. The button pressed is disabled at either end;
        the focus then goes to the other one, so a keyboard user keeps their place."""
        self.show_area(self.area + by)
        pressed, other = ((self.next_button, self.previous_button) if by > 0
                          else (self.previous_button, self.next_button))
        if pressed.disabled and not other.disabled:
            other.focus()

    def _area_options(self) -> list[tuple[str, int]]:
        """One choice per area: its title and how far it is answered (and, after
        "See my results", how many answers there need attention)."""
        options = []
        problems = self._shown
        for i, domain in enumerate(self.instrument.domains):
            done = sum(1 for item in domain.items if item.id in self.answers.values)
            label = f"{i + 1}. {domain.title} ({done} of {len(domain.items)} answered"
            flagged = sum(1 for item in domain.items if item.id in problems)
            if flagged:
                label += f", {flagged} to check"
            options.append((label + ")", i))
        return options

    def _show_area_list(self) -> None:
        options = self._area_options()
        if list(self.area_list.options) != options:
            self._filling = True
            try:
                self.area_list.options = options  # resets the choice: put it back
            finally:
                self._filling = False
        if self.area_list.value != self.area:
            self._filling = True
            try:
                self.area_list.value = self.area
            finally:
                self._filling = False

    def _area_chosen(self, change) -> None:
        if self._filling or change["new"] is None:
            return
        self.show_area(change["new"])

    # -- reacting to the learner -------------------------------------------------------
    def _changed(self, item_id: str) -> None:
        if self._filling:
            return
        self.answers.set(item_id, self.fields[item_id].read())
        self._save()
        self._show_problems()
        self._show_downloads()

    def _participant_changed(self, _change=None) -> None:
        if self._filling:
            return
        self.answers.participant = self.participant.value.strip()
        self._save()
        self._show_problems()
        self._show_downloads()

    def _timepoint_changed(self, change) -> None:
        timepoint = change["new"]
        self.timepoint_help.value = self._timepoint_help(timepoint)
        participant = self.answers.participant
        self.answers = self.results.get(timepoint) or self.instrument.new_answers(timepoint)
        if not self.answers.participant:
            self.answers.participant = participant
        self.checked = False
        self.output.value = ""
        self._fill()
        label = self.instrument.timepoint_label(timepoint)
        if self.answers.answered():
            self.status.say(f"Showing your answers for \u201c{label}\u201d.")
        else:
            self.status.say(f"No answers yet for \u201c{label}\u201d. The questions are blank.")

    def _save(self) -> None:
        self.results[self.answers.timepoint] = self.answers
        problem, merged = self.saver.save_merged(self.answers.timepoint, self.answers.to_data())
        if problem:
            self.status.warn(problem)
            return
        self.answers.saved = datetime.now().astimezone().isoformat(timespec="seconds")
        said = f"Saved automatically at {datetime.now():%H:%M}."
        if merged is not None:
            # another window (tab, device) saved answers meanwhile: show them here too
            adopted, _ = model.Answers.from_data(self.instrument, self.answers.timepoint, merged,
                                                 self.answers.saved)
            self.answers.values = adopted.values
            self.answers.participant = adopted.participant or self.answers.participant
            self._fill()
            said += " Answers given in another window were kept and are shown here too."
        if self.saver.conflict:
            self.status.warn(f"{said} {self.saver.conflict}")
        else:
            self.status.say(said)

    def _total_problems(self, problems: dict[str, str]) -> dict[str, str]:
        """Domain id -> the sum problem, taken out of ``problems``. The model
        files a wrong total under the domain's last item; shown there, it reads
        as if that one answer were wrong, so it goes on the domain's total line."""
        found = {}
        for domain_id in self.totals:
            last = self.instrument.domain(domain_id).items[-1]
            value = self.answers.get(last.id)
            # the last item's own problems (missing, not a number, out of range) stay with it
            if (last.id in problems and value is not None
                    and not model.value_problem(self.instrument, last, value)):
                found[domain_id] = problems.pop(last.id)
        return found

    def _show_problems(self) -> dict[str, str]:
        problems = self.answers.problems(require_all=self.checked)
        shown = dict(problems)
        self.total_problems = self._total_problems(shown)
        self._shown = shown
        self.participant.say(shown.get("participant", ""))
        for item_id, field in self.fields.items():
            field.say(shown.get(item_id, ""))
        if self.checked and problems:
            text = f"{_attention(len(problems))} {self._where(problems)}"
            self.problems_line.value = f'<div class="mk-status" role="alert">{esc(text)}</div>'
        else:
            self.problems_line.value = ""
        self._show_totals()
        self._show_area_list()
        return problems

    def _where(self, problems: dict[str, str]) -> str:
        """Which areas hold the problems, so a learner finds those not shown."""
        counts: dict[int, int] = {}
        participant = "participant" in problems
        for item_id in problems:
            if item_id != "participant":
                area = self._area_of(item_id)
                counts[area] = counts.get(area, 0) + 1
        domains = self.instrument.domains
        places = [f"{domains[i].title} ({n})" for i, n in sorted(counts.items())]
        if participant:
            places.insert(0, "Participant code")
        return f"Where: {'; '.join(places)}." if places else ""

    def _show_totals(self) -> None:
        added = model.totals(self.answers)
        problems = self.total_problems
        for domain_id, line in self.totals.items():
            domain = self.instrument.domain(domain_id)
            unit = esc(domain.items[-1].unit)
            if domain_id in problems:
                line.value = f'<p class="mk-total mk-problem" role="alert">{esc(problems[domain_id])}</p>'
            elif added[domain_id] == domain.total:
                line.value = (f'<p class="mk-total mk-ok">Total: <strong>{added[domain_id]}{unit}</strong>'
                              f" \u2014 as it should be.</p>")
            else:
                line.value = (f'<p class="mk-total">Total so far: <strong>{added[domain_id]}{unit}</strong>'
                              f" (it should come to {domain.total}{unit}).</p>")

    def _show_downloads(self, extra: list[Download] | None = None) -> None:
        answered = [a.valid() for t in self.instrument.timepoints
                    if (a := self.results.get(t)) is not None and a.answered()]
        if not answered:
            self.downloads.show([])
            return
        participant = self.answers.participant if model.PARTICIPANT.match(self.answers.participant) else ""
        # with a participant code in the name, a facilitator can keep everyone's files in one folder
        stem = "-".join(part for part in (self.instrument.id, participant, "results") if part)
        files = [
            Download(f"{stem}.csv", model.export_csv(self.instrument, answered, participant),
                     "Download my answers (CSV)", "text/csv"),
            Download(f"{stem}.json", model.export_json(self.instrument, answered, participant),
                     "Download my answers (JSON)", "application/json"),
            *(extra or []),
        ]
        skipped = sum(a.answered() for a in self.results.values()) - sum(a.answered() for a in answered)
        caption = ("Your answers stay on this computer. Download a copy to keep them, or to give "
                   "your facilitator.")
        if skipped:
            caption += f" {skipped} answer(s) that need fixing are not in the download yet."
        self.downloads.show(files, caption)

    def _restore(self, filename: str, content: bytes) -> str:
        """A file from "Restore my answers": used at once when it replaces no
        saved answer; otherwise the learner is asked first (see :meth:`replace`)."""
        try:
            found, participant = model.parse_export(content, filename, self.instrument)
        except model.ExportError as exc:
            raise Rejected(str(exc)) from None
        for answers in found:
            answers.participant = participant
            self._reload(answers.timepoint)  # what is saved now (another tab may have added to it)
        replaced = [a.timepoint for a in found
                    if (old := self.results.get(a.timepoint)) is not None and old.answered()
                    and (old.values != a.values or old.participant != a.participant)]
        count = sum(a.answered() for a in found)
        if not replaced:
            self._pending = None
            return self._apply_restore(filename, found, participant)
        self._pending = (filename, found, participant)
        saved = sum(self.results[t].answered() for t in replaced)
        labels = ", ".join(self.instrument.timepoint_label(t).lower() for t in replaced)
        self._ask_before_restoring(
            f"{esc(filename)} holds {_answers(count)}. "
            f"Restoring it replaces the {_answers(saved)} saved here ({esc(labels)}). A copy of them "
            "is kept, and you can undo. Replace them?")
        return f"Nothing has changed yet: {filename} would replace your saved answers. Choose below."

    def _reload(self, timepoint: str) -> None:
        """Take up the answers saved for ``timepoint`` now, as this page's own."""
        loaded = self.saver.load(timepoint)
        if loaded.data is None:
            return
        current, _ = model.Answers.from_data(self.instrument, timepoint, loaded.data, loaded.saved,
                                             loaded.version)
        self.results[timepoint] = current
        if self.answers.timepoint == timepoint:
            self.answers = current
            self._fill()

    def replace(self) -> str:
        """The learner said yes: keep a copy of the answers saved, then restore."""
        if self._pending is None:
            return ""
        filename, found, participant = self._pending
        self._pending = None
        return self._apply_restore(filename, found, participant)

    def keep(self) -> None:
        """The learner said no: nothing changes."""
        self._pending = None
        self._restore_extra([])
        self.upload.field.say("Nothing was changed: your saved answers are as they were.", ok=True)

    def _apply_restore(self, filename: str, found: list[model.Answers], participant: str) -> str:
        before: dict[str, model.Answers | None] = {}
        copies = []
        try:
            for answers in found:
                copy = self.saver.backup(answers.timepoint)
                if copy is not None:
                    copies.append(copy)
                before[answers.timepoint] = self.results.get(answers.timepoint)
        except StoreError as exc:
            self._restore_extra([])
            message = (f"Nothing was changed: a copy of your saved answers could not be kept ({exc}), "
                       "so they were not replaced.")
            self.upload.field.say(message)
            return message
        failures = []
        for answers in found:
            self.results[answers.timepoint] = answers
            failure = self.saver.save(answers.timepoint, answers.to_data())
            if failure:
                failures.append(failure)
        self._undo = before
        timepoints = [a.timepoint for a in found]
        self._show_restored(timepoints)
        self.participant.value = participant
        count = sum(a.answered() for a in found)
        labels = ", ".join(self.instrument.timepoint_label(t).lower() for t in timepoints)
        kept = (f" The answers it replaced are kept in {', '.join(str(c) for c in copies)}."
                if copies else "")
        message = f"Restored {_answers(count)} ({labels}) from {filename}.{kept}"
        older = next((a.version for a in found if a.version is not None), None)
        if older is not None:
            message += (f" The file was made with version {older}. {self.instrument.added_note(older)} "
                        "They are blank.")
        self._restore_extra([self.undo_restore_button])
        self.upload.field.say(message, ok=True)
        if failures:
            self.status.warn(failures[0])
        return message

    def undo_restore(self) -> str:
        """Put back the answers a restore replaced (from before it)."""
        if not self._undo:
            return ""
        before, self._undo = self._undo, None
        failures = []
        for timepoint, answers in before.items():
            if answers is None:
                self.results.pop(timepoint, None)
                self.saver.forget(timepoint)
            else:
                self.results[timepoint] = answers
                failure = self.saver.save(timepoint, answers.to_data())
                if failure:
                    failures.append(failure)
        self._show_restored(list(before))
        message = "The restore was undone: your earlier answers are back."
        self._restore_extra([])
        self.upload.field.say(message, ok=True)
        if failures:
            self.status.warn(failures[0])
        return message

    def _show_restored(self, timepoints: list[str]) -> None:
        show = self.answers.timepoint if self.answers.timepoint in timepoints else timepoints[0]
        if self.timepoint is not None and self.timepoint.value != show:
            self.timepoint.value = show  # fills the inputs through _timepoint_changed
        else:
            self.answers = self.results.get(show) or self.instrument.new_answers(show)
            self._fill()
        self._show_downloads()

    # -- results -------------------------------------------------------------------
    def show_results(self) -> bool:
        """Check every answer; draw the results when none needs attention.
        True when results were drawn."""
        self.checked = True
        problems = self._show_problems()
        if problems:
            self.output.value = ""
            areas = sorted({self._area_of(k) for k in problems if k != "participant"})
            if areas and self.area not in areas:
                self.show_area(areas[0])  # the learner sees the first one needing attention
            return False
        kind = self.instrument.results
        draw = {"radar": self._radar, "profile": self._profile, "themes": self._themes,
                "summary": self._summary}[kind]
        body, extra = draw()
        self.output.value = f'<div class="mk-results" aria-live="polite">{body}</div>'
        self._show_downloads(extra)
        return True

    def _saved_series(self) -> dict[str, dict[str, float | None]]:
        """Timepoint label -> domain scores, for every timepoint with answers."""
        return {self.instrument.timepoint_label(t): model.domain_scores(self.results[t])
                for t in self.instrument.timepoints
                if t in self.results and self.results[t].answered()}

    def _score_table(self, series: dict[str, dict[str, float | None]], caption: str) -> str:
        names = list(series)
        multi = len(self.instrument.timepoints) > 1
        head = "".join(f'<th scope="col">{esc(n if multi else "Your average")}</th>' for n in names)
        change = len(names) == 2
        if change:
            head += '<th scope="col">Change</th>'
        rows = []
        for domain in self.instrument.domains:
            values = [series[n][domain.id] for n in names]
            cells = "".join(f'<td class="mk-num">{_number(v)}</td>' for v in values)
            if change:
                cells += f'<td class="mk-num">{_change(values[0], values[1])}</td>'
            rows.append(f'<tr><th scope="row">{esc(domain.title)}</th>{cells}</tr>')
        return (f'<table><caption class="mk-meta">{esc(caption)}</caption><thead><tr>'
                f'<th scope="col">Area</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')

    def _radar(self) -> tuple[str, list[Download]]:
        from ..plots import radar_chart
        from .charts import figure_html

        instrument, scale = self.instrument, self.instrument.scale
        series = self._saved_series()
        labels = [d.title for d in instrument.domains]
        fig = radar_chart(labels, {n: [s[d.id] for d in instrument.domains] for n, s in series.items()},
                          vmin=scale.min, vmax=scale.max, title=f"{instrument.title}: your scores by area",
                          note=instrument.disclaimer)
        alt = f"Radar chart of your average rating in each area, from {scale.min} to {scale.max}. " \
              + _describe(instrument, series)
        current = self.instrument.timepoint_label(self.answers.timepoint)
        revisit = model.lessons_to_revisit(instrument, model.domain_scores(self.answers))
        items = "".join(f"<li><strong>{esc(d.title)}</strong>: {_links(lessons)}</li>"
                        for d, lessons in revisit)
        body = (f"<h3>Your results</h3>{figure_html(fig, alt)}"
                + self._score_table(series, f"Average rating in each area ({scale.min} to {scale.max})")
                + (f"<h3>Lessons to revisit</h3><p>Your lowest-rated areas ({esc(current.lower())}) and "
                   f"the lessons that cover them:</p><ul>{items}</ul>" if items else ""))
        if len(series) == 1 and len(instrument.timepoints) > 1:
            body += ("<p class=\"mk-meta\">When you have answered at other times too, the chart "
                     "shows them side by side.</p>")
        return body, []

    def _profile(self) -> tuple[str, list[Download]]:
        from ..plots import horizontal_bars
        from .charts import figure_html

        instrument, scale = self.instrument, self.instrument.scale
        series = self._saved_series()
        labels = [d.title for d in instrument.domains]
        fig = horizontal_bars(labels, {n: [s[d.id] for d in instrument.domains] for n, s in series.items()},
                              vmin=scale.min, vmax=scale.max, ticks=scale.labels,
                              title=f"{instrument.title}: your profile",
                              xlabel="How often, on average", note=instrument.disclaimer)
        alt = f"Bar chart of how often you did each kind of thing, from {scale.min} to {scale.max}. " \
              + _describe(instrument, series)
        steps = "".join(
            f"<li><strong>{esc(d.title)}</strong><ul>"
            + "".join(f"<li>{esc(step)}</li>" for step in d.next_steps)
            + _lesson_links(d.lessons) + "</ul></li>"
            for d in model.domains_to_work_on(self.answers, 2))
        body = (f"<h3>Your results</h3>{figure_html(fig, alt)}"
                + self._score_table(series, f"Average per area ({scale.label(scale.min)} to "
                                            f"{scale.label(scale.max)})")
                + (f"<h3>Next steps</h3><p>Ideas for the areas you did least often:</p><ul>{steps}</ul>"
                   if steps else "")
                + _reversed_results_note(instrument))
        return body, []

    def _themes(self) -> tuple[str, list[Download]]:
        from ..plots import horizontal_bars
        from .charts import figure_html

        instrument, scale = self.instrument, self.instrument.scale
        scores = model.domain_scores(self.answers)
        series = {instrument.timepoint_label(self.answers.timepoint): scores}
        labels = [d.title for d in instrument.domains]
        fig = horizontal_bars(labels, {n: [s[d.id] for d in instrument.domains] for n, s in series.items()},
                              vmin=scale.min, vmax=scale.max, ticks=scale.labels,
                              title="How often these feelings came up for you", xlabel="Average rating",
                              note=instrument.disclaimer)
        alt = "Bar chart of how often each theme came up for you. " + _describe(instrument, series)
        band = instrument.band(model.overall_score(self.answers))
        reading = (f"<h4>{esc(band.title)}</h4>{markdown(band.text)}" if band else "")
        themes = "".join(f"<li><strong>{esc(d.title)}</strong>: {esc(d.summary)}</li>"
                         for d in model.highest_domains(instrument, scores, 2) if d.summary)
        resources = "".join(
            f"<li><strong>{_resource_title(r)}</strong>: {esc(r.text)}</li>" for r in instrument.resources)
        body = ("<h3>Your results</h3>" + reading
                + (f"<h3>What came up most</h3><ul>{themes}</ul>" if themes else "")
                + figure_html(fig, alt) + _reversed_results_note(instrument)
                + (f"<h3>Where to go from here</h3><ul>{resources}</ul>" if resources else "")
                + '<p class="mk-meta">This is a prompt for reflection, not a diagnosis or a '
                  "measurement. It has not been validated.</p>")
        return body, []

    def _summary(self) -> tuple[str, list[Download]]:
        from ..plots import horizontal_bars
        from .charts import figure_html

        labels, series = model.allocation(self.answers)
        chart = ""
        if labels:
            domain = next(d for d in self.instrument.domains if d.total is not None)
            unit = domain.items[0].unit
            fig = horizontal_bars(labels, series, vmin=0, vmax=domain.total, unit=unit,
                                  title="How your working time is shared",
                                  xlabel=f"Share of your time ({unit})")
            alt = "Bar chart of your working time: " + "; ".join(
                f"{name}: " + ", ".join(f"{label} {v}{unit}" for label, v in zip(labels, values, strict=True))
                for name, values in series.items())
            chart = figure_html(fig, alt)
        parts = []
        for domain, rows in model.summary_sections(self.answers):
            answered = "".join(f"<h4>{esc(item.text)}</h4><p>{esc(shown) or '<em>(not answered)</em>'}</p>"
                               for item, shown in rows)
            parts.append(f"<h3>{esc(domain.title)}</h3>{answered}")
        participant = self.answers.participant
        who = f"Participant {participant}" if participant else ""
        stem = f"{self.instrument.id}-summary"
        extra = [Download(f"{stem}.html", model.summary_html(self.answers, who),
                          "Download the summary to print (HTML)", "text/html"),
                 Download(f"{stem}.pdf", model.summary_pdf(self.answers, who),
                          "Download the summary (PDF)", "application/pdf")]
        body = ("<h3>Your results</h3><p>Your answers as a summary, to bring to your career conference. "
                "The download links below give it as a page to print and as a PDF.</p>"
                + chart + f'<div class="mk-summary">{"".join(parts)}</div>')
        return body, extra


# -- small formatting helpers ---------------------------------------------------------
def _number(value: float | None) -> str:
    return "no answer" if value is None else f"{value:.1f}"


def _describe(instrument: model.Instrument, series: dict[str, dict[str, float | None]]) -> str:
    """The numbers behind a chart, for its alternative text."""
    return " ".join(
        f"{name}: " + "; ".join(f"{d.title} {_number(scores[d.id])}" for d in instrument.domains) + "."
        for name, scores in series.items())


def _change(before: float | None, after: float | None) -> str:
    """The change between two averages, worked out from the rounded numbers
    shown beside it (3.5 -> 3.8 reads +0.3, whatever the unrounded means were)."""
    if before is None or after is None:
        return ""
    from decimal import Decimal

    diff = Decimal(_number(after)) - Decimal(_number(before))
    return f"{diff:+.1f}"


def _answers(count: int) -> str:
    return f"{count} answer{'s' if count != 1 else ''}"


def _attention(count: int) -> str:
    if count == 1:
        return "1 answer needs attention (see the note beside it)."
    return f"{count} answers need attention (see the notes beside them)."


def reverse_note(instrument: model.Instrument, item: model.Item) -> str:
    """For an item scored the other way round, a sentence saying so (shown
    under its label): otherwise "often" to a positive statement lowering a
    theme's score looks like a mistake."""
    if not item.reverse:
        return ""
    return (f"This statement counts the other way round: the higher your answer, the lower your "
            f"score for \u201c{instrument.domain(item.domain).title}\u201d.")


def _reversed_results_note(instrument: model.Instrument) -> str:
    reversed_items = [i for i in instrument.items if i.reverse]
    if not reversed_items:
        return ""
    names = "; ".join(f"\u201c{esc(i.text)}\u201d" for i in reversed_items)
    return (f'<p class="mk-meta">Counted the other way round: {names}. For these, a higher answer '
            "lowers the score of its area.</p>")


def _links(lessons: tuple[str, ...] | list[str]) -> str:
    """Lessons as links, opened beside this page as the scenario feedback does
    (the learner keeps their results)."""
    return ", ".join(f'<a href="{esc(lesson_href(s))}" target="_blank">{esc(LESSON_TITLES.get(s, s))}</a>'
                     for s in lessons)


def _lesson_links(lessons: tuple[str, ...]) -> str:
    if not lessons:
        return ""
    return f"<li>More in the lesson{'s' if len(lessons) > 1 else ''} {_links(lessons)}.</li>"


def _resource_title(resource: model.Resource) -> str:
    if resource.lesson:
        return f'<a href="{esc(lesson_href(resource.lesson))}" target="_blank">{esc(resource.title)}</a>'
    if resource.href:
        return (f'<a href="{esc(resource.href)}" target="_blank" rel="noopener">'
                f"{esc(resource.title)}</a>")
    return esc(resource.title)


def _when(saved: str) -> str:
    try:
        return f"{datetime.fromisoformat(saved).astimezone():%d %B %Y at %H:%M}"
    except ValueError:
        return saved


def _problem_box(error: ContentError) -> widgets.HTML:
    items = "".join(f"<li><code>{esc(p)}</code></li>" for p in error.problems)
    return widgets.HTML(
        '<div class="mk-card mk-status" role="alert"><p>This self-assessment cannot be shown '
        f"because its file has problems:</p><ul>{items}</ul>"
        "<p>Run <code>mentorkit validate</code> for details.</p></div>")


def show_self_assessment(instrument_id: str, store: Store | None = None):
    """The app for ``exercises/self-assessments/<instrument_id>.yaml``; nothing
    while nbgrader grades, and a readable list of problems if the file is wrong."""
    if grading():
        return None
    try:
        instrument = model.load(instrument_id)
    except ContentError as error:
        return _problem_box(error)
    return SelfAssessmentApp(instrument, store=store)
