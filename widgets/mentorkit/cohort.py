"""Pre/post change across a cohort, from the files participants export.

Facilitators collect each participant's self-assessment export (the CSV or
JSON file the app's download link gives, see :mod:`mentorkit.assessment`)
into one folder. :func:`read_folder` reads every file in it, matches the
"before" and "after" answers of each participant, and keeps a note of every
file it could not use, and why; :func:`domain_table` and friends turn that
into pandas frames; :mod:`mentorkit.report` renders the HTML report that
``mentorkit report`` writes and the cohort dashboard shows.

Rules
    * A file is read with the same parser as the app's upload box, so the
      two formats cannot drift apart. A CSV with extra columns is read
      without them; a CSV missing a column that the answers need is not used.
    * A participant is the participant code typed in the app, or, when none
      was typed, the file itself. In everything shown they appear only under
      a pseudonymous id (``P001``...), in the order their files were read.
    * The same participant and timepoint twice: the answers saved last are
      used (by the ``saved`` time in a JSON export, else the file read last);
      an identical copy is noted as a duplicate.
    * Change is computed on *paired* participants (both timepoints present):
      mean change with a 95% confidence interval from the t distribution,
      and Cohen's d_z (mean change / standard deviation of the changes).
      Answers at one timepoint only still count in that timepoint's
      distributions and completion.
"""

from __future__ import annotations

import csv
import io
import math
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .assessment import (
    CSV_COLUMNS,
    Answers,
    ExportError,
    Instrument,
    domain_scores,
    parse_export,
)
from .content import MAX_UPLOAD_BYTES, csv_rows

NOT_USED, PARTLY_USED, USED_WITH_NOTE = "not used", "partly used", "used, with a note"
EXPORT_SUFFIXES = (".csv", ".json")
#: columns a CSV export needs; the others (domain, format_version) can be worked out
NEEDED_COLUMNS = ("format", "instrument", "instrument_version", "participant", "timepoint", "item",
                  "value")


@dataclass(frozen=True)
class FileNote:
    """A file that was not used, or used only in part, and why. ``why`` is for
    the facilitator's terminal; ``shared`` (when given) is the same without
    personal details, and ``other`` names the one other file ``why`` mentions,
    so that a shared report can number both."""

    file: str
    outcome: str
    why: str
    other: str = ""
    shared: str = ""


@dataclass
class Entry:
    """One participant's answers at one timepoint, and where they came from."""

    key: str
    answers: Answers
    file: str
    order: int

    @property
    def saved(self) -> str:
        return self.answers.saved


@dataclass
class Cohort:
    """Everything read from a folder of exports, for one instrument."""

    instrument: Instrument
    folder: str = ""
    #: pseudonymous id -> timepoint -> answers
    participants: dict[str, dict[str, Answers]] = field(default_factory=dict)
    notes: list[FileNote] = field(default_factory=list)
    files_read: int = 0
    files_used: int = 0
    #: the files read, in order (relative to the folder)
    files: list[str] = field(default_factory=list)

    def file_label(self, name: str, named: bool = True) -> str:
        """The file's name, or (for a report to share) ``file 7 of 40 (.json)``:
        file names often carry the participant's name."""
        if named:
            return name
        number = self._numbers().get(name)
        suffix = Path(name).suffix or "no extension"
        where = f"file {number} of {len(self.files)}" if number else "a file"
        return f"{where} ({suffix})"

    def _numbers(self) -> dict[str, int]:
        cached = self.__dict__.get("_number_cache")
        if cached is None or len(cached) != len(self.files):
            cached = {name: i for i, name in enumerate(self.files, start=1)}
            self.__dict__["_number_cache"] = cached
        return cached

    def note_text(self, note: FileNote | str, named: bool = True) -> str:
        """A note's reason; unless ``named``, without personal details and with
        the files it names (its own and at most one other) numbered. The cost
        does not grow with the number of files."""
        if isinstance(note, str):  # older callers passed the text alone
            note = FileNote("", "", note)
        if named:
            return note.why
        text = note.shared or note.why
        for name in sorted({n for n in (note.file, note.other) if n}, key=len, reverse=True):
            text = text.replace(name, self.file_label(name, named=False))
        return text

    @property
    def pre(self) -> str:
        return self.instrument.timepoints[0]

    @property
    def post(self) -> str | None:
        timepoints = self.instrument.timepoints
        return timepoints[1] if len(timepoints) > 1 else None

    def paired(self) -> list[str]:
        """Participants with answers at both the first and the second timepoint."""
        return [p for p, by_time in self.participants.items()
                if self.post and self.pre in by_time and self.post in by_time]


# -- reading a folder -------------------------------------------------------------------
def export_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (sorted), skipping hidden files and folders.
    A pipe or device is listed too (the reader notes it and never opens it)."""
    found = []
    for path in sorted(Path(folder).rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or path.is_dir():
            continue
        found.append(path)
    return found


def read_folder(folder: str | Path, instrument: Instrument,
                progress: Callable[[int, int], None] | None = None) -> Cohort:
    """Read every export in ``folder``; never raises for a bad file (it is noted)."""
    folder = Path(folder)
    files = export_files(folder)
    cohort = Cohort(instrument, folder=str(folder))
    entries: dict[tuple[str, str], Entry] = {}
    used_in: dict[str, set[str]] = {}  # file -> timepoints used from it
    offered: dict[str, set[str]] = {}  # file -> timepoints it held
    for number, path in enumerate(files, start=1):
        name = path.relative_to(folder).as_posix()
        cohort.files_read += 1
        cohort.files.append(name)
        try:
            results, participant, note = read_export(path, name, instrument)
        except ExportError as exc:
            cohort.notes.append(FileNote(name, NOT_USED, str(exc), shared=exc.shared or ""))
        except Exception as exc:  # one bad file never stops the report: it is listed, the rest used
            cohort.notes.append(FileNote(name, NOT_USED, f"{name} could not be read "
                                                         f"({type(exc).__name__}: {str(exc)[:200]})."))
        else:
            if note:
                cohort.notes.append(FileNote(name, USED_WITH_NOTE, note))
            key = f"code:{participant}" if participant else f"file:{name}"
            offered[name] = {a.timepoint for a in results}
            used_in[name] = set()
            for answers in results:
                new = Entry(key, answers, name, number)
                old = entries.get((key, answers.timepoint))
                if old is None:
                    entries[(key, answers.timepoint)] = new
                    used_in[name].add(answers.timepoint)
                    continue
                keep, drop = _later(old, new)
                entries[(key, answers.timepoint)] = keep
                used_in[keep.file].add(answers.timepoint)
                used_in[drop.file].discard(answers.timepoint)
                same = keep.answers.values == drop.answers.values
                why = (f"{_label(instrument, answers.timepoint)} answers are "
                       + ("the same as those in " if same else "older than those in ")
                       + f"{keep.file}, which were used" + (" (a duplicate)." if same else "."))
                cohort.notes.append(FileNote(drop.file, "", why, other=keep.file))
        if progress:
            progress(number, len(files))
    # which files ended up unused or partly used (after all duplicates are settled)
    final: list[FileNote] = []
    for note in cohort.notes:
        if note.outcome:
            final.append(note)
            continue
        left = used_in.get(note.file, set())
        outcome = PARTLY_USED if left else NOT_USED
        final.append(FileNote(note.file, outcome, note.why, note.other, note.shared))
    cohort.notes = final
    cohort.files_used = sum(1 for name, used in used_in.items() if used)

    # pseudonymous ids, in the order the participants' files were read
    first: dict[str, int] = {}
    for (key, _), entry in entries.items():
        first[key] = min(first.get(key, entry.order), entry.order)
    keys = sorted(first, key=first.__getitem__)
    width = max(3, len(str(len(keys))))
    pseudonym = {key: f"P{i:0{width}d}" for i, key in enumerate(keys, start=1)}
    for (key, timepoint), entry in entries.items():
        cohort.participants.setdefault(pseudonym[key], {})[timepoint] = entry.answers
    cohort.participants = dict(sorted(cohort.participants.items()))

    if cohort.post:
        for (key, timepoint), entry in entries.items():
            if timepoint == cohort.post and (key, cohort.pre) not in entries:
                cohort.notes.append(FileNote(
                    entry.file, PARTLY_USED,
                    f"{_label(instrument, cohort.post)} answers with no "
                    f"{_label(instrument, cohort.pre).lower()} answers for this participant: counted "
                    "in the after-course figures, not in the change."))
    return cohort


def _label(instrument: Instrument, timepoint: str) -> str:
    return instrument.timepoint_label(timepoint)


def _later(old: Entry, new: Entry) -> tuple[Entry, Entry]:
    """(kept, dropped): the later ``saved`` time wins; without times, the file read last."""
    a, b = _when(old.saved), _when(new.saved)
    if a is not None and b is not None and a != b:
        return (old, new) if a > b else (new, old)
    return new, old


def _when(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else None


def read_export(path: Path, name: str, instrument: Instrument) -> tuple[list[Answers], str, str]:
    """(answers by timepoint, participant code, a note) from one file; ExportError
    with the reason when the file cannot be used."""
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        raise ExportError(f"{name} is not a .csv or .json file.")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ExportError(f"{name} is not a regular file (a pipe or a device), so it was not read.")
        size = info.st_size
        if size > MAX_UPLOAD_BYTES:
            raise ExportError(f"{name} is {size:,} bytes; an export is far smaller (at most "
                              f"{MAX_UPLOAD_BYTES:,} are read).")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        raise ExportError(f"{name} could not be read ({exc.strerror}).") from None
    if not raw.strip():
        raise ExportError(f"{name} is empty.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{name} is not UTF-8 text (byte {exc.start} cannot be read); it may have "
                          "been re-saved by a spreadsheet program. Ask for the original download.") from None
    note = ""
    if path.suffix.lower() == ".csv":
        text, note = _canonical_csv(text, name, instrument)
    results, participant = parse_export(text, name, instrument)
    return results, participant, note


def _canonical_csv(text: str, name: str, instrument: Instrument) -> tuple[str, str]:
    """The CSV with exactly the export's columns, in order: extra columns are
    dropped (and noted), ``domain`` and ``format_version`` filled in when missing."""
    rows = csv_rows(text, name, ExportError)
    header = [column.strip() for column in rows[0]] if rows else []
    if tuple(header) == CSV_COLUMNS:
        return text, ""
    if "format" not in header and "item" not in header:
        raise ExportError(f"{name} does not look like a self-assessment export: its first line "
                          "should name the columns (format, instrument, ..., item, value).")
    missing = [c for c in NEEDED_COLUMNS if c not in header]
    if missing:
        raise ExportError(f"{name} has no {', '.join(repr(c) for c in missing)} column"
                          f"{'s' if len(missing) > 1 else ''}, so its answers cannot be matched.")
    extra = [c for c in header if c not in CSV_COLUMNS]
    position = {c: header.index(c) for c in CSV_COLUMNS if c in header}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ExportError(f"{name}, line {line}: expected {len(header)} columns, found {len(row)} "
                              "(is the file cut short?).")
        record = {c: row[i] for c, i in position.items()}
        record.setdefault("format_version", "1")
        if "domain" not in record:
            try:
                record["domain"] = instrument.item(record["item"]).domain
            except KeyError:
                record["domain"] = ""
        writer.writerow([record[c] for c in CSV_COLUMNS])
    note = f"extra column{'s' if len(extra) > 1 else ''} {', '.join(extra)} ignored." if extra else ""
    filled = [c for c in ("domain", "format_version") if c not in header]
    if filled:
        note = (note + " " if note else "") + f"{' and '.join(filled)} worked out from the answers."
    return out.getvalue(), note


# -- statistics --------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """Paired change on one measure."""

    n: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    d_z: float | None


def paired_change(pairs: Iterable[tuple[float, float]], confidence: float = 0.95) -> Change:
    """Mean change with a t-based confidence interval and Cohen's d_z."""
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return Change(0, None, None, None, None, None, None)
    pre = sum(a for a, _ in pairs) / n
    post = sum(b for _, b in pairs) / n
    diffs = [b - a for a, b in pairs]
    mean = sum(diffs) / n
    if n < 2:
        return Change(n, pre, post, mean, None, None, None)
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    half = t_quantile(1 - (1 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    d_z = mean / sd if sd > 0 else None
    return Change(n, pre, post, mean, mean - half, mean + half, d_z)


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (p > 0.5),
    by bisection on the distribution function."""
    if not 0.5 < p < 1:
        raise ValueError("p must be between 0.5 and 1")
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t, via the regularised incomplete beta function."""
    x = df / (df + t * t)
    tail = 0.5 * _betainc(df / 2, 0.5, x)
    return 1 - tail if t >= 0 else tail


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b) (continued fraction, Lentz's method)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log(1 - x))
    if x > (a + 1) / (a + b + 2):
        return 1 - _betainc(b, a, 1 - x)
    tiny = 1e-300
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return front * result / a


# -- frames ------------------------------------------------------------------------------
def domain_table(cohort: Cohort):
    """Per domain: n paired, mean before and after, mean change, its 95% CI, d_z."""
    import pandas as pd

    paired = cohort.paired()
    scores = {pid: (domain_scores(cohort.participants[pid][cohort.pre]),
                    domain_scores(cohort.participants[pid][cohort.post])) for pid in paired}
    rows = []
    for domain in cohort.instrument.domains:
        if not any(item.type == "rating" for item in domain.items):
            continue
        pairs = []
        for pid in paired:
            before, after = scores[pid][0][domain.id], scores[pid][1][domain.id]
            if before is not None and after is not None:
                pairs.append((before, after))
        change = paired_change(pairs)
        rows.append({"domain": domain.id, "title": domain.title, "n": change.n,
                     "mean_pre": change.mean_pre, "mean_post": change.mean_post,
                     "mean_change": change.mean_change, "ci_low": change.ci_low,
                     "ci_high": change.ci_high, "d_z": change.d_z})
    columns = ["domain", "title", "n", "mean_pre", "mean_post", "mean_change", "ci_low", "ci_high", "d_z"]
    return pd.DataFrame(rows, columns=columns)


def completion_table(cohort: Cohort):
    """Per timepoint: participants with answers, with every answer, and paired."""
    import pandas as pd

    rows = []
    for timepoint in cohort.instrument.timepoints:
        present = [by_time[timepoint] for by_time in cohort.participants.values() if timepoint in by_time]
        rows.append({"timepoint": timepoint, "label": _label(cohort.instrument, timepoint),
                     "participants": len(present),
                     "complete": sum(1 for a in present if a.complete)})
    frame = pd.DataFrame(rows, columns=["timepoint", "label", "participants", "complete"])
    frame.attrs["paired"] = len(cohort.paired())
    frame.attrs["total"] = len(cohort.participants)
    return frame


def item_distribution(cohort: Cohort):
    """For each rating or choice item and timepoint, how many gave each answer."""
    import pandas as pd

    rows = []
    for item in cohort.instrument.items:
        if item.type not in ("rating", "choice"):
            continue
        values = (list(cohort.instrument.scale.values) if item.type == "rating" and cohort.instrument.scale
                  else list(item.options))
        for timepoint in cohort.instrument.timepoints:
            given = [by_time[timepoint].values.get(item.id) for by_time in cohort.participants.values()
                     if timepoint in by_time]
            counts = {str(v): sum(1 for g in given if g == v) for v in values}
            rows.append({"domain": item.domain, "item": item.id, "text": item.name,
                         "timepoint": timepoint, "answered": sum(counts.values()), **counts})
    return pd.DataFrame(rows)


def free_text(cohort: Cohort):
    """Answers to text items: participant (pseudonym), timepoint, item, text."""
    import pandas as pd

    rows = [(pid, timepoint, item.id, item.name, answers.values[item.id])
            for item in cohort.instrument.items if item.type == "text"
            for pid, by_time in cohort.participants.items()
            for timepoint, answers in by_time.items() if item.id in answers.values]
    return pd.DataFrame(rows, columns=["participant", "timepoint", "item", "question", "answer"])
