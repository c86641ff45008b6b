"""The learner's store: round trips, atomic writes, corrupted files kept."""

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from mentorkit.store import FORMAT, Store, StoreError, default_home


def test_default_home_follows_environment(mentorkit_home):
    assert default_home() == mentorkit_home
    assert Store().home == mentorkit_home


def test_save_and_load_round_trip(tmp_path):
    store = Store(tmp_path)
    answers = {"q1": 5, "note": "Ünïcødé, 中文, עברית 🎉", "items": [1, 2, 3]}
    store.save("competencies", "pre", answers, instrument_version=2)
    record = Store(tmp_path).load("competencies", "pre")
    assert record.data == answers
    assert record.instrument == "competencies" and record.key == "pre"
    assert record.instrument_version == 2
    on_disk = json.loads((tmp_path / "competencies" / "pre.json").read_text(encoding="utf-8"))
    assert on_disk["format"] == FORMAT and on_disk["format_version"] == 1


def test_missing_record_is_none(tmp_path):
    assert Store(tmp_path).load("competencies", "post") is None


def test_save_replaces_previous_version(tmp_path):
    store = Store(tmp_path)
    store.save("network", "current", {"people": 1})
    store.save("network", "current", {"people": 2})
    assert store.load("network", "current").data == {"people": 2}
    assert [p.name for p in (tmp_path / "network").iterdir()] == ["current.json"]


@pytest.mark.parametrize("bad", ["", "Pre", "../escape", "a/b", "x" * 65, None])
def test_names_are_checked(tmp_path, bad):
    with pytest.raises(StoreError, match="not a valid name"):
        Store(tmp_path).save(bad, "pre", {})


def test_unserialisable_data_is_refused_and_old_file_kept(tmp_path):
    store = Store(tmp_path)
    store.save("competencies", "pre", {"q1": 1})
    with pytest.raises(StoreError, match="cannot save competencies/pre"):
        store.save("competencies", "pre", {"q1": object()})
    assert store.load("competencies", "pre").data == {"q1": 1}


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b'{"format": "something-else", "data": {}}',
     b'{"format": "mentorkit-result", "format_version": 1, "data": [1]}', b""],
)
def test_corrupted_file_is_set_aside_not_overwritten(tmp_path, content):
    store = Store(tmp_path)
    folder = tmp_path / "competencies"
    folder.mkdir()
    (folder / "pre.json").write_bytes(content)
    assert store.load("competencies", "pre") is None
    assert len(store.problems) == 1 and "pre.json" in store.problems[0]
    kept = list(folder.glob("pre.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    store.save("competencies", "pre", {"fresh": True})
    assert kept[0].read_bytes() == content
    assert store.load("competencies", "pre").data == {"fresh": True}


def test_newer_format_is_not_read_as_ours(tmp_path):
    folder = tmp_path / "competencies"
    folder.mkdir()
    (folder / "pre.json").write_text(json.dumps({"format": FORMAT, "format_version": 99, "data": {}}))
    store = Store(tmp_path)
    assert store.load("competencies", "pre") is None
    assert "newer" in store.problems[0]


def test_records_lists_readable_results(tmp_path):
    store = Store(tmp_path)
    store.save("competencies", "pre", {"a": 1})
    store.save("competencies", "post", {"a": 2})
    store.save("scenarios", "busy-mentor", {"steps": []})
    assert {(r.instrument, r.key) for r in store.records()} == {
        ("competencies", "pre"), ("competencies", "post"), ("scenarios", "busy-mentor")}
    assert len(store.records("competencies")) == 2


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    store = Store(tmp_path)
    store.save("competencies", "pre", {"version": "old"})

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(StoreError, match="No space left"):
        store.save("competencies", "pre", {"version": "new"})
    monkeypatch.undo()
    assert store.load("competencies", "pre").data == {"version": "old"}
    assert [p.name for p in (tmp_path / "competencies").iterdir()] == ["pre.json"]


WRITER = textwrap.dedent(
    """
    import os, sys, time
    from mentorkit.store import Store
    real_fsync = os.fsync
    def stall(fd):
        real_fsync(fd)
        print("stalled", flush=True)
        time.sleep(60)
    os.fsync = stall
    Store(sys.argv[1]).save("competencies", "pre", {"version": "new", "pad": "x" * 200000})
    """
)


def test_write_killed_midway_leaves_old_file(tmp_path):
    """A writer killed after writing but before renaming: readers see the old file."""
    Store(tmp_path).save("competencies", "pre", {"version": "old"})
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "stalled"
    writer.kill()
    writer.wait()
    store = Store(tmp_path)
    assert store.load("competencies", "pre").data == {"version": "old"}
    assert store.problems == []


READER_DURING_WRITES = textwrap.dedent(
    """
    import sys
    from mentorkit.store import Store
    store = Store(sys.argv[1])
    for i in range(150):
        store.save("competencies", "pre", {"i": i, "pad": "y" * (50000 + 997 * (i % 7))})
    """
)


def test_reader_never_sees_a_partial_file(tmp_path):
    """Reads racing a writer in another process always get a whole record."""
    store = Store(tmp_path)
    store.save("competencies", "pre", {"i": -1, "pad": ""})
    writer = subprocess.Popen([sys.executable, "-c", READER_DURING_WRITES, str(tmp_path)])
    seen = set()
    deadline = time.monotonic() + 60
    while writer.poll() is None and time.monotonic() < deadline:
        record = store.load("competencies", "pre")
        assert record is not None, store.problems
        seen.add(record.data["i"])
    writer.wait(timeout=60)
    assert store.problems == []
    assert len(seen) > 1  # the reader really did overlap with the writes
    assert store.load("competencies", "pre").data["i"] == 149


# -- unexpected content, stray files, races, names, leftovers -------------------------------
def write_record(folder, name, **fields):
    folder.mkdir(parents=True, exist_ok=True)
    record = {"format": FORMAT, "format_version": 1, "instrument": folder.name, "key": name,
              "saved": "2026-01-01T00:00:00+00:00", "data": {"answers": {"q": 1}}, **fields}
    (folder / f"{name}.json").write_text(json.dumps(record))


@pytest.mark.parametrize("fields", [{"saved": 5}, {"saved": None}, {"instrument_version": {"a": 1}},
                                    {"instrument_version": True}, {"key": 7, "instrument": []}])
def test_a_record_with_fields_of_odd_types_is_read_with_a_note(tmp_path, fields):
    write_record(tmp_path / "competencies", "pre", **fields)
    store = Store(tmp_path)
    record = store.load("competencies", "pre")
    assert record.data == {"answers": {"q": 1}}  # the answers are kept
    assert isinstance(record.saved, str) and record.key == "pre" and record.instrument == "competencies"
    assert record.instrument_version is None or isinstance(record.instrument_version, (int, str))
    if "saved" in fields or "instrument_version" in fields:
        assert store.problems and "pre.json" in store.problems[0]


def test_a_saved_time_that_is_a_number_does_not_crash_the_app(tmp_path):
    from mentorkit.ui.assessment import show_self_assessment

    write_record(tmp_path / "competencies", "pre", saved=5, data={"answers": {"comm-listen": 4}})
    app = show_self_assessment("competencies", store=Store(tmp_path))
    assert app.answers.get("comm-listen") == 4
    assert "time of saving" in app.status.value


@pytest.mark.parametrize("stray", ["pre-Copy1.json", "Pre.json", "pre (1).json", "con.json"])
def test_stray_files_are_left_alone_with_a_note(tmp_path, stray):
    from mentorkit.progress import course_progress

    store = Store(tmp_path)
    store.save("competencies", "pre", {"answers": {"comm-listen": 2}})
    (tmp_path / "competencies" / stray).write_text("{}")
    assert [r.key for r in store.records("competencies")] == ["pre"]
    assert any(stray in p and "left as it is" in p for p in store.problems)
    assert (tmp_path / "competencies" / stray).read_text() == "{}"  # untouched
    progress = course_progress(Store(tmp_path))  # the progress map lists, never crashes
    assert any(stray in p for p in progress.problems)


RACE = textwrap.dedent("""
    import sys, time
    from mentorkit.store import Store
    home, start = sys.argv[1], float(sys.argv[2])
    while time.time() < start:
        pass
    store = Store(home)
    store.load("competencies", "pre")
    print(repr(store.problems))
""")


def test_only_one_process_moves_a_corrupt_file_aside(tmp_path):
    """Two processes loading one damaged file at once: one keeps it aside, the
    other says so; neither fails (it raised FileNotFoundError in 93 of 200)."""
    folder = tmp_path / "competencies"
    folder.mkdir()
    for round_ in range(12):
        (folder / "pre.json").write_bytes(b"{damaged " + str(round_).encode())
        start = time.time() + 0.5
        runs = [subprocess.Popen([sys.executable, "-c", RACE, str(tmp_path), str(start)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outputs = [run.communicate(timeout=60) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        # one keeps it aside; the other says so, or (when it came later) finds no file
        assert any("it was kept as" in out for out, _ in outputs), outputs
        assert not (folder / "pre.json").exists()
    kept = sorted(folder.glob("pre.corrupt-*.json"))
    assert sorted(p.read_bytes() for p in kept) == sorted(b"{damaged " + str(r).encode() for r in range(12))


def test_the_second_process_to_set_aside_moves_nothing(tmp_path):
    """The race, step by step: B read the damaged file too, but A moved it first;
    or A moved it and a fresh answer was saved before B got there."""
    folder = tmp_path / "competencies"
    folder.mkdir()
    target = folder / "pre.json"
    target.write_bytes(b"{damaged")
    first, second = Store(tmp_path), Store(tmp_path)
    assert first.load("competencies", "pre") is None
    assert second._set_aside(target, b"{damaged") is None  # gone already: no FileNotFoundError
    first.save("competencies", "pre", {"fresh": 1})
    assert second._set_aside(target, b"{damaged") is None  # the fresh file is put back
    assert Store(tmp_path).load("competencies", "pre").data == {"fresh": 1}
    assert len(list(folder.glob("pre.corrupt-*.json"))) == 1


@pytest.mark.parametrize("bad", ["pre\n", "con", "nul", "com1", "lpt9", "aux", "prn"])
def test_trailing_newlines_and_device_names_are_refused(tmp_path, bad):
    with pytest.raises(StoreError, match="not a valid name"):
        Store(tmp_path).save("competencies", bad, {})
    with pytest.raises(StoreError, match="not a valid name"):
        Store(tmp_path).save(bad, "pre", {})


def test_leftover_temporary_files_are_cleaned(tmp_path):
    store = Store(tmp_path)
    store.save("competencies", "pre", {"a": 1})
    folder = tmp_path / "competencies"
    old = folder / ".pre.json.abc123.tmp"
    fresh = folder / ".pre.json.def456.tmp"
    old.write_text("half a wri")
    fresh.write_text("being written")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert Store(tmp_path).load("competencies", "pre").data == {"a": 1}
    assert not old.exists() and fresh.exists()  # a recent one may belong to a write in progress


def test_a_record_too_large_or_too_deep_is_set_aside(tmp_path):
    from mentorkit import store as store_module

    folder = tmp_path / "competencies"
    folder.mkdir()
    (folder / "pre.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)
    (folder / "post.json").write_bytes(b" " * (store_module.MAX_RECORD_BYTES + 1))
    store = Store(tmp_path)
    assert store.load("competencies", "pre") is None and store.load("competencies", "post") is None
    assert "nested too deeply" in store.problems[0] and "larger than" in store.problems[1]
    assert len(list(folder.glob("*.corrupt-*.json"))) == 2


def test_merge_keeps_both_sides():
    from mentorkit.store import merge

    base = {"answers": {"a": 1, "b": 2}, "participant": ""}
    ours = {"answers": {"a": 1, "b": 3, "c": 4}, "participant": ""}
    theirs = {"answers": {"b": 2, "d": 5}, "participant": "Z9"}
    taken, conflicts = [], []
    assert merge(base, ours, theirs, taken, conflicts) == {"answers": {"b": 3, "d": 5, "c": 4},
                                                          "participant": "Z9"}
    assert sorted(taken) == ["answers/a", "answers/d", "participant"] and conflicts == []
    merge({"x": 1}, {"x": 2}, {"x": 3}, taken, conflicts)
    assert conflicts == ["x"]
