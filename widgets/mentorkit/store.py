"""A learner's results on disk.

Everything a learner saves lives under ``$MENTORKIT_HOME`` (default
``~/.mentorkit/``): one JSON file per instrument and key, where the key is a
timepoint (``pre``, ``post``) for a self-assessment or a scenario id for a
scenario path. Files are versioned, written atomically (temporary file,
fsync, rename) and never overwritten when they cannot be read: a corrupted
file is moved aside and reported, so nothing a learner wrote is lost.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FORMAT = "mentorkit-result"
FORMAT_VERSION = 1
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


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
            if not isinstance(value, str) or not NAME.match(value):
                raise StoreError(
                    f"{label} {value!r} is not a valid name: use lower-case letters, "
                    "digits and hyphens (at most 64)"
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
        """Write ``data`` atomically; return the record as saved."""
        target = self.path(instrument, key)
        record = Record(
            instrument=instrument,
            key=key,
            data=data,
            saved=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            instrument_version=instrument_version,
        )
        try:
            text = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"cannot save {instrument}/{key}: {exc}") from exc
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, text)
        except OSError as exc:
            raise StoreError(f"cannot save {instrument}/{key} in {target.parent}: {exc}") from exc
        return record

    # -- reading -------------------------------------------------------------
    def load(self, instrument: str, key: str) -> Record | None:
        """The saved record, or None when there is none or it was unreadable.

        An unreadable file is renamed ``<key>.corrupt-<time>.json`` (kept, never
        overwritten) and a message is added to ``self.problems``.
        """
        target = self.path(instrument, key)
        try:
            raw = target.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.problems.append(f"{target}: could not be read ({exc.strerror})")
            return None
        try:
            payload = json.loads(raw.decode("utf-8"))
            return _record_from(payload, instrument, key)
        except (UnicodeDecodeError, ValueError) as exc:
            aside = self._set_aside(target)
            self.problems.append(
                f"{target}: could not be read ({exc}); it was kept as {aside.name} "
                "and a fresh record will be started"
            )
            return None

    def records(self, instrument: str | None = None) -> list[Record]:
        """Every readable record, optionally for one instrument only."""
        found = []
        folders = [self.home / instrument] if instrument else sorted(self.home.glob("*"))
        for folder in folders:
            if not folder.is_dir():
                continue
            for file in sorted(folder.glob("*.json")):
                if ".corrupt-" in file.name or file.name.startswith("."):
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

    def _set_aside(self, target: Path) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        aside = target.with_name(f"{target.stem}.corrupt-{stamp}.json")
        os.replace(target, aside)
        return aside


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
    return Record(
        instrument=payload.get("instrument", instrument),
        key=payload.get("key", key),
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
