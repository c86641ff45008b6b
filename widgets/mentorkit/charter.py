"""A peer mentoring group's charter: who is in the group and in which role,
when and how long it meets, what it aims for and how it works together,
checked for gaps and written out as Markdown.

The shape follows the structured peer mentoring groups the course teaches
(booklet, Appendix D): one or two mentors, three to five mentees, a Connector
who mediates when there is friction, a few hours a month over an academic
year, and goals and ground rules agreed at the start.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
CHANNELS = ("In person", "Video call", "Both, alternating")
# A ground rule's earlier wording, and the wording that replaced it: a charter saved
# with the old one opens with the new one ticked (no group can promise more).
EARLIER_RULES = {
    "What is said in the group stays in the group":
        "What is said in the group stays in the group, except safety, harassment and "
        "professional-conduct concerns that members must report",
}
GROUND_RULES = (
    "What is said in the group stays in the group, except safety, harassment and "
    "professional-conduct concerns that members must report",
    "Everyone gets airtime; the mentors keep an eye on the clock",
    "We come prepared and tell the group ahead if we cannot attend",
    "We give feedback on the work, not the person",
    "Anyone may ask the Connector for help, in confidence",
)


def names(text: str) -> list[str]:
    """One name per line (or separated by commas), blanks dropped."""
    parts = [p.strip().lstrip("-*").strip() for line in text.splitlines() for p in line.split(",")]
    return [p for p in parts if p]


@dataclass
class Charter:
    group: str = ""
    mentors: str = ""
    mentees: str = ""
    connector: str = ""
    focus: str = ""
    goals: str = ""
    start_month: str = "September"
    end_month: str = "April"
    hours_per_month: int = 3
    meetings_per_month: int = 1
    channel: str = CHANNELS[0]
    ground_rules: list[str] = field(default_factory=lambda: list(GROUND_RULES[:3]))
    own_rules: str = ""

    # -- checks --------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        """Field name -> what must change before the charter can be made."""
        found = {}
        mentors, mentees = names(self.mentors), names(self.mentees)
        if not self.group.strip():
            found["group"] = "Give the group a name."
        if not mentors:
            found["mentors"] = "Name at least one mentor."
        if len(mentees) < 2:
            found["mentees"] = "Name at least two mentees: a group needs peers."
        if not self.connector.strip():
            found["connector"] = "Name a Connector, the person anyone can turn to if there is friction."
        everyone = [n.casefold() for n in mentors + mentees]
        repeated = sorted({n for n in everyone if everyone.count(n) > 1})
        if repeated:
            found["mentees"] = f"Each person should appear once; listed twice: {', '.join(repeated)}."
        if not names(self.goals.replace(",", ";")):
            found["goals"] = "Write at least one goal for the group's year."
        if self.start_month not in MONTHS or self.end_month not in MONTHS:
            found["start_month"] = "Choose the months the group starts and ends."
        if not 1 <= self.hours_per_month <= 20:
            found["hours_per_month"] = "Hours a month should be between 1 and 20."
        if not 1 <= self.meetings_per_month <= 8:
            found["meetings_per_month"] = "Meetings a month should be between 1 and 8."
        if self.channel not in CHANNELS:
            found["channel"] = "Choose how the group will meet."
        if not self.rules():
            found["ground_rules"] = "Choose or write at least one ground rule."
        return found

    def advice(self) -> list[str]:
        """Notes on choices that are allowed but differ from the booklet's model."""
        notes = []
        mentors, mentees = names(self.mentors), names(self.mentees)
        if len(mentors) > 2:
            notes.append("The booklet's model has one or two mentors; more can crowd out the peers.")
        if len(mentees) > 5:
            notes.append("Groups in the booklet's model have three to five mentees; with more, "
                         "each person gets less time.")
        if 0 < len(mentees) < 3:
            notes.append("With fewer than three mentees the group may struggle when someone is away.")
        if self.connector.strip().casefold() in {n.casefold() for n in mentors + mentees}:
            notes.append("A Connector from outside the group can mediate more freely than a member can.")
        if not 2 <= self.hours_per_month <= 6:
            notes.append("The booklet's groups meet for two to six hours a month.")
        if self.span_months() < 6:
            notes.append("A shorter run leaves little time for the group to build trust; the booklet's "
                         "model runs from September to April.")
        return notes

    def span_months(self) -> int:
        """How many months the group runs, counting both ends."""
        if self.start_month not in MONTHS or self.end_month not in MONTHS:
            return 0
        return (MONTHS.index(self.end_month) - MONTHS.index(self.start_month)) % 12 + 1

    def rules(self) -> list[str]:
        return [r for r in self.ground_rules if r in GROUND_RULES] + names(self.own_rules.replace(",", ";"))

    # -- output --------------------------------------------------------------
    def to_markdown(self) -> str:
        """The charter as a Markdown document; raises ValueError if incomplete."""
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems.values()))

        def bullets(items):
            return "\n".join(f"- {item}" for item in items)

        goals = [g.strip().lstrip("-*").strip() for g in self.goals.splitlines() if g.strip()]
        return (
            f"# {self.group.strip()}: peer mentoring group charter\n\n"
            f"## Who we are\n\n"
            f"**Mentors:** {', '.join(names(self.mentors))}  \n"
            f"**Mentees:** {', '.join(names(self.mentees))}  \n"
            f"**Connector:** {self.connector.strip()} (anyone may ask the Connector for help, "
            f"in confidence, if something in the group is not working)\n\n"
            + (f"**Our shared focus:** {self.focus.strip()}\n\n" if self.focus.strip() else "")
            + f"## When we meet\n\n"
            f"From {self.start_month} to {self.end_month} ({self.span_months()} months), "
            f"{self.meetings_per_month} meeting{'s' if self.meetings_per_month != 1 else ''} a month, "
            f"about {self.hours_per_month} hours a month in all. {self.channel}.\n\n"
            f"## Our goals\n\n{bullets(goals)}\n\n"
            f"## How we work together\n\n{bullets(self.rules())}\n\n"
            f"## Review\n\nAt the midpoint and at the end we ask: are we meeting our goals, and "
            f"does everyone get what they came for?\n"
        )

    # -- storage -------------------------------------------------------------
    def to_data(self) -> dict:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> Charter:
        """Rebuild from saved data, keeping whatever fields are readable."""
        charter = cls()
        for item in fields(cls):
            value = data.get(item.name) if isinstance(data, dict) else None
            if isinstance(value, type(getattr(charter, item.name))):
                setattr(charter, item.name, value)
        charter.ground_rules = [EARLIER_RULES.get(r, r) for r in charter.ground_rules if isinstance(r, str)]
        return charter
