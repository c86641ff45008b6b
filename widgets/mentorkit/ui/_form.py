"""A form over a document model (an agreement, a charter): labelled fields,
saved through the store as the learner types, a message beside each field
that needs attention, gentle advice, and a Markdown document to preview and
download once it is complete.

A model used here has ``problems() -> {field: message}``, ``advice() ->
[note]``, ``to_markdown()``, ``to_data()`` and ``from_data(data)``.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..store import Store, StoreError
from ._html import CSS, esc, markdown
from .download import download_link

WIDE = widgets.Layout(width="100%", max_width="40em")
LABEL = {"description_width": "14em"}


def tall(height: str = "6em") -> widgets.Layout:
    return widgets.Layout(width="100%", max_width="40em", height=height)


class DocumentForm(widgets.VBox):
    """Subclasses set the class attributes and build ``self.fields`` in
    ``make_fields(model)``; ``read()`` turns the fields back into a model."""

    instrument = ""
    key = "current"
    filename = "document.md"
    button_label = "Make my document"
    download_label = "Download (Markdown)"
    model_class: type = object

    def __init__(self, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.store = store or Store()
        record = self.store.load(self.instrument, self.key)
        self.model = self.model_class.from_data(record.data) if record else self.new_model()
        self.fields: dict[str, widgets.Widget] = self.make_fields(self.model)
        self.messages = {name: widgets.HTML() for name in self.fields}
        rows = [widgets.HBox([w, self.messages[n]]) for n, w in self.fields.items()]
        self.make_button = widgets.Button(description=self.button_label, icon="file-text-o",
                                          button_style="primary")
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
        self.children = [widgets.HTML(CSS), *rows, self.advice, self.make_button, self.status,
                         self.preview]
        self._show_advice()

    # -- for subclasses ------------------------------------------------------
    def new_model(self):
        return self.model_class()

    def make_fields(self, model) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def read(self):
        return self.model_class(**{name: w.value for name, w in self.fields.items()})

    # -- behaviour -----------------------------------------------------------
    def _changed(self, _change=None) -> None:
        self.model = self.read()
        for message in self.messages.values():
            message.value = ""  # messages appear once the learner asks for the document
        try:
            self.store.save(self.instrument, self.key, self.model.to_data())
            self.status.value = ""
        except StoreError as exc:
            self.status.value = f'<div class="mk-status" role="status">Not saved: {esc(exc)}</div>'
        self._show_advice()

    def _show_advice(self) -> None:
        notes = self.model.advice()
        self.advice.value = ("<div class='mk-card mk-meta'><ul>"
                             + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>"
                             if notes else "")

    def _make(self, _button=None) -> None:
        self.model = self.read()
        problems = self.model.problems()
        for name, message in self.messages.items():
            text = problems.get(name)
            message.value = f'<span class="mk-status" role="alert">{esc(text)}</span>' if text else ""
        if problems:
            self.preview.value = ('<div class="mk-status" role="alert">Some fields need attention '
                                  "(see the notes beside them).</div>")
            return
        text = self.model.to_markdown()
        link = download_link(text, self.filename, self.download_label, "text/markdown")
        self.preview.value = (f'<div class="mk-card mk-feedback mk-helpful">{markdown(text)}'
                              f"<p>{link}</p></div>")
