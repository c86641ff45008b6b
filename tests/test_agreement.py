"""The mentoring agreement: its checks, its Markdown, and the builder view
(tick boxes for channels, labels above fields, a printable page and Markdown)."""

import base64
import re
from datetime import date, timedelta

import pytest

from mentorkit.agreement import CHANNELS, CONFIDENTIALITY, Agreement
from mentorkit.store import Store, StoreError
from mentorkit.ui._form import CheckboxGroup
from mentorkit.ui.agreement import agreement_builder


def complete(**changes):
    values = dict(mentor="Dr. Ana Ruiz", mentee="Dr. Kwame Mensah", goals="Submit R01\n- Teach",
                  start=date(2026, 9, 1), review=date(2027, 6, 1))
    values.update(changes)
    return Agreement(**values)


def test_a_complete_agreement_has_no_problems_and_renders():
    text = complete().to_markdown()
    assert "**Mentor:** Dr. Ana Ruiz" in text and "- Submit R01\n- Teach" in text
    assert "Every month, for about 45 minutes" in text
    assert "at least 2 days before" in text
    assert "without fault" in text and "12 months" in text and "01 June 2027" in text


@pytest.mark.parametrize("changes, field, words", [
    ({"mentor": "  "}, "mentor", "mentor's name"),
    ({"goals": ""}, "goals", "at least one goal"),
    ({"minutes": 5}, "minutes", "between 15 and 180"),
    ({"channels": []}, "channels", "at least one way"),
    ({"review": None}, "review", "Choose a date"),
    ({"review": date(2026, 8, 1)}, "review", "after the start"),
    ({"review": date(2029, 1, 1)}, "review", "before the commitment ends"),
    ({"frequency": "Hourly"}, "frequency", "how often"),
])
def test_each_gap_is_named_by_field(changes, field, words):
    problems = complete(**changes).problems()
    assert field in problems and words in problems[field]
    with pytest.raises(ValueError):
        complete(**changes).to_markdown()


def test_advice_on_short_commitments_and_no_fault():
    notes = complete(commitment_months=6, no_fault=False, review=date(2027, 1, 1)).advice()
    assert any("at least a year" in n for n in notes) and any("no-fault" in n for n in notes)
    assert complete().advice() == []


def test_round_trip_and_damaged_data():
    original = complete(channels=["Video call", "Email"], minutes=30)
    assert Agreement.from_data(original.to_data()) == original
    damaged = Agreement.from_data({"mentor": 42, "start": "not a date", "review": "2027-13-40",
                                   "minutes": "lots", "unknown": 1, "mentee": "Dr. K"})
    assert damaged.mentor == "" and damaged.mentee == "Dr. K" and damaged.minutes == 45
    assert damaged.review is None and damaged.start == date.today()


def test_builder_saves_as_the_learner_types_and_restores(mentorkit_home):
    builder = agreement_builder()
    builder.fields["mentor"].value = "Dr. Lee"
    builder.fields["goals"].value = "Finish the trial protocol"
    saved = Store(mentorkit_home).load("agreement", "current").data
    assert saved["mentor"] == "Dr. Lee" and saved["goals"] == "Finish the trial protocol"
    again = agreement_builder()
    assert again.fields["mentor"].value == "Dr. Lee"


def test_builder_shows_messages_beside_fields_and_keeps_input(mentorkit_home):
    builder = agreement_builder()
    builder.fields["mentor"].value = "Dr. Lee"
    builder.make_button.click()
    assert "mentee&#x27;s name" in builder.messages["mentee"].value
    assert builder.messages["mentor"].value == ""
    assert builder.fields["mentor"].value == "Dr. Lee"  # nothing typed is lost
    assert "need attention" in builder.preview.value


def download(preview: str, filename: str, mime: str) -> str:
    """The text of the file a download link in the preview hands over."""
    link = re.search(rf'download="{re.escape(filename)}" href="data:{mime};charset=utf-8;'
                     r'base64,([^"]+)"', preview)
    assert link, f"no {filename} link in {preview[:300]}"
    return base64.b64decode(link.group(1)).decode("utf-8")


def fill(builder, **extra):
    builder.fields["mentor"].value = "Dr. Lee"
    builder.fields["mentee"].value = "Dr. Osei"
    builder.fields["goals"].value = "Publish the cohort paper"
    builder.fields["review"].value = date.today() + timedelta(days=200)
    for name, value in extra.items():
        builder.fields[name].value = value


def test_builder_makes_a_downloadable_agreement(mentorkit_home):
    builder = agreement_builder()
    fill(builder)
    builder.make_button.click()
    text = download(builder.preview.value, "mentoring-agreement.md", "text/markdown")
    assert text.startswith("# Mentoring agreement") and "Dr. Osei" in text


def test_the_agreement_is_also_a_printable_web_page(mentorkit_home):
    builder = agreement_builder()
    fill(builder, mentee="Dr. O'Neil <Jr>", goals="Submit the K23\nTeach the fellows")
    builder.fields["channels"].boxes["Video call"].value = True
    builder.make_button.click()
    page = download(builder.preview.value, "mentoring-agreement.html", "text/html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<title>Mentoring agreement</title>" in page and "<h1>Mentoring agreement</h1>" in page
    assert "<li>Submit the K23</li>" in page and "<li>Teach the fellows</li>" in page
    assert "In person, Video call" in page
    assert "&lt;Jr&gt;" in page and "<Jr>" not in page  # what the learner typed is text, not markup
    assert "@media print" in page
    links = re.findall(r'<a class="mk-download"[^>]*>([^<]+)</a>', builder.preview.value)
    assert links == ["Download the agreement to print or edit (web page)",
                     "Download the agreement as plain text (Markdown)"]


def test_one_word_for_the_document_agreement(mentorkit_home):
    builder = agreement_builder()
    assert builder.make_button.description == "Make my agreement"
    fill(builder)
    builder.make_button.click()
    preview = builder.preview.value.lower()
    assert "compact" not in preview and "compact" not in builder.make_button.description.lower()
    assert "<h1>mentoring agreement</h1>" in preview


def test_ways_of_meeting_are_one_tick_box_each(mentorkit_home):
    builder = agreement_builder()
    channels = builder.fields["channels"]
    assert isinstance(channels, CheckboxGroup)
    assert [box.description for box in channels.boxes.values()] == list(CHANNELS)
    assert "Ways of meeting" in channels.children[0].value  # the group has a visible label
    assert [name for name, box in channels.boxes.items() if box.value] == ["In person"]
    channels.boxes["Phone"].value = True
    channels.boxes["Email"].value = True  # a tick adds; nothing else is dropped
    assert channels.value == ("In person", "Phone", "Email")
    channels.boxes["In person"].value = False
    saved = Store(mentorkit_home).load("agreement", "current").data
    assert saved["channels"] == ["Phone", "Email"]

    again = agreement_builder()
    assert [n for n, box in again.fields["channels"].boxes.items() if box.value] == ["Phone", "Email"]
    again.fields["channels"].value = ("Secure messaging", "Video call")  # order follows the options
    assert [n for n, box in again.fields["channels"].boxes.items() if box.value] == [
        "Video call", "Secure messaging"]
    assert Store(mentorkit_home).load("agreement", "current").data["channels"] == [
        "Video call", "Secure messaging"]


def test_no_way_of_meeting_is_flagged_beside_the_group(mentorkit_home):
    builder = agreement_builder()
    fill(builder)
    builder.fields["channels"].boxes["In person"].value = False
    builder.make_button.click()
    assert "at least one way of meeting" in builder.messages["channels"].value
    assert "mentoring-agreement" not in builder.preview.value


def test_labels_sit_above_every_field(mentorkit_home):
    builder = agreement_builder()
    for name, field in builder.fields.items():
        if isinstance(field, CheckboxGroup) or name == "no_fault":
            continue
        assert field.description, name
        assert "mk-field" in field._dom_classes, name  # appkit's labels-above style
        assert field.style.description_width == "initial", name
    assert "mk-form" in builder._dom_classes
    css = builder.children[0].value
    assert "white-space: normal" in css and "font-family: inherit" in css
    assert 'input[type="date"]' in css and "min-width: 11em" in css


def test_nothing_typed_is_lost_when_the_agreement_is_not_ready(mentorkit_home):
    builder = agreement_builder()
    fill(builder, minutes=5, confidentiality=CONFIDENTIALITY[1])
    builder.fields["channels"].boxes["Phone"].value = True
    typed = {name: field.value for name, field in builder.fields.items()}
    builder.make_button.click()
    assert "between 15 and 180" in builder.messages["minutes"].value
    assert {name: field.value for name, field in builder.fields.items()} == typed
    assert "Nothing you typed was lost" in builder.preview.value
    again = agreement_builder()  # and it is all in the store
    assert {name: field.value for name, field in again.fields.items()} == typed


def test_nothing_typed_is_lost_when_the_store_cannot_save(mentorkit_home, monkeypatch):
    builder = agreement_builder()

    def refuse(*args, **kwargs):
        raise StoreError("the disk is full")

    monkeypatch.setattr(builder.store, "update", refuse)  # the builder saves through update (a merge)
    builder.fields["mentor"].value = "Dr. Lee"
    builder.fields["channels"].boxes["Email"].value = True
    assert "Not saved: the disk is full" in builder.status.value
    assert builder.fields["mentor"].value == "Dr. Lee"
    assert builder.fields["channels"].value == ("In person", "Email")


def test_damaged_or_outdated_saved_choices_still_open_the_form(mentorkit_home):
    Store(mentorkit_home).save("agreement", "current", {
        "mentor": "Dr. Lee", "channels": ["Carrier pigeon", "Email"], "frequency": "Hourly",
        "confidentiality": "An old wording", "minutes": 900})
    builder = agreement_builder()
    assert builder.fields["mentor"].value == "Dr. Lee"
    assert builder.fields["channels"].value == ("Email",)
    assert builder.fields["frequency"].value == "Every month"
    assert builder.fields["confidentiality"].value == CONFIDENTIALITY[0]
    assert builder.fields["minutes"].value == 600
