"""The self-assessment model: scoring (reverse items too), lowest and highest
domains, pre/post comparison, totals, exports that read back, every kind of
bad file refused with a message, and answers that survive the store."""

from __future__ import annotations

import json

import pytest

from mentorkit import assessment as model
from mentorkit.content import check_file
from mentorkit.course import SELF_ASSESSMENTS, instruments_dir
from mentorkit.store import Store

SHIPPED = ["competencies", "practices", "impostor-feelings", "career-conference"]


def tiny(**changes) -> model.Instrument:
    """A small instrument with known numbers: two rated domains (one reversed
    item) and a domain of numbers that must add up to 10."""
    data = {
        "kind": "instrument", "id": "tiny", "version": 3, "title": "Tiny check",
        "intro": "An instrument made for the tests only.", "disclaimer": "Not validated at all.",
        "results": "radar", "timepoints": ["pre", "post"],
        "scale": {"min": 1, "max": 5, "labels": {"1": "never", "5": "always"}},
        "domains": [
            {"id": "alpha", "title": "Alpha", "lessons": ["03-feedback"],
             "items": [{"id": "a1", "text": "First"}, {"id": "a2", "text": "Second", "reverse": True}]},
            {"id": "beta", "title": "Beta", "lessons": ["05-sponsorship"],
             "items": [{"id": "b1", "text": "Third"}, {"id": "b2", "text": "Fourth"}]},
            {"id": "gamma", "title": "Gamma", "lessons": ["06-allyship"],
             "items": [{"id": "g1", "text": "Fifth"}]},
            {"id": "split", "title": "Split", "total": 10,
             "items": [{"id": "s1", "text": "Part one", "type": "number", "min": 0, "max": 10, "unit": "h"},
                       {"id": "s2", "text": "Part two", "type": "number", "min": 0, "max": 10, "unit": "h"}]},
            {"id": "words", "title": "Words",
             "items": [{"id": "pick", "text": "Pick one", "type": "choice", "options": ["yes", "no"]},
                       {"id": "say", "text": "Say something", "type": "text", "max_length": 20,
                        "required": False}]},
        ],
    }
    data.update(changes)
    assert model.check(data, "tiny") == []
    return model.from_data(data)


def answered(instrument, timepoint="pre", **values) -> model.Answers:
    answers = instrument.new_answers(timepoint)
    for item_id, value in values.items():
        answers.set(item_id.replace("_", "-"), value)
    return answers


FULL = {"a1": 4, "a2": 2, "b1": 1, "b2": 2, "g1": 3, "s1": 6, "s2": 4, "pick": "yes", "say": "hello"}


# -- the shipped instruments -------------------------------------------------------
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_instrument_is_valid_and_labelled_reflective(name):
    assert check_file(instruments_dir() / f"{name}.yaml") == []
    instrument = model.load(name)
    assert instrument.id == name
    assert "not a validated instrument" in instrument.disclaimer
    assert name in {app.id for app in SELF_ASSESSMENTS}


def test_competencies_has_ten_domains_of_at_least_four_items_and_four_timepoints():
    instrument = model.load("competencies")
    assert len(instrument.domains) == 10
    assert all(len(d.items) >= 4 for d in instrument.domains)
    assert instrument.timepoints == ("pre", "post", "then", "follow-up")
    assert instrument.timepoint_label("then").startswith("Looking back: how you were before the course")
    assert (instrument.scale.min, instrument.scale.max) == (1, 7)


def test_competencies_cover_every_lesson_that_teaches_a_mentoring_skill():
    """The five lessons added to the course each name a domain to revisit."""
    covered = {lesson for d in model.load("competencies").domains for lesson in d.lessons}
    for lesson in ("02a-mentoring-up", "06a-culturally-aware-mentoring", "07a-wellbeing",
                   "09a-fostering-independence", "09b-research-integrity"):
        assert lesson in covered, lesson
    ids = {d.id for d in model.load("competencies").domains}
    assert {"wellbeing", "research-integrity", "equity-inclusion", "fostering-independence"} <= ids


def test_practices_has_a_follow_up_and_reads_its_old_single_timepoint():
    instrument = model.load("practices")
    assert instrument.timepoints == ("pre", "then", "follow-up")
    assert instrument.version == 1  # the questions did not change
    assert instrument.timepoint_of("current") == "pre"
    old = model.export_json(instrument, [], participant="")  # header only: make one by hand below
    data = json.loads(old)
    data["results"] = [{"timepoint": "current", "saved": "", "answers": {"amp-credit": 3}}]
    (answers,), _ = model.parse_export(json.dumps(data), "practices-results.json", instrument)
    assert answers.timepoint == "pre" and answers.values == {"amp-credit": 3}


def test_an_earlier_version_is_read_and_its_added_questions_are_not_required():
    instrument = model.load("competencies")
    added = {i.id for i in instrument.added_since(1)}
    assert len(added) == 12 and "well-notice" in added and "equity-culture" in added
    old = instrument.new_answers("pre")
    for item in instrument.items:
        if item.id not in added:
            old.set(item.id, 4)
    data = json.loads(model.export_json(instrument, [old]))
    data["instrument_version"] = 1
    (back,), _ = model.parse_export(json.dumps(data), "old.json", instrument)
    assert back.version == 1 and back.complete  # the new questions are not asked of version 1 answers
    assert not model.Answers(instrument, "pre", dict(back.values)).complete  # of current ones they are
    for unknown in (3, [1], {"v": 1}, True, None):  # a version it does not know is refused, never a crash
        data["instrument_version"] = unknown
        with pytest.raises(model.ExportError, match="was made with version"):
            model.parse_export(json.dumps(data), "new.json", instrument)
    saved, _ = model.Answers.from_data(instrument, "pre", {"answers": {}, "answered_version": [1]})
    assert saved.version is None
    note = instrument.added_note(1)
    assert "2 new areas (Wellbeing and boundaries; Research integrity and authorship)" in note
    assert "12 questions in all" in note


def test_impostor_check_says_it_is_not_a_diagnosis_and_has_reverse_items():
    instrument = model.load("impostor-feelings")
    assert "never a diagnosis" in instrument.disclaimer
    assert any(item.reverse for item in instrument.items)
    assert instrument.resources and instrument.bands


def test_career_conference_allocation_domains_add_up_to_100():
    instrument = model.load("career-conference")
    split = [d for d in instrument.domains if d.total is not None]
    assert [d.total for d in split] == [100, 100]
    assert [i.name for i in split[0].items] == [i.name for i in split[1].items]


# -- scoring -----------------------------------------------------------------------
def test_domain_scores_count_reverse_items_from_the_other_end():
    scores = model.domain_scores(answered(tiny(), **FULL))
    # a2 = 2 reversed on 1..5 counts as 4: (4 + 4) / 2
    assert scores == {"alpha": 4.0, "beta": 1.5, "gamma": 3.0, "split": None, "words": None}
    assert model.overall_score(answered(tiny(), **FULL)) == round((4 + 4 + 1 + 2 + 3) / 5, 2)


def test_unanswered_and_invalid_ratings_do_not_count():
    answers = answered(tiny(), a1=5)
    answers.values["a2"] = 9  # kept as given (e.g. from an old file), but not scored
    assert model.domain_scores(answers)["alpha"] == 5.0
    assert model.domain_scores(answers)["beta"] is None
    assert model.overall_score(tiny().new_answers()) is None


def test_lowest_domains_keep_ties_and_skip_unscored():
    instrument = tiny()
    scores = {"alpha": 4.0, "beta": 1.5, "gamma": 1.5, "split": None, "words": None}
    assert [d.id for d in model.lowest_domains(instrument, scores, 1)] == ["beta", "gamma"]
    assert [d.id for d in model.lowest_domains(instrument, scores, 3)] == ["beta", "gamma", "alpha"]
    assert [d.id for d in model.highest_domains(instrument, scores, 1)] == ["alpha"]
    revisit = model.lessons_to_revisit(instrument, scores, 2)
    assert [(d.id, lessons) for d, lessons in revisit] == [("beta", ("05-sponsorship",)),
                                                           ("gamma", ("06-allyship",))]
    assert model.lowest_domains(instrument, {}, 3) == []


def test_domains_to_work_on_leave_out_those_at_the_top():
    instrument = tiny()
    answers = answered(instrument, a1=5, a2=1, b1=2, b2=2, g1=5)
    assert [d.id for d in model.domains_to_work_on(answers, 2)] == ["beta"]
    answers.set("b1", 5)
    answers.set("b2", 5)
    assert model.domains_to_work_on(answers, 2) == []


def test_compare_pre_and_post():
    instrument = tiny()
    before = answered(instrument, "pre", a1=2, a2=4, b1=3)
    after = answered(instrument, "post", a1=5, a2=1, b1=3, g1=4)
    changes = {c.domain.id: c for c in model.compare(before, after)}
    assert (changes["alpha"].before, changes["alpha"].after, changes["alpha"].difference) == (2.0, 5.0, 3.0)
    assert changes["beta"].difference == 0.0
    assert changes["gamma"].before is None and changes["gamma"].difference is None


# -- checking answers --------------------------------------------------------------
def test_problems_name_each_wrong_or_missing_answer():
    instrument = tiny()
    answers = answered(instrument, a1=6, b1="three", s1="six", s2=-1, pick="maybe", say="x" * 21)
    found = answers.problems(require_all=False)
    assert found["a1"] == "Choose a rating from 1 to 5."
    assert found["b1"] == "Choose a rating from 1 to 5."
    assert found["s1"] == "Write a whole number." and found["s2"] == "Write a whole number from 0 to 10h."
    assert found["pick"] == "Choose one of the options."
    assert "21 characters" in found["say"]
    assert "a2" not in found  # missing, but only flagged when everything is required
    assert answers.problems(require_all=True)["a2"] == "Choose a rating for this statement."
    assert "say" not in answered(instrument, **{**FULL, "say": None}).problems()  # optional


def test_numbers_must_add_up_to_the_total():
    instrument = tiny()
    answers = answered(instrument, **{**FULL, "s1": 7})
    assert answers.problems()["s2"] == "Total: 11h \u2014 it should come to 10h."
    assert model.totals(answers) == {"split": 11}
    answers.set("s1", 6)
    assert answers.complete


def test_an_empty_answer_removes_it_and_a_bad_participant_code_is_flagged():
    answers = answered(tiny(), a1=3, say="words")
    answers.set("a1", 0)
    answers.set("say", "   ")
    assert answers.values == {}
    answers.participant = "has spaces"
    assert "participant" in answers.problems(require_all=False)


def test_typed_numbers():
    item = tiny().item("s1")
    assert model.typed_number("7", item) == 7
    assert model.typed_number(" 7 h", item) == 7
    assert model.typed_number("", item) is None
    assert model.typed_number("seven", item) == "seven"
    assert model.typed_number("7.5", item) == "7.5"


def test_valid_keeps_only_valid_answers():
    answers = answered(tiny(), a1=9, b1=2, pick="yes")
    assert answers.valid().values == {"b1": 2, "pick": "yes"}
    assert answers.values["a1"] == 9  # the learner's entry is still there


# -- export and import -------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_reads_back_unchanged(fmt):
    instrument = tiny()
    results = [answered(instrument, "pre", **FULL),
               answered(instrument, "post", **{**FULL, "a1": 5, "say": "a, \"quoted\"\nline"})]
    writer = model.export_csv if fmt == "csv" else model.export_json
    text = writer(instrument, results, participant="P-07")
    back, participant = model.parse_export(text.encode("utf-8"), f"tiny-results.{fmt}", instrument)
    assert participant == "P-07"
    assert {a.timepoint: a.values for a in back} == {a.timepoint: a.values for a in results}


def test_json_export_carries_the_scores():
    instrument = tiny()
    payload = json.loads(model.export_json(instrument, [answered(instrument, **FULL)]))
    assert payload["format"] == "mentorkit-self-assessment" and payload["instrument_version"] == 3
    assert payload["results"][0]["scores"]["alpha"] == 4.0


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_instrument_round_trips(name):
    instrument = model.load(name)
    answers = instrument.new_answers()
    for item in instrument.items:
        value = {"rating": instrument.scale.max if instrument.scale else None,
                 "choice": item.options[0] if item.options else None,
                 "number": 20, "text": f"About {item.id}"}[item.type]
        answers.set(item.id, value)
    assert answers.complete, answers.problems()
    for writer, suffix in ((model.export_csv, "csv"), (model.export_json, "json")):
        back, _ = model.parse_export(writer(instrument, [answers]), f"x.{suffix}", instrument)
        assert back[0].values == answers.values


def good_csv(instrument) -> str:
    return model.export_csv(instrument, [answered(instrument, **FULL)])


def good_json(instrument) -> dict:
    return json.loads(model.export_json(instrument, [answered(instrument, **FULL)]))


BAD_FILES = {
    "empty": (b"", "x.csv", "is empty"),
    "binary": (b"\xff\xfe\x00\x81\x82", "x.csv", "not a text file"),
    "neither": (b"hello there", "notes.txt", "neither a CSV nor a JSON"),
    "broken json": (b'{"format": ', "x.json", "not valid JSON"),
    "json of something else": (b'{"cells": []}', "x.json", "not a mentorkit self-assessment"),
    "csv of something else": (b"name,score\nann,3\n", "x.csv", "does not have the columns"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_a_message(case):
    content, filename, message = BAD_FILES[case]
    with pytest.raises(model.ExportError, match=message):
        model.parse_export(content, filename, tiny())


def json_bytes(payload) -> bytes:
    return json.dumps(payload).encode("utf-8")


@pytest.mark.parametrize("change, message", [
    (lambda p: p.update(instrument="practices"), "not of Tiny check"),
    (lambda p: p.update(instrument_version=2), "version 2 of this questionnaire"),
    (lambda p: p.update(format_version=9), "format 9"),
    (lambda p: p.update(participant="no spaces please"), "participant code"),
    (lambda p: p.update(results=[]), "holds no results"),
    (lambda p: p["results"][0].update(timepoint="later"), "not a timepoint"),
    (lambda p: p["results"][0]["answers"].update(zz=1), "'zz' is not a question"),
    (lambda p: p["results"][0]["answers"].update(a1=8), "answer to 'a1'"),
    (lambda p: p["results"][0]["answers"].update(pick="perhaps"), "answer to 'pick'"),
    (lambda p: p["results"][0].pop("answers"), "has no answers"),
])
def test_foreign_or_altered_json_is_refused(change, message):
    payload = good_json(tiny())
    change(payload)
    with pytest.raises(model.ExportError, match=message):
        model.parse_export(json_bytes(payload), "tiny-results.json", tiny())


@pytest.mark.parametrize("edit, message", [
    (lambda rows: rows[1].__setitem__(2, "competencies"), "not of Tiny check"),
    (lambda rows: rows[1].__setitem__(8, "eleven"), "answer to 'a1'"),
    (lambda rows: rows[1].__setitem__(7, "nope"), "line 2: 'nope' is not a question"),
    (lambda rows: rows[1].pop(), "line 2: expected 9 columns"),
    (lambda rows: rows[1].__setitem__(0, "something-else"), "line 2: not a mentorkit"),
    (lambda rows: rows[2].__setitem__(4, "OTHER"), "mixes participant codes"),
    (lambda rows: rows.__delitem__(slice(1, None)), "holds no answers"),
])
def test_foreign_or_altered_csv_is_refused(edit, message):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(good_csv(tiny()))))
    edit(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with pytest.raises(model.ExportError, match=message):
        model.parse_export(buffer.getvalue(), "tiny-results.csv", tiny())


# -- the store ---------------------------------------------------------------------
def test_answers_survive_the_store(tmp_path):
    instrument = tiny()
    answers = answered(instrument, "post", **FULL)
    answers.participant = "A17"
    Store(tmp_path).save(instrument.id, "post", answers.to_data(), instrument_version=instrument.version)
    record = Store(tmp_path).load(instrument.id, "post")
    back, notes = model.Answers.from_data(instrument, record.key, record.data, saved=record.saved)
    assert back.values == answers.values and back.participant == "A17" and notes == []
    assert back.saved == record.saved


def test_saved_answers_to_removed_questions_are_dropped_with_a_note(tmp_path):
    instrument = tiny()
    Store(tmp_path).save("tiny", "pre", {"answers": {"a1": 3, "gone": 5}, "participant": ""})
    record = Store(tmp_path).load("tiny", "pre")
    back, notes = model.Answers.from_data(instrument, "pre", record.data)
    assert back.values == {"a1": 3}
    assert notes and "no longer" in notes[0]


def test_printable_summary_has_every_answer(tmp_path):
    instrument = model.load("career-conference")
    answers = instrument.new_answers()
    answers.set("acc-list", "Two papers & a <grant>")
    page = model.summary_html(answers, "Participant P1")
    assert "Two papers &amp; a &lt;grant&gt;" in page and "(not answered)" in page
    assert page.count("<h2>") == len(instrument.domains)
    pdf = model.summary_pdf(answers)
    assert pdf.startswith(b"%PDF")


APP_NOTEBOOKS = [*SHIPPED, "network-map"]


def notebook_text(stem: str) -> tuple[str, str]:
    """(the h1, all the markdown) of an app's notebook."""
    import nbformat

    nb = nbformat.read(instruments_dir() / f"{stem}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    h1 = next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))
    return h1, text


@pytest.mark.parametrize("stem", SHIPPED)
def test_each_app_page_is_titled_as_its_instrument(stem):
    h1, _ = notebook_text(stem)
    assert h1 == model.load(stem).title


@pytest.mark.parametrize("stem", APP_NOTEBOOKS)
def test_app_pages_leave_the_disclaimer_to_the_app_and_say_how_saving_works_plainly(stem):
    _, text = notebook_text(stem)
    lowered = text.lower()
    assert "validated" not in lowered  # the app's own yellow box says it, once
    assert ("save as you go" in lowered or "saves as you go" in lowered) and "restore my" in lowered
    # Binder advice only inside one folded <details>, and no keyboard or file-format jargon
    assert lowered.count("<details>") == 1
    outside = lowered.split("<details>")[0] + lowered.split("</details>")[1]
    assert "binder" not in outside
    assert all(word not in lowered for word in ("csv", "json", "tab**", "arrow keys"))
