"""The mentoring agreement: its checks, its Markdown, and the builder view."""

import base64
import re
from datetime import date, timedelta

import pytest

from mentorkit.agreement import Agreement
from mentorkit.store import Store
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


def test_builder_makes_a_downloadable_compact(mentorkit_home):
    builder = agreement_builder()
    builder.fields["mentor"].value = "Dr. Lee"
    builder.fields["mentee"].value = "Dr. Osei"
    builder.fields["goals"].value = "Publish the cohort paper"
    builder.fields["review"].value = date.today() + timedelta(days=200)
    builder.make_button.click()
    link = re.search(r'download="mentoring-agreement.md" href="data:text/markdown;charset=utf-8;'
                     r'base64,([^"]+)"', builder.preview.value)
    assert link, builder.preview.value[:300]
    text = base64.b64decode(link.group(1)).decode("utf-8")
    assert text.startswith("# Mentoring agreement") and "Dr. Osei" in text
