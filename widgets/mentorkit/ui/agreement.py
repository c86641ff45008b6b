"""The mentoring agreement builder: a form over :class:`Agreement`, saved as
the learner types, with a Markdown compact to preview and download."""

from __future__ import annotations

from datetime import date, timedelta

import ipywidgets as widgets

from ..agreement import CHANNELS, CONFIDENTIALITY, FREQUENCIES, Agreement
from ..store import Store
from . import grading
from ._form import LABEL, WIDE, DocumentForm, tall

INSTRUMENT, KEY = "agreement", "current"


class AgreementBuilder(DocumentForm):
    """Each field has a visible label and, when needed, a message beside it."""

    instrument, key = INSTRUMENT, KEY
    filename = "mentoring-agreement.md"
    button_label = "Make my compact"
    download_label = "Download the compact (Markdown)"
    model_class = Agreement

    def __init__(self, store: Store | None = None, **kwargs):
        super().__init__(store=store, **kwargs)

    def make_fields(self, model: Agreement) -> dict[str, widgets.Widget]:
        if model.review is None:
            model.review = model.start + timedelta(days=365)
        return {
            "mentor": widgets.Text(model.mentor, description="Mentor's name", style=LABEL, layout=WIDE),
            "mentee": widgets.Text(model.mentee, description="Mentee's name", style=LABEL, layout=WIDE),
            "goals": widgets.Textarea(model.goals, description="Goals (one a line)", style=LABEL,
                                      layout=tall()),
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

    def read(self) -> Agreement:
        values = {name: w.value for name, w in self.fields.items()}
        values["channels"] = list(values["channels"])
        values["start"] = values["start"] or date.today()
        values["minutes"] = int(values["minutes"] or 0)
        return Agreement(**values)


def agreement_builder(store: Store | None = None):
    """Show the mentoring agreement builder."""
    if grading():
        return None
    return AgreementBuilder(store=store)
