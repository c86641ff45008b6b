"""The mentoring agreement builder: a form over :class:`Agreement`, saved as
the learner types, with a Markdown compact to preview and download."""

from __future__ import annotations

from datetime import date, timedelta

import ipywidgets as widgets

from ..agreement import CHANNELS, CONFIDENTIALITY, FREQUENCIES, Agreement
from ..store import Store, StoreError
from . import grading
from ._html import CSS, esc, markdown
from .download import download_link

INSTRUMENT, KEY = "agreement", "current"
WIDE = widgets.Layout(width="100%", max_width="40em")
LABEL = {"description_width": "14em"}


class AgreementBuilder(widgets.VBox):
    """Each field has a visible label and, when needed, a message beside it."""

    def __init__(self, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.store = store or Store()
        record = self.store.load(INSTRUMENT, KEY)
        model = Agreement.from_data(record.data) if record else Agreement()
        if model.review is None:
            model.review = model.start + timedelta(days=365)
        self.model = model
        self.fields = {
            "mentor": widgets.Text(model.mentor, description="Mentor's name", style=LABEL, layout=WIDE),
            "mentee": widgets.Text(model.mentee, description="Mentee's name", style=LABEL, layout=WIDE),
            "goals": widgets.Textarea(model.goals, description="Goals (one a line)", style=LABEL,
                                      layout=widgets.Layout(width="100%", max_width="40em", height="6em")),
            "start": widgets.DatePicker(value=model.start, description="Starting on", style=LABEL),
            "frequency": widgets.Dropdown(options=FREQUENCIES, value=model.frequency,
                                          description="We meet", style=LABEL),
            "minutes": widgets.BoundedIntText(model.minutes, min=0, max=600, step=5,
                                              description="Minutes per meeting", style=LABEL),
            "channels": widgets.SelectMultiple(options=CHANNELS, value=tuple(model.channels),
                                               description="Ways of meeting", style=LABEL, rows=5),
            "agenda_days": widgets.BoundedIntText(model.agenda_days, min=0, max=60,
                                                  description="Agenda sent (days ahead)", style=LABEL),
            "confidentiality": widgets.RadioButtons(options=CONFIDENTIALITY, value=model.confidentiality,
                                                    description="Confidentiality", style=LABEL,
                                                    layout=WIDE),
            "commitment_months": widgets.BoundedIntText(model.commitment_months, min=0, max=120,
                                                        description="Commitment (months)", style=LABEL),
            "review": widgets.DatePicker(value=model.review, description="Review together on",
                                         style=LABEL),
            "no_fault": widgets.Checkbox(model.no_fault, description="Either of us may end it without fault",
                                         style={"description_width": "initial"}, indent=False),
        }
        self.messages = {name: widgets.HTML() for name in self.fields}
        rows = [widgets.HBox([w, self.messages[n]]) for n, w in self.fields.items()]
        self.make_button = widgets.Button(description="Make my compact", icon="file-text-o",
                                          button_style="primary")
        self.make_button.on_click(self._make)
        self.advice = widgets.HTML()
        self.preview = widgets.HTML()
        self.status = widgets.HTML()
        for w in self.fields.values():
            w.observe(self._changed, names="value")
        self.children = [widgets.HTML(CSS), *rows, self.advice, self.make_button, self.status,
                         self.preview]
        self._show_advice()

    def _read(self) -> Agreement:
        values = {name: w.value for name, w in self.fields.items()}
        values["channels"] = list(values["channels"])
        values["start"] = values["start"] or date.today()
        values["minutes"] = int(values["minutes"] or 0)
        return Agreement(**values)

    def _changed(self, _change=None) -> None:
        self.model = self._read()
        for message in self.messages.values():
            message.value = ""  # messages appear once the learner asks for the compact
        try:
            self.store.save(INSTRUMENT, KEY, self.model.to_data())
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
        self.model = self._read()
        problems = self.model.problems()
        for name, message in self.messages.items():
            text = problems.get(name)
            message.value = f'<span class="mk-status" role="alert">{esc(text)}</span>' if text else ""
        if problems:
            self.preview.value = ('<div class="mk-status" role="alert">Some fields need attention '
                                  "(see the notes beside them).</div>")
            return
        text = self.model.to_markdown()
        link = download_link(text, "mentoring-agreement.md", "Download the compact (Markdown)",
                             "text/markdown")
        self.preview.value = (f'<div class="mk-card mk-feedback mk-helpful">{markdown(text)}'
                              f"<p>{link}</p></div>")


def agreement_builder(store: Store | None = None):
    """Show the mentoring agreement builder."""
    if grading():
        return None
    return AgreementBuilder(store=store)
