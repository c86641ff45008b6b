"""Self-assessment instruments and a learner's answers to them.

An *instrument* is a YAML file in ``exercises/self-assessments/`` (``kind:
instrument``, checked by ``mentorkit validate``): domains of items and, for
rated items, one scale. Items are statements rated on the scale
(``rating``), a pick from fixed options (``choice``), a whole number
(``number``, optionally part of a domain whose numbers must add up to a
total) or free text (``text``). The model scores answers and compares them;
it knows nothing of widgets, files or the store.

Scores
    A domain's score is the mean of its answered rating items (an item with
    ``reverse: true`` counts as ``min + max - value``), or None when none is
    answered. The lowest-scoring domains name the lessons to revisit.

Export formats (read back by the upload box, and by the cohort report)
    Both carry the instrument id and version, the timepoint of each result,
    an optional participant code and every answer by item id.

    JSON (``<instrument>-results.json``), UTF-8::

        {"format": "mentorkit-self-assessment", "format_version": 1,
         "instrument": "competencies", "instrument_version": 1,
         "participant": "A17",                      # "" when none was typed
         "exported": "2025-03-01T10:00:00+00:00",
         "results": [
           {"timepoint": "pre", "saved": "2025-02-01T09:00:00+00:00",
            "answers": {"comm-listen": 5, ...},     # item id -> value
            "scores": {"communication": 4.75, ...}} # domain id -> mean or null
         ]}

    CSV (``<instrument>-results.csv``), UTF-8, comma-separated, one header
    row, then one row per answered item and timepoint::

        format,format_version,instrument,instrument_version,participant,timepoint,domain,item,value
        mentorkit-self-assessment,1,competencies,1,A17,pre,communication,comm-listen,5

    Values are whole numbers for ``rating`` and ``number`` items and text for
    ``choice`` and ``text`` items. Scores are not in the CSV: compute them
    from the values (they are in the JSON for convenience).

A file for another instrument or version, in another format, or with an
unknown item or an invalid value is refused as a whole: :func:`parse_export`
raises :class:`ExportError` with a message for the learner, and nothing is
changed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from .content import Problem, csv_records, guard_cell, load_cached, upload_text
from .course import LESSON_SLUGS, instruments_dir

EXPORT_FORMAT = "mentorkit-self-assessment"
EXPORT_VERSION = 1
CSV_COLUMNS = ("format", "format_version", "instrument", "instrument_version", "participant",
               "timepoint", "domain", "item", "value")
PARTICIPANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
ITEM_TYPES = ("rating", "choice", "number", "text")


class ExportError(ValueError):
    """An uploaded file that cannot be used; the message is for the learner.
    ``shared`` is the same message without personal details (a participant
    code), for a report that is shared; None when the message has none."""

    def __init__(self, message: str, shared: str | None = None):
        super().__init__(message)
        self.shared = shared


# -- the instrument -------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    """The rating scale: whole numbers from ``min`` to ``max``, some with words."""

    min: int
    max: int
    labels: dict[int, str] = field(default_factory=dict)

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)

    def label(self, value: int) -> str:
        """``5`` or ``7 - very confident`` when the value has words."""
        words = self.labels.get(value)
        return f"{value} - {words}" if words else str(value)


@dataclass(frozen=True)
class Item:
    """One question. ``text`` is what the learner reads, in full."""

    id: str
    text: str
    domain: str
    type: str = "rating"
    reverse: bool = False
    options: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    unit: str = ""
    required: bool = True
    rows: int = 3
    max_length: int = 2000
    help: str = ""
    short: str = ""

    @property
    def name(self) -> str:
        """A short name for charts and summaries."""
        return self.short or self.text


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    items: tuple[Item, ...]
    summary: str = ""
    lessons: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    total: int | None = None


@dataclass(frozen=True)
class Band:
    """A plain-language reading of an overall score up to ``upto``."""

    upto: float
    title: str
    text: str


@dataclass(frozen=True)
class Resource:
    title: str
    text: str
    lesson: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    title: str
    intro: str
    disclaimer: str
    timepoints: tuple[str, ...]
    domains: tuple[Domain, ...]
    scale: Scale | None = None
    bands: tuple[Band, ...] = ()
    resources: tuple[Resource, ...] = ()
    timepoint_labels: dict[str, str] = field(default_factory=dict)
    results: str = "radar"
    #: timepoint -> a sentence shown under the timepoint choice when it is chosen
    timepoint_help: dict[str, str] = field(default_factory=dict)
    #: an old timepoint name -> the timepoint it is now (answers saved under the old name are read as it)
    renamed_timepoints: dict[str, str] = field(default_factory=dict)
    #: an earlier version whose answers are still read -> the ids of domains and items added since
    earlier_versions: dict[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def items(self) -> list[Item]:
        return list(self._items_by_id.values())

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        found: dict[str, Item] = {}
        for domain in self.domains:
            for item in domain.items:
                found.setdefault(item.id, item)
        return found

    def item(self, item_id: str) -> Item:
        try:
            return self._items_by_id[item_id]
        except (KeyError, TypeError):
            raise KeyError(f"{self.id} has no item {item_id!r}") from None

    def domain(self, domain_id: str) -> Domain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(f"{self.id} has no domain {domain_id!r}")

    def timepoint_label(self, timepoint: str) -> str:
        return self.timepoint_labels.get(timepoint, timepoint.replace("-", " ").capitalize())

    def timepoint_of(self, name: Any) -> Any:
        """A timepoint's current name (an old, renamed one gives the new one)."""
        return self.renamed_timepoints.get(name, name) if isinstance(name, str) else name

    def reads_version(self, version: Any) -> bool:
        """Whether answers given to ``version`` are read: this version or an earlier one it lists."""
        return _is_int(version) and (version == self.version or version in self.earlier_versions)

    def added_since(self, version: Any) -> list[Item]:
        """The items added after ``version`` (an earlier version this one reads), in order;
        [] for the current version or one it does not read."""
        added = set(self.earlier_versions.get(version, ())) if _is_int(version) else set()
        return [item for item in self.items if item.id in added or item.domain in added]

    def added_note(self, version: Any) -> str:
        """A plain sentence on what was added since ``version`` ("" when nothing was)."""
        items = self.added_since(version)
        if not items:
            return ""
        new_domains = [d for d in self.domains if d.items and all(i in items for i in d.items)]
        in_new = {i.id for d in new_domains for i in d.items}
        others = [i for i in items if i.id not in in_new]
        parts = []
        if new_domains:
            parts.append(f"{len(new_domains)} new area{'s' if len(new_domains) > 1 else ''} ("
                         + "; ".join(d.title for d in new_domains) + ")")
        if others:
            parts.append(f"{len(others)} new question{'s' if len(others) > 1 else ''} in other areas")
        return (f"Since version {version}, {self.title} has gained " + " and ".join(parts)
                + f": {len(items)} question{'s' if len(items) > 1 else ''} in all.")

    def band(self, score: float | None) -> Band | None:
        """The band an overall score falls in (the first whose ``upto`` it does not exceed)."""
        if score is None:
            return None
        return next((b for b in self.bands if score <= b.upto), self.bands[-1] if self.bands else None)

    def new_answers(self, timepoint: str | None = None) -> Answers:
        return Answers(self, timepoint or self.timepoints[0])


# -- a learner's answers ----------------------------------------------------------
@dataclass
class Answers:
    """One learner's answers at one timepoint. Values are kept as given, valid
    or not, so that nothing typed is lost; :meth:`problems` says what is wrong."""

    instrument: Instrument
    timepoint: str
    values: dict[str, Any] = field(default_factory=dict)
    participant: str = ""
    saved: str = ""
    #: the instrument version these answers were given to, when it is an earlier one
    #: (its added questions are then not required); None for the current version
    version: int | None = None

    def set(self, item_id: str, value: Any) -> None:
        """Record an answer; an empty one (None, "", 0 for a rating) removes it."""
        item = self.instrument.item(item_id)
        if _empty(item, value):
            self.values.pop(item_id, None)
        else:
            self.values[item_id] = value

    def get(self, item_id: str, default: Any = None) -> Any:
        return self.values.get(item_id, default)

    def answered(self) -> int:
        return sum(1 for item in self.instrument.items if item.id in self.values)

    def problems(self, require_all: bool = True) -> dict[str, str]:
        """Item id (or ``participant``) -> what to change. With ``require_all``,
        a missing required answer is a problem too."""
        found: dict[str, str] = {}
        added = {item.id for item in self.instrument.added_since(self.version)}
        if self.participant and not PARTICIPANT.match(self.participant):
            found["participant"] = ("Use up to 32 letters, digits, hyphens or underscores, "
                                    "starting with a letter or digit (or leave it empty).")
        for item in self.instrument.items:
            value = self.values.get(item.id)
            if value is None:
                if require_all and item.required and item.id not in added:
                    found[item.id] = _missing_message(item)
                continue
            message = value_problem(self.instrument, item, value)
            if message:
                found[item.id] = message
        for domain in self.instrument.domains:
            if domain.total is None or any(i.id in found for i in domain.items):
                continue
            numbers = [self.values.get(i.id) for i in domain.items]
            if not require_all and any(v is None for v in numbers):
                continue  # judge the total once every number is in
            added = sum(v for v in numbers if isinstance(v, int))
            if added != domain.total:
                last = domain.items[-1]
                unit = last.unit or ""
                found[last.id] = f"Total: {added}{unit} \u2014 it should come to {domain.total}{unit}."
        return found

    @property
    def complete(self) -> bool:
        return not self.problems(require_all=True)

    def valid(self) -> Answers:
        """A copy holding only the answers that are valid, e.g. for a download
        that must read back in; the learner's other entries stay in ``self``."""
        kept = {item.id: self.values[item.id] for item in self.instrument.items
                if item.id in self.values
                and not value_problem(self.instrument, item, self.values[item.id])}
        return Answers(self.instrument, self.timepoint, kept, self.participant, self.saved, self.version)

    # -- storage ---------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        """What the store keeps for this timepoint (with the earlier version the
        answers were given to, if any)."""
        data: dict[str, Any] = {"participant": self.participant, "answers": dict(self.values)}
        if self.version is not None:
            data["answered_version"] = self.version
        return data

    @classmethod
    def from_data(cls, instrument: Instrument, timepoint: str, data: dict[str, Any],
                  saved: str = "", version: Any = None) -> tuple[Answers, list[str]]:
        """Rebuild saved answers; answers to items that no longer exist are
        dropped and reported in the notes. ``version`` is the instrument version
        they were saved with (an earlier version this one reads is kept on them)."""
        notes: list[str] = []
        raw = data.get("answers") if isinstance(data, dict) else None
        raw = raw if isinstance(raw, dict) else {}
        known = {item.id for item in instrument.items}
        values = {k: v for k, v in raw.items() if k in known and v is not None}
        dropped = sorted(set(raw) - known)
        if dropped:
            notes.append(f"{len(dropped)} saved answer(s) belong to questions that are no longer "
                         "asked, and were left out.")
        participant = data.get("participant", "") if isinstance(data, dict) else ""
        answered = data.get("answered_version", version) if isinstance(data, dict) else version
        earlier = answered if instrument.reads_version(answered) and answered != instrument.version else None
        answers = cls(instrument, timepoint, values,
                      participant if isinstance(participant, str) else "", saved, earlier)
        return answers, notes


def value_problem(instrument: Instrument, item: Item, value: Any) -> str:
    """What is wrong with one answer, or ""."""
    if item.type == "rating":
        scale = instrument.scale
        if not _is_int(value) or scale is None or value not in scale.values:
            return f"Choose a rating from {scale.min} to {scale.max}." if scale else "Choose a rating."
    elif item.type == "choice":
        if value not in item.options:
            return "Choose one of the options."
    elif item.type == "number":
        low, high = item.min if item.min is not None else 0, item.max
        if not _is_int(value):
            return "Write a whole number."
        if value < low or (high is not None and value > high):
            return f"Write a whole number from {low} to {high}{item.unit}." if high is not None \
                else f"Write a whole number of at least {low}."
    elif item.type == "text":
        if not isinstance(value, str):
            return "Write your answer as text."
        if len(value) > item.max_length:
            return f"This is {len(value)} characters long; please keep it under {item.max_length}."
    return ""


def typed_number(text: str, item: Item) -> int | str | None:
    """What a learner typed in a number box: a whole number when it reads as one
    (spaces and the item's unit, e.g. "40 %", are allowed), None when empty, and
    otherwise the text as typed, kept so that :func:`value_problem` can say why."""
    cleaned = str(text).strip()
    if item.unit and cleaned.endswith(item.unit.strip()):
        cleaned = cleaned[: -len(item.unit.strip())].strip()
    if not cleaned:
        return None if not str(text).strip() else str(text)
    if re.fullmatch(r"[+-]?\d{1,9}", cleaned):
        return int(cleaned)
    return str(text)


def _missing_message(item: Item) -> str:
    return {
        "rating": "Choose a rating for this statement.",
        "choice": "Choose one of the options.",
        "number": "Write a number here (0 if none).",
        "text": "Write a few words here.",
    }[item.type]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _empty(item: Item, value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return item.type in ("rating", "choice") and value in (0, "")


# -- scoring ---------------------------------------------------------------------
def item_score(instrument: Instrument, item: Item, value: Any) -> int | None:
    """A rating as it counts towards its domain (reversed where the item says so)."""
    scale = instrument.scale
    if item.type != "rating" or scale is None or not _is_int(value) or value not in scale.values:
        return None
    return scale.min + scale.max - value if item.reverse else value


def domain_scores(answers: Answers) -> dict[str, float | None]:
    """Domain id -> the mean of its answered rating items, or None."""
    scores: dict[str, float | None] = {}
    for domain in answers.instrument.domains:
        rated = [item_score(answers.instrument, i, answers.values.get(i.id)) for i in domain.items]
        rated = [v for v in rated if v is not None]
        scores[domain.id] = round(sum(rated) / len(rated), 2) if rated else None
    return scores


def overall_score(answers: Answers) -> float | None:
    """The mean of every answered rating item."""
    rated = [item_score(answers.instrument, i, answers.values.get(i.id)) for i in answers.instrument.items]
    rated = [v for v in rated if v is not None]
    return round(sum(rated) / len(rated), 2) if rated else None


def lowest_domains(instrument: Instrument, scores: dict[str, float | None], count: int = 3) -> list[Domain]:
    """The ``count`` lowest-scoring domains, and any tied with the last of them."""
    scored = [(scores[d.id], i, d) for i, d in enumerate(instrument.domains) if scores.get(d.id) is not None]
    scored.sort(key=lambda row: (row[0], row[1]))
    if not scored:
        return []
    cut = scored[min(count, len(scored)) - 1][0]
    return [d for score, _, d in scored if score <= cut]


def highest_domains(instrument: Instrument, scores: dict[str, float | None],
                    count: int = 2) -> list[Domain]:
    """The ``count`` highest-scoring domains and any tied with the last of them
    (for instruments where a high score is what deserves attention)."""
    flipped = {k: -v for k, v in scores.items() if v is not None}
    return lowest_domains(instrument, flipped, count)


def domains_to_work_on(answers: Answers, count: int = 2) -> list[Domain]:
    """The lowest-scoring domains (ties kept), leaving out any already at the
    top of the scale: there is nothing to suggest for a habit done most weeks."""
    scale = answers.instrument.scale
    scores = domain_scores(answers)
    top = scale.max if scale else None
    return [d for d in lowest_domains(answers.instrument, scores, count) if scores[d.id] != top]


def lessons_to_revisit(instrument: Instrument, scores: dict[str, float | None],
                       count: int = 3) -> list[tuple[Domain, tuple[str, ...]]]:
    """(domain, its lessons) for the lowest-scoring domains."""
    return [(d, d.lessons) for d in lowest_domains(instrument, scores, count) if d.lessons]


@dataclass(frozen=True)
class Change:
    domain: Domain
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


def compare(before: Answers, after: Answers) -> list[Change]:
    """Domain by domain, the score at the first timepoint and at the second."""
    first, second = domain_scores(before), domain_scores(after)
    return [Change(d, first[d.id], second[d.id]) for d in before.instrument.domains]


def totals(answers: Answers) -> dict[str, int]:
    """For each domain with a ``total``, what its numbers add up to now."""
    return {d.id: sum(v for i in d.items if _is_int(v := answers.values.get(i.id)))
            for d in answers.instrument.domains if d.total is not None}


# -- export and import --------------------------------------------------------------
def export_json(instrument: Instrument, results: list[Answers], participant: str = "") -> str:
    """Every timepoint's answers as the JSON export (see the module docstring)."""
    payload = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "instrument": instrument.id,
        "instrument_version": instrument.version,
        "participant": participant,
        "exported": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "results": [
            {"timepoint": a.timepoint, "saved": a.saved, "answers": _ordered(instrument, a.values),
             "scores": domain_scores(a)}
            for a in results
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def export_csv(instrument: Instrument, results: list[Answers], participant: str = "") -> str:
    """Every timepoint's answers as the CSV export (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for answers in results:
        for item in instrument.items:
            if item.id in answers.values:
                writer.writerow([guard_cell(cell) for cell in (
                    EXPORT_FORMAT, EXPORT_VERSION, instrument.id, instrument.version, participant,
                    answers.timepoint, item.domain, item.id, answers.values[item.id])])
    return buffer.getvalue()


def parse_export(content: bytes | str, filename: str, instrument: Instrument) -> tuple[list[Answers], str]:
    """Answers and participant code from an exported file; ExportError if it is
    not a complete, valid export of this instrument and version."""
    text, kind = upload_text(content, filename, ExportError)
    if kind == "json":
        return _parse_json(text, filename, instrument)
    return _parse_csv(text, filename, instrument)


def _parse_json(text: str, filename: str, instrument: Instrument) -> tuple[list[Answers], str]:
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise ExportError(f"{filename} is not valid JSON (line {getattr(exc, 'lineno', '?')}). "
                          "Upload the file this page gave you, unchanged.") from None
    except RecursionError:
        raise ExportError(f"{filename} is nested far more deeply than a results file; upload the "
                          "file this page gave you, unchanged.") from None
    if not isinstance(payload, dict) or payload.get("format") != EXPORT_FORMAT:
        raise ExportError(f"{filename} is not a mentorkit self-assessment results file.")
    _check_header(payload.get("format_version"), payload.get("instrument"),
                  payload.get("instrument_version"), filename, instrument)
    participant = _participant(payload.get("participant", ""), filename)
    results = payload.get("results")
    if not isinstance(results, list) or not results:
        raise ExportError(f"{filename} holds no results.")
    found: dict[str, Answers] = {}
    for number, result in enumerate(results, start=1):
        if not isinstance(result, dict) or not isinstance(result.get("answers"), dict):
            raise ExportError(f"{filename}: result {number} has no answers.")
        timepoint = _timepoint(result.get("timepoint"), filename, instrument)
        answers = found.setdefault(timepoint, Answers(instrument, timepoint, participant=participant,
                                                      saved=str(result.get("saved") or ""),
                                                      version=_earlier(payload, instrument)))
        for item_id, value in result["answers"].items():
            _put(answers, item_id, value, filename)
    return list(found.values()), participant


def _parse_csv(text: str, filename: str, instrument: Instrument) -> tuple[list[Answers], str]:
    found: dict[str, Answers] = {}
    participants = set()
    for line, record in csv_records(text, filename, CSV_COLUMNS, ExportError):
        if record["format"] != EXPORT_FORMAT:
            raise ExportError(f"{filename}, line {line}: not a mentorkit self-assessment result.")
        _check_header(_int_or_text(record["format_version"]), record["instrument"],
                      _int_or_text(record["instrument_version"]), filename, instrument)
        participants.add(_participant(record["participant"], filename))
        timepoint = _timepoint(record["timepoint"], filename, instrument)
        version = _int_or_text(record["instrument_version"])
        answers = found.setdefault(timepoint, Answers(
            instrument, timepoint, version=version if version != instrument.version else None))
        item_id = record["item"]
        try:
            item = instrument.item(item_id)
        except KeyError:
            raise ExportError(f"{filename}, line {line}: {_short(item_id)} is not a question of "
                              f"{instrument.title}.") from None
        value = _int_or_text(record["value"]) if item.type in ("rating", "number") else record["value"]
        _put(answers, item_id, value, f"{filename}, line {line}")
    if not found:
        raise ExportError(f"{filename} holds no answers.")
    if len(participants) > 1:
        raise ExportError(f"{filename} mixes participant codes ({', '.join(sorted(participants))}).",
                          shared=f"{filename} mixes {len(participants)} participant codes.")
    participant = participants.pop()
    for answers in found.values():
        answers.participant = participant
    return list(found.values()), participant


def _check_header(format_version: Any, instrument_id: Any, version: Any, filename: str,
                  instrument: Instrument) -> None:
    if format_version != EXPORT_VERSION:
        raise ExportError(f"{filename} uses results format {_short(format_version)}; this page reads "
                          f"format {EXPORT_VERSION}.")
    if instrument_id != instrument.id:
        raise ExportError(f"{filename} holds results of {_short(instrument_id)}, not of "
                          f"{instrument.title}. Upload it on its own page.")
    if not instrument.reads_version(version):
        raise ExportError(f"{filename} was made with version {version} of this questionnaire; this "
                          f"page is version {instrument.version}, so its answers may not match.")


def _earlier(payload: dict[str, Any], instrument: Instrument) -> int | None:
    """The earlier version a checked export was made with, or None for the current one."""
    version = payload.get("instrument_version")
    return version if version != instrument.version else None


def _participant(value: Any, filename: str) -> str:
    if value in ("", None):
        return ""
    if not isinstance(value, str) or not PARTICIPANT.match(value):
        raise ExportError(f"{filename}: the participant code {_short(value)} is not valid.",
                          shared=f"{filename}: its participant code is not valid.")
    return value


def _timepoint(value: Any, filename: str, instrument: Instrument) -> str:
    value = instrument.timepoint_of(value)
    if value not in instrument.timepoints:
        raise ExportError(f"{filename}: {_short(value)} is not a timepoint of {instrument.title} "
                          f"({', '.join(instrument.timepoints)}).")
    return value


def _put(answers: Answers, item_id: Any, value: Any, where: str) -> None:
    instrument = answers.instrument
    try:
        item = instrument.item(item_id)
    except KeyError:
        raise ExportError(f"{where}: {_short(item_id)} is not a question of {instrument.title}.") from None
    problem = value_problem(instrument, item, value)
    if problem:
        raise ExportError(f"{where}: the answer to {item.id!r} ({_short(value)}) is not valid. {problem}",
                          shared=f"{where}: the answer to {item.id!r} is not valid. {problem}")
    answers.values[item.id] = value


def _int_or_text(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        return value


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters (a message quotes, never copies, an answer)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _ordered(instrument: Instrument, values: dict[str, Any]) -> dict[str, Any]:
    return {item.id: values[item.id] for item in instrument.items if item.id in values}


# -- loading ---------------------------------------------------------------------
def from_data(data: dict[str, Any]) -> Instrument:
    """Build an instrument from data that has passed :func:`check`."""
    domains = []
    for raw in data["domains"]:
        items = tuple(
            Item(id=i["id"], text=i["text"], domain=raw["id"], type=i.get("type", "rating"),
                 reverse=i.get("reverse", False), options=tuple(i.get("options", ())),
                 min=i.get("min"), max=i.get("max"), unit=i.get("unit", ""),
                 required=i.get("required", True), rows=i.get("rows", 3),
                 max_length=i.get("max_length", 2000), help=i.get("help", ""), short=i.get("short", ""))
            for i in raw["items"]
        )
        domains.append(Domain(raw["id"], raw["title"], items, raw.get("summary", ""),
                              tuple(raw.get("lessons", ())), tuple(raw.get("next_steps", ())),
                              raw.get("total")))
    scale = None
    if "scale" in data:
        raw = data["scale"]
        scale = Scale(raw["min"], raw["max"], {int(k): v for k, v in raw.get("labels", {}).items()})
    return Instrument(
        id=data["id"], version=data["version"], title=data["title"], intro=data["intro"],
        disclaimer=data["disclaimer"], timepoints=tuple(data.get("timepoints", ("current",))),
        domains=tuple(domains), scale=scale,
        bands=tuple(Band(b["upto"], b["title"], b["text"]) for b in data.get("bands", ())),
        resources=tuple(Resource(r["title"], r["text"], r.get("lesson"), r.get("href"))
                        for r in data.get("resources", ())),
        timepoint_labels=dict(data.get("timepoint_labels", {})),
        results=data["results"],
        timepoint_help=dict(data.get("timepoint_help", {})),
        renamed_timepoints=dict(data.get("renamed_timepoints", {})),
        earlier_versions={int(e["version"]): tuple(e.get("added", ()))
                          for e in data.get("earlier_versions", ())},
    )


def check(data: dict[str, Any], label: str, path: Path | None = None) -> list[Problem]:
    """The rules a schema cannot express: ids, lessons, scale, options, totals."""
    problems: list[Problem] = []

    def problem(where: str, what: str) -> None:
        problems.append(Problem(label, where, what))

    if path is not None and data["id"] != path.stem:
        problem("id", f"is {data['id']!r} but the file is {path.name}; they must match")
    scale = data.get("scale")
    if scale:
        if scale["min"] >= scale["max"]:
            problem("scale", "min must be smaller than max")
        for key in scale.get("labels", {}):
            if not (str(key).lstrip("-").isdigit() and scale["min"] <= int(key) <= scale["max"]):
                problem(f"scale / labels / {key}", f"is not a value from {scale['min']} to {scale['max']}")
    timepoints = data.get("timepoints", ("current",))
    for field_name in ("timepoint_labels", "timepoint_help"):
        for key in data.get(field_name, {}):
            if key not in timepoints:
                problem(f"{field_name} / {key}", "is not one of the timepoints")
    for old, new in data.get("renamed_timepoints", {}).items():
        if old in timepoints:
            problem(f"renamed_timepoints / {old}", "is still a timepoint: only an old name can be renamed")
        if new not in timepoints:
            problem(f"renamed_timepoints / {old}", f"{new!r} is not one of the timepoints")
    all_ids = {d["id"] for d in data["domains"]} | {i["id"] for d in data["domains"] for i in d["items"]}
    for earlier in data.get("earlier_versions", ()):
        where = f"earlier_versions / {earlier['version']}"
        if earlier["version"] >= data["version"]:
            problem(where, f"must be older than version {data['version']}")
        for added in earlier.get("added", ()):
            if added not in all_ids:
                problem(where, f"{added!r} is not a domain or item of this instrument")
    seen_domains, seen_items = set(), set()
    for d in data["domains"]:
        where = f"domain {d['id']}"
        if d["id"] in seen_domains:
            problem(where, "this domain id is used twice")
        seen_domains.add(d["id"])
        for lesson in d.get("lessons", ()):
            if lesson not in LESSON_SLUGS:
                problem(f"{where} / lessons", f"{lesson!r} is not a lesson of this course")
        for item in d["items"]:
            iwhere = f"{where} / item {item['id']}"
            if item["id"] in seen_items:
                problem(iwhere, "this item id is used twice (item ids are unique in an instrument)")
            seen_items.add(item["id"])
            kind = item.get("type", "rating")
            if kind == "rating" and not scale:
                problem(iwhere, "is a rating, but the instrument has no 'scale'")
            if kind == "choice" and len(item.get("options", ())) < 2:
                problem(iwhere, "a choice needs at least two 'options'")
            if kind != "choice" and "options" in item:
                problem(iwhere, "only a choice has 'options'")
            if kind == "number" and item.get("max") is not None and item.get("min", 0) > item["max"]:
                problem(iwhere, "min must not be larger than max")
            if item.get("reverse") and kind != "rating":
                problem(iwhere, "only a rating can be reversed")
        if "total" in d and any(i.get("type", "rating") != "number" for i in d["items"]):
            problem(where, "a domain with a 'total' may hold only number items")
    for band_a, band_b in zip(data.get("bands", ()), data.get("bands", ())[1:], strict=False):
        if band_b["upto"] <= band_a["upto"]:
            problem("bands", "list the bands from the lowest 'upto' to the highest")
    for r in data.get("resources", ()):
        if r.get("lesson") and r["lesson"] not in LESSON_SLUGS:
            problem(f"resources / {r['title']}", f"lesson {r['lesson']!r} is not a lesson of this course")
    return problems


def path_for(instrument_id: str) -> Path:
    return instruments_dir() / f"{instrument_id}.yaml"


def load(instrument_id: str) -> Instrument:
    """The instrument ``exercises/self-assessments/<id>.yaml``; ContentError if invalid."""
    return load_cached(path_for(instrument_id), from_data)


# -- printable summary (career conference preparation) ------------------------------
def shown_value(instrument: Instrument, item: Item, value: Any) -> str:
    """An answer as words for a summary ("" when unanswered)."""
    if value is None:
        return ""
    if item.type == "rating" and instrument.scale is not None and _is_int(value):
        return instrument.scale.label(value)
    if item.type == "number":
        return f"{value}{item.unit}"
    return str(value)


def summary_sections(answers: Answers) -> list[tuple[Domain, list[tuple[Item, str]]]]:
    """Each domain with its items and the answers as words, in the instrument's order."""
    instrument = answers.instrument
    return [(d, [(i, shown_value(instrument, i, answers.values.get(i.id))) for i in d.items])
            for d in instrument.domains]


def allocation(answers: Answers) -> tuple[list[str], dict[str, list[int | None]]]:
    """The number domains that add up to a total (e.g. time now, time hoped for),
    as labels (the first such domain's item names) and one series per domain."""
    domains = [d for d in answers.instrument.domains if d.total is not None]
    if not domains:
        return [], {}
    labels = [item.name for item in domains[0].items]
    series = {}
    for d in domains:
        values = [answers.values.get(i.id) for i in d.items]
        series[d.title] = [v if _is_int(v) else None for v in values]
    return labels, series


def summary_html(answers: Answers, participant_label: str = "") -> str:
    """A standalone, printable HTML page of every answer, grouped by domain."""
    import html

    instrument = answers.instrument
    parts = []
    for domain, rows in summary_sections(answers):
        parts.append(f"<h2>{html.escape(domain.title)}</h2>")
        for item, shown in rows:
            text = html.escape(shown) if shown else "<em>(not answered)</em>"
            text = text.replace("\n", "<br>")
            parts.append(f"<h3>{html.escape(item.text)}</h3><p>{text}</p>")
    who = f"<p>{html.escape(participant_label)}</p>" if participant_label else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(instrument.title)}</title>"
        "<style>body{font-family:Georgia,serif;max-width:46em;margin:2em auto;color:#111;"
        "line-height:1.45} h1{font-size:1.5em} h2{font-size:1.2em;border-bottom:1px solid #999;"
        "margin-top:1.4em} h3{font-size:1em;margin:0.8em 0 0.2em} p{margin:0 0 0.6em}"
        ".note{font-size:0.85em;color:#333} @media print{body{margin:0}}</style></head><body>"
        f"<h1>{html.escape(instrument.title)}</h1>{who}"
        f"<p class=\"note\">Prepared on {datetime.now():%d %B %Y}. {html.escape(instrument.disclaimer)}</p>"
        + "".join(parts) + "</body></html>\n"
    )


def summary_pdf(answers: Answers, participant_label: str = "") -> bytes:
    """The same summary as a PDF (A4 pages of wrapped text, drawn with matplotlib)."""
    import textwrap

    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    instrument = answers.instrument
    lines: list[tuple[str, str]] = [("title", instrument.title)]
    if participant_label:
        lines.append(("text", participant_label))
    lines.append(("note", f"Prepared on {datetime.now():%d %B %Y}."))
    for chunk in textwrap.wrap(instrument.disclaimer, 100):
        lines.append(("note", chunk))
    for domain, rows in summary_sections(answers):
        lines.append(("gap", ""))
        lines.append(("heading", domain.title))
        for item, shown in rows:
            for chunk in textwrap.wrap(item.text, 90):
                lines.append(("question", chunk))
            answer_lines = (shown or "(not answered)").splitlines() or [""]
            for paragraph in answer_lines:
                for chunk in textwrap.wrap(paragraph, 95) or [""]:
                    lines.append(("text", chunk))
            lines.append(("small-gap", ""))
    styles = {"title": (16, "bold", 0.032), "heading": (12.5, "bold", 0.026),
              "question": (10, "bold", 0.019), "text": (10, "normal", 0.019),
              "note": (8.5, "normal", 0.016), "gap": (6, "normal", 0.012),
              "small-gap": (6, "normal", 0.008)}
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": instrument.title, "Author": "mentorkit"}) as pdf:
        page, y = None, 0.0
        for kind, text in lines:
            size, weight, step = styles[kind]
            if page is None or y - step < 0.06:
                if page is not None:
                    pdf.savefig(page)
                page, y = Figure(figsize=(8.27, 11.69), dpi=100), 0.95
            if text:
                page.text(0.08, y, text, fontsize=size, weight=weight, va="top", parse_math=False,
                          color="#111111" if kind != "note" else "#333333")
            y -= step
        if page is not None:
            pdf.savefig(page)
    return buffer.getvalue()
