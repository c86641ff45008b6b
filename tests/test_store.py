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
