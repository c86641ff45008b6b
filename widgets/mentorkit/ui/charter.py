"""The peer mentoring group charter builder: a form over :class:`Charter`,
saved as the learner types, with a Markdown charter to preview and download."""

from __future__ import annotations

import ipywidgets as widgets

from ..charter import CHANNELS, GROUND_RULES, MONTHS, Charter
from ..store import Store
from . import grading
from ._form import LABEL, WIDE, DocumentForm, tall

INSTRUMENT, KEY = "charter", "current"


class CharterBuilder(DocumentForm):
    """Each field has a visible label and, when needed, a message beside it."""

    instrument, key = INSTRUMENT, KEY
    filename = "group-charter.md"
    button_label = "Make our charter"
    download_label = "Download the charter (Markdown)"
    model_class = Charter

    def make_fields(self, model: Charter) -> dict[str, widgets.Widget]:
        return {
            "group": widgets.Text(model.group, description="Group name", style=LABEL, layout=WIDE),
            "mentors": widgets.Textarea(model.mentors, description="Mentors (one a line)", style=LABEL,
                                        layout=tall("4em")),
            "mentees": widgets.Textarea(model.mentees, description="Mentees (one a line)", style=LABEL,
                                        layout=tall("7em")),
            "connector": widgets.Text(model.connector, description="Connector", style=LABEL, layout=WIDE),
            "focus": widgets.Text(model.focus, description="Shared focus (optional)", style=LABEL,
                                  layout=WIDE),
            "goals": widgets.Textarea(model.goals, description="Goals (one a line)", style=LABEL,
                                      layout=tall()),
            "start_month": widgets.Dropdown(options=MONTHS, value=model.start_month,
                                            description="First month", style=LABEL),
            "end_month": widgets.Dropdown(options=MONTHS, value=model.end_month,
                                          description="Last month", style=LABEL),
            "meetings_per_month": widgets.BoundedIntText(model.meetings_per_month, min=0, max=31,
                                                         description="Meetings a month", style=LABEL),
            "hours_per_month": widgets.BoundedIntText(model.hours_per_month, min=0, max=100,
                                                      description="Hours a month", style=LABEL),
            "channel": widgets.RadioButtons(options=CHANNELS, value=model.channel,
                                            description="We meet", style=LABEL),
            "ground_rules": widgets.SelectMultiple(options=GROUND_RULES, value=tuple(model.ground_rules),
                                                   description="Ground rules", style=LABEL, rows=5,
                                                   layout=WIDE),
            "own_rules": widgets.Textarea(model.own_rules, description="Our own rules (one a line)",
                                          style=LABEL, layout=tall("4em")),
        }

    def read(self) -> Charter:
        values = {name: w.value for name, w in self.fields.items()}
        values["ground_rules"] = list(values["ground_rules"])
        for number in ("meetings_per_month", "hours_per_month"):
            values[number] = int(values[number] or 0)
        return Charter(**values)


def charter_builder(store: Store | None = None):
    """Show the group charter builder."""
    return None if grading() else CharterBuilder(store=store)
