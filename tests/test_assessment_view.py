"""The self-assessment app in the kernel, without a browser: answers typed
into the widgets are checked beside their field, saved as the learner goes,
restored by a new view (as after a kernel restart), restored from an upload
(and a bad upload changes nothing), and results are drawn."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import datetime, timezone

import ipywidgets as widgets
import pytest

from mentorkit import assessment as model
from mentorkit.store import Store
from mentorkit.ui.assessment import SelfAssessmentApp, show_self_assessment

SHIPPED = ["competencies", "practices", "impostor-feelings", "career-conference"]


def fill(app: SelfAssessmentApp, rating=None) -> None:
    """Answer every question the way a learner would, through the inputs."""
    for i, (item_id, field) in enumerate(app.fields.items()):
        item = field.item
        if item.type == "rating":
            scale = app.instrument.scale
            field.input.value = rating or scale.min + i % (scale.max - scale.min + 1)
        elif item.type == "choice":
            field.input.value = item.options[-1]
        elif item.type == "number":
            field.input.value = "20"
        else:
            field.input.value = f"My answer to {item_id}"


def downloads(app: SelfAssessmentApp) -> dict[str, bytes]:
    """The files behind the download links: name -> content."""
    found = re.findall(r'download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"',
                       app.downloads.value)
    return {html.unescape(name): base64.b64decode(data) for name, data in found}


def text_of(widget: widgets.Widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_app_shows_labelled_inputs_and_the_reflection_note(name):
    app = show_self_assessment(name)
    assert isinstance(app, SelfAssessmentApp)
    assert len(app.fields) == len(app.instrument.items)
    for item_id, field in app.fields.items():
        assert field.input.description == app.instrument.item(item_id).text
    page = " ".join(c.value for c in app.children if isinstance(c, widgets.HTML))
    assert "not a validated instrument" in html.unescape(page)
    assert (app.timepoint is not None) == (len(app.instrument.timepoints) > 1)


def test_nothing_is_shown_under_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert show_self_assessment("competencies") is None


def test_a_broken_instrument_gives_a_readable_message(tmp_path, monkeypatch):
    course = tmp_path / "course"
    (course / "exercises" / "self-assessments").mkdir(parents=True)
    (course / "modules").mkdir()
    (course / "exercises" / "self-assessments" / "broken.yaml").write_text("kind: instrument\nid: 3\n")
    monkeypatch.setenv("MENTORKIT_COURSE", str(course))
    shown = show_self_assessment("broken")
    assert isinstance(shown, widgets.HTML) and "cannot be shown" in shown.value
    assert "Traceback" not in shown.value


def test_a_bad_number_gets_a_message_beside_its_field_and_is_kept(mentorkit_home):
    app = show_self_assessment("career-conference")
    field = app.fields["now-clinical"]
    field.input.value = "forty"
    assert field.problem == "Write a whole number."
    assert "Write a whole number." in field.message.value
    assert app.fields["now-teaching"].problem == ""  # missing ones wait for "See my results"
    saved = Store(mentorkit_home).load("career-conference", "current").data
    assert saved["answers"]["now-clinical"] == "forty"  # nothing typed is lost
    field.input.value = "40 %"
    assert field.problem == "" and app.answers.get("now-clinical") == 40


def test_totals_are_added_up_as_the_learner_types():
    app = show_self_assessment("career-conference")
    for item_id, value in (("now-clinical", "50"), ("now-teaching", "30"), ("now-research", "10"),
                           ("now-admin", "5")):
        app.fields[item_id].input.value = value
    assert "95%" in text_of(app.totals["time-now"])
    app.fields["now-other"].input.value = "10"
    assert app.fields["now-other"].problem == "These add up to 105%; make them add up to 100%."
    app.fields["now-other"].input.value = "5"
    assert app.fields["now-other"].problem == "" and "100%" in text_of(app.totals["time-now"])


def test_results_wait_for_every_answer_then_draw_the_radar(mentorkit_home):
    app = show_self_assessment("competencies")
    app.fields["comm-listen"].input.value = 5
    assert app.show_results() is False
    assert app.output.value == ""
    assert "31 answers need attention" in text_of(app.problems_line)
    assert app.fields["comm-feedback"].problem == "Choose a rating for this statement."
    assert app.fields["comm-listen"].problem == ""
    fill(app)
    assert app.problems_line.value == "" and app.fields["comm-feedback"].problem == ""
    assert app.show_results() is True
    assert app.output.value.count("<img") == 1 and 'alt="Radar chart' in app.output.value
    assert "Lessons to revisit" in app.output.value and "modules/" in app.output.value


def test_pre_and_post_are_kept_apart_and_overlaid(mentorkit_home):
    app = show_self_assessment("competencies")
    fill(app, rating=2)
    app.timepoint.value = "post"
    assert all(f.input.value == 0 for f in app.fields.values())  # a blank page for "after"
    fill(app, rating=6)
    assert app.show_results()
    assert "Before the course: Communication 2.0" in html.unescape(app.output.value)
    assert "After the course: Communication 6.0" in html.unescape(app.output.value)
    assert "+4.0" in app.output.value  # the change column
    store = Store(mentorkit_home)
    assert store.load("competencies", "pre").data["answers"]["comm-listen"] == 2
    assert store.load("competencies", "post").data["answers"]["comm-listen"] == 6
    app.timepoint.value = "pre"
    assert app.fields["comm-listen"].input.value == 2


def test_a_new_view_restores_the_answers(mentorkit_home):
    app = show_self_assessment("practices")
    app.fields["amp-credit"].input.value = 4
    app.fields["nom-award"].input.value = 2
    app.participant.input.value = "P-12"
    again = show_self_assessment("practices")  # a reload, or a new kernel: only the store remains
    assert again.fields["amp-credit"].input.value == 4
    assert again.fields["nom-award"].input.value == 2
    assert again.fields["conn-introduce"].input.value == 0
    assert again.participant.input.value == "P-12"
    assert "Restored your answers" in again.status.value


def test_the_latest_timepoint_is_shown_on_reopening(mentorkit_home):
    store = Store(mentorkit_home)
    store.save("competencies", "pre", {"answers": {"comm-listen": 3}, "participant": ""})
    app = show_self_assessment("competencies")
    app.timepoint.value = "post"
    app.fields["comm-listen"].input.value = 6
    assert show_self_assessment("competencies").timepoint.value == "post"


def test_a_damaged_save_file_is_reported_not_fatal(mentorkit_home):
    folder = mentorkit_home / "practices"
    folder.mkdir()
    (folder / "current.json").write_text("{ not json")
    app = show_self_assessment("practices")
    assert "could not be read" in app.status.value
    assert all(f.input.value == 0 for f in app.fields.values())


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_download_then_upload_restores_everything(suffix, mentorkit_home, tmp_path):
    app = show_self_assessment("impostor-feelings")
    fill(app)
    app.participant.input.value = "Z9"
    files = downloads(app)
    # the participant code names the files, so a facilitator can keep everyone's in one folder
    assert set(files) == {"impostor-feelings-Z9-results.csv", "impostor-feelings-Z9-results.json"}
    content = files[f"impostor-feelings-Z9-results.{suffix}"]
    expected = dict(app.answers.values)

    fresh = Store(tmp_path / "elsewhere")
    other = SelfAssessmentApp(model.load("impostor-feelings"), store=fresh)
    assert other.answers.answered() == 0
    assert other.upload.receive(f"impostor-feelings-Z9-results.{suffix}", content) is True
    assert "Restored 15 answers" in other.upload.message
    assert {k: f.read() for k, f in other.fields.items()} == expected
    assert other.participant.input.value == "Z9"
    assert fresh.load("impostor-feelings", "current").data["answers"] == expected


def test_bad_uploads_change_nothing(mentorkit_home):
    app = show_self_assessment("competencies")
    app.fields["comm-listen"].input.value = 5
    before = dict(app.answers.values)
    saved = Store(mentorkit_home).load("competencies", "pre").data
    practices = model.load("practices")
    foreign = model.export_json(practices, [practices.new_answers()])
    bad = {
        "notes.txt": b"just some notes",
        "results.json": b'{"format": "mentorkit-self-assessment", "format_version": 1,',
        "practices-results.json": foreign.encode(),
        "picture.csv": b"\x89PNG\r\n\x1a\n\x00\x00\xff",
        "empty.csv": b"",
    }
    for filename, content in bad.items():
        assert app.upload.receive(filename, content) is False
        assert "Nothing was changed" in app.upload.message and filename in html.unescape(app.upload.message)
        assert app.answers.values == before
        assert app.fields["comm-listen"].input.value == 5
        assert Store(mentorkit_home).load("competencies", "pre").data == saved


def test_an_upload_through_the_file_picker(mentorkit_home):
    app = show_self_assessment("competencies")
    instrument = app.instrument
    answers = instrument.new_answers("post")
    answers.set("comm-listen", 7)
    content = model.export_csv(instrument, [answers]).encode()
    app.upload.picker.value = ({"name": "mine.csv", "type": "text/csv", "size": len(content),
                                "content": memoryview(content),
                                "last_modified": datetime.now(timezone.utc)},)
    assert "Restored 1 answer (after the course)" in app.upload.message
    assert app.timepoint.value == "post" and app.fields["comm-listen"].input.value == 7
    assert app.upload.picker.value == ()


def test_practices_profile_and_next_steps(mentorkit_home):
    app = show_self_assessment("practices")
    fill(app, rating=5)
    app.fields["adv-panel"].input.value = 1
    app.fields["adv-policy"].input.value = 1
    app.fields["adv-data"].input.value = 2
    assert app.show_results()
    shown = html.unescape(app.output.value)
    assert "<img" in shown and "Next steps" in shown
    next_steps = shown.split("Next steps", 1)[1]
    assert "Public advocacy" in next_steps and "Amplifying voices" not in next_steps


def test_impostor_reading_is_gentle_and_not_a_diagnosis():
    app = show_self_assessment("impostor-feelings")
    fill(app, rating=1)
    for item in app.instrument.items:
        if item.reverse:
            app.fields[item.id].input.value = 5  # reversed: "nearly always" counts as low
    assert app.show_results()
    shown = html.unescape(app.output.value)
    assert "in the background for now" in shown
    assert "not a diagnosis" in shown and "<img" in shown and "Where to go from here" in shown


def test_career_conference_gives_a_printable_summary(mentorkit_home):
    app = show_self_assessment("career-conference")
    fill(app)
    assert app.show_results()
    assert "<img" in app.output.value and "My answer to goals-list" in app.output.value
    files = downloads(app)
    assert files["career-conference-summary.pdf"].startswith(b"%PDF")
    assert b"My answer to goals-list" in files["career-conference-summary.html"]
    payload = json.loads(files["career-conference-results.json"])
    assert payload["results"][0]["answers"]["now-clinical"] == 20


def test_invalid_answers_are_left_out_of_the_download(mentorkit_home):
    app = show_self_assessment("career-conference")
    app.fields["now-clinical"].input.value = "lots"
    app.fields["now-teaching"].input.value = "30"
    assert "need fixing are not in the download" in app.downloads.value
    rows = downloads(app)["career-conference-results.csv"].decode().splitlines()
    assert len(rows) == 2 and rows[1].endswith("now-teaching,30")
