"""Nothing a learner types is lost: two windows on one store, and Restore.

Two real app instances over one store stand for two tabs (or a laptop and a
tablet on the hub); two processes stand for two kernels writing at once."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import textwrap

from mentorkit import assessment as model
from mentorkit.store import Store
from mentorkit.ui.assessment import SelfAssessmentApp

from .test_assessment_view import downloads, reach, text_of


def rated_items(instrument: model.Instrument, count: int) -> list[str]:
    return [i.id for i in instrument.items if i.type == "rating"][:count]


def test_two_tabs_answering_alternately_keep_every_answer(tmp_path):
    instrument = model.load("competencies")
    first = SelfAssessmentApp(instrument, store=Store(tmp_path))
    second = SelfAssessmentApp(instrument, store=Store(tmp_path))
    items = rated_items(instrument, 16)
    for number, item_id in enumerate(items):
        app = first if number % 2 == 0 else second
        reach(app, item_id).input.value = 3 + number % 4
    saved = Store(tmp_path).load("competencies", "pre").data["answers"]
    assert saved == {item_id: 3 + n % 4 for n, item_id in enumerate(items)}
    # the tab that saved last shows the other tab's answers too, and says so
    assert second.answers.values == saved
    assert "another window" in text_of(second.status)
    assert reach(second, items[0]).input.value == 3


def test_a_removed_answer_stays_removed_when_another_tab_saves(tmp_path):
    instrument = model.load("competencies")
    a, b = rated_items(instrument, 2)
    first = SelfAssessmentApp(instrument, store=Store(tmp_path))
    reach(first, a).input.value = 5
    second = SelfAssessmentApp(instrument, store=Store(tmp_path))
    reach(second, a).input.value = 0  # "Choose..." takes the answer back
    reach(first, b).input.value = 2
    assert Store(tmp_path).load("competencies", "pre").data["answers"] == {b: 2}


def test_the_same_answer_changed_in_two_tabs_keeps_the_other_as_a_copy(tmp_path):
    instrument = model.load("competencies")
    (item_id,) = rated_items(instrument, 1)
    first = SelfAssessmentApp(instrument, store=Store(tmp_path))
    second = SelfAssessmentApp(instrument, store=Store(tmp_path))
    reach(first, item_id).input.value = 2
    reach(second, item_id).input.value = 6
    assert Store(tmp_path).load("competencies", "pre").data["answers"] == {item_id: 6}
    status = text_of(second.status)
    assert "both changed the same answer" in status
    copies = list((tmp_path / "competencies" / "backups").glob("pre-*.json"))
    assert len(copies) == 1 and json.loads(copies[0].read_text())["data"]["answers"] == {item_id: 2}
    assert str(copies[0]) in status


WRITER = textwrap.dedent("""
    import sys
    from mentorkit.store import Store
    home, mine, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(home)
    record = store.load("competencies", "pre")
    base = record.data if record else None
    answers = dict(base["answers"]) if base else {}
    for n in range(count):
        answers[f"{mine}-{n}"] = n
        saved, _ = store.update("competencies", "pre", {"answers": dict(answers)}, base)
        base = saved.data
        answers = dict(saved.data["answers"])
""")


def test_two_processes_saving_at_once_lose_nothing(tmp_path):
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), who, "40"])
            for who in ("left", "right")]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    answers = Store(tmp_path).load("competencies", "pre").data["answers"]
    assert answers == {f"{who}-{n}": n for who in ("left", "right") for n in range(40)}


# -- Restore asks first, keeps a copy, and can be undone ----------------------------------
def test_restore_asks_before_replacing_keeps_a_copy_and_undoes(tmp_path):
    instrument = model.load("competencies")
    store = Store(tmp_path)
    app = SelfAssessmentApp(instrument, store=store)
    items = rated_items(instrument, 32)
    for n, item_id in enumerate(items):
        reach(app, item_id).input.value = 1 + n % 7
    saved = dict(store.load("competencies", "pre").data["answers"])
    assert len(saved) == 32
    older = instrument.new_answers("pre")
    older.set(items[0], 4)
    content = model.export_csv(instrument, [older]).encode()

    assert app.upload.receive("older.csv", content) is True
    question = text_of(app.restore_question)
    assert "holds 1 answer" in question and "replaces the 32 answers" in question
    assert store.load("competencies", "pre").data["answers"] == saved  # nothing changed yet
    assert app.replace_button in app.restore_box.children[2].children

    app.keep_button.click()  # "Keep my saved answers": still nothing changed
    assert store.load("competencies", "pre").data["answers"] == saved
    assert "Nothing was changed" in html.unescape(app.upload.message)

    app.upload.receive("older.csv", content)
    app.replace_button.click()
    assert store.load("competencies", "pre").data["answers"] == {items[0]: 4}
    assert app.answers.values == {items[0]: 4}
    copies = list((tmp_path / "competencies" / "backups").glob("pre-*.json"))
    assert len(copies) == 1
    assert json.loads(copies[0].read_text())["data"]["answers"] == saved
    assert str(copies[0]) in html.unescape(app.upload.message)

    app.undo_restore_button.click()
    assert store.load("competencies", "pre").data["answers"] == saved
    assert app.answers.values == saved and reach(app, items[5]).input.value == 6
    assert "undone" in html.unescape(app.upload.message)


def test_restore_into_an_empty_page_needs_no_question_and_undo_empties_it(tmp_path):
    instrument = model.load("competencies")
    answers = instrument.new_answers("post")
    answers.set(rated_items(instrument, 1)[0], 7)
    app = SelfAssessmentApp(instrument, store=Store(tmp_path))
    assert app.upload.receive("mine.json", model.export_json(instrument, [answers]).encode())
    assert "Restored 1 answer" in html.unescape(app.upload.message)
    assert Store(tmp_path).load("competencies", "post") is not None
    app.undo_restore_button.click()
    assert Store(tmp_path).load("competencies", "post") is None
    assert "post" not in app.results


def test_a_restore_that_changes_nothing_is_not_questioned(tmp_path):
    instrument = model.load("competencies")
    app = SelfAssessmentApp(instrument, store=Store(tmp_path))
    reach(app, rated_items(instrument, 1)[0]).input.value = 3
    content = downloads(app)["competencies-results.json"]
    assert app.upload.receive("competencies-results.json", content)
    assert app.restore_box.children[-1] is app.undo_restore_button  # applied at once


# -- the document builders (agreement, charter) ------------------------------------------------
def test_two_tabs_of_the_agreement_builder_keep_both_fields(mentorkit_home):
    from mentorkit.ui.agreement import agreement_builder

    first, second = agreement_builder(), agreement_builder()
    first.fields["mentor"].value = "Dr. Lee"
    second.fields["mentee"].value = "Sam"
    first.fields["minutes"].value = 60
    saved = Store(mentorkit_home).load("agreement", "current").data
    assert (saved["mentor"], saved["mentee"], saved["minutes"]) == ("Dr. Lee", "Sam", 60)
    assert second.fields["mentor"].value == "Dr. Lee"  # shown in the other tab after its save
    assert first.fields["mentee"].value == "Sam"
    assert "another window" in first.status.value


def test_two_tabs_of_the_charter_builder_keep_both_fields(mentorkit_home):
    from mentorkit.ui.charter import charter_builder

    first, second = charter_builder(), charter_builder()
    names = list(first.fields)
    text_fields = [n for n in names if isinstance(first.fields[n].value, str)][:2]
    first.fields[text_fields[0]].value = "from the first tab"
    second.fields[text_fields[1]].value = "from the second tab"
    saved = Store(mentorkit_home).load("charter", "current").data
    assert saved[text_fields[0]] == "from the first tab"
    assert saved[text_fields[1]] == "from the second tab"
