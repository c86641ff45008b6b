"""Building blocks for the Voila apps (self-assessments, the network map).

Every app is a column of these parts; each part does one thing and decides
nothing (the model does):

``Field(input, help="")``
    An input widget with its visible label (the widget's ``description``,
    wrapped when long) and a message slot beside it: ``field.say(text)``
    shows a problem, ``field.say("")`` clears it.
``text_input``, ``text_area``, ``dropdown``, ``radio``
    Labelled inputs made the same way everywhere (label above or beside, full
    text, keyboard reachable); each returns the ipywidget.
``Saver(instrument, version=None, store=None)``
    Remembers an app's data in the learner's store: ``saver.save(key, data)``
    returns "" or a message for the learner; ``saver.load(key)`` returns a
    :class:`Loaded` (data or None, when it was saved, notes to show).
``StatusLine()``
    A polite live region for "Saved", "Restored ..." and store problems:
    ``status.say(text)``, ``status.warn(text)``.
``DownloadLinks()``
    ``links.show([Download(filename, content, label, mime), ...])`` shows
    links that hand the learner the files (data: links, no server needed).
``UploadBox(label, on_file)``
    A file picker (CSV or JSON by default) with a message beside it; the
    button shows ``label`` without ipywidgets' file counter (``file_picker``). It calls
    ``on_file(filename, content_bytes)``, which returns a confirmation to show
    or raises :class:`Rejected` with a message; either way the message appears
    beside the picker. ``on_file`` must change nothing when it rejects.
``heading(text, level=2)``, ``note(markdown)``, ``disclaimer(text)``
    Headings and text as HTML widgets.
``CSS``
    The style sheet for all of the above (add ``widgets.HTML(CSS)`` once).

Nothing here imports pandas or matplotlib, so an app's first widgets appear
quickly; draw charts only when the learner asks for results.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import ipywidgets as widgets

from ..store import Store, StoreError
from ._html import CSS as BASE_CSS
from ._html import esc, markdown
from .download import download_link

# A FileUpload button reads "<description> (<number of files held>)", and the
# number means nothing to a learner (the apps empty the picker after each file,
# so it always said "(0)"). The button's own text is hidden and its tooltip
# (the same words) is shown instead; screen readers still read the description.
UPLOAD_CSS = """
<style>
.mk-upload.widget-upload { font-size: 0 !important; width: auto; align-self: flex-start;
  padding: 0 14px; }  /* px: em is 0 here */
.mk-upload.widget-upload i { font-size: 14px; margin-right: 0.45em; }
.mk-upload.widget-upload::after { content: attr(title); font-size: 14px; }
</style>
"""

CSS = BASE_CSS + """
<style>
.mk-field { width: 100%; max-width: 46em; }
.mk-field.widget-inline-hbox { flex-wrap: wrap; align-items: baseline; }
.mk-field .widget-label { white-space: normal !important; overflow: visible; text-overflow: clip;
  height: auto; line-height: 1.4; text-align: left; width: 100% !important; max-width: 46em;
  margin-bottom: 0.2em; font-size: 14px; color: #1b1b1b; }
.mk-field select, .mk-field input[type="text"], .mk-field textarea { font-size: 14px; }
.mk-field.widget-dropdown select { max-width: 22em; }
.mk-field.widget-dropdown, .mk-field.widget-text { height: auto; }  /* the label wraps above: grow */
.mk-field.widget-text input { max-width: 22em; }
.mk-row { margin: 0.35em 0 0.6em; padding-bottom: 0.35em; border-bottom: 1px solid #e3e7ec; }
.mk-help { color: #3d3d3d; font-size: 13px; margin: 0 0 0.2em; max-width: 46em; }
.mk-problem { color: #8a1c12; font-size: 13px; font-weight: bold; }
.mk-problem::before { content: "\\26A0\\FE0E  "; }
.mk-ok { color: #14532d; font-size: 13px; }
.mk-disclaimer { border-left: 6px solid #9a6700; background: #fff8e6; padding: 0.4em 0.9em;
  margin: 0.4em 0; font-size: 14px; color: #1b1b1b; max-width: 52em; }
.mk-section h2, .mk-section h3 { margin: 0.9em 0 0.2em; }
.mk-download { display: inline-block; margin: 0.2em 1.2em 0.2em 0; font-size: 14px; color: #0b57d0;
  text-decoration: underline; }
.mk-download:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.mk-results table { border-collapse: collapse; font-size: 14px; margin: 0.5em 0; }
.mk-results th, .mk-results td { border: 1px solid #9aa5b1; padding: 0.3em 0.6em; text-align: left; }
.mk-results th { background: #e8edf3; }
.mk-results td.mk-num { text-align: right; }
/* a widget's HTML inherits the 28px line height of a widget row: text that wraps needs its own */
.mk-help, .mk-problem, .mk-ok, .mk-meta, .mk-status, .mk-disclaimer, .mk-total, .mk-message,
.mk-results th, .mk-results td, .mk-results li, .mk-downloads { line-height: 1.4; }
.mk-help { margin-bottom: 0.35em; }
.mk-results a, .mk-downloads a, .mk-help a { color: #0b57d0; text-decoration: underline; }
/* the page's own text (the notebook's Markdown): JupyterLab's ".jp-RenderedHTMLCommon a:link"
   takes the underline away, and a link told apart by colour alone fails WCAG 1.4.1 */
.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
</style>
""" + UPLOAD_CSS

LABEL_STYLE = {"description_width": "initial"}


def _layout(width: str = "100%") -> widgets.Layout:
    return widgets.Layout(width=width, max_width="46em")


# -- labelled inputs ---------------------------------------------------------------
def text_input(label: str, value: str = "", placeholder: str = "") -> widgets.Text:
    """A one-line text box with a visible label."""
    box = widgets.Text(value=value, description=label, placeholder=placeholder, style=LABEL_STYLE,
                       layout=_layout())
    box.add_class("mk-field")
    return box


def text_area(label: str, value: str = "", rows: int = 3, placeholder: str = "") -> widgets.Textarea:
    """A multi-line text box with a visible label."""
    box = widgets.Textarea(value=value, description=label, rows=rows, placeholder=placeholder,
                           style=LABEL_STYLE, layout=_layout())
    box.add_class("mk-field")
    return box


def dropdown(label: str, options: Sequence[tuple[str, Any]], value: Any = None) -> widgets.Dropdown:
    """A drop-down list with a visible label; ``options`` are (words, value) pairs.
    The first option should be the "not answered yet" choice."""
    values = [v for _, v in options]
    box = widgets.Dropdown(options=list(options), value=value if value in values else values[0],
                           description=label, style=LABEL_STYLE, layout=_layout())
    box.add_class("mk-field")
    return box


def radio(label: str, options: Sequence[tuple[str, Any]], value: Any = None) -> widgets.RadioButtons:
    """Radio buttons with a visible label; the arrow keys move between them."""
    values = [v for _, v in options]
    box = widgets.RadioButtons(options=list(options), value=value if value in values else values[0],
                               description=label, style=LABEL_STYLE, layout=_layout())
    box.add_class("mk-field")
    return box


class Field(widgets.VBox):
    """An input, an optional line of help under its label, and a message beside it."""

    def __init__(self, input: widgets.Widget, help: str = "", **kwargs):
        super().__init__(**kwargs)
        self.input = input
        self.message = widgets.HTML()
        self.message.add_class("mk-message")
        parts: list[widgets.Widget] = [input]
        if help:
            parts.append(widgets.HTML(f'<p class="mk-help">{esc(help)}</p>'))
        parts.append(self.message)
        self.children = parts
        self.add_class("mk-row")

    @property
    def value(self) -> Any:
        return self.input.value

    @value.setter
    def value(self, new: Any) -> None:
        self.input.value = new

    @property
    def problem(self) -> str:
        """The message showing now, as plain text ("" when none)."""
        return getattr(self, "_problem", "")

    def say(self, text: str, ok: bool = False) -> None:
        """Show ``text`` beside the input (a problem unless ``ok``); "" clears it."""
        self._problem = "" if ok else text
        if not text:
            self.message.value = ""
        elif ok:
            self.message.value = f'<span class="mk-ok" role="status">{esc(text)}</span>'
        else:
            self.message.value = f'<span class="mk-problem" role="alert">{esc(text)}</span>'


# -- text ------------------------------------------------------------------------
def heading(text: str, level: int = 2) -> widgets.HTML:
    return widgets.HTML(f'<div class="mk-section"><h{level}>{esc(text)}</h{level}></div>')


def note(text: str) -> widgets.HTML:
    """Course text (Markdown) in the page's card style."""
    return widgets.HTML(f'<div class="mk-card">{markdown(text)}</div>')


def disclaimer(text: str) -> widgets.HTML:
    return widgets.HTML(f'<div class="mk-disclaimer" role="note"><strong>Please note:</strong> '
                        f"{esc(text)}</div>")


class StatusLine(widgets.HTML):
    """One line that says what just happened (saved, restored, could not save)."""

    def say(self, text: str) -> None:
        self.value = f'<div class="mk-meta" role="status">{esc(text)}</div>' if text else ""

    def warn(self, text: str) -> None:
        self.value = f'<div class="mk-status" role="alert">{esc(text)}</div>' if text else ""


# -- the store ---------------------------------------------------------------------
@dataclass
class Loaded:
    """What :meth:`Saver.load` found."""

    data: dict[str, Any] | None
    saved: str = ""
    version: Any = None
    notes: list[str] = field(default_factory=list)


class Saver:
    """Saves an app's data as the learner goes, and finds it again.

    Two windows on one learner's store (two tabs, or a laptop and a tablet on
    the hub) may both save: each save is merged with what the other window
    saved since this one last loaded or saved (:meth:`Store.update`), so no
    answer given in either is lost. :meth:`save_merged` also returns the
    merged data, for the app to show."""

    def __init__(self, instrument: str, version: int | str | None = None, store: Store | None = None):
        self.instrument, self.version = instrument, version
        self.store = store or Store()
        self.bases: dict[str, Any] = {}  # key -> the data this window last loaded or saved
        self.conflict = ""  # after a save: what to tell the learner about another window, or ""

    def load(self, key: str) -> Loaded:
        """The saved data for ``key`` (None when there is none) and any notes,
        e.g. a damaged file that was set aside or an older version."""
        before = len(self.store.problems)
        record = self.store.load(self.instrument, key)
        notes = list(self.store.problems[before:])
        self.bases[key] = copy.deepcopy(record.data) if record is not None else None
        if record is None:
            return Loaded(None, notes=notes)
        if self.version is not None and record.instrument_version not in (None, self.version):
            notes.append(f"Your answers were saved with version {record.instrument_version} of this "
                         f"page; they have been kept where they still fit version {self.version}.")
        return Loaded(record.data, record.saved, record.instrument_version, notes)

    def keys(self) -> list[str]:
        """The keys with saved data (e.g. the timepoints answered)."""
        return [record.key for record in self.store.records(self.instrument)]

    def save(self, key: str, data: dict[str, Any]) -> str:
        """Save ``data``; "" on success, else a message for the learner."""
        return self.save_merged(key, data)[0]

    def save_merged(self, key: str, data: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """Save ``data``, merged with changes another window saved meanwhile.
        Returns ("" or a message for the learner, the merged data when it
        differs from ``data``, else None)."""
        self.conflict = ""
        try:
            record, merged = self.store.update(self.instrument, key, data, self.bases.get(key),
                                               instrument_version=self.version)
        except StoreError as exc:
            return (f"Your answers could not be saved ({exc}). Keep this page open and use the "
                    "download link to keep a copy."), None
        self.bases[key] = copy.deepcopy(record.data)
        if merged.conflicts:
            kept = f" The other window's version is kept in {merged.backup}." if merged.backup else ""
            self.conflict = ("This page is open in another window too, and both changed the same "
                             f"answer(s); this page's version was saved.{kept}")
        return "", (record.data if record.data != data else None)

    def backup(self, key: str):
        """Keep a copy of what is saved for ``key`` before it is replaced; the
        copy's path (None when nothing was saved). StoreError if it cannot."""
        return self.store.backup(self.instrument, key)

    def forget(self, key: str) -> None:
        """Remove what is saved for ``key`` (undoing a restore into an empty page)."""
        self.store.delete(self.instrument, key)
        self.bases[key] = None


# -- files -----------------------------------------------------------------------
@dataclass(frozen=True)
class Download:
    filename: str
    content: str | bytes
    label: str
    mime: str = "text/plain"


class DownloadLinks(widgets.HTML):
    """Links that give the learner files made in the page."""

    def show(self, files: Sequence[Download], caption: str = "") -> None:
        links = "".join(download_link(f.content, f.filename, f.label, f.mime) for f in files)
        head = f'<span class="mk-meta">{esc(caption)}</span><br>' if caption else ""
        self.value = f'<div class="mk-downloads">{head}{links}</div>' if files else ""


class Rejected(Exception):
    """Raised by an upload handler: the file was not used; the message says why."""


def file_picker(label: str, accept: str = ".csv,.json", multiple: bool = False) -> widgets.FileUpload:
    """A file upload button that says ``label`` and no file count (add
    :data:`UPLOAD_CSS`, included in :data:`CSS`, to the page)."""
    picker = widgets.FileUpload(accept=accept, multiple=multiple, description=label, tooltip=label,
                                icon="upload", layout=widgets.Layout(width="auto", align_self="flex-start"))
    picker.add_class("mk-upload")
    return picker


class UploadBox(widgets.VBox):
    """Pick a file to restore results from; the outcome is shown beside it."""

    def __init__(self, label: str, on_file: Callable[[str, bytes], str], accept: str = ".csv,.json",
                 help: str = "", **kwargs):
        super().__init__(**kwargs)
        self.on_file = on_file
        self.picker = file_picker(label, accept)
        self.picker.observe(self._picked, names="value")
        self.field = Field(self.picker, help=help)
        self.children = [self.field]

    @property
    def message(self) -> str:
        return self.field.message.value

    def receive(self, filename: str, content: bytes) -> bool:
        """Hand one file to ``on_file`` and show the outcome; True if it was used."""
        try:
            done = self.on_file(filename, bytes(content))
        except Rejected as exc:
            self.field.say(f"Nothing was changed: {exc}")
            return False
        except Exception as exc:  # a reader's gap must not leave the learner with no answer
            self.field.say(f"Nothing was changed: {filename} could not be read "
                           f"({type(exc).__name__}). Upload the file this page gave you, unchanged.")
            return False
        self.field.say(done, ok=True)
        return True

    def _picked(self, change) -> None:
        files = change["new"]
        if not files:
            return
        first = files[0]
        self.receive(first["name"], bytes(first["content"]))
        self.picker.value = ()  # the same file may be picked again after a fix


class RestoreQuestion:
    """A restore that would replace saved work asks first, under the upload box:
    the question with *Replace* and *Keep* buttons, then *Undo the restore*.
    The widgets are made on the first restore only, so a page starts with none
    of them. A class using this sets ``RESTORED`` (what is replaced: "answers",
    "map") and has ``upload`` and the methods ``replace``, ``keep`` and
    ``undo_restore``."""

    RESTORED = "answers"

    def _restore_extra(self, parts: list[widgets.Widget]) -> None:
        """Show ``parts`` (a question, buttons) under the upload box."""
        self.upload.children = [self.upload.field, *parts]

    def _ask_before_restoring(self, question: str) -> None:
        """Ask ``question`` (HTML) with the Replace and Keep buttons."""
        self.restore_question.value = f'<div class="mk-status" role="alert">{question}</div>'
        self._restore_extra([self.restore_question, widgets.HBox([self.replace_button, self.keep_button])])

    @cached_property
    def restore_question(self) -> widgets.HTML:
        return widgets.HTML()

    def _restore_button(self, description: str, icon: str, action, **kwargs) -> widgets.Button:
        button = widgets.Button(description=description, icon=icon, layout=widgets.Layout(width="auto"),
                                **kwargs)
        button.on_click(lambda _b: action())
        return button

    @cached_property
    def replace_button(self) -> widgets.Button:
        return self._restore_button(f"Replace my saved {self.RESTORED}", "upload", self.replace,
                                    button_style="primary")

    @cached_property
    def keep_button(self) -> widgets.Button:
        return self._restore_button(f"Keep my saved {self.RESTORED}", "times", self.keep)

    @cached_property
    def undo_restore_button(self) -> widgets.Button:
        return self._restore_button("Undo the restore", "undo", self.undo_restore,
                                    tooltip=f"Put back the {self.RESTORED} saved before the restore")
