"""The mentoring agreement builder: a form over :class:`Agreement`, saved as
the learner types, with the agreement to preview and download as a printable
web page and as Markdown."""

from __future__ import annotations

from datetime import date, timedelta

import ipywidgets as widgets

from ..agreement import CHANNELS, CONFIDENTIALITY, FREQUENCIES, Agreement
from ..store import Store
from . import grading
from ._form import LABEL, WIDE, CheckboxGroup, DocumentForm, known

INSTRUMENT, KEY = "agreement", "current"


class AgreementBuilder(DocumentForm):
    """Each field has a visible label above it and, when needed, a message under it."""

    instrument, key = INSTRUMENT, KEY
    filename = "mentoring-agreement.md"
    button_label = "Make my agreement"
    html_label = "Download the agreement to print or edit (web page)"
    download_label = "Download the agreement as plain text (Markdown)"
    model_class = Agreement

    def make_fields(self, model: Agreement) -> dict[str, widgets.Widget]:
        if model.review is None:
            model.review = model.start + timedelta(days=365)

        def number(value, low, high, label, step=1):
            return widgets.BoundedIntText(value, min=low, max=high, step=step, description=label,
                                          style=LABEL, layout=WIDE)

        return {
            "mentor": widgets.Text(model.mentor, description="Mentor's name", style=LABEL, layout=WIDE),
            "mentee": widgets.Text(model.mentee, description="Mentee's name", style=LABEL, layout=WIDE),
            "goals": widgets.Textarea(model.goals, description="Goals for the year (one a line)",
                                      rows=4, style=LABEL, layout=WIDE),
            "start": widgets.DatePicker(value=model.start, description="Starting on", style=LABEL,
                                        layout=WIDE),
            "frequency": widgets.Dropdown(options=FREQUENCIES, value=known(model.frequency, FREQUENCIES,
                                                                           "Every month"),
                                          description="We meet", style=LABEL, layout=WIDE),
            "minutes": number(model.minutes, 0, 600, "Minutes per meeting", step=5),
            "channels": CheckboxGroup(CHANNELS, model.channels,
                                      description="Ways of meeting (tick all that apply)"),
            "agenda_days": number(model.agenda_days, 0, 60, "The agenda arrives this many days ahead"),
            "confidentiality": widgets.RadioButtons(options=CONFIDENTIALITY,
                                                    value=known(model.confidentiality, CONFIDENTIALITY),
                                                    description="Confidentiality", style=LABEL,
                                                    layout=WIDE),
            "commitment_months": number(model.commitment_months, 0, 120, "Commitment (months)"),
            "review": widgets.DatePicker(value=model.review, description="Review together on",
                                         style=LABEL, layout=WIDE),
            "no_fault": widgets.Checkbox(model.no_fault, description="Either of us may end it without fault",
                                         style={"description_width": "initial"}, indent=False,
                                         layout=widgets.Layout(width="auto")),
        }

    def read(self) -> Agreement:
        values = {name: w.value for name, w in self.fields.items()}
        values["channels"] = list(values["channels"])
        values["start"] = values["start"] or date.today()
        for number in ("minutes", "agenda_days", "commitment_months"):
            values[number] = int(values[number] or 0)
        return Agreement(**values)


def agreement_builder(store: Store | None = None):
    """Show the mentoring agreement builder."""
    if grading():
        return None
    return AgreementBuilder(store=store)
