"""A mentoring agreement: what mentor and mentee agree on at the start,
checked for gaps and written out as Markdown (the builder in
``ui/agreement.py`` also offers it as a printable web page).

The fields follow the expectations the course teaches: how often and how
long you meet, by what channels, when the agenda arrives, what stays
confidential, how long you commit for, when you review, and that either of
you may end the relationship without fault.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta

FREQUENCIES = ("Every week", "Every two weeks", "Every month", "Every two months")
CHANNELS = ("In person", "Video call", "Phone", "Email", "Secure messaging")
CONFIDENTIALITY = (
    ("What we discuss stays between us, except safety, harassment and professional-conduct concerns"
     " the mentor must report"),
    "What we discuss stays between us, except concerns about safety or professional conduct",
    "We will agree topic by topic what may be shared",
)


@dataclass
class Agreement:
    mentor: str = ""
    mentee: str = ""
    goals: str = ""
    start: date = field(default_factory=date.today)
    frequency: str = "Every month"
    minutes: int = 45
    channels: list[str] = field(default_factory=lambda: ["In person"])
    agenda_days: int = 2
    confidentiality: str = CONFIDENTIALITY[0]
    commitment_months: int = 12
    review: date | None = None
    no_fault: bool = True

    # -- checks --------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        """Field name -> what must change before the agreement can be made."""
        found = {}
        if not self.mentor.strip():
            found["mentor"] = "Write the mentor's name."
        if not self.mentee.strip():
            found["mentee"] = "Write the mentee's name."
        if not self.goals.strip():
            found["goals"] = "Write at least one goal for the year."
        if self.frequency not in FREQUENCIES:
            found["frequency"] = "Choose how often you will meet."
        if not 15 <= self.minutes <= 180:
            found["minutes"] = "A meeting should last between 15 and 180 minutes."
        if not self.channels or not all(isinstance(c, str) and c in CHANNELS for c in self.channels):
            found["channels"] = "Choose at least one way of meeting."
        if not 0 <= self.agenda_days <= 14:
            found["agenda_days"] = "The agenda lead time should be between 0 and 14 days."
        if self.confidentiality not in CONFIDENTIALITY:
            found["confidentiality"] = "Choose what you agree about confidentiality."
        if not 1 <= self.commitment_months <= 60:
            found["commitment_months"] = "The commitment should be between 1 and 60 months."
        if self.review is None:
            found["review"] = "Choose a date to review the agreement together."
        elif self.review <= self.start:
            found["review"] = "The review date should come after the start date."
        elif self.review > self.start + timedelta(days=31 * self.commitment_months):
            found["review"] = "Review before the commitment ends, so you can decide what comes next."
        return found

    def advice(self) -> list[str]:
        """Gentle notes on choices that are allowed but worth a second look."""
        notes = []
        if self.commitment_months < 12:
            notes.append("The course suggests giving a mentoring relationship at least a year.")
        if not self.no_fault:
            notes.append("Without a no-fault ending, either of you may feel unable to move on "
                         "when the relationship no longer fits.")
        if self.agenda_days == 0:
            notes.append("An agenda sent ahead, even a day, lets both of you prepare.")
        return notes

    # -- output --------------------------------------------------------------
    def to_markdown(self) -> str:
        """The agreement as a Markdown document; raises ValueError if incomplete."""
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems.values()))
        goals = "\n".join(f"- {line.strip().lstrip('-* ').strip()}"
                          for line in self.goals.splitlines() if line.strip())
        ending = ("Either of us may end or change this mentoring relationship at any time, without "
                  "fault or explanation; we will say so openly and help find other support."
                  if self.no_fault else "We have not agreed a no-fault ending.")
        day = "day" if self.agenda_days == 1 else "days"
        agenda = ("The mentee sends an agenda on the day of each meeting."
                  if self.agenda_days == 0 else
                  f"The mentee sends an agenda at least {self.agenda_days} {day} before each meeting.")
        return (
            f"# Mentoring agreement\n\n"
            f"**Mentor:** {self.mentor.strip()}  \n**Mentee:** {self.mentee.strip()}  \n"
            f"**Starting:** {self.start:%d %B %Y}\n\n"
            f"## Our goals for this period\n\n{goals}\n\n"
            f"## How we meet\n\n"
            f"- {self.frequency}, for about {self.minutes} minutes.\n"
            f"- By: {', '.join(self.channels)}.\n- {agenda}\n\n"
            f"## Confidentiality\n\n{self.confidentiality}.\n\n"
            f"## Commitment and review\n\n"
            f"- We commit to this relationship for {self.commitment_months} months.\n"
            f"- We will review this agreement together on {self.review:%d %B %Y}.\n\n"
            f"## Ending\n\n{ending}\n\n"
            f"Signed: ____________________ (mentor)   ____________________ (mentee)\n"
        )

    # -- storage -------------------------------------------------------------
    def to_data(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["review"] = self.review.isoformat() if self.review else None
        return data

    @classmethod
    def from_data(cls, data: dict) -> Agreement:
        """Rebuild from saved data, keeping whatever fields are readable."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("start", "review"):
            raw = values.get(key)
            try:
                values[key] = date.fromisoformat(raw) if raw else None
            except (TypeError, ValueError):
                values[key] = None
        if values.get("start") is None:
            values.pop("start", None)
        agreement = cls()
        for key, value in values.items():
            expected = type(getattr(agreement, key))
            if isinstance(value, bool) and expected is not bool:
                continue  # true/false is not a number of minutes
            if expected is list and isinstance(value, list):
                value = [v for v in value if isinstance(v, str)]  # e.g. [{}] from a damaged file
            if key == "review" or isinstance(value, expected):
                setattr(agreement, key, value)
        return agreement
