"""Change across a cohort, from the files participants export.

Facilitators collect each participant's self-assessment export (the CSV or
JSON file the app's download link gives, see :mod:`mentorkit.assessment`)
into one folder. :func:`read_folder` reads every file in it, matches each
participant's answers at every timepoint (before, after, looking back,
follow-up), and keeps a note of every file it could not use, and why;
:func:`domain_table`, :func:`item_table` and friends turn that into pandas
frames for each comparison of :func:`comparisons`; :func:`missing_timepoints`
says whom to remind and :func:`to_discuss` what moved least;
:mod:`mentorkit.report` renders the HTML report that ``mentorkit report``
writes and the cohort dashboard shows.

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
      the p-values of the paired t-test and of the Wilcoxon signed-rank test
      (scipy.stats, imported only when figures are computed), each also
      Holm-adjusted across the domains (or the items) of one comparison, and
      Cohen's d_z (mean change / standard deviation of the changes).
      Answers at one timepoint only still count in that timepoint's
      distributions and completion.
    * Answers given to an earlier version of the instrument that it still
      reads (``earlier_versions``) are used, with a note naming what was
      added since; those questions count as not answered.
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

    #: pseudonymous id -> (participant code or "", the first file their answers came from);
    #: for the facilitator's own reminders, never in a report to share
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def pre(self) -> str:
        """The "before" of the first comparison (the first timepoint when there is none)."""
        pairs = comparisons(self.instrument)
        return pairs[0][0] if pairs else self.instrument.timepoints[0]

    @property
    def post(self) -> str | None:
        """The "after" of the first comparison (e.g. post for pre -> post), or None."""
        pairs = comparisons(self.instrument)
        return pairs[0][1] if pairs else None

    def paired(self, before: str | None = None, after: str | None = None) -> list[str]:
        """Participants with answers at both ``before`` and ``after`` (by default
        the first comparison's timepoints)."""
        before = before or self.pre
        after = after or self.post
        if not after:
            return []
        return [p for p, by_time in self.participants.items() if before in by_time and after in by_time]


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
    for (key, timepoint), entry in sorted(entries.items(), key=lambda pair: pair[1].order):
        cohort.participants.setdefault(pseudonym[key], {})[timepoint] = entry.answers
        cohort.sources.setdefault(pseudonym[key], (key[5:] if key.startswith("code:") else "", entry.file))
    cohort.participants = dict(sorted(cohort.participants.items()))
    for by_time in cohort.participants.values():
        by_time_sorted = {t: by_time[t] for t in instrument.timepoints if t in by_time}
        by_time.clear()
        by_time.update(by_time_sorted)

    # answers that are the "after" of some comparison, without any of its "before"s
    pairs = comparisons(instrument)
    for (key, timepoint), entry in entries.items():
        befores = [a for a, b in pairs if b == timepoint]
        if befores and not any((key, a) in entries for a in befores):
            words = " or ".join(_label(instrument, a).lower() for a in befores)
            cohort.notes.append(FileNote(
                entry.file, PARTLY_USED,
                f"{_label(instrument, timepoint)} answers with no {words} answers for this participant: "
                f"counted in the figures for {_label(instrument, timepoint).lower()}, not in the change."))
    older = {entry.file: entry.answers.version for entry in entries.values()
             if entry.answers.version is not None and entry.answers.version != instrument.version}
    for file, version in older.items():
        cohort.notes.append(FileNote(
            file, USED_WITH_NOTE,
            f"answers given to version {version} of the questionnaire. {instrument.added_note(version)} "
            "Those questions count as not answered for this participant."))
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
    """Paired change on one measure, from the first timepoint to the second.

    ``p_t`` is the paired t-test's p-value and ``p_wilcoxon`` the Wilcoxon
    signed-rank test's (ratings are ordinal, so the second does not assume the
    changes are normally distributed); both are two-sided and unadjusted. None
    where a figure cannot be worked out (fewer than two pairs; for ``p_t`` and
    ``d_z``, changes that are all the same)."""

    n: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    d_z: float | None
    p_t: float | None = None
    p_wilcoxon: float | None = None


def paired_change(pairs: Iterable[tuple[float, float]], confidence: float = 0.95) -> Change:
    """Mean change with its t-based confidence interval, Cohen's d_z, and the
    p-values of the paired t-test and the Wilcoxon signed-rank test (scipy.stats,
    imported here: not when mentorkit or a page is first loaded)."""
    import warnings

    from scipy import stats

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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all changes equal, or all zero: handled below
        wilcoxon = _finite(stats.wilcoxon(diffs).pvalue) if any(diffs) else 1.0
        if sd == 0:  # everyone changed by the same amount: the interval is that amount, no t-test
            return Change(n, pre, post, mean, mean, mean, None, None, wilcoxon)
        test = stats.ttest_1samp(diffs, 0.0)
        interval = test.confidence_interval(confidence)
    return Change(n, pre, post, mean, float(interval.low), float(interval.high), mean / sd,
                  _finite(test.pvalue), wilcoxon)


def _finite(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def holm(p_values: Iterable[float | None]) -> list[float | None]:
    """Holm's step-down adjustment of a family of p-values (None stays None and
    is not counted): the k-th smallest of m is multiplied by m - k + 1, and an
    adjusted value is never smaller than the one before it, nor above 1."""
    values = list(p_values)
    order = sorted((p, i) for i, p in enumerate(values) if p is not None)
    m = len(order)
    adjusted: list[float | None] = [None] * len(values)
    running = 0.0
    for k, (p, i) in enumerate(order):
        running = max(running, min(1.0, (m - k) * p))
        adjusted[i] = running
    return adjusted


#: the comparisons a report shows, when the instrument has both timepoints:
#: the course's effect (pre to post), whether it lasted (pre and post to
#: follow-up), and the same against the looking-back answers ("then"),
#: which are given at the end of the course with the same eyes as "post"
COMPARISONS = (("pre", "post"), ("pre", "follow-up"), ("post", "follow-up"), ("then", "post"),
               ("then", "follow-up"))


def comparisons(instrument: Instrument) -> list[tuple[str, str]]:
    """The (before, after) timepoint pairs worth comparing for ``instrument``.
    "then" against "follow-up" only when there is no "post" (its natural
    partner); an instrument with other timepoint names compares its first two."""
    timepoints = instrument.timepoints
    found = [(a, b) for a, b in COMPARISONS if a in timepoints and b in timepoints
             and not (a == "then" and b == "follow-up" and "post" in timepoints)]
    if not found and len(timepoints) > 1:
        found = [(timepoints[0], timepoints[1])]
    return found


# -- frames ------------------------------------------------------------------------------
CHANGE_COLUMNS = ["n", "mean_pre", "mean_post", "mean_change", "ci_low", "ci_high", "d_z", "p_t",
                  "p_wilcoxon", "p_t_holm", "p_wilcoxon_holm"]


def _change_row(change: Change) -> dict:
    return {"n": change.n, "mean_pre": change.mean_pre, "mean_post": change.mean_post,
            "mean_change": change.mean_change, "ci_low": change.ci_low, "ci_high": change.ci_high,
            "d_z": change.d_z, "p_t": change.p_t, "p_wilcoxon": change.p_wilcoxon}


def _with_holm(rows: list[dict]) -> list[dict]:
    for column in ("p_t", "p_wilcoxon"):
        for row, adjusted in zip(rows, holm([r[column] for r in rows]), strict=True):
            row[f"{column}_holm"] = adjusted
    return rows


def _pair(cohort: Cohort, before: str | None, after: str | None) -> tuple[str, str]:
    if before is None or after is None:
        if cohort.post is None:
            raise ValueError(f"{cohort.instrument.id} has one timepoint: there is no change to compute")
        return cohort.pre, cohort.post
    return before, after


def domain_table(cohort: Cohort, before: str | None = None, after: str | None = None):
    """Per domain: n paired, mean at ``before`` and ``after`` (by default the
    first comparison), mean change, its 95% CI, d_z, and the p-values of both
    tests, unadjusted and Holm-adjusted across the domains."""
    import pandas as pd

    before, after = _pair(cohort, before, after)
    paired = cohort.paired(before, after)
    scores = {pid: (domain_scores(cohort.participants[pid][before]),
                    domain_scores(cohort.participants[pid][after])) for pid in paired}
    rows = []
    for domain in cohort.instrument.domains:
        if not any(item.type == "rating" for item in domain.items):
            continue
        pairs = []
        for pid in paired:
            first, second = scores[pid][0][domain.id], scores[pid][1][domain.id]
            if first is not None and second is not None:
                pairs.append((first, second))
        rows.append({"domain": domain.id, "title": domain.title, **_change_row(paired_change(pairs))})
    return pd.DataFrame(_with_holm(rows), columns=["domain", "title", *CHANGE_COLUMNS])


def item_table(cohort: Cohort, before: str | None = None, after: str | None = None):
    """Per rating item: the same figures as :func:`domain_table` (scored as in
    the domain scores, so a reversed item counts the other way round), with
    p-values Holm-adjusted across the items."""
    import pandas as pd

    from .assessment import item_score

    before, after = _pair(cohort, before, after)
    instrument = cohort.instrument
    paired = cohort.paired(before, after)
    rows = []
    for item in instrument.items:
        if item.type != "rating":
            continue
        pairs = []
        for pid in paired:
            first = item_score(instrument, item, cohort.participants[pid][before].values.get(item.id))
            second = item_score(instrument, item, cohort.participants[pid][after].values.get(item.id))
            if first is not None and second is not None:
                pairs.append((first, second))
        rows.append({"domain": item.domain, "item": item.id, "text": item.name,
                     **_change_row(paired_change(pairs))})
    return pd.DataFrame(_with_holm(rows), columns=["domain", "item", "text", *CHANGE_COLUMNS])


def change_tables(cohort: Cohort) -> list[tuple[str, str, object, object]]:
    """(before, after, domain table, item table) for every comparison of the
    instrument that has at least one paired participant."""
    found = []
    for before, after in comparisons(cohort.instrument):
        if cohort.paired(before, after):
            found.append((before, after, domain_table(cohort, before, after),
                          item_table(cohort, before, after)))
    return found


@dataclass(frozen=True)
class Missing:
    """A participant without answers at a timepoint others have answered."""

    pseudonym: str
    #: the participant code they typed, or "" (then ``file`` says where their answers came from)
    code: str
    file: str
    missing: tuple[str, ...]
    present: tuple[str, ...]


def missing_timepoints(cohort: Cohort) -> list[Missing]:
    """Who has no answers at a timepoint that at least one participant has
    answered (a timepoint nobody has reached yet, such as a follow-up still
    months away, is not asked of anyone), in pseudonym order."""
    due = [t for t in cohort.instrument.timepoints
           if any(t in by_time for by_time in cohort.participants.values())]
    found = []
    for pid, by_time in cohort.participants.items():
        missing = tuple(t for t in due if t not in by_time)
        if missing:
            code, file = cohort.sources.get(pid, ("", ""))
            found.append(Missing(pid, code, file, missing, tuple(t for t in due if t in by_time)))
    return found


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


# -- what to discuss next session ----------------------------------------------------------
@dataclass
class Discussion:
    """The short "to discuss next session" summary: for one comparison, the
    domains and items whose mean moved least, and the knowledge checks the
    cohort scored lowest on (None when no gradebook was given)."""

    before: str | None
    after: str | None
    domains: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    checks: list[dict] | None = None
    #: how many more domains / items moved exactly as little as the last one shown
    domains_tied: int = 0
    items_tied: int = 0


def discussion_pair(cohort: Cohort) -> tuple[str, str] | None:
    """The comparison the summary is about: whether the change lasted (pre to
    follow-up) once two or more have answered both, else the course's own
    (pre to post), else the first with two or more pairs."""
    pairs = comparisons(cohort.instrument)
    preferred = [p for p in (("pre", "follow-up"), ("pre", "post")) if p in pairs]
    for before, after in [*preferred, *(p for p in pairs if p not in preferred)]:
        if len(cohort.paired(before, after)) >= 2:
            return before, after
    return None


def _least(frame, count: int) -> tuple[list[dict], int]:
    """The ``count`` rows with the smallest mean change (in the instrument's
    order among equals), and how many more moved exactly as little as the last."""
    rows = [row for row in frame.to_dict("records") if row["n"] >= 2 and row["mean_change"] is not None
            and row["mean_change"] == row["mean_change"]]
    rows.sort(key=lambda row: round(row["mean_change"], 9))  # stable: equals keep their order
    shown = rows[:count]
    if not shown:
        return [], 0
    last = round(shown[-1]["mean_change"], 9)
    return shown, sum(1 for row in rows[count:] if round(row["mean_change"], 9) == last)


def hardest_checks(grades, count: int = 3) -> list[dict]:
    """The knowledge checks (autograded cells) with the lowest mean share of
    their points, from an nbgrader gradebook read by :mod:`mentorkit.gradebook`:
    lesson label, cell, the question (or the cell id as words), graded, and the
    mean share (0 to 1)."""
    from .gradebook import CHECK

    summary = grades.item_summary()
    checks = summary[(summary["kind"] == CHECK) & (summary["count"] > 0)]
    labels = dict(zip(grades.assignments["assignment"], grades.assignments["label"], strict=True))
    rows = [{"assignment": row["assignment"], "lesson": labels.get(row["assignment"], row["assignment"]),
             "item": row["item"], "name": _question_or_id(row), "graded": int(row["count"]),
             "share": float(row["mean"]) / float(row["max_score"])}
            for _, row in checks.iterrows() if float(row["max_score"]) > 0]
    rows.sort(key=lambda row: (round(row["share"], 9), row["assignment"], row["item"]))
    return rows[:count]


def _question_or_id(row) -> str:
    """The question as the participants read it ("Question 2: Which of these…"),
    from the assignment's form; the cell id as words when the form is unknown."""
    question = row.get("question")
    if isinstance(question, str) and question and question != row["item"]:
        return question
    return check_name(row["item"])


def check_name(cell: str) -> str:
    """A grade cell's id as words: ``q3_terms_to_agree_test`` -> ``q3 terms to agree``."""
    words = cell.replace("_", " ").replace("-", " ").split()
    if len(words) > 1 and words[-1].lower() in ("test", "tests", "check"):
        words = words[:-1]
    return " ".join(words) or cell


def to_discuss(cohort: Cohort, grades=None, tables: list | None = None) -> Discussion:
    """The summary for the next session (see :class:`Discussion`). ``tables``:
    what :func:`change_tables` gave, when it has been called already."""
    pair = discussion_pair(cohort)
    found = Discussion(*(pair or (None, None)))
    if pair:
        known = {(before, after): (domains, items) for before, after, domains, items in tables or ()}
        domains, items = known.get(pair) or (domain_table(cohort, *pair), item_table(cohort, *pair))
        found.domains, found.domains_tied = _least(domains, 2)
        found.items, found.items_tied = _least(items, 3)
    if grades is not None:
        found.checks = hardest_checks(grades)
    return found
