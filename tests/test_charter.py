"""The peer mentoring group charter: its checks, its Markdown, and the builder view."""

import base64
import re

import pytest

from mentorkit.charter import CHANNELS, GROUND_RULES, Charter, names
from mentorkit.store import Store
from mentorkit.ui._form import CheckboxGroup
from mentorkit.ui.charter import charter_builder


def complete(**changes):
    values = dict(group="Clinician-educators circle", mentors="Dr. Ana Ruiz",
                  mentees="Dr. Kwame Mensah\nDr. Mei Chen, Dr. Sara Levi", connector="Dr. Tom Ochieng",
                  goals="Each member submits one education abstract\nPeer review of teaching portfolios")
    values.update(changes)
    return Charter(**values)


def test_a_complete_charter_has_no_problems_and_renders():
    charter = complete(own_rules="Cameras on when we can")
    assert charter.problems() == {} and charter.advice() == []
    text = charter.to_markdown()
    assert text.startswith("# Clinician-educators circle: peer mentoring group charter")
    assert "**Mentees:** Dr. Kwame Mensah, Dr. Mei Chen, Dr. Sara Levi" in text
    assert "From September to April (8 months), 1 meeting a month, about 3 hours a month" in text
    assert "- Peer review of teaching portfolios" in text and "- Cameras on when we can" in text
    assert "**Connector:** Dr. Tom Ochieng" in text


@pytest.mark.parametrize("changes, field, words", [
    ({"group": " "}, "group", "name"),
    ({"mentors": ""}, "mentors", "at least one mentor"),
    ({"mentees": "Dr. Chen"}, "mentees", "at least two mentees"),
    ({"mentees": "Dr. Chen\nDr. Ruiz\ndr. chen"}, "mentees", "listed twice: dr. chen"),
    ({"connector": ""}, "connector", "Connector"),
    ({"goals": "\n \n"}, "goals", "at least one goal"),
    ({"hours_per_month": 0}, "hours_per_month", "between 1 and 20"),
    ({"meetings_per_month": 12}, "meetings_per_month", "between 1 and 8"),
    ({"ground_rules": [], "own_rules": ""}, "ground_rules", "at least one ground rule"),
    ({"start_month": "Smarch"}, "start_month", "months"),
])
def test_each_gap_is_named_by_field(changes, field, words):
    problems = complete(**changes).problems()
    assert field in problems and words in problems[field]
    with pytest.raises(ValueError):
        complete(**changes).to_markdown()


def test_advice_follows_the_booklet_model():
    notes = " ".join(complete(mentors="A\nB\nC", mentees="D\nE\nF\nG\nH\nI", connector="A",
                              hours_per_month=10, start_month="January", end_month="March").advice())
    for words in ("one or two mentors", "three to five mentees", "from outside the group",
                  "two to six hours", "September to April"):
        assert words in notes
    assert complete(start_month="October", end_month="January").span_months() == 4


def test_names_split_on_lines_and_commas():
    assert names("- Dr. A, Dr. B\n\n* Dr. C ") == ["Dr. A", "Dr. B", "Dr. C"]


def test_saved_data_round_trips_and_survives_damage():
    charter = complete(ground_rules=[GROUND_RULES[0]])
    assert Charter.from_data(charter.to_data()) == charter
    # a charter saved with the rule's earlier wording opens with the wording that replaced it
    earlier = Charter.from_data({**charter.to_data(),
                                 "ground_rules": ["What is said in the group stays in the group"]})
    assert earlier.rules() == [GROUND_RULES[0]] and "must report" in GROUND_RULES[0]
    damaged = Charter.from_data({"group": 7, "hours_per_month": "lots", "mentees": "A\nB",
                                 "ground_rules": ["Made up", 3]})
    assert damaged.group == "" and damaged.hours_per_month == 3 and damaged.mentees == "A\nB"
    assert damaged.rules() == []


def test_the_builder_saves_as_you_type_and_makes_a_download(tmp_path):
    store = Store(tmp_path)
    builder = charter_builder(store=store)
    builder.fields["group"].value = "Lab leaders"
    builder.make_button.click()
    assert "at least one mentor" in builder.messages["mentors"].value
    assert builder.messages["group"].value == ""
    assert "need attention" in builder.preview.value

    again = charter_builder(store=store)
    assert again.fields["group"].value == "Lab leaders"  # restored from the store
    again.fields["mentors"].value = "Dr. Park"
    again.fields["mentees"].value = "Dr. Ali\nDr. Bose\nDr. Cruz"
    again.fields["connector"].value = "Dr. Diaz"
    again.fields["goals"].value = "Two grant submissions"
    again.make_button.click()
    link = re.search(r'download="group-charter.md" href="data:text/markdown;charset=utf-8;base64,([^"]+)"',
                     again.preview.value)
    assert link, again.preview.value[:300]
    assert "**Mentees:** Dr. Ali, Dr. Bose, Dr. Cruz" in base64.b64decode(link.group(1)).decode()


def test_the_charter_is_also_a_printable_web_page_with_ground_rules_ticked(tmp_path):
    store = Store(tmp_path)
    builder = charter_builder(store=store)
    rules = builder.fields["ground_rules"]
    assert isinstance(rules, CheckboxGroup)
    assert [box.description for box in rules.boxes.values()] == list(GROUND_RULES)
    assert rules.value == GROUND_RULES[:3]  # the model's default, ticked
    rules.boxes[GROUND_RULES[0]].value = False
    rules.boxes[GROUND_RULES[4]].value = True
    assert store.load("charter", "current").data["ground_rules"] == [*GROUND_RULES[1:3], GROUND_RULES[4]]
    again = charter_builder(store=store)
    assert [r for r, box in again.fields["ground_rules"].boxes.items() if box.value] == [
        *GROUND_RULES[1:3], GROUND_RULES[4]]

    for name, value in dict(group="Lab <leaders>", mentors="Dr. Park", mentees="Dr. Ali\nDr. Bose",
                            connector="Dr. Diaz", goals="Two grant submissions").items():
        again.fields[name].value = value
    again.make_button.click()
    link = re.search(r'download="group-charter.html" href="data:text/html;charset=utf-8;base64,([^"]+)"',
                     again.preview.value)
    assert link, again.preview.value[:300]
    page = base64.b64decode(link.group(1)).decode()
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Lab &lt;leaders&gt;: peer mentoring group charter</title>" in page
    assert f"<li>{GROUND_RULES[4]}</li>" in page and GROUND_RULES[0] not in page
    assert "Download the charter to print or edit (web page)" in again.preview.value


def test_the_charter_form_keeps_what_was_typed_and_opens_on_damaged_data(tmp_path):
    store = Store(tmp_path)
    store.save("charter", "current", {"group": "Circle", "start_month": "Smarch", "channel": "Telepathy",
                                      "ground_rules": ["Made up", GROUND_RULES[3]]})
    builder = charter_builder(store=store)
    assert builder.fields["group"].value == "Circle"
    assert builder.fields["start_month"].value == "September"
    assert builder.fields["channel"].value == CHANNELS[0]
    assert builder.fields["ground_rules"].value == (GROUND_RULES[3],)
    builder.fields["mentees"].value = "Dr. Ali"
    typed = {name: field.value for name, field in builder.fields.items()}
    builder.make_button.click()
    assert "at least two mentees" in builder.messages["mentees"].value
    assert {name: field.value for name, field in builder.fields.items()} == typed
    for name, field in builder.fields.items():
        if not isinstance(field, CheckboxGroup):
            assert "mk-field" in field._dom_classes and field.description, name


def test_the_builder_stays_away_during_autograding(monkeypatch, tmp_path):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert charter_builder(store=Store(tmp_path)) is None
