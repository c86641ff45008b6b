"""The peer mentoring group charter builder: a form over :class:`Charter`,
saved as the learner types, with the charter to preview and download as a
printable web page and as Markdown."""

from __future__ import annotations

import ipywidgets as widgets

from ..charter import CHANNELS, GROUND_RULES, MONTHS, Charter
from ..store import Store
from . import grading
from ._form import LABEL, WIDE, CheckboxGroup, DocumentForm, known

INSTRUMENT, KEY = "charter", "current"


class CharterBuilder(DocumentForm):
    """Each field has a visible label above it and, when needed, a message under it."""

    instrument, key = INSTRUMENT, KEY
    filename = "group-charter.md"
    button_label = "Make our charter"
    html_label = "Download the charter to print or edit (web page)"
    download_label = "Download the charter as plain text (Markdown)"
    model_class = Charter

    def make_fields(self, model: Charter) -> dict[str, widgets.Widget]:
        def text(value, label):
            return widgets.Text(value, description=label, style=LABEL, layout=WIDE)

        def area(value, label, rows):
            return widgets.Textarea(value, description=label, rows=rows, style=LABEL, layout=WIDE)

        def month(value, default, label):
            return widgets.Dropdown(options=MONTHS, value=known(value, MONTHS, default),
                                    description=label, style=LABEL, layout=WIDE)

        def number(value, high, label):
            return widgets.BoundedIntText(value, min=0, max=high, description=label, style=LABEL,
                                          layout=WIDE)

        return {
            "group": text(model.group, "Group name"),
            "mentors": area(model.mentors, "Mentors (one a line)", 2),
            "mentees": area(model.mentees, "Mentees (one a line)", 5),
            "connector": text(model.connector, "Connector"),
            "focus": text(model.focus, "Shared focus (optional)"),
            "goals": area(model.goals, "Goals (one a line)", 4),
            "start_month": month(model.start_month, "September", "First month"),
            "end_month": month(model.end_month, "April", "Last month"),
            "meetings_per_month": number(model.meetings_per_month, 31, "Meetings a month"),
            "hours_per_month": number(model.hours_per_month, 100, "Hours a month"),
            "channel": widgets.RadioButtons(options=CHANNELS, value=known(model.channel, CHANNELS),
                                            description="We meet", style=LABEL, layout=WIDE),
            "ground_rules": CheckboxGroup(GROUND_RULES, model.ground_rules,
                                          description="Ground rules (tick all that apply)"),
            "own_rules": area(model.own_rules, "Our own rules (one a line)", 3),
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
