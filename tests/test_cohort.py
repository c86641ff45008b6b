"""The cohort report: statistics against hand-computed values, a cohort written
with the self-assessment store and exports (so the formats cannot drift
apart), every kind of bad file, escaping, the command line and the dashboard."""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from mentorkit import assessment, cohort
from mentorkit.report import report_html
from mentorkit.store import Store

COMPETENCIES = assessment.load("competencies")
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("MENTORKIT_SCREENSHOTS") or Path(tempfile.gettempdir()) / "mentorkit-screenshots")


# -- statistics -----------------------------------------------------------------------
def test_paired_change_by_hand():
    # changes 1, 2, 3, 4: mean 2.5, sd sqrt(5/3) = 1.29099, se 0.645497; t(0.975, 3) = 3.1824 in the
    # printed tables, t = 2.5 / 0.645497 = 3.873, which the tables put between the two-sided 5% (3.182)
    # and 2% (4.541) points. Wilcoxon: all four changes positive, so W- = 0, and of the 2^4 equally
    # likely sign patterns only "all +" and "all -" are as extreme: p = 2 / 16 = 0.125 exactly.
    change = cohort.paired_change([(3, 4), (3, 5), (2, 5), (4, 8)])
    assert change.n == 4
    assert change.mean_pre == pytest.approx(3.0) and change.mean_post == pytest.approx(5.5)
    assert change.mean_change == pytest.approx(2.5)
    assert change.ci_low == pytest.approx(2.5 - 3.182446 * 0.645497, abs=1e-4)
    assert change.ci_high == pytest.approx(2.5 + 3.182446 * 0.645497, abs=1e-4)
    assert change.d_z == pytest.approx(2.5 / math.sqrt(5 / 3))
    assert 0.02 < change.p_t < 0.05
    assert change.p_wilcoxon == pytest.approx(0.125)


def test_paired_change_edge_cases():
    assert cohort.paired_change([]).n == 0
    one = cohort.paired_change([(2, 5)])
    assert (one.mean_change, one.ci_low, one.d_z, one.p_t, one.p_wilcoxon) == (3, None, None, None, None)
    same = cohort.paired_change([(2, 3), (4, 5)])  # everyone changed by exactly 1: no t-test, no d_z
    assert same.mean_change == 1 and same.d_z is None and same.ci_low == pytest.approx(1)
    assert same.p_t is None and same.p_wilcoxon is not None
    none = cohort.paired_change([(2, 2), (4, 4), (3, 3)])  # nobody changed
    assert none.mean_change == 0 and none.p_wilcoxon == 1.0


def test_holm_matches_a_worked_example():
    # m = 4. Sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04, raised to 0.06
    # so that an adjusted value never falls below the one before it.
    assert cohort.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # a missing p-value is left out of the count: m = 2
    assert cohort.holm([None, 0.02, 0.04]) == [None, pytest.approx(0.04), pytest.approx(0.04)]
    assert cohort.holm([0.5, 0.6]) == [1.0, 1.0]  # never above 1
    assert cohort.holm([]) == []


def test_the_comparisons_of_each_instrument():
    assert cohort.comparisons(COMPETENCIES) == [("pre", "post"), ("pre", "follow-up"), ("post", "follow-up"),
                                               ("then", "post")]
    assert cohort.comparisons(assessment.load("practices")) == [("pre", "follow-up"), ("then", "follow-up")]
    assert cohort.comparisons(assessment.load("impostor-feelings")) == []


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
    words = re.sub(r'src="data:image/png;base64,[^"]*"', "", page)  # an image's bytes spell anything
    # files are often named after people: the shareable report numbers them instead
    for code in [*PAYLOAD_FREE_CODES, "echo", "foxtrot", "golf", "hotel", "india"]:
        assert code.lower() not in words.lower(), code
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
    assert "to remind: participant code Golf07: no answers for after the course" in run.stderr
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


@pytest.fixture()
def course_copy(tmp_path, monkeypatch):
    """A course folder with the self-assessments, the page's kernel running in
    exercises/facilitator/ as Voila runs it, no gradebook."""
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises" / "self-assessments", course / "exercises" / "self-assessments")
    (course / "exercises" / "facilitator").mkdir()
    (course / "modules").mkdir()
    monkeypatch.delenv("MENTORKIT_COURSE", raising=False)
    monkeypatch.setenv("MENTORKIT_GRADEBOOK", str(course / "gradebook.db"))
    monkeypatch.chdir(course / "exercises" / "facilitator")
    return course


@pytest.mark.parametrize("name", ["cohort-2026", "exports/cohort"])
def test_dashboard_takes_a_folder_name_inside_the_course(folder, course_copy, name):
    from mentorkit.ui.cohort import cohort_dashboard

    shutil.copytree(folder, course_copy / name)
    dashboard = cohort_dashboard(name)
    assert "Press Build the report to read the files in " + name in dashboard.message.value
    assert dashboard.result.value == ""  # nothing is built (nor pandas, scipy loaded) before the button
    assert dashboard.from_folder(), dashboard.message.value
    assert "8 participant(s), 5 with before and after" in dashboard.message.value
    assert "3 to remind" in dashboard.message.value
    assert "The knowledge checks are left out: There is no gradebook" in dashboard.result.value


def test_the_page_loads_no_pandas_matplotlib_or_scipy_before_the_button(folder):
    code = ("import sys\nfrom mentorkit.ui.cohort import cohort_dashboard\n"
            f"d = cohort_dashboard({str(folder)!r})\nassert 'Press Build the report' in d.message.value\n"
            "print(sorted(m for m in ('scipy', 'pandas', 'matplotlib') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(("typed", "said"), [
    ("", "Type the name of the folder that holds the files"),
    ("   ", "Type the name of the folder that holds the files"),
    ("cohort-2027", "There is no folder cohort-2027 in the course folder ("),
    ("roster.csv", "roster.csv in the course folder ({course}/roster.csv) is a file, not a folder"),
    ("/nowhere/at/all", "There is no folder /nowhere/at/all."),
    ("bad\x00name", "cannot be in a path"),
])
def test_dashboard_says_what_is_wrong_with_a_folder_name_and_where(course_copy, typed, said):
    from mentorkit.ui.cohort import CohortDashboard

    (course_copy / "roster.csv").write_text("id\n")
    dashboard = CohortDashboard(typed)
    assert not dashboard.from_folder()
    message = html.unescape(dashboard.message.value)
    assert said.format(course=course_copy) in message and "mk-cohort-problem" in message
    assert "Traceback" not in message and dashboard.result.value == ""


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

    # the course folder holds the exports as cohort-2026/; the page is given its name alone
    course = tmp_path / "course"
    shutil.copytree(ROOT / "exercises" / "self-assessments", course / "exercises" / "self-assessments")
    (course / "modules").mkdir()
    shutil.copytree(folder, course / "cohort-2026")
    env = {"MENTORKIT_COHORT": str(tmp_path / "not-yet"), "MENTORKIT_HOME": str(tmp_path),
           "MENTORKIT_COURSE": str(course), "MENTORKIT_GRADEBOOK": str(tmp_path / "no-gradebook.db")}
    with voila(env=env) as server:
        server.start("/voila/")
        log = RequestLog(page)
        page.goto(server.url("/voila/render/exercises/facilitator/cohort.ipynb"),
                  wait_until="domcontentloaded", timeout=120_000)
        field = page.get_by_label("Folder of exported files")
        field.wait_for(timeout=120_000)
        assert "from mentorkit" not in page.content()
        field.fill("cohort-2027")  # a folder that is not there: a plain message, saying where it looked
        page.get_by_role("button", name="Build the report").click()
        page.get_by_text(f"There is no folder cohort-2027 in the course folder ({course}").wait_for(
            timeout=60_000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "cohort-page-no-folder.png"))
        field.fill("cohort-2026")
        page.get_by_role("button", name="Build the report").click()
        page.get_by_text("8 participant(s), 5 with before and after").wait_for(timeout=60_000)
        assert page.locator(".mk-cohort img[alt^='Mean change per domain']").count() == 1
        assert page.get_by_role("cell", name="india-missing.csv", exact=True).count() == 1
        assert page.get_by_role("cell", name="Golf07", exact=True).count() == 1  # whom to remind
        page.get_by_role("heading", name="Whom to remind").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "cohort-page.png"), full_page=True)
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


# -- every timepoint: before, after, looking back, follow-up ------------------------------
# participant: (pre, post, then, follow-up), the rating given to every question at each time.
# Communication is answered at post and follow-up as at pre (it does not move); Golf never
# comes back after the first session and Hotel answers the follow-up only.
TIMEPOINTS = {"Alpha01": (3, 5, 2, 4), "Bravo02": (4, 5, 3, 5), "Charlie03": (2, 4, 2, 3),
              "Delta04": (3, 6, 3, 5), "Echo05": (4, 4, 3, 4), "Foxtrot06": (2, 5, 1, 3)}
COMMUNICATION = [item.id for item in COMPETENCIES.domain("communication").items]


@pytest.fixture()
def timepoints(tmp_path):
    for code, (pre, post, then, follow) in TIMEPOINTS.items():
        same = {item_id: pre for item_id in COMMUNICATION}
        export(tmp_path, code, code, [answers_for(pre, "pre"), answers_for(post, "post", **same),
                                      answers_for(then, "then"), answers_for(follow, "follow-up", **same)],
               fmt="csv" if code.startswith("C") else "json")
    export(tmp_path, "golf", "Golf07", [answers_for(4, "pre")])
    export(tmp_path, "hotel", "Hotel08", [answers_for(5, "follow-up")])
    export(tmp_path, "no-code", "", [answers_for(3, "pre"), answers_for(4, "post")])
    return tmp_path / "exports"


def scipy_figures(before: list[float], after: list[float]) -> dict:
    """What scipy.stats itself says of these pairs."""
    from scipy import stats

    test = stats.ttest_rel(after, before)
    interval = test.confidence_interval(0.95)
    return {"p_t": test.pvalue, "ci_low": interval.low, "ci_high": interval.high,
            "p_wilcoxon": stats.wilcoxon(after, before).pvalue}


@pytest.mark.parametrize(("before", "after"), [("pre", "post"), ("pre", "follow-up"), ("post", "follow-up"),
                                               ("then", "post")])
def test_every_comparison_matches_scipy(timepoints, before, after):
    found = cohort.read_folder(timepoints, COMPETENCIES)
    index = {"pre": 0, "post": 1, "then": 2, "follow-up": 3}
    rows = [levels for levels in TIMEPOINTS.values()]
    first, second = [r[index[before]] for r in rows], [r[index[after]] for r in rows]
    if before == "pre" and after == "post":  # the participant without a code has these two as well
        first, second = [*first, 3], [*second, 4]
    expected = scipy_figures(first, second)
    domains = cohort.domain_table(found, before, after).set_index("domain")
    row = domains.loc["aligning-expectations"]
    assert row["n"] == len(first)
    assert row["mean_change"] == pytest.approx(sum(second) / len(second) - sum(first) / len(first))
    for key, value in expected.items():
        assert row[key] == pytest.approx(value, rel=1e-9), key
    # Holm across the domains: the family is the domain rows of this comparison
    for column in ("p_t", "p_wilcoxon"):
        raw = [None if p != p else p for p in domains[column]]
        adjusted = [None if p != p else p for p in domains[f"{column}_holm"]]
        assert adjusted == [None if p is None else pytest.approx(p) for p in cohort.holm(raw)]
    items = cohort.item_table(found, before, after).set_index("item")
    assert items.loc["align-goals", "p_wilcoxon"] == pytest.approx(expected["p_wilcoxon"], rel=1e-9)
    assert len(items) == len(COMPETENCIES.items)


def test_holm_is_applied_across_the_domains_of_one_comparison(timepoints):
    found = cohort.read_folder(timepoints, COMPETENCIES)
    table = cohort.domain_table(found, "then", "post").set_index("domain")
    # nine domains moved alike and are tested; the tenth is Communication, which did move here
    # (then is below pre): ten p-values in the family, the smallest multiplied by ten
    raw = table["p_wilcoxon"].tolist()
    assert table["p_wilcoxon_holm"].min() == pytest.approx(min(1.0, 10 * min(raw)))
    assert all(a >= r for a, r in zip(table["p_wilcoxon_holm"], raw, strict=True))


def test_codes_with_a_missing_timepoint_are_listed_for_reminders(timepoints):
    found = cohort.read_folder(timepoints, COMPETENCIES)
    missing = {m.code or m.file: m.missing for m in cohort.missing_timepoints(found)}
    assert missing == {"Golf07": ("post", "then", "follow-up"), "Hotel08": ("pre", "post", "then"),
                       "no-code.json": ("then", "follow-up")}
    private = report_html(found, file_names=True, charts=False)
    shared = report_html(found, charts=False)
    assert "Whom to remind" in private and "Golf07" in private and "no-code.json" in private
    assert "Golf07" not in shared and "Hotel08" not in shared
    assert "the cohort page and <code>mentorkit report</code> list the codes to remind" in shared


def test_a_timepoint_nobody_has_reached_is_not_asked_of_anyone(folder):
    found = cohort.read_folder(folder, COMPETENCIES)  # pre and post only: no then, no follow-up yet
    missing = {m.code: m.missing for m in cohort.missing_timepoints(found)}
    assert missing == {"Foxtrot06": ("pre",), "Golf07": ("post",), "Hotel08": ("pre",)}


def test_to_discuss_names_what_moved_least_and_the_hardest_checks(timepoints, tmp_path, monkeypatch):
    from mentorkit.gradebook import load

    from .cohort_fixtures import build_sample_gradebook

    # nbgrader runs `alembic` from PATH when it creates a gradebook
    monkeypatch.setenv("PATH", str(BIN) + os.pathsep + os.environ["PATH"])
    found = cohort.read_folder(timepoints, COMPETENCIES)
    summary = cohort.to_discuss(found, load(build_sample_gradebook(tmp_path / "gradebook.db")))
    assert (summary.before, summary.after) == ("pre", "follow-up")  # whether the change lasted
    assert summary.domains[0]["domain"] == "communication" and summary.domains[0]["mean_change"] == 0
    assert len(summary.domains) == 2 and summary.domains_tied == 8  # the other nine moved alike
    assert [row["item"] for row in summary.items] == COMMUNICATION[:3]
    # compact_purpose: 1 of 2 points given (50%); mentor_roles 3 of 4 and mentoring_team 6 of 8 (75%)
    assert [(row["item"], round(row["share"], 2)) for row in summary.checks] == [
        ("compact_purpose", 0.5), ("mentor_roles", 0.75), ("mentoring_team", 0.75)]
    page = report_html(found, grades=load(tmp_path / "gradebook.db"), charts=False)
    text = re.sub(r"<[^>]+>", "", page)
    assert "To discuss next session" in text
    assert "02 Setting expectations: compact purpose (compact_purpose): 50% of the points" in text
    assert "and 8 more areas with the same change" in text


def test_the_hardest_checks_are_named_by_their_question(tmp_path, monkeypatch):
    """On a real assignment, the summary names a check as participants read it
    (the form's "Question N: ..."), not by its cell id."""
    from nbgrader.api import Gradebook

    from mentorkit import assignments as forms
    from mentorkit.gradebook import load, question_labels

    from .cohort_fixtures import COURSE_ID, record_score

    monkeypatch.setenv("PATH", str(BIN) + os.pathsep + os.environ["PATH"])
    slug = "01-models-of-mentoring"
    checks = forms.read_form(forms.release_path(slug), slug).checks
    cells = [q.test_id or q.grade_id for q in checks]
    db = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        gb.update_or_create_student("rahmed", first_name="Rania", last_name="Ahmed")
        gb.update_or_create_assignment(slug)
        gb.update_or_create_notebook(slug, slug)
        for cell in cells:
            gb.update_or_create_grade_cell(cell, slug, slug, max_score=1, cell_type="code")
        gb.add_submission(slug, "rahmed")
        for number, cell in enumerate(cells):
            record_score(gb.find_grade(cell, slug, slug, "rahmed"), 0 if number == 2 else 1, by_hand=False)
        gb.db.commit()
    hardest = cohort.hardest_checks(load(db), count=1)
    assert [row["item"] for row in hardest] == [cells[2]]
    assert hardest[0]["name"] == question_labels([slug])[(slug, cells[2])]
    assert hardest[0]["name"].startswith(checks[2].title + ": ")


def test_to_discuss_without_a_gradebook_says_so_plainly(timepoints, tmp_path, monkeypatch):
    from mentorkit.report import read_grades

    monkeypatch.setenv("MENTORKIT_GRADEBOOK", str(tmp_path / "none.db"))
    grades, note = read_grades()
    assert grades is None and "The knowledge checks are left out: There is no gradebook" in note
    found = cohort.read_folder(timepoints, COMPETENCIES)
    assert cohort.to_discuss(found).checks is None
    page = report_html(found, grades_note=note, charts=False)
    assert "The knowledge checks are left out" in page and "To discuss next session" in page
    # with two paired participants at most nothing is named, and the page says why
    small = cohort.read_folder(timepoints, COMPETENCIES)
    small.participants = dict(list(small.participants.items())[:1])
    assert "Fewer than two participants have answered at two timepoints" in report_html(small, charts=False)


def test_the_report_shows_every_comparison_in_words(timepoints):
    page = report_html(cohort.read_folder(timepoints, COMPETENCIES), file_names=True)
    text = re.sub(r"<[^>]+>", "", page)
    for title in ("Before the course → after the course", "Before the course → about six months after",
                  "After the course → about six months after", "Looking back: how you were before the "
                  "course → after the course"):
        assert title in text, title
    assert "Holm's method" in text and "Wilcoxon signed-rank test" in text
    # Communication did not move from pre to post; with six or seven people and ten domains tested,
    # the Wilcoxon test cannot reach 0.05 after Holm (its smallest p, 2/64, times ten), the t-test can
    assert "No change on average: not clearly different from no change." in text
    assert "perhaps a change, but the two tests disagree" in text
    assert page.count("<details>") == 4


@pytest.mark.parametrize(("row", "words"), [
    ({"n": 12, "mean_change": 0.8, "p_t_holm": 0.01, "p_wilcoxon_holm": 0.02},
     "Up 0.80 points on average: a clear change, unlikely to be chance alone."),
    ({"n": 12, "mean_change": -1.0, "p_t_holm": 0.01, "p_wilcoxon_holm": 0.2},
     "Down 1.00 point on average: perhaps a change, but the two tests disagree: treat it with care."),
    ({"n": 12, "mean_change": 0.3, "p_t_holm": 0.4, "p_wilcoxon_holm": 0.5},
     "Up 0.30 points on average: not clearly different from no change."),
    ({"n": 1, "mean_change": 2.0, "p_t_holm": None, "p_wilcoxon_holm": None},
     "Too few participants to judge."),
])
def test_each_change_is_said_in_words(row, words):
    from mentorkit.report import in_words

    assert in_words(row) == words


def test_answers_of_the_earlier_version_are_read_with_a_note(tmp_path):
    added = {item.id for item in COMPETENCIES.added_since(1)}
    paths = []
    for code, (pre, post) in {"Juliet01": (3, 5), "Kilo02": (4, 6)}.items():
        old = [answers_for(pre, "pre"), answers_for(post, "post")]
        for answers in old:
            answers.values = {k: v for k, v in answers.values.items() if k not in added}
        paths.append(export(tmp_path, code, code, old, fmt="csv" if code == "Kilo02" else "json"))
    for path in paths:  # as version 1 wrote them
        text = path.read_text()
        path.write_text(text.replace('"instrument_version": 2', '"instrument_version": 1')
                        if path.suffix == ".json" else text.replace(",competencies,2,", ",competencies,1,"))
    found = cohort.read_folder(tmp_path / "exports", COMPETENCIES)
    notes = notes_by_file(found)
    assert found.files_used == 2 and len(found.paired()) == 2
    for name in ("Juliet01.json", "Kilo02.csv"):
        assert notes[name].outcome == cohort.USED_WITH_NOTE
        assert "version 1" in notes[name].why and "Wellbeing and boundaries" in notes[name].why
    table = cohort.domain_table(found).set_index("domain")
    assert table.loc["communication", "mean_change"] == pytest.approx(2)
    assert table.loc["wellbeing", "n"] == 0  # nobody was asked: shown as no data, not as a change
    assert "Wellbeing and boundaries" in report_html(found, charts=False)


def test_the_practices_report_compares_before_and_looking_back_with_the_follow_up(tmp_path):
    practices = assessment.load("practices")
    for number, (pre, then, follow) in enumerate([(2, 1, 3), (3, 2, 4), (1, 1, 3), (2, 2, 2)], start=1):
        export(tmp_path, f"p{number}", f"Papa{number:02d}",
               [answers_for(pre, "pre", practices), answers_for(then, "then", practices),
                answers_for(follow, "follow-up", practices)], instrument=practices)
    found = cohort.read_folder(tmp_path / "exports", practices)
    assert found.files_used == 4 and found.notes == []
    assert [(b, a) for b, a, _, _ in cohort.change_tables(found)] == [("pre", "follow-up"),
                                                                      ("then", "follow-up")]
    table = cohort.domain_table(found, "then", "follow-up").set_index("domain")
    assert table.loc["amplifying", "mean_change"] == pytest.approx(1.5)  # (2 + 2 + 2 + 0) / 4
    text = re.sub(r"<[^>]+>", "", report_html(found, charts=False))
    assert "Looking back: how you were before the course → about six months after the course" in text
    assert "What moved least from before the course: the six months up to now to about six months" in text
