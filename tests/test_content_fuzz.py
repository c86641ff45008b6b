"""`mentorkit validate` on any input: a named problem, never a traceback, a
crash or a hang. Hypothesis mutates the shipped content files (their text,
and the data in them) and every result must be a list of problems naming the
file; none may be the checker's own failure (:data:`content.INTERNAL`).
The examples are few and derandomised, so the run is short and repeatable."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mentorkit.content import INTERNAL, MAX_DEPTH, Problem, check_file, content_files

from .notebook_checks import ROOT

SHIPPED = content_files(ROOT)
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SHIPPED}
# no shrinking: a failure is reported as found (shrinking one took minutes)
FUZZ = settings(max_examples=120, deadline=2000, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.too_slow])
TOKENS = ["[", "]", "{", "}", ": ", "- ", "&a ", "*a", "\n", "  ", "'", '"', "? ",
          "!!python/object:os.system ", "9" * 4400, "~", "{}", "[]", "1e999",
          ".nan", "2020-01-01", "\t", "\x00", "#", "|", "<<: *a",
          "&b [*b]", "- [[[[[[", "\ufeff", "\r"]


def _check(name: str, text: str | bytes) -> list[Problem]:
    folder = Path(tempfile.mkdtemp(prefix="mentorkit-fuzz-"))
    target = folder / name
    if isinstance(text, str):
        target.write_text(text, encoding="utf-8", errors="surrogatepass")
    else:
        target.write_bytes(text)
    start = time.perf_counter()
    problems = check_file(target)
    assert time.perf_counter() - start < 5, "a content file took seconds to check"
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    assert all(p.file == str(target) for p in problems)
    internal = [str(p) for p in problems if INTERNAL in p.what]
    assert internal == [], internal
    return problems


edits = st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "copy-line"]),
                           st.sampled_from(TOKENS) | st.text(max_size=8), st.integers(1, 60)),
                 min_size=1, max_size=6)


@FUZZ
@given(st.sampled_from(sorted(TEXTS)), edits)
def test_mutated_text_gives_problems_never_a_traceback(name, changes):
    text = TEXTS[name]
    for where, op, token, length in changes:
        at = int(where * len(text))
        if op == "insert":
            text = text[:at] + token + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + length:]
        else:
            lines = text.split("\n")
            lines[at * len(lines) // max(len(text), 1) % len(lines)] = lines[length % len(lines)]
            text = "\n".join(lines)
    _check(name, text)


odd_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
    | st.dates().map(str),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=6) | st.integers(), inner, max_size=3),
    max_leaves=8)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*prefix, i))


@FUZZ
@given(st.sampled_from(sorted(TEXTS)), st.data())
def test_well_formed_files_with_odd_content_give_problems(name, data):
    """Any part of a shipped file replaced by a value of another type (a number
    for a list, ``[{}]`` for a list of words...): YAML that parses, content
    that does not fit."""
    document = yaml.safe_load(TEXTS[name])
    paths = list(_paths(document))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        value = data.draw(odd_values)
        if not path:
            document = value
            break
        parent = document
        try:
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    _check(name, yaml.safe_dump(document, allow_unicode=True))


def test_the_probe_inputs_fail_cleanly(tmp_path):
    """The inputs that once crashed or hung `mentorkit validate`, through the real command."""
    cases = {
        "deep-flow.yaml": "[" * 30_000 + "]" * 30_000,            # segfaulted (exit 139)
        "deep-block.yaml": "".join("  " * i + "a:\n" for i in range(300)),
        "long-number.yaml": "kind: scenario\nid: " + "9" * 4_400 + "\n",
        "unhashable-key.yaml": "kind: scenario\n? [a, b]\n: c\n",
        "self-alias.yaml": "kind: scenario\nnodes: &n [1, *n]\n",
        "laughs.yaml": "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
        "not-utf8.yaml": b"kind: \xff\xfe scenario\n",
        "huge.yaml": "kind: scenario\n# " + "x" * 1_100_000 + "\n",
        "kinds.yaml": "kind: [scenario]\n",
    }
    for name, text in cases.items():
        (tmp_path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would wait forever
    start = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).parent / "mentorkit"), "validate", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert time.perf_counter() - start < 30
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    for name in cases:
        assert str(tmp_path / name) in result.stdout, name
    assert "pipe.yaml: skipped, not a regular file" in result.stderr
    lines = {name: [line for line in result.stdout.splitlines() if name in line] for name in cases}
    assert f"nested more than {MAX_DEPTH} levels" in lines["deep-flow.yaml"][0]
    assert "over 4,300 digits" in lines["long-number.yaml"][0]
    assert "alias *a is inside an anchored block" in lines["laughs.yaml"][0]
    assert "not UTF-8" in lines["not-utf8.yaml"][0]
    assert "content files are at most" in lines["huge.yaml"][0]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_content_passes_within_the_limits(path):
    assert check_file(path) == []


# -- the other readers at the course's edges: uploads and the store ------------------------------
def _exports() -> dict[str, str]:
    from mentorkit import assessment, network

    instrument = assessment.load("competencies")
    answers = instrument.new_answers("pre")
    for item in instrument.items[:5]:
        answers.set(item.id, 3)
    net = network.load_example()
    return {"answers.csv": assessment.export_csv(instrument, [answers], "A1"),
            "answers.json": assessment.export_json(instrument, [answers], "A1"),
            "network.csv": network.export_csv(net), "network.json": network.export_json(net)}


EXPORTS = _exports()


@FUZZ
@given(st.sampled_from(sorted(EXPORTS)), edits)
def test_mutated_exports_are_read_or_refused_with_a_message(name, changes):
    """An upload is used, or refused with a message naming it: never another exception."""
    from mentorkit import assessment, network

    text = EXPORTS[name]
    for where, op, token, length in changes:
        at = int(where * len(text))
        text = text[:at] + token + text[at:] if op == "insert" else text[:at] + text[at + length:]
    try:
        if name.startswith("network"):
            network.parse_export(text.encode("utf-8", "surrogatepass"), name)
        else:
            assessment.parse_export(text.encode("utf-8", "surrogatepass"), name,
                                    assessment.load("competencies"))
    except (assessment.ExportError, network.ExportError) as exc:
        assert name in str(exc)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10)


@FUZZ
@given(st.dictionaries(st.sampled_from(["format", "format_version", "instrument", "instrument_version",
                                        "key", "saved", "data"]), json_values),
       st.booleans())
def test_any_store_file_is_read_or_set_aside(fields, ours):
    """Whatever JSON a store file holds, loading it gives a record or None with
    a note; it never raises, and the apps' progress map lists the rest."""
    import json

    from mentorkit.store import FORMAT, Store

    if ours:
        fields = {"format": FORMAT, "format_version": 1, **fields}
    home = Path(tempfile.mkdtemp(prefix="mentorkit-fuzz-store-"))
    (home / "competencies").mkdir()
    (home / "competencies" / "pre.json").write_text(json.dumps(fields))
    store = Store(home)
    record = store.load("competencies", "pre")
    if record is None:
        assert store.problems
    else:
        assert isinstance(record.data, dict) and isinstance(record.saved, str)
        assert record.key == "pre"


APP_RUNS = settings(FUZZ, max_examples=25, deadline=None)


@APP_RUNS
@given(st.dictionaries(st.sampled_from(["participant", "answers", "goal", "people"]),
                       json_values | st.dictionaries(st.sampled_from(["comm-listen", "name", "help",
                                                                      "closeness", "knows"]),
                                                     json_values, max_size=3)
                       | st.lists(st.dictionaries(st.sampled_from(["name", "help", "knows", "inside"]),
                                                  json_values, max_size=4), max_size=3)))
def test_the_apps_open_over_any_saved_data(data):
    """A record whose data has unexpected types opens the apps, which show what
    they can and say what they could not use: never a crash."""
    from mentorkit import assessment, network
    from mentorkit.store import Store
    from mentorkit.ui.assessment import SelfAssessmentApp
    from mentorkit.ui.network import NetworkMapApp

    home = Path(tempfile.mkdtemp(prefix="mentorkit-fuzz-apps-"))
    store = Store(home)
    store.save("competencies", "pre", data)
    store.save(network.INSTRUMENT, network.KEY, data)
    app = SelfAssessmentApp(assessment.load("competencies"), store=Store(home))
    app.show_results()
    NetworkMapApp(store=Store(home))
