"""A learner's results on disk.

Everything a learner saves lives under ``$MENTORKIT_HOME`` (default
``~/.mentorkit/``): one JSON file per instrument and key, where the key is a
timepoint (``pre``, ``post``) for a self-assessment or a scenario id for a
scenario path. Files are versioned, written atomically (temporary file,
fsync, rename) and never overwritten when they cannot be read: a corrupted
file is moved aside and reported, so nothing a learner wrote is lost.

Two windows (tabs, devices) on one store
    :meth:`Store.update` saves with a three-way merge: it is given the data
    the window last loaded or saved (the *base*), and under a lock it reads
    what is on disk now; any part that another window changed since the base,
    and this one did not, is kept. Dictionaries merge key by key (so answers
    merge item by item); anything else is taken whole from whichever side
    changed it (this window's, when both did).

Limits
    A record file over :data:`MAX_RECORD_BYTES` or nested deeper than Python's
    JSON reader allows is set aside like a corrupted one. Names are lower-case
    letters, digits and hyphens (at most 64), never a name Windows reserves
    for a device (``con``, ``nul``, ``com1``...). Files in the store that are
    not named this way (``pre-Copy1.json`` from JupyterLab's Duplicate,
    ``Pre.json``) are left alone and reported. Temporary files left by a write
    that was cut short are removed after an hour.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FORMAT = "mentorkit-result"
FORMAT_VERSION = 1
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
#: names Windows keeps for devices: a file called ``con.json`` cannot be made there
RESERVED = frozenset({"con", "prn", "aux", "nul", "clock"}
                     | {f"{port}{n}" for port in ("com", "lpt") for n in range(10)})
#: a record file larger than this is not read (set aside, like a corrupted one)
MAX_RECORD_BYTES = 8 * 1024 * 1024
#: a temporary file older than this (seconds) is left from a write that was cut short
STALE_TEMPORARY = 3600
BACKUPS = "backups"


class StoreError(Exception):
    """A problem with the learner's store, phrased for a person."""


@dataclass(frozen=True)
class Record:
    """One saved result: what it is for, when it was saved, and the data."""

    instrument: str
    key: str
    data: dict[str, Any]
    saved: str = ""
    instrument_version: int | str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "instrument": self.instrument,
            "instrument_version": self.instrument_version,
            "key": self.key,
            "saved": self.saved,
            "data": self.data,
        }


@dataclass
class Store:
    """The results of one learner, in one directory."""

    home: Path = field(default_factory=lambda: default_home())
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.home = Path(self.home).expanduser()

    # -- paths ---------------------------------------------------------------
    def path(self, instrument: str, key: str) -> Path:
        """The file that holds ``instrument``'s result for ``key``."""
        for label, value in (("instrument", instrument), ("key", key)):
            if not valid_name(value):
                raise StoreError(
                    f"{label} {value!r} is not a valid name: use lower-case letters, "
                    "digits and hyphens (at most 64), and not a device name such as 'con' or 'nul'"
                )
        return self.home / instrument / f"{key}.json"

    # -- writing -------------------------------------------------------------
    def save(
        self,
        instrument: str,
        key: str,
        data: dict[str, Any],
        instrument_version: int | str | None = None,
    ) -> Record:
        """Write ``data`` atomically; return the record as saved. (Replaces what
        is there: a window that may share the store with another uses
        :meth:`update`.)"""
        target = self.path(instrument, key)
        record = self._record(instrument, key, data, instrument_version)
        self._write(target, record)
        return record

    def update(
        self,
        instrument: str,
        key: str,
        data: dict[str, Any],
        base: dict[str, Any] | None,
        instrument_version: int | str | None = None,
    ) -> tuple[Record, Merge]:
        """Save ``data`` merged with what another window saved since ``base``.

        ``base`` is the data this window last loaded or saved (None when it
        found nothing). Returns the record as saved (its data is the merged
        data, which the window should show) and a :class:`Merge` saying what
        was taken from the other window and where both changed the same
        thing; in that case this window's version is saved and the other's is
        first kept with :meth:`backup`, so that nothing is lost."""
        target = self.path(instrument, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot save {instrument}/{key} in {target.parent}: {exc}") from exc
        result = Merge()
        with _locked(target):
            current = self._read(target, instrument, key)
            theirs = current.data if current is not None else None
            if theirs is not None and theirs != base:
                data = merge(base or {}, data, theirs, result.taken, result.conflicts)
                if result.conflicts:
                    result.backup = self.backup(instrument, key)
            record = self._record(instrument, key, data, instrument_version)
            self._write(target, record)
        return record, result

    def _record(self, instrument: str, key: str, data: dict[str, Any],
                instrument_version: int | str | None) -> Record:
        return Record(
            instrument=instrument,
            key=key,
            data=data,
            saved=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            instrument_version=instrument_version,
        )

    def _write(self, target: Path, record: Record) -> None:
        where = f"{record.instrument}/{record.key}"
        try:
            text = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
        except (TypeError, ValueError, RecursionError) as exc:
            raise StoreError(f"cannot save {where}: {exc}") from exc
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, text)
        except OSError as exc:
            raise StoreError(f"cannot save {where} in {target.parent}: {exc}") from exc

    # -- backups (kept before a restore replaces saved answers) -------------------
    def backup(self, instrument: str, key: str) -> Path | None:
        """Copy the saved record aside (``<instrument>/backups/<key>-<time>.json``)
        before it is replaced; its path, or None when there is nothing saved."""
        target = self.path(instrument, key)
        try:
            raw = target.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot keep a copy of {instrument}/{key}: {exc.strerror}") from exc
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        copy = target.parent / BACKUPS / f"{key}-{stamp}.json"
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(copy, raw.decode("utf-8", errors="surrogateescape"))
        except (OSError, UnicodeError) as exc:
            raise StoreError(f"cannot keep a copy of {instrument}/{key}: {exc}") from exc
        return copy

    def load_backup(self, copy: Path) -> Record | None:
        """The record kept by :meth:`backup` (None, with a note, if unreadable)."""
        copy = Path(copy)
        try:
            raw = copy.read_bytes()
            return _record_from(_json(raw), copy.parent.parent.name, copy.stem)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            self.problems.append(f"{copy}: the copy could not be read ({exc})")
            return None

    # -- reading -------------------------------------------------------------
    def load(self, instrument: str, key: str) -> Record | None:
        """The saved record, or None when there is none or it was unreadable.

        An unreadable file is renamed ``<key>.corrupt-<time>.json`` (kept, never
        overwritten) and a message is added to ``self.problems``.
        """
        target = self.path(instrument, key)
        self._clean_temporary(target.parent)
        return self._read(target, instrument, key)

    def _read(self, target: Path, instrument: str, key: str) -> Record | None:
        try:
            with open(target, "rb") as handle:
                raw = handle.read(MAX_RECORD_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.problems.append(f"{target}: could not be read ({exc.strerror})")
            return None
        try:
            if len(raw) > MAX_RECORD_BYTES:
                raise ValueError(f"it is larger than {MAX_RECORD_BYTES // (1024 * 1024)} MB")
            record = _record_from(_json(raw), instrument, key)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            reason = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            aside = self._set_aside(target, raw)
            if aside is None:
                self.problems.append(f"{target}: could not be read ({reason}); another window "
                                     "has already kept it aside, and a fresh record will be started")
            else:
                self.problems.append(f"{target}: could not be read ({reason}); it was kept as "
                                     f"{aside.name} and a fresh record will be started")
            return None
        self.problems.extend(f"{target}: {note}" for note in record_notes(record))
        return _tidy(record)

    def records(self, instrument: str | None = None) -> list[Record]:
        """Every readable record, optionally for one instrument only. Files whose
        names the store would not have written (``pre-Copy1.json``, ``Pre.json``)
        are left as they are, with a note in ``problems``."""
        found = []
        folders = [self.home / instrument] if instrument else sorted(self.home.glob("*"))
        for folder in folders:
            if not folder.is_dir() or not valid_name(folder.name):
                continue
            self._clean_temporary(folder)
            for file in sorted(folder.glob("*.json")):
                if ".corrupt-" in file.name or file.name.startswith("."):
                    continue
                if not valid_name(file.stem) or not file.is_file():
                    self.problems.append(
                        f"{file}: not a name this course saves (lower-case letters, digits and "
                        "hyphens), so it was left as it is and not read. If it holds answers you "
                        "want, rename it.")
                    continue
                record = self.load(folder.name, file.stem)
                if record is not None:
                    found.append(record)
        return found

    def delete(self, instrument: str, key: str) -> bool:
        """Remove one record; True when there was one."""
        try:
            self.path(instrument, key).unlink()
            return True
        except FileNotFoundError:
            return False

    def _set_aside(self, target: Path, raw: bytes) -> Path | None:
        """Move the unreadable ``target`` aside; None when another process got
        there first (only one of them moves it; the file is not lost)."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        aside = target.with_name(f"{target.stem}.corrupt-{stamp}-{os.getpid()}.json")
        try:
            os.rename(target, aside)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.problems.append(f"{target}: could not be moved aside ({exc.strerror})")
            return None
        try:
            moved = aside.read_bytes()
        except OSError:
            return aside
        if moved != raw:
            # a fresh, good file was written between our read and the move: put it back
            try:
                os.link(aside, target)
                os.unlink(aside)
            except OSError:
                pass
            return None
        return aside

    def _clean_temporary(self, folder: Path) -> None:
        """Remove temporary files left by writes that were cut short (once per
        folder for this store; files younger than an hour may be in use)."""
        cleaned = self.__dict__.setdefault("_cleaned", set())
        if folder in cleaned:
            return
        cleaned.add(folder)
        try:
            leftovers = list(folder.glob(".*.tmp"))
        except OSError:
            return
        now = time.time()
        for leftover in leftovers:
            try:
                if now - leftover.stat().st_mtime > STALE_TEMPORARY:
                    leftover.unlink()
            except OSError:
                pass


def valid_name(value: Any) -> bool:
    """A name the store uses for an instrument or a key."""
    return isinstance(value, str) and bool(NAME.match(value)) and value not in RESERVED


@dataclass
class Merge:
    """What :meth:`Store.update` did with another window's changes."""

    #: places (``answers/q1``) where the other window's change was kept
    taken: list[str] = field(default_factory=list)
    #: places both windows changed; this window's version was saved
    conflicts: list[str] = field(default_factory=list)
    #: the copy of the other window's version, kept when there were conflicts
    backup: Path | None = None


def merge(base: Any, ours: Any, theirs: Any, taken: list[str] | None = None,
          conflicts: list[str] | None = None, where: str = "") -> Any:
    """Three-way merge of saved data: what changed on one side only is kept;
    dictionaries merge key by key; when both sides changed a value, ours wins.
    ``taken`` collects the places where their change was kept, ``conflicts``
    those both sides changed."""
    if ours == theirs:
        return ours
    if ours == base:
        if taken is not None:
            taken.append(where or "everything")
        return theirs
    if theirs == base:
        return ours
    if isinstance(ours, dict) and isinstance(theirs, dict):
        base = base if isinstance(base, dict) else {}  # both made it since: merge from nothing
        merged = {}
        for key in list(theirs) + [k for k in ours if k not in theirs]:
            missing = _Missing
            value = merge(base.get(key, missing), ours.get(key, missing), theirs.get(key, missing),
                          taken, conflicts, f"{where}/{key}" if where else str(key))
            if value is not _Missing:
                merged[key] = value
        return merged
    if conflicts is not None:
        conflicts.append(where or "everything")
    return ours


class _MissingType:
    def __repr__(self) -> str:
        return "<missing>"


_Missing = _MissingType()


def _json(raw: bytes) -> Any:
    return json.loads(raw.decode("utf-8"))


def record_notes(record: Record) -> list[str]:
    """What is odd about a record that could still be read."""
    notes = []
    if not isinstance(record.saved, str):
        notes.append(f"its time of saving ({record.saved!r}) is not a date, and was left out")
    if not isinstance(record.instrument_version, (int, str, type(None))) or isinstance(
            record.instrument_version, bool):
        notes.append(f"its version ({record.instrument_version!r}) could not be read, and was left out")
    return notes


def _tidy(record: Record) -> Record:
    """The record with fields of an unexpected type cleared (the data kept)."""
    saved = record.saved if isinstance(record.saved, str) else ""
    version = record.instrument_version
    if not isinstance(version, (int, str, type(None))) or isinstance(version, bool):
        version = None
    if saved is record.saved and version is record.instrument_version:
        return record
    return Record(record.instrument, record.key, record.data, saved, version)


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``target`` (a read, merge and write by one
    process at a time). Where file locks are not available, no lock is held."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    lock = target.with_name(f".{target.name}.lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def default_home() -> Path:
    """``$MENTORKIT_HOME`` if set, else ``~/.mentorkit``."""
    return Path(os.environ.get("MENTORKIT_HOME") or Path.home() / ".mentorkit").expanduser()


def _record_from(payload: Any, instrument: str, key: str) -> Record:
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError("not a mentorkit result file")
    version = payload.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(f"format version {version!r} is newer than this mentorkit understands")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise ValueError("its 'data' is missing or not an object")
    # where the file is says what it is for (a stray "key" inside it does not)
    return Record(
        instrument=instrument,
        key=key,
        data=data,
        saved=payload.get("saved", ""),
        instrument_version=payload.get("instrument_version"),
    )


def _atomic_write(target: Path, text: str) -> None:
    """Write ``text`` so that a reader sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
