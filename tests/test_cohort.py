"""The cohort report: statistics against hand-computed values, a cohort written
with the self-assessment store and exports (so the formats cannot drift
apart), every kind of bad file, escaping, the command line and the dashboard."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mentorkit import assessment, cohort
from mentorkit.report import report_html
from mentorkit.store import Store

COMPETENCIES = assessment.load("competencies")
BIN = Path(sys.executable).parent


# -- statistics -----------------------------------------------------------------------
@pytest.mark.parametrize(("df", "expected"), [(1, 12.7062), (3, 3.1824), (10, 2.2281), (30, 2.0423),
                                              (200, 1.9719)])
def test_t_quantiles_match_the_printed_tables(df, expected):
    assert cohort.t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_paired_change_by_hand():
    # changes 1, 2, 3, 4: mean 2.5, sd sqrt(5/3) = 1.29099, se 0.645497, t(0.975, 3) = 3.182446
    change = cohort.paired_change([(3, 4), (3, 5), (2, 5), (4, 8)])
    assert change.n == 4
    assert change.mean_pre == pytest.approx(3.0) and change.mean_post == pytest.approx(5.5)
    assert change.mean_change == pytest.approx(2.5)
    assert change.ci_low == pytest.approx(2.5 - 3.182446 * 0.645497, abs=1e-4)
    assert change.ci_high == pytest.approx(2.5 + 3.182446 * 0.645497, abs=1e-4)
    assert change.d_z == pytest.approx(2.5 / math.sqrt(5 / 3))


def test_paired_change_edge_cases():
    assert cohort.paired_change([]).n == 0
    one = cohort.paired_change([(2, 5)])
    assert (one.mean_change, one.ci_low, one.d_z) == (3, None, None)
    same = cohort.paired_change([(2, 3), (4, 5)])  # everyone changed by exactly 1
    assert same.mean_change == 1 and same.d_z is None and same.ci_low == pytest.approx(1)


# -- a cohort written the way the app writes it ----------------------------------------
def answers_for(level: int, timepoint: str, instrument=COMPETENCIES, **overrides):
    """Every rating ``level`` except ``overrides`` (item id -> value)."""
    answers = instrument.new_answers(timepoint)
    for item in instrument.items:
        answers.set(item.id, overrides.get(item.id, level))
    return answers


def export(tmp_path: Path, name: str, code: str, results: list, fmt: str = "json",
           instrument=COMPETENCIES) -> Path:
    """Save through the learner's store, read back, and export as the app does."""
    store = Store(tmp_path / "homes" / (code or name))
    for answers in results:
        store.save(instrument.id, answers.timepoint, answers.to_data(), instrument_version=instrument.version)
    restored = []
    for answers in results:
        record = store.load(instrument.id, answers.timepoint)
        back, notes = assessment.Answers.from_data(instrument, record.key, record.data, saved=record.saved)
        assert notes == []
        restored.append(back)
    writer = assessment.export_json if fmt == "json" else assessment.export_csv
    path = tmp_path / "exports" / f"{name}.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(writer(instrument, restored, participant=code), encoding="utf-8")
    return path


# Participants A..D have pre and post; each changes every rating by 1, 2, 3, 4 points.
PAIRED = {"Alpha01": (3, 4), "Bravo02": (3, 5), "Charlie03": (2, 5), "Delta04": (3, 7)}


@pytest.fixture()
def folder(tmp_path):
    for code, (pre, post) in PAIRED.items():
        export(tmp_path, code, code, [answers_for(pre, "pre"), answers_for(post, "post")],
               fmt="csv" if code.startswith("B") else "json")
    exports = tmp_path / "exports"
    # E: pre and post in two separate files
    export(tmp_path, "echo-pre", "Echo05", [answers_for(1, "pre")])
    export(tmp_path, "echo-post", "Echo05", [answers_for(2, "post")], fmt="csv")
    # F: a post without a pre
    export(tmp_path, "foxtrot", "Foxtrot06", [answers_for(6, "post")])
    # G: pre only (the post is not in yet): used, nothing to note
    export(tmp_path, "golf", "Golf07", [answers_for(4, "pre")])
    # a duplicate copy of Alpha's file
    shutil.copy(exports / "Alpha01.json", exports / "Alpha01-copy.json")
    # another instrument version, another instrument, empty, truncated, not UTF-8
    data = json.loads((exports / "golf.json").read_text())
    (exports / "old-version.json").write_text(json.dumps({**data, "instrument_version": 99}))
    (exports / "practices.json").write_text(json.dumps({**data, "instrument": "practices"}))
    (exports / "empty.csv").write_text("")
    text = (exports / "golf.json").read_text()
    (exports / "truncated.json").write_text(text[: len(text) // 2])
    csv_text = (exports / "Bravo02.csv").read_text()
    (exports / "truncated.csv").write_text(csv_text[: len(csv_text) // 2 + 7].rsplit(",", 1)[0])
    (exports / "latin1.csv").write_bytes("format,café\n".encode("latin-1") + b"\xe9\xff\n")
    # extra column (used, with a note) and a missing column (not used)
    lines = (exports / "echo-post.csv").read_text().splitlines()
    (exports / "hotel-extra.csv").write_text("\n".join(
        [lines[0] + ",comment"] + [line.replace("Echo05", "Hotel08") + ",fine" for line in lines[1:]]))
    (exports / "india-missing.csv").write_text("\n".join(
        line.rsplit(",", 1)[0] for line in lines))
    (exports / "notes.txt").write_text("not an export")
    (exports / ".DS_Store").write_bytes(b"\x00\x01")
    return exports


def notes_by_file(found):
    """File -> its note (the first one; see ``all_notes`` for every note)."""
    notes = {}
    for note in found.notes:
        notes.setdefault(note.file, note)
    return notes


def test_reads_a_cohort_and_lists_every_file_not_used(folder):
    found = cohort.read_folder(folder, COMPETENCIES)
    notes = notes_by_file(found)
    assert found.files_read == 18  # the hidden file is not a file of the cohort
    assert len(found.participants) == 8  # Alpha..Golf, Hotel
    assert len(found.paired()) == 5  # A, B, C, D and E (two files)
    for name in ("old-version.json", "practices.json", "empty.csv", "truncated.json", "truncated.csv",
                 "latin1.csv", "india-missing.csv", "notes.txt"):
        assert notes[name].outcome == cohort.NOT_USED, name
    assert "version 99" in notes["old-version.json"].why
    assert "'practices'" in notes["practices.json"].why
    assert "empty" in notes["empty.csv"].why
    assert "not valid JSON" in notes["truncated.json"].why
    assert "cut short" in notes["truncated.csv"].why or "columns" in notes["truncated.csv"].why
    assert "UTF-8" in notes["latin1.csv"].why
    assert "'value' column" in notes["india-missing.csv"].why
    assert notes["hotel-extra.csv"].outcome == cohort.USED_WITH_NOTE
    assert "comment" in notes["hotel-extra.csv"].why
    # "Alpha01-copy.json" sorts (and is read) before "Alpha01.json": the copy read first is set aside
    duplicate = notes["Alpha01-copy.json"]
    assert duplicate.outcome == cohort.NOT_USED and "duplicate" in duplicate.why
    assert notes["foxtrot.json"].outcome == cohort.PARTLY_USED and "not in the change" in notes[
        "foxtrot.json"].why
    assert "golf.json" not in notes


def test_the_later_of_two_different_saves_wins(tmp_path):
    first = export(tmp_path, "kilo-first", "Kilo09", [answers_for(2, "pre")])
    second = export(tmp_path, "kilo-second", "Kilo09", [answers_for(5, "pre")])
    # make the first file the later save, although it is read first
    data = json.loads(first.read_text())
    data["results"][0]["saved"] = "2099-01-01T00:00:00+00:00"
    first.write_text(json.dumps(data))
    found = cohort.read_folder(second.parent, COMPETENCIES)
    (only,) = found.participants.values()
    assert set(only["pre"].values.values()) == {2}
    assert notes_by_file(found)["kilo-second.json"].outcome == cohort.NOT_USED
    assert "older" in notes_by_file(found)["kilo-second.json"].why


def test_domain_statistics_match_hand_computed_values(folder):
    found = cohort.read_folder(folder, COMPETENCIES)
    table = cohort.domain_table(found).set_index("domain")
    assert list(table.index) == [d.id for d in COMPETENCIES.domains]
    # paired: A 3->4, B 3->5, C 2->5, D 3->7, E 1->2 in every item, so in every domain
    pre, post = [3, 3, 2, 3, 1], [4, 5, 5, 7, 2]
    diffs = [b - a for a, b in zip(pre, post, strict=True)]  # 1, 2, 3, 4, 1
    mean = sum(diffs) / 5  # 2.2
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / 4)  # sqrt(6.8 / 4)
    half = 2.776445 * sd / math.sqrt(5)  # t(0.975, 4)
    for domain in table.index:
        row = table.loc[domain]
        assert row["n"] == 5
        assert row["mean_pre"] == pytest.approx(2.4) and row["mean_post"] == pytest.approx(4.6)
        assert row["mean_change"] == pytest.approx(2.2)
        assert row["ci_low"] == pytest.approx(mean - half, abs=1e-4)
        assert row["ci_high"] == pytest.approx(mean + half, abs=1e-4)
        assert row["d_z"] == pytest.approx(2.2 / sd)


def test_a_domain_that_moved_differently_is_computed_on_its_own(tmp_path):
    comm = [item.id for item in COMPETENCIES.domain("communication").items]
    lowered = {item_id: 1 for item_id in comm}
    export(tmp_path, "p1", "Lima10", [answers_for(4, "pre"), answers_for(5, "post", **lowered)])
    export(tmp_path, "p2", "Mike11", [answers_for(4, "pre"), answers_for(6, "post", **lowered)])
    table = cohort.domain_table(cohort.read_folder(tmp_path / "exports", COMPETENCIES)).set_index("domain")
    assert table.loc["communication", "mean_change"] == pytest.approx(-3)
    assert table.loc["communication", "d_z"] != table.loc["communication", "d_z"] or \
        table.loc["communication", "d_z"] is None  # no spread: d_z undefined
    assert table.loc["aligning-expectations", "mean_change"] == pytest.approx(1.5)


def test_completion_and_item_distributions(folder):
    found = cohort.read_folder(folder, COMPETENCIES)
    completion = cohort.completion_table(found).set_index("timepoint")
    assert completion.loc["pre", "participants"] == 6  # A-E and G
    assert completion.loc["post", "participants"] == 7  # A-F and Hotel
    assert completion.attrs["paired"] == 5
    dist = cohort.item_distribution(found)
    first = dist[(dist["item"] == "comm-listen") & (dist["timepoint"] == "pre")].iloc[0]
    assert first["answered"] == 6
    assert [first[str(v)] for v in range(1, 8)] == [1, 1, 3, 1, 0, 0, 0]


PAYLOAD_FREE_CODES = [*PAIRED, "Echo05", "Foxtrot06", "Golf07", "Hotel08"]


# -- the report --------------------------------------------------------------------------
def test_the_report_names_no_participant_and_lists_the_files(folder):
    found = cohort.read_folder(folder, COMPETENCIES)
    page = report_html(found)
    # files are often named after people: the shareable report numbers them instead
    for code in [*PAYLOAD_FREE_CODES, "echo", "foxtrot", "golf", "hotel", "india"]:
        assert code.lower() not in page.lower(), code
    assert "Files not used, and why" in page and "file 17 of 18" in page
    assert "india-missing.csv" in report_html(found, file_names=True)
    assert page.count("<img ") == 2 and 'alt="Mean change per domain' in page
    assert "+2.20" in page


def free_text_instrument():
    data = {
        "kind": "instrument", "schema_version": 1, "id": "reflection", "version": 1, "title": "Reflection",
        "intro": "x", "disclaimer": "For reflection only.", "results": "radar", "timepoints": ["pre", "post"],
        "scale": {"min": 1, "max": 5},
        "domains": [{"id": "d", "title": "Domain", "items": [
            {"id": "r1", "text": "A rating"},
            {"id": "t1", "text": "What will you change?", "type": "text", "required": False}]}],
    }
    return assessment.from_data(data)


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_free_text_and_file_names_are_escaped(tmp_path):
    instrument = free_text_instrument()
    pre = instrument.new_answers("pre")
    pre.set("r1", 2)
    pre.set("t1", PAYLOAD)
    post = instrument.new_answers("post")
    post.set("r1", 4)
    path = export(tmp_path, "november", "November12", [pre, post], instrument=instrument)
    path.with_name('<img src=x onerror=alert(2)>.json').write_text("{")
    page = report_html(cohort.read_folder(path.parent, instrument), file_names=True)
    assert "<script" not in page and "<img src=x" not in page  # no tag a participant typed survives
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;.json" in page


# -- the command line ------------------------------------------------------------------------
def test_command_line_writes_the_report_with_a_progress_bar(folder, tmp_path):
    out = tmp_path / "report.html"
    run = subprocess.run([str(BIN / "mentorkit"), "report", str(folder), "--out", str(out), "--progress"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Reading exports [" in run.stderr and "18/18" in run.stderr
    assert "8 participant(s), 5 with before and after" in run.stderr
    assert "Change by domain" in out.read_text(encoding="utf-8")


def test_command_line_usage_errors(tmp_path):
    missing = subprocess.run([str(BIN / "mentorkit"), "report", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    unknown = subprocess.run([str(BIN / "mentorkit"), "report", str(tmp_path), "--instrument", "nope",
                              "--out", str(tmp_path / "r.html")], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "nope" in unknown.stderr


# -- the dashboard in the kernel ----------------------------------------------------------
def test_dashboard_reads_a_folder_and_reports_a_missing_one(folder, tmp_path):
    from mentorkit.ui.cohort import cohort_dashboard

    dashboard = cohort_dashboard(tmp_path / "nowhere")
    assert "Build the report" in dashboard.message.value and dashboard.result.value == ""
    assert not dashboard.from_folder() and "There is no folder" in dashboard.message.value
    dashboard.folder.value = str(folder)
    assert dashboard.from_folder()
    assert "Change by domain" in dashboard.result.value and "cohort-report.html" in dashboard.result.value
    assert "8 participant(s)" in dashboard.message.value


def test_dashboard_reads_uploaded_files(folder):
    from mentorkit.ui.cohort import CohortDashboard

    dashboard = CohortDashboard(folder / "nowhere")
    files = [{"name": p.name, "type": "", "size": p.stat().st_size, "content": memoryview(p.read_bytes()),
              "last_modified": datetime.now(timezone.utc)} for p in sorted(folder.glob("[A-D]*"))]
    dashboard.upload.value = tuple(files)
    assert "Change by domain" in dashboard.result.value
    assert "4 participant(s), 4 with before and after" in dashboard.message.value


# -- the dashboard in Voila and a real Chromium -------------------------------------------
@pytest.mark.browser
@pytest.mark.slow
def test_dashboard_in_voila(page, folder, tmp_path):
    from .browser_checks import RequestLog, axe_violations, describe, page_errors
    from .servers import voila

    env = {"MENTORKIT_COHORT": str(tmp_path / "not-yet"), "MENTORKIT_HOME": str(tmp_path)}
    with voila(env=env) as server:
        server.start("/voila/")
        log = RequestLog(page)
        page.goto(server.url("/voila/render/exercises/facilitator/cohort.ipynb"),
                  wait_until="domcontentloaded", timeout=120_000)
        field = page.get_by_label("Folder of exported files")
        field.wait_for(timeout=120_000)
        assert "from mentorkit" not in page.content()
        field.fill(str(folder))
        page.get_by_role("button", name="Build the report").click()
        page.get_by_text("8 participant(s), 5 with before and after").wait_for(timeout=60_000)
        assert page.locator(".mk-cohort img[alt^='Mean change per domain']").count() == 1
        assert page.get_by_role("cell", name="india-missing.csv", exact=True).count() == 1
        assert log.external() == []
        assert page_errors(page) == []
        violations = axe_violations(page)
        assert violations == [], describe(violations)


def test_dashboard_upload_button_shows_no_file_counter(folder):
    from mentorkit.ui.cohort import CohortDashboard

    dashboard = CohortDashboard(folder / "nowhere")
    assert dashboard.upload.multiple and dashboard.upload.tooltip == dashboard.upload.description
    assert "mk-upload" in dashboard.upload._dom_classes  # the CSS shows the tooltip, not "(0)"
    assert ".mk-upload.widget-upload::after" in dashboard.children[0].value
