"""A form over a document model (an agreement, a charter): labelled fields,
saved through the store as the learner types, a message under each field
that needs attention, gentle advice, and the finished document to preview
and download, as a printable web page and as Markdown.

The fields look like the self-assessments' (``ui/appkit.py``): the label
sits above its input, so the form fits a phone as well as a desktop, and a
choice of several is a list of tick boxes, one per option, each reachable
with Tab and ticked with Space.

A model used here has ``problems() -> {field: message}``, ``advice() ->
[note]``, ``to_markdown()``, ``to_data()`` and ``from_data(data)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

import ipywidgets as widgets
import traitlets

from ..store import Store, StoreError
from ._html import esc, markdown
from .appkit import CSS as APP_CSS
from .appkit import Field
from .download import download_link

WIDE = widgets.Layout(width="100%", max_width="40em")
LABEL = {"description_width": "initial"}  # the label's full text, above the input (see FORM_CSS)

# Labels above their inputs come from appkit's ``.mk-field`` rules. These add
# what the document forms need on top: radio options and tick boxes whose
# long text wraps instead of printing over the next option, date inputs wide
# enough to show the year, short number boxes, and text areas in the page's
# font rather than the browser's monospace default.
FORM_CSS = APP_CSS + """
<style>
.mk-form .mk-field.widget-inline-hbox { height: auto; }
.mk-form .mk-field .widget-label { margin-bottom: 0.25em; }
.mk-form .mk-field textarea { font-family: inherit; font-size: 14px; line-height: 1.4; }
.mk-form .mk-field input[type="number"] { flex: 0 0 auto; width: 7em; max-width: 100%; }
.mk-form .mk-field input[type="date"] { flex: 0 0 auto; width: 12em; min-width: 11em;
  max-width: 100%; }
.mk-form .widget-radio-box { flex-basis: 100%; margin-bottom: 0; }
.mk-form .widget-radio-box label { display: flex; align-items: flex-start; white-space: normal;
  height: auto; line-height: 1.35; padding: 0.2em 0; font-size: 14px; color: #1b1b1b; }
.mk-form .widget-radio-box input { order: -1; float: none; flex: 0 0 auto; height: auto;
  margin: 0.2em 0.6em 0 1px; }
.mk-group-label { font-size: 14px; color: #1b1b1b; margin: 0 0 0.2em; line-height: 1.4; }
.mk-form .mk-field select { height: 2em; }
.mk-form .widget-checkbox { width: auto; height: auto; line-height: 1.35; }
.mk-form .widget-checkbox .widget-label-basic { display: flex; align-items: flex-start;
  white-space: normal; overflow: visible; height: auto; line-height: 1.35; padding: 0.2em 0;
  font-size: 14px; color: #1b1b1b; }
.mk-form .widget-checkbox input[type="checkbox"] { flex: 0 0 auto; align-self: flex-start;
  margin: 0.15em 0.6em 0 1px; }
</style>
"""

# A standalone page that prints on one or two sheets and opens in any
# browser (and in Word, for editing); physicians rarely have a Markdown viewer.
PAGE_CSS = ("body{font-family:Georgia,'Times New Roman',serif;max-width:42em;margin:2em auto;"
            "padding:0 1em;color:#111;line-height:1.5;font-size:12pt}"
            "h1{font-size:1.6em;margin:0 0 0.6em}h2{font-size:1.15em;border-bottom:1px solid #999;"
            "margin:1.3em 0 0.4em}ul{padding-left:1.4em}li{margin:0.2em 0}"
            "p:last-child{margin-top:2.5em}"
            "@media print{body{margin:0;max-width:none}h2{break-after:avoid}}")


def known(value: Any, options: Sequence[Any], default: Any = None) -> Any:
    """``value`` if it is one of ``options``, else ``default`` (else the first option).
    Saved data from an older or damaged file must not stop the form from opening."""
    if value in options:
        return value
    return default if default in options else options[0]


def printable_html(text: str) -> str:
    """A document written in Markdown as a standalone, printable HTML page,
    titled by its first heading."""
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "Document")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{PAGE_CSS}</style></head>\n"
            f"<body>\n{markdown(text)}</body></html>\n")


class CheckboxGroup(widgets.VBox):
    """A choice of several, as one labelled tick box per option under a group
    label. ``value`` is the tuple of ticked options, in the options' order;
    setting it ticks the boxes, and options that do not exist are left out."""

    value = traitlets.Tuple()

    def __init__(self, options: Sequence[str], value: Sequence[str] = (), description: str = "",
                 **kwargs):
        super().__init__(**kwargs)
        self.options = tuple(options)
        self.description = description
        self._syncing = False
        self.boxes = {option: widgets.Checkbox(False, description=option, indent=False,
                                               layout=widgets.Layout(width="auto", max_width="100%"))
                      for option in self.options}
        for box in self.boxes.values():
            box.observe(self._ticked, names="value")
        self.observe(self._set_boxes, names="value")
        self.value = tuple(value)
        self._set_boxes()  # the same value as the default does not notify
        self.children = [widgets.HTML(f'<div class="mk-group-label">{esc(description)}</div>'),
                         *self.boxes.values()]
        self.add_class("mk-checks")

    @traitlets.validate("value")
    def _only_options(self, proposal) -> tuple:
        chosen = set(proposal["value"])
        return tuple(option for option in self.options if option in chosen)

    def _ticked(self, _change=None) -> None:
        if not self._syncing:
            self.value = tuple(option for option, box in self.boxes.items() if box.value)

    def _set_boxes(self, _change=None) -> None:
        self._syncing = True
        try:
            for option, box in self.boxes.items():
                box.value = option in self.value
        finally:
            self._syncing = False

    def focus(self) -> None:
        next(iter(self.boxes.values())).focus()


class DocumentForm(widgets.VBox):
    """Subclasses set the class attributes and build ``self.fields`` in
    ``make_fields(model)``; ``read()`` turns the fields back into a model."""

    instrument = ""
    key = "current"
    filename = "document.md"  # the Markdown file; the printable page is the same name in .html
    button_label = "Make my document"
    html_label = "Download the document to print or edit (web page)"
    download_label = "Download the document as plain text (Markdown)"
    model_class: type = object

    def __init__(self, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.store = store or Store()
        record = self.store.load(self.instrument, self.key)
        self.model = self.model_class.from_data(record.data) if record else self.new_model()
        self.fields: dict[str, widgets.Widget] = self.make_fields(self.model)
        # what this window last saw in the store: a save merges, field by field, with
        # what another window (tab, device) saved since (see Store.update)
        self._base = record.data if record else self.model.to_data()
        self._syncing = False
        for w in self.fields.values():
            if not isinstance(w, (widgets.Checkbox, CheckboxGroup)):
                w.add_class("mk-field")  # label above the input, wrapped when long
        self.rows = {name: Field(w) for name, w in self.fields.items()}
        self.messages = {name: row.message for name, row in self.rows.items()}
        self.make_button = widgets.Button(description=self.button_label, icon="file-text-o",
                                          button_style="primary",
                                          layout=widgets.Layout(width="auto", align_self="flex-start"))
        self.make_button.on_click(self._make)
        self.advice = widgets.HTML()
        self.preview = widgets.HTML()
        self.status = widgets.HTML()
        problems = list(self.store.problems)
        if problems:
            self.status.value = ('<div class="mk-status" role="status">'
                                 + "<br>".join(esc(p) for p in problems) + "</div>")
        for w in self.fields.values():
            w.observe(self._changed, names="value")
        self.children = [widgets.HTML(FORM_CSS), *self.rows.values(), self.advice, self.make_button,
                         self.status, self.preview]
        self.add_class("mk-form")
        self._show_advice()

    @property
    def html_filename(self) -> str:
        return PurePosixPath(self.filename).with_suffix(".html").name

    # -- for subclasses ------------------------------------------------------
    def new_model(self):
        return self.model_class()

    def make_fields(self, model) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def read(self):
        return self.model_class(**{name: w.value for name, w in self.fields.items()})

    # -- behaviour -----------------------------------------------------------
    def _changed(self, _change=None) -> None:
        if self._syncing:
            return
        self.model = self.read()
        for row in self.rows.values():
            row.say("")  # messages appear once the learner asks for the document
        try:
            record, merged = self.store.update(self.instrument, self.key, self.model.to_data(), self._base)
        except StoreError as exc:
            self.status.value = (f'<div class="mk-status" role="status">Not saved: {esc(exc)}. '
                                 "What you typed is still in the form.</div>")
        else:
            self._base = record.data
            notes = []
            if merged.taken:
                self.model = self.model_class.from_data(record.data)
                self._show(self.model)
                notes.append("Changes made in another window were kept and are shown here too.")
            if merged.conflicts:
                notes.append("This page is open in another window too, and both changed the same "
                             f"field(s); this page's version was saved, and the other is kept in "
                             f"{merged.backup}.")
            self.status.value = (f'<div class="mk-status" role="status">{esc(" ".join(notes))}</div>'
                                 if notes else "")
        self._show_advice()

    def _show(self, model) -> None:
        """Put ``model``'s values in the fields that show something else."""
        shown = self.read()
        self._syncing = True
        try:
            for name, widget in self.fields.items():
                value = getattr(model, name, None)
                if value == getattr(shown, name, None):
                    continue
                try:
                    widget.value = tuple(value) if isinstance(widget, CheckboxGroup) else value
                except (traitlets.TraitError, TypeError, ValueError):
                    pass  # a value this field cannot show stays in the store as saved
        finally:
            self._syncing = False

    def _show_advice(self) -> None:
        notes = self.model.advice()
        self.advice.value = ("<div class='mk-card mk-meta'><ul>"
                             + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>"
                             if notes else "")

    def _make(self, _button=None) -> None:
        self.model = self.read()
        problems = self.model.problems()
        for name, row in self.rows.items():
            row.say(problems.get(name, ""))
        if problems:
            self.preview.value = ('<div class="mk-status" role="alert">Some fields need attention: '
                                  "see the notes under them. Nothing you typed was lost.</div>")
            first = next(name for name in self.fields if name in problems)
            focus = getattr(self.fields[first], "focus", None)
            if callable(focus):
                focus()  # a keyboard user lands on the first field to fix
            return
        text = self.model.to_markdown()
        links = (download_link(printable_html(text), self.html_filename, self.html_label, "text/html")
                 + download_link(text, self.filename, self.download_label, "text/markdown"))
        self.preview.value = (
            f'<div class="mk-card mk-feedback mk-helpful">{markdown(text)}</div>'
            f'<div class="mk-downloads">{links}<p class="mk-help">The web page opens in any '
            "browser, where you can print it or save it as a PDF; Word and most word processors "
            "open it for editing. The plain-text copy is for notes apps and email.</p></div>")
