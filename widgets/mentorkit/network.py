"""A developmental network: the people who help you, and seven ways to look at it.

The model follows the mapping exercise in Appendix A of the BCH booklet
*Strategies for Mentors*: each person gives you one or more of three kinds of
help (getting the job done, advancing your career, personal support), is
close, moderately close or distant, and is senior to you, a peer or junior to
you; people inside your organization are joined to you by a solid line and
those outside by a dashed one; a star marks a sponsor or someone very well
connected; and you may see someone as your mentor or your mentee. The
booklet lists a person once per kind of help; here a person is entered once,
with every kind of help they give and one closeness.

We add two optional fields the booklet's analysis needs but its table does
not hold: ``setting`` (where you know the person from, for diversity) and
``knows`` (the others in your network this person knows, for
interconnectivity).

The seven themes (the booklet's names and questions) are computed by simple
rules that are ours, not the booklet's: every :class:`Theme` states its rule
in ``rule``. They are prompts for reflection, not scores.

Nothing here imports widgets, pandas or matplotlib at module level; the
views and the data lab call :func:`to_frame` and :mod:`mentorkit.plots`.

Data (the store, the JSON export, the example YAML's ``people``)
    ``{"goal": "...", "people": [{"name": "DR", "help": ["career", "personal"],
    "closeness": "close", "rank": "senior", "inside": true, "sponsor": true,
    "role": "mentor", "setting": "my division", "knows": ["SW"], "notes": ""}]}``

Export formats (read back by the upload box)
    JSON (``developmental-network.json``), UTF-8::

        {"format": "mentorkit-network", "format_version": 1,
         "exported": "2025-03-01T10:00:00+00:00", "goal": "...",
         "people": [...],                       # as above
         "themes": {"size": {"counted": ..., "reading": ...}, ...}}  # for convenience

    CSV (``developmental-network.csv``), UTF-8, one header row, one row per person::

        format,format_version,goal,name,help,closeness,rank,inside,sponsor,role,setting,knows,notes
        mentorkit-network,1,Lead a clinic,DR,career;personal,close,senior,yes,yes,mentor,my division,SW,

    ``help`` and ``knows`` list several values separated by ``;``.

A file in another format or version, or with any invalid person, is refused
as a whole: :func:`parse_export` raises :class:`ExportError` with a message
for the learner, and nothing is changed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from .content import Problem, csv_records, guard_cell, load_checked, upload_text
from .course import instruments_dir

HELP = ("work", "career", "personal")
HELP_TITLES = {
    "work": "Getting the job done",
    "career": "Advancing your career",
    "personal": "Personal support",
}
HELP_SHAPES = {"work": "square", "career": "triangle", "personal": "circle"}
CLOSENESS = ("close", "moderate", "distant")
CLOSENESS_TITLES = {"close": "Close", "moderate": "Moderate", "distant": "Distant"}
CLOSENESS_HELP = ("Close: high trust, liking and commitment on both sides. Distant: you do not know "
                  "them well. Moderate: in between. Closer people sit nearer you on the map.")
RANKS = ("senior", "peer", "junior")
RANK_TITLES = {"senior": "Senior to you", "peer": "A peer", "junior": "Junior to you"}
ROLES = ("", "mentor", "mentee")
FIELDS = ("name", "help", "closeness", "rank", "inside", "sponsor", "role", "setting", "knows", "notes")

NAME_MAX, SETTING_MAX, NOTES_MAX, GOAL_MAX, MAX_PEOPLE = 40, 60, 500, 300, 60
SEPARATOR = ";"

EXPORT_FORMAT = "mentorkit-network"
EXPORT_VERSION = 1
CSV_COLUMNS = ("format", "format_version", "goal", *FIELDS)
INSTRUMENT, KEY, VERSION = "network-map", "current", 1
EXAMPLE = "network-example"

# Our thresholds (not the booklet's); each theme's ``rule`` repeats them in words.
SMALL, LARGE = 4, 12
CLOSED, OPEN = 0.5, 0.2


class ExportError(ValueError):
    """An uploaded file that cannot be used; the message is for the learner."""


# -- people and the network ----------------------------------------------------------
@dataclass
class Person:
    """One person in the network. Values are kept as given, valid or not, so
    that nothing the learner typed is lost; :meth:`Network.person_problems`
    says what is wrong."""

    name: str = ""
    help: list[str] = field(default_factory=list)
    closeness: str = ""
    rank: str = ""
    inside: bool = True
    sponsor: bool = False
    role: str = ""
    setting: str = ""
    knows: list[str] = field(default_factory=list)
    notes: str = ""

    @property
    def label(self) -> str:
        """The name as shown on the map, with the role when there is one."""
        name = self.name.strip() if isinstance(self.name, str) else str(self.name)
        return f"{name} ({self.role})" if self.role in ("mentor", "mentee") else name

    @property
    def ring(self) -> int | None:
        """1 for close, 2 moderate, 3 distant; None when not (validly) chosen."""
        return CLOSENESS.index(self.closeness) + 1 if self.closeness in CLOSENESS else None

    def gives(self, kind: str) -> bool:
        return isinstance(self.help, list) and kind in self.help

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "help": list(self.help) if isinstance(self.help, list) else self.help,
                "closeness": self.closeness, "rank": self.rank, "inside": self.inside,
                "sponsor": self.sponsor, "role": self.role, "setting": self.setting,
                "knows": list(self.knows) if isinstance(self.knows, list) else self.knows,
                "notes": self.notes}

    @classmethod
    def from_data(cls, raw: dict[str, Any]) -> Person:
        """A person from saved data; missing fields take their defaults and lists
        written as text (``"work; career"``) are split."""
        values = {name: raw[name] for name in FIELDS if name in raw and raw[name] is not None}
        for name in ("help", "knows"):
            if isinstance(values.get(name), str):
                values[name] = _split(values[name])
        return cls(**values)


@dataclass
class Network:
    """The learner's career goal and the people in their network."""

    people: list[Person] = field(default_factory=list)
    goal: str = ""

    # -- editing ---------------------------------------------------------------------
    def add(self, person: Person | None = None) -> int:
        """Append a person (a blank one by default); return their index."""
        self.people.append(person or Person())
        return len(self.people) - 1

    def remove(self, index: int) -> Person:
        """Take a person out, and out of everyone's ``knows``; return them."""
        person = self.people.pop(index)
        gone = _key(person.name)
        for other in self.people:
            if isinstance(other.knows, list):
                other.knows = [n for n in other.knows if _key(n) != gone]
        return person

    def rename(self, index: int, new: str) -> None:
        """Change a name and every ``knows`` that pointed at the old one."""
        old = _key(self.people[index].name)
        self.people[index].name = new
        if not old:
            return
        for i, other in enumerate(self.people):
            if i != index and isinstance(other.knows, list):
                other.knows = [new if _key(n) == old else n for n in other.knows]

    def named(self) -> list[Person]:
        """The people with a name: the ones the themes and the map count."""
        return [p for p in self.people if isinstance(p.name, str) and p.name.strip()]

    def index_of(self, name: str) -> int | None:
        wanted = _key(name)
        return next((i for i, p in enumerate(self.people) if _key(p.name) == wanted), None)

    # -- checking ------------------------------------------------------------------
    def goal_problem(self) -> str:
        if not isinstance(self.goal, str):
            return "Write your goal as text."
        if len(self.goal) > GOAL_MAX:
            return f"This is {len(self.goal)} characters long; please keep it under {GOAL_MAX}."
        return ""

    def person_problems(self, index: int) -> dict[str, str]:
        """Field -> what to change, for one person."""
        person = self.people[index]
        found: dict[str, str] = {}
        name = person.name.strip() if isinstance(person.name, str) else None
        if name is None:
            found["name"] = "Write the name as text."
        elif not name:
            found["name"] = "Write a name or initials (initials are enough)."
        elif len(name) > NAME_MAX:
            found["name"] = f"Keep the name under {NAME_MAX} characters; initials are enough."
        elif SEPARATOR in name:
            found["name"] = "Leave out the semicolon (;): it separates names in the CSV file."
        else:
            first = self.index_of(name)
            if first is not None and first != index:
                found["name"] = (f"Person {first + 1} is also called {name}; add a letter or two so "
                                 "you can tell them apart.")
        if not isinstance(person.help, list) or not person.help:
            found["help"] = "Tick at least one kind of help this person gives you."
        elif unknown := [h for h in person.help if h not in HELP]:
            found["help"] = (f"{unknown[0]!r} is not a kind of help here; use "
                             f"{', '.join(HELP)}.")
        elif len(set(person.help)) != len(person.help):
            found["help"] = "Each kind of help needs ticking only once."
        if person.closeness not in CLOSENESS:
            found["closeness"] = "Choose how close you are: close, moderate or distant."
        if person.rank not in RANKS:
            found["rank"] = "Choose whether they are senior to you, a peer, or junior to you."
        if not isinstance(person.inside, bool):
            found["inside"] = "Say whether they work inside your organization (yes or no)."
        if not isinstance(person.sponsor, bool):
            found["sponsor"] = "Say whether they sponsor you or are very well connected (yes or no)."
        if person.role not in ROLES:
            found["role"] = "Choose mentor, mentee or neither."
        if not isinstance(person.setting, str):
            found["setting"] = "Write the setting as text."
        elif len(person.setting) > SETTING_MAX:
            found["setting"] = f"Keep this under {SETTING_MAX} characters."
        if not isinstance(person.knows, list) or not all(isinstance(n, str) for n in person.knows):
            found["knows"] = "List the names of other people in your network."
        else:
            for other in person.knows:
                where = self.index_of(other)
                if where is None:
                    found["knows"] = (f"{other} is not in your network (any more); add them, or "
                                      "take them off this list.")
                    break
                if where == index:
                    found["knows"] = "Leave this person out of their own list."
                    break
        if not isinstance(person.notes, str):
            found["notes"] = "Write notes as text."
        elif len(person.notes) > NOTES_MAX:
            found["notes"] = (f"This is {len(person.notes)} characters long; please keep it under "
                              f"{NOTES_MAX}.")
        return found

    def problems(self) -> dict[str, str]:
        """Everything to change, keyed ``goal``, ``people`` or ``person N / field``."""
        found: dict[str, str] = {}
        if message := self.goal_problem():
            found["goal"] = message
        if len(self.people) > MAX_PEOPLE:
            found["people"] = (f"There are {len(self.people)} people; this map holds at most "
                               f"{MAX_PEOPLE}.")
        for i in range(len(self.people)):
            for name, message in self.person_problems(i).items():
                found[f"person {i + 1} / {name}"] = message
        return found

    @property
    def valid(self) -> bool:
        return not self.problems()

    # -- storage -------------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        """What the store keeps (and the JSON export and example file hold)."""
        return {"goal": self.goal, "people": [p.to_data() for p in self.people]}

    @classmethod
    def from_data(cls, data: Any) -> tuple[Network, list[str]]:
        """Rebuild a saved network, keeping what can be kept; notes say what could not."""
        notes: list[str] = []
        if not isinstance(data, dict):
            return cls(), ["The saved map could not be read, so a fresh one was started."]
        raw_people = data.get("people")
        people = []
        skipped = 0
        for raw in raw_people if isinstance(raw_people, list) else []:
            if isinstance(raw, dict):
                people.append(Person.from_data(raw))
            else:
                skipped += 1
        if skipped:
            notes.append(f"{skipped} saved entr{'y' if skipped == 1 else 'ies'} could not be read "
                         "and were left out.")
        goal = data.get("goal", "")
        return cls(people, goal if isinstance(goal, str) else ""), notes


def _key(name: Any) -> str:
    return name.strip().casefold() if isinstance(name, str) else ""


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


# -- the seven themes -----------------------------------------------------------------
@dataclass(frozen=True)
class Theme:
    """One way of looking at the network: what was counted, a short reading,
    a note in plain words, and the rule behind it."""

    id: str
    title: str
    question: str  # the booklet's question, in our words
    counted: str
    reading: str
    note: str
    rule: str
    details: dict[str, Any] = field(default_factory=dict)


def _names(people: Iterable[Person]) -> list[str]:
    return [p.name.strip() for p in people]


def _list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _people(n: int) -> str:
    return f"{n} person" if n == 1 else f"{n} people"


EMPTY_NOTE = "Add people to your map to see this theme."


def diversity(net: Network) -> Theme:
    """Variety in rank, in organization and in setting."""
    people = net.named()
    ranks = [r for r in RANKS if any(p.rank == r for p in people)]
    inside = sum(1 for p in people if p.inside is True)
    outside = sum(1 for p in people if p.inside is False)
    settings = sorted({p.setting.strip().casefold() for p in people
                       if isinstance(p.setting, str) and p.setting.strip()})
    points = int(len(ranks) >= 2) + int(inside > 0 and outside > 0) + int(len(settings) >= 3)
    details = {"ranks": ranks, "inside": inside, "outside": outside, "settings": len(settings),
               "points": points}
    counted = (f"{len(settings)} setting{'s' if len(settings) != 1 else ''}; {outside} of "
               f"{len(people)} outside your organization; ranks: {', '.join(ranks) or 'none chosen'}")
    if not people:
        reading, note = "no one yet", EMPTY_NOTE
    elif points <= 1:
        reading = "narrow"
        note = ("Most of your people look alike on the things recorded here. Someone from another "
                "department, institution or stage of career could bring a view you are missing.")
    elif points == 2:
        reading = "some variety"
        note = "There is some range here. Which kind of difference is still missing?"
    else:
        reading = "varied"
        note = "Your network reaches across ranks, organizations and settings."
    note += (" The map does not record gender, race, culture, discipline or geography: think about "
             "those yourself, for the people and for how they differ from you.")
    return Theme(
        "diversity", "Diversity",
        "How alike or different are these people, from each other and from you?",
        counted, reading, note,
        "Our rule: one point each for people of at least two ranks (senior, peer, junior), for at "
        "least one person inside and one outside your organization, and for at least three "
        "different settings. 0-1 points: narrow; 2: some variety; 3: varied.",
        details)


def redundancy(net: Network) -> Theme:
    """How many people give each kind of help, and whether one person gives all."""
    people = net.named()
    counts = {kind: sum(1 for p in people if p.gives(kind)) for kind in HELP}
    gaps = [kind for kind in HELP if counts[kind] == 0]
    everything = [p.name.strip() for p in people if all(p.gives(k) for k in HELP)]
    fewest = min(counts.values()) if people else 0
    details = {"counts": counts, "gaps": gaps, "everything": everything, "fewest": fewest}
    counted = "; ".join(f"{HELP_TITLES[k].lower()}: {counts[k]}" for k in HELP)
    if not people:
        reading, note = "no one yet", EMPTY_NOTE
    elif gaps:
        reading = "gap"
        missing = _list([HELP_TITLES[k].lower() for k in gaps])
        note = f"No one on your map helps with {missing}. Who could you turn to for it?"
    elif fewest == 1:
        reading = "thin"
        single = _list([HELP_TITLES[k].lower() for k in HELP if counts[k] == 1])
        note = (f"Only one person helps with {single}. If they move on, that help goes with them; "
                "a second source would be a safeguard.")
    else:
        reading = "backed up"
        note = "Every kind of help comes from at least two people."
    if everything and people:
        note += (f" {_list(everything)} {'gives' if len(everything) == 1 else 'give'} all three kinds "
                 "of help: a precious relationship, and a lot resting on one person.")
    return Theme(
        "redundancy", "Redundancy",
        "How much do people overlap? Does one person do everything, or is a kind of help missing?",
        counted, reading, note,
        "Our rule: count the people giving each kind of help and take the smallest count. "
        "0: a gap; 1: thin; 2 or more: backed up. We also name anyone who gives all three kinds.",
        details)


def ties(net: Network) -> set[frozenset[str]]:
    """Pairs of people who know each other (either one's list is enough)."""
    names = {_key(p.name): p.name.strip() for p in net.named()}
    found: set[frozenset[str]] = set()
    for person in net.named():
        for other in person.knows if isinstance(person.knows, list) else []:
            a, b = _key(person.name), _key(other)
            if b in names and a != b:
                found.add(frozenset((a, b)))
    return found


def interconnectivity(net: Network) -> Theme:
    """The share of pairs of people who know each other (the network's density)."""
    n = len(net.named())
    pairs = n * (n - 1) // 2
    known = len(ties(net))
    density = round(known / pairs, 2) if pairs else None
    details = {"pairs": pairs, "ties": known, "density": density}
    counted = (f"{known} of {pairs} possible pairs know each other" if pairs
               else "fewer than two people")
    if density is None:
        reading, note = "too few to tell", "With two or more people, this shows how many know each other."
    elif density >= CLOSED:
        reading = "closed"
        note = ("Most of your people know each other. A close-knit group backs you up and agrees "
                "easily, but tends to hear the same news; someone from outside it can open new doors.")
    elif density >= OPEN:
        reading = "mixed"
        note = "Some of your people know each other and some do not: a mix of support and reach."
    else:
        reading = "open"
        note = ("Few of your people know each other. That brings varied advice and contacts; "
                "introducing two of them could also help them and you.")
    if pairs and known == 0:
        note += " (If you have not yet filled in who knows whom, this reads as open.)"
    return Theme(
        "interconnectivity", "Interconnectivity",
        "How closed is the network: do most of these people know each other?",
        counted, reading, note,
        "Our rule: the pairs who know each other (from the 'knows' lists; one side is enough) "
        "divided by all possible pairs. 0.5 or more: closed; 0.2 to 0.5: mixed; below 0.2: open.",
        details)


def strength(net: Network) -> Theme:
    """How people spread over the close, moderate and distant rings."""
    people = net.named()
    counts = {c: sum(1 for p in people if p.closeness == c) for c in CLOSENESS}
    rings = sum(1 for c in CLOSENESS if counts[c])
    details = {"counts": counts, "rings": rings}
    counted = "; ".join(f"{c}: {counts[c]}" for c in CLOSENESS)
    if not people or not rings:
        reading, note = "no one yet", EMPTY_NOTE
    elif counts["close"] == 0:
        reading = "no close ties"
        note = ("No one is in your inner circle yet. Trust grows with time: which relationship "
                "could you invest in this year?")
    elif rings == 1:
        reading = "all in one ring"
        note = (f"Everyone is {next(c for c in CLOSENESS if counts[c])}. A mix of close allies and "
                "looser contacts usually gives both support and reach.")
    else:
        reading = "spread"
        note = ("Your people spread over all three rings: close allies and looser contacts." if rings == 3
                else "Your people spread over two of the three rings.")
    return Theme(
        "strength", "Strength of connection",
        "How do your people spread between close and distant?",
        counted, reading, note,
        "Our rule: count the people in each ring. No one close: no close ties; everyone in one "
        "ring: all in one ring; otherwise: spread.",
        details)


def balance(net: Network) -> Theme:
    """Mentors against mentees (and seniors against juniors)."""
    people = net.named()
    mentors = sum(1 for p in people if p.role == "mentor")
    mentees = sum(1 for p in people if p.role == "mentee")
    seniors = sum(1 for p in people if p.rank == "senior")
    juniors = sum(1 for p in people if p.rank == "junior")
    details = {"mentors": mentors, "mentees": mentees, "seniors": seniors, "juniors": juniors}
    counted = (f"{mentors} mentor{'s' if mentors != 1 else ''}, {mentees} mentee"
               f"{'s' if mentees != 1 else ''}; {seniors} senior, {juniors} junior")
    if not people:
        reading, note = "no one yet", EMPTY_NOTE
    elif mentors == 0 and mentees == 0:
        reading = "no roles named"
        note = "You have not marked anyone as a mentor or a mentee. Is there someone you would?"
    elif mentees == 0:
        reading = "tipping: mentors, no mentees"
        note = ("You have mentors but no mentees. Guiding someone, even informally, is a way to "
                "learn and to give back.")
    elif mentors == 0:
        reading = "tipping: mentees, no mentors"
        note = ("You mentor others but have no mentor yourself. Senior people need guidance too: "
                "a peer or someone a step ahead could be it.")
    else:
        reading = "balanced"
        note = "You both receive and give mentoring."
    return Theme(
        "balance", "Balance",
        "Is the network balanced, or tipping: many mentors and no mentees, or the reverse?",
        counted, reading, note,
        "Our rule: compare the people you marked as mentors and as mentees. Both present: "
        "balanced; only one kind: tipping; neither: no roles named.",
        details)


def power(net: Network) -> Theme:
    """The starred people: sponsors and the very well connected."""
    people = net.named()
    starred = [p for p in people if p.sponsor is True]
    senior = sum(1 for p in starred if p.rank == "senior")
    details = {"stars": len(starred), "starred": _names(starred), "senior_stars": senior}
    counted = f"{len(starred)} of {len(people)} starred"
    if not people:
        reading, note = "no one yet", EMPTY_NOTE
    elif not starred:
        reading = "none yet"
        note = ("No one is starred. A sponsor uses their influence to open doors for you; a mentor "
                "can help you meet one (lesson 05).")
    elif len(starred) == 1:
        reading = "one"
        note = (f"{starred[0].name.strip()} is your one link to influence. A second would keep doors "
                "open if their attention moves elsewhere.")
    else:
        reading = "several"
        note = f"{_list(_names(starred))} are starred: several links to influence."
    return Theme(
        "power", "Connections to power and influence",
        "How many of these people are influential in your department, hospital or field?",
        counted, reading, note,
        "Our rule: count the people you starred. 0: none yet; 1: one; 2 or more: several.",
        details)


def size(net: Network) -> Theme:
    """How many people are on the map."""
    n = len(net.named())
    details = {"people": n}
    counted = _people(n)
    if n == 0:
        reading, note = "empty", EMPTY_NOTE
    elif n < SMALL:
        reading = "small"
        note = ("A small network is easy to keep up, but may not cover every need or "
                "survive someone moving on.")
    elif n <= LARGE:
        reading = "moderate"
        note = "Does this size fit your goals, and can you keep in touch with everyone?"
    else:
        reading = "large"
        note = ("A large network brings reach; can you keep it up? An occasional message keeps "
                "a distant tie alive.")
    return Theme(
        "size", "Size",
        "How large is the network? Does it fit your goals, and can you keep it up?",
        counted, reading, note,
        f"Our rule: count the people (each once, whatever help they give). Fewer than {SMALL}: "
        f"small; {SMALL} to {LARGE}: moderate; more than {LARGE}: large.",
        details)


THEMES = (diversity, redundancy, interconnectivity, strength, balance, power, size)


def themes(net: Network) -> list[Theme]:
    """The seven themes, in the booklet's order."""
    return [theme(net) for theme in THEMES]


# -- descriptions and tables ---------------------------------------------------------
def by_help_and_closeness(net: Network) -> dict[str, dict[str, list[str]]]:
    """The booklet's table: for each kind of help and each closeness, the names."""
    table = {kind: {c: [] for c in CLOSENESS} for kind in HELP}
    for person in net.named():
        if person.closeness not in CLOSENESS:
            continue
        for kind in HELP:
            if person.gives(kind):
                table[kind][person.closeness].append(person.label + (" ★" if person.sponsor is True else ""))
    return table


def describe(net: Network) -> str:
    """The map in words (its alternative text)."""
    people = net.named()
    if not people:
        return "Map of your developmental network: only you, at the centre; no one added yet."
    parts = []
    for rank in RANKS:
        group = [p for p in people if p.rank == rank]
        if not group:
            continue
        items = []
        for p in group:
            bits = [p.closeness or "closeness not chosen",
                    " and ".join(HELP_TITLES[k].lower() for k in HELP if p.gives(k)) or "no help ticked",
                    "inside your organization" if p.inside is True else "outside your organization"]
            if p.role in ("mentor", "mentee"):
                bits.append(p.role)
            if p.sponsor is True:
                bits.append("starred")
            items.append(f"{p.name.strip()} ({', '.join(bits)})")
        parts.append(f"{RANK_TITLES[rank]}: {'; '.join(items)}.")
    unranked = [p.name.strip() for p in people if p.rank not in RANKS]
    if unranked:
        parts.append(f"Rank not chosen: {', '.join(unranked)}.")
    return (f"Map of your developmental network: {_people(len(people))} around you, nearer for closer "
            "relationships, seniors above and juniors below. " + " ".join(parts))


def to_frame(net: Network):
    """The people as a pandas DataFrame, one row each, for the data lab."""
    import pandas as pd

    rows = []
    for p in net.named():
        row = {"name": p.name.strip()}
        row.update({kind: p.gives(kind) for kind in HELP})
        row.update({
            "kinds_of_help": sum(p.gives(kind) for kind in HELP),
            "closeness": p.closeness, "ring": p.ring, "rank": p.rank,
            "inside": p.inside is True, "sponsor": p.sponsor is True, "role": p.role,
            "setting": p.setting.strip() if isinstance(p.setting, str) else "",
            "knows": len(p.knows) if isinstance(p.knows, list) else 0,
        })
        rows.append(row)
    columns = ["name", *HELP, "kinds_of_help", "closeness", "ring", "rank", "inside", "sponsor",
               "role", "setting", "knows"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["closeness"] = pd.Categorical(frame["closeness"], categories=list(CLOSENESS), ordered=True)
    frame["rank"] = pd.Categorical(frame["rank"], categories=list(RANKS), ordered=True)
    return frame


def themes_frame(net: Network):
    """The seven themes as a pandas DataFrame: theme, what was counted, reading, rule."""
    import pandas as pd

    return pd.DataFrame([{"theme": t.title, "counted": t.counted, "reading": t.reading,
                          "note": t.note, "rule": t.rule} for t in themes(net)])


# -- the yearly review -----------------------------------------------------------------
def next_review(last: date) -> date:
    """A year after ``last`` (the booklet asks for a review at least once a year)."""
    try:
        return last.replace(year=last.year + 1)
    except ValueError:  # 29 February
        return last.replace(year=last.year + 1, day=28)


def review_reminder(saved: str, today: date | None = None) -> str:
    """A sentence about the yearly review, from the ISO time the map was last saved."""
    today = today or date.today()
    try:
        last = datetime.fromisoformat(saved).date() if saved else None
    except ValueError:
        last = None
    if last is None:
        return ("Come back to this map at least once a year: your network should change as your "
                "career and life do.")
    due = next_review(last)
    if today >= due:
        return (f"You last changed this map on {last:%d %B %Y}, more than a year ago. It is time for "
                "a review: who has moved on, who should you get to know, what do you need now?")
    return (f"You last changed this map on {last:%d %B %Y}. Look at it again by {due:%d %B %Y}: "
            "a network is worth reviewing at least once a year.")


# -- export and import -----------------------------------------------------------------
def export_json(net: Network) -> str:
    """The network as the JSON export (see the module docstring)."""
    payload = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "exported": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **net.to_data(),
        "themes": {t.id: {"counted": t.counted, "reading": t.reading} for t in themes(net)},
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def export_csv(net: Network) -> str:
    """The network as the CSV export: one row per person."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in net.people:
        writer.writerow([guard_cell(cell) for cell in (
            EXPORT_FORMAT, EXPORT_VERSION, net.goal, p.name,
            SEPARATOR.join(p.help) if isinstance(p.help, list) else p.help,
            p.closeness, p.rank, _yes_no(p.inside), _yes_no(p.sponsor), p.role, p.setting,
            SEPARATOR.join(p.knows) if isinstance(p.knows, list) else p.knows, p.notes,
        )])
    return buffer.getvalue()


def _yes_no(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def parse_export(content: bytes | str, filename: str) -> Network:
    """The network in an exported file; ExportError unless it is a complete,
    valid network export of this format version."""
    text, kind = upload_text(content, filename, ExportError, what="network")
    net = _parse_json(text, filename) if kind == "json" else _parse_csv(text, filename)
    if not net.people:
        raise ExportError(f"{filename} holds no people.")
    problems = net.problems()
    if problems:
        shown = "; ".join(f"{where}: {what}" for where, what in list(problems.items())[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ExportError(f"{filename} has entries this page cannot use: {shown}{more}")
    return net


def _foreign(kind: Any, filename: str) -> ExportError:
    if kind == "mentorkit-self-assessment":
        return ExportError(f"{filename} holds self-assessment answers, not a network. Upload it on "
                           "its own page.")
    return ExportError(f"{filename} is not a mentorkit network file.")


def _check_version(version: Any, filename: str) -> None:
    if version != EXPORT_VERSION:
        raise ExportError(f"{filename} uses network format {version!r}; this page reads format "
                          f"{EXPORT_VERSION}.")


def _parse_json(text: str, filename: str) -> Network:
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise ExportError(f"{filename} is not valid JSON (line {getattr(exc, 'lineno', '?')}). Upload "
                          "the file this page gave you, unchanged.") from None
    except RecursionError:
        raise ExportError(f"{filename} is nested far more deeply than a network file; upload the "
                          "file this page gave you, unchanged.") from None
    if not isinstance(payload, dict) or payload.get("format") != EXPORT_FORMAT:
        raise _foreign(payload.get("format") if isinstance(payload, dict) else None, filename)
    _check_version(payload.get("format_version"), filename)
    people = payload.get("people")
    if not isinstance(people, list):
        raise ExportError(f"{filename} has no list of people.")
    found = []
    for number, raw in enumerate(people, start=1):
        if not isinstance(raw, dict):
            raise ExportError(f"{filename}: person {number} is not a set of fields.")
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            raise ExportError(f"{filename}: person {number} has a field this page does not know "
                              f"({unknown[0]!r}).")
        found.append(Person.from_data(raw))
    return Network(found, payload.get("goal", ""))


BOOLEAN_WORDS = {"yes": True, "no": False, "true": True, "false": False}


def _parse_csv(text: str, filename: str) -> Network:
    people, goals = [], set()
    for line, record in csv_records(text, filename, CSV_COLUMNS, ExportError, what="network"):
        if record["format"] != EXPORT_FORMAT:
            raise _foreign(record["format"], f"{filename}, line {line}")
        _check_version(_int_or_text(record["format_version"]), f"{filename}, line {line}")
        goals.add(record["goal"])
        raw: dict[str, Any] = {name: record[name] for name in FIELDS}
        for name in ("inside", "sponsor"):
            word = record[name].strip().casefold()
            if word not in BOOLEAN_WORDS:
                raise ExportError(f"{filename}, line {line}: {name} is {record[name]!r}; write yes "
                                  "or no.")
            raw[name] = BOOLEAN_WORDS[word]
        people.append(Person.from_data(raw))
    if len(goals) > 1:
        raise ExportError(f"{filename} has different goals on different lines; keep one.")
    return Network(people, goals.pop() if goals else "")


def _int_or_text(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        return value


# -- the example network file (kind: network) -------------------------------------------
def check(data: dict[str, Any], label: str, path: Path | None = None) -> list[Problem]:
    """The rules a schema cannot express: id matches the file, names unique,
    ``knows`` names people in the file."""
    problems: list[Problem] = []
    if path is not None and data["id"] != path.stem:
        problems.append(Problem(label, "id", f"is {data['id']!r} but the file is {path.name}; "
                                             "they must match"))
    net, _ = Network.from_data(data)
    for i in range(len(net.people)):
        for name, message in net.person_problems(i).items():
            if name in ("name", "knows"):
                who = net.people[i].name or f"number {i + 1}"
                problems.append(Problem(label, f"people / {who} / {name}", message))
    return problems


def example_path(network_id: str = EXAMPLE) -> Path:
    return instruments_dir() / f"{network_id}.yaml"


def load_example(network_id: str = EXAMPLE) -> Network:
    """The example network ``exercises/self-assessments/<id>.yaml``; ContentError if invalid."""
    net, _ = Network.from_data(load_checked(example_path(network_id)))
    return net
