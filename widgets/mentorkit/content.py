"""Course content (scenarios, instruments) as YAML checked against JSON Schema.

Every problem is reported as ``FILE: where: what`` so that an author who is
not a programmer can find and fix it.

Limits (checked before a file is parsed, so that no file can make the reader
crash or run for long): a content file is at most :data:`MAX_CONTENT_BYTES`,
nested at most :data:`MAX_DEPTH` levels, with at most :data:`MAX_ALIASES`
aliases (``*name``), none of them inside an anchored block (which is how a
few lines can expand into billions). Only regular files are read. Uploads
(exports read back) are at most :data:`MAX_UPLOAD_BYTES`.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KINDS = ("scenario", "instrument", "network")
MAX_CONTENT_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_ALIASES = 200
MAX_UPLOAD_BYTES = 5_000_000
#: the start of a problem that means the checker itself failed (a gap to fix, not the author's)
INTERNAL = "could not be checked"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    file: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.what}"


class ContentError(Exception):
    """A content file that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that refuses a key given twice (YAML would keep the last)."""


def _mapping_without_duplicates(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a word or a number, not a list or a mapping",
                key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{key!r} appears twice (first on line {seen[key] + 1}); ids must be unique",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)
_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _at(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "file"


def _shape_problems(text: str, label: str) -> list[Problem]:
    """Depth and aliases, from the parser's events (no document is built, so
    nothing here recurses or expands): a problem when a limit is passed."""
    depth, aliases = 0, 0
    anchored: list[int] = []  # depths of the open collections that carry an anchor
    for event in yaml.parse(text, Loader=_EventLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return [Problem(label, _at(event.start_mark),
                                f"is nested more than {MAX_DEPTH} levels deep; content never needs "
                                "that many: check the brackets and indentation")]
            if event.anchor is not None:
                anchored.append(depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            if anchored and anchored[-1] == depth:
                anchored.pop()
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if anchored:
                return [Problem(label, _at(event.start_mark),
                                f"the alias *{event.anchor} is inside an anchored block; aliases "
                                "within anchors can make a short file expand without end, so write "
                                "the text out instead")]
            if aliases > MAX_ALIASES:
                return [Problem(label, _at(event.start_mark),
                                f"uses more than {MAX_ALIASES} aliases (*name); write the text out")]
    return []


def read_text(path: Path, label: str, limit: int = MAX_CONTENT_BYTES) -> tuple[str | None, list[Problem]]:
    """A regular file of at most ``limit`` bytes as UTF-8 text, or a problem
    saying why not (a pipe, device or folder is never opened)."""
    try:
        info = Path(path).stat()
    except OSError as exc:
        return None, [Problem(label, "file", f"cannot be read ({exc.strerror})")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(label, "file", "is not a regular file (a folder, pipe or device), so it "
                                             "was not read")]
    if info.st_size > limit:
        return None, [Problem(label, "file", f"is {info.st_size:,} bytes; content files are at most "
                                             f"{limit:,}")]
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        return None, [Problem(label, "file", f"cannot be read ({exc.strerror})")]
    if len(raw) > limit:
        return None, [Problem(label, "file", f"is over {limit:,} bytes; content files are at most that")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [Problem(label, "file", f"is not UTF-8 text (byte {exc.start:,} cannot be read); "
                                             "save it as UTF-8")]


def read_yaml(path: Path, label: str | None = None) -> tuple[Any, list[Problem]]:
    """Parse a YAML file; on failure return no data and a problem with its line.
    The limits in the module docstring are checked before the document is built."""
    label = label or str(path)
    text, problems = read_text(path, label)
    if problems:
        return None, problems
    return _parse_yaml(text, label)


def _parse_yaml(text: str, label: str) -> tuple[Any, list[Problem]]:
    try:
        problems = _shape_problems(text, label)
        if problems:
            return None, problems
        return yaml.load(text, Loader=_UniqueKeyLoader), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(label, _at(mark), f"is not valid YAML: {what}")]
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        # e.g. a number too long to read (Python refuses over 4,300 digits)
        what = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        if "digits" in what:
            what = "a number in it is too long (over 4,300 digits)"
        return None, [Problem(label, "file", f"cannot be read: {what}")]


@cache
def schema(kind: str) -> dict:
    """The JSON Schema for a kind of content file."""
    text = resources.files("mentorkit").joinpath(f"schemas/{kind}.schema.json").read_text()
    return json.loads(text)


@cache
def _fast_validator(kind: str):
    import fastjsonschema

    return fastjsonschema.compile(schema(kind))


def schema_problems(data: Any, kind: str, label: str) -> list[Problem]:
    """Check data against its schema; one plain-language problem per error.

    A compiled validator answers "valid or not" in microseconds; only a file
    that fails pays for jsonschema (slow to import), which lists every error.
    """
    import fastjsonschema

    try:
        _fast_validator(kind)(data)
        return []
    except fastjsonschema.JsonSchemaValueException as first:
        fallback = Problem(label, describe_path(first.path[1:], data), first.message)
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(kind))
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        found.append(Problem(label, describe_path(list(error.absolute_path), data), _plain(error)))
    return found or [fallback]


def describe_path(path: list, data: Any) -> str:
    """``['nodes', 'intro', 'choices', 1, 'next']`` -> ``node intro / choice ask / next``."""
    if not path:
        return "top level"
    parts, cursor = [], data
    i = 0
    while i < len(path):
        step = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if step == "nodes" and nxt is not None:
            parts.append(f"node {nxt}")
            cursor = _get(_get(cursor, step), nxt)
            i += 2
            continue
        if step == "choices" and isinstance(nxt, int):
            choice = _get(_get(cursor, step), nxt)
            name = choice.get("id") if isinstance(choice, dict) else None
            parts.append(f"choice {name}" if isinstance(name, str) else f"choice {nxt + 1}")
            cursor = choice
            i += 2
            continue
        parts.append(f"item {step + 1}" if isinstance(step, int) else str(step))
        cursor = _get(cursor, step)
        i += 1
    return " / ".join(parts)


def _get(container: Any, key: Any) -> Any:
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        return None


def _plain(error) -> str:
    v, value = error.validator, error.instance
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing '{missing}'"
    if v == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        extra = sorted(set(value) - set(error.schema.get("properties", {})), key=str)
        return f"unknown field {', '.join(map(repr, extra))} (allowed: {allowed})"
    if v == "enum":
        return f"{value!r} is not allowed here; use one of: {', '.join(map(str, error.validator_value))}"
    if v == "const":
        return f"must be {error.validator_value!r}, not {value!r}"
    if v == "type":
        return f"should be {_a(error.validator_value)}, not {_a(_type_name(value))}"
    if v == "minItems":
        return f"has {len(value)} item(s); needs at least {error.validator_value}"
    if v == "maxItems":
        return f"has {len(value)} items; at most {error.validator_value} are allowed"
    if v == "minProperties":
        return f"has {len(value)} entries; needs at least {error.validator_value}"
    if v == "minLength":
        return f"is too short (at least {error.validator_value} characters)"
    if v == "maxLength":
        return f"is too long (at most {error.validator_value} characters)"
    if v == "pattern":
        return f"{value!r} is not a valid id: use lower-case letters, digits and hyphens"
    if v == "uniqueItems":
        return "lists the same entry twice"
    return error.message


def _type_name(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "text", bool: "true/false", int: "number",
            float: "number", type(None): "empty"}.get(type(value), type(value).__name__)


def _a(kind: Any) -> str:
    names = {"object": "mapping", "array": "list", "string": "text", "integer": "whole number",
             "null": "empty", "boolean": "true/false"}
    kind = names.get(kind, kind)
    return f"an {kind}" if str(kind)[0] in "aeiou" else f"a {kind}"


def _checkers() -> dict[str, Callable[[Any, str, Path], list[Problem]]]:
    from . import assessment, network, scenario

    return {"scenario": scenario.check, "instrument": assessment.check, "network": network.check}


def check_file(path: Path, label: str | None = None) -> list[Problem]:
    """Every problem in one content file: YAML syntax, schema, then meaning.
    Never raises: a checker that fails on odd data gives a problem that
    starts with :data:`INTERNAL` and names the file."""
    return _read_checked(Path(path), label or str(path))[1]


def _read_checked(path: Path, label: str, text: str | None = None) -> tuple[Any, list[Problem]]:
    """A content file's data and its problems, the file read and parsed once
    (``text``: the file's text, when it has been read already)."""
    data, problems = read_yaml(path, label) if text is None else _parse_yaml(text, label)
    if problems:
        return None, problems
    try:
        return data, _check_data(data, label, path)
    except (RecursionError, MemoryError):
        return None, [Problem(label, "file", f"{INTERNAL}: it is too large or nested too deeply")]
    except Exception as exc:  # a gap in a checker must not hide the other files
        return None, [Problem(label, "file", f"{INTERNAL} ({type(exc).__name__}: {exc}); please "
                                             "report this, with the file")]


def _check_data(data: Any, label: str, path: Path) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(label, "top level", "should be a mapping of fields (is the file empty?)")]
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        return [Problem(label, "kind", f"is {kind!r}; it must be one of: {', '.join(KINDS)}")]
    problems = schema_problems(data, kind, label)
    if problems:
        return problems
    return _checkers()[kind](data, label, path)


def content_files(root: Path) -> list[Path]:
    """All content files of a course: scenarios, instruments and example networks."""
    folders = [root / "exercises" / "scenarios", root / "exercises" / "self-assessments"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.y*ml"))


def check_all(paths: Iterable[Path]) -> list[Problem]:
    found: list[Problem] = []
    for path in paths:
        found.extend(check_file(path))
    return found


def upload_text(content: bytes | str, filename: str, error: type[Exception],
                what: str = "results") -> tuple[str, str]:
    """An uploaded export as text, and its kind (``"json"`` or ``"csv"``).

    Raises ``error`` with a message for the learner when the file is not text,
    is empty, or is neither kind (``what`` names the file in that message)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise error(f"{filename} is {len(content):,} bytes; a file from this page is far smaller "
                    f"(at most {MAX_UPLOAD_BYTES:,} are read). Upload the file this page gave you.")
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise error(f"{filename} is not a text file. Upload the CSV or JSON file that "
                        "this page gave you.") from None
    text = content.strip()
    if not text:
        raise error(f"{filename} is empty.")
    if text.startswith("{") or filename.lower().endswith(".json"):
        return text, "json"
    if text.split("\n", 1)[0].strip().startswith("format,") or filename.lower().endswith(".csv"):
        return text, "csv"
    raise error(f"{filename} is neither a CSV nor a JSON {what} file. Upload the file this "
                "page gave you, unchanged.")


def csv_records(text: str, filename: str, columns: tuple[str, ...], error: type[Exception],
                what: str = "results"):
    """Yield ``(line number, record)`` for each non-blank row of an exported CSV
    whose header is exactly ``columns``; ``error`` with a message naming the file
    and line for a wrong header or a row of the wrong length."""
    rows = csv_rows(text, filename, error)
    if not rows or tuple(c.strip() for c in rows[0]) != columns:
        raise error(f"{filename} does not have the columns of a {what} file ({', '.join(columns)}).")
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise error(f"{filename}, line {line}: expected {len(columns)} columns, found {len(row)}.")
        yield line, dict(zip(columns, (unguard_cell(cell) for cell in row), strict=True))


def csv_rows(text: str, filename: str, error: type[Exception]) -> list[list[str]]:
    """Every row of a CSV text; ``error`` naming the file and line when the
    csv module cannot read it (a field over its size limit, a stray NUL)."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text))
    try:
        return list(reader)
    except csv.Error as exc:
        raise error(f"{filename}, line {reader.line_num}: cannot be read as CSV ({exc}). Upload the "
                    "file this page gave you, unchanged.") from None


#: a spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will show as text: one that starts like a
    formula gets a leading ``'`` (as does one that already starts with ``'``,
    so that :func:`unguard_cell` gives back exactly what was typed)."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, "'")):
        return "'" + value
    return value


def unguard_cell(cell: str) -> str:
    """The value :func:`guard_cell` was given."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_START, "'")):
        return cell[1:]
    return cell


def load_checked(path: Path) -> Any:
    """The data of a content file that passes every check; ContentError listing
    the problems (or that the file is missing) otherwise."""
    path = Path(path)
    if not path.exists():
        raise ContentError([Problem(str(path), "file", "does not exist")])
    data, problems = _read_checked(path, str(path))
    if problems:
        raise ContentError(problems)
    return data


def load_cached(path: Path, build: Callable[[Any], Any]) -> Any:
    """``build(load_checked(path))``, kept for as long as the file's bytes stay
    the same: a page's kernel reads the same scenarios and instruments for
    every page it draws, and reading them is what takes the time. The key is
    the content itself, never a modification time, so an edited file is
    always read again."""
    path = Path(path)
    text, _ = read_text(path, str(path))
    if text is None:  # missing, unreadable, too large or not text: load_checked says which
        return build(load_checked(path))
    # the text read once is both the key and what is built: a file saved
    # meanwhile is never kept under the key of its earlier version
    key = (str(path.resolve()), hashlib.sha1(text.encode()).hexdigest())
    if key not in _BUILT:
        data, problems = _read_checked(path, str(path), text)
        if problems:
            raise ContentError(problems)
        _BUILT[key] = build(data)
    return _BUILT[key]


_BUILT: dict[tuple[str, str], Any] = {}
