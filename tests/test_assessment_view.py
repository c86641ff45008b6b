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
from pathlib import Path

import ipywidgets as widgets
import pytest

from mentorkit import assessment as model
from mentorkit.store import Store
from mentorkit.ui.assessment import ItemField, SelfAssessmentApp, show_self_assessment

SHIPPED = ["competencies", "practices", "impostor-feelings", "career-conference"]


def shown_fields(app: SelfAssessmentApp) -> list[ItemField]:
    """The inputs of the area on screen now."""
    return [c for box in app.area_box.children for c in box.children if isinstance(c, ItemField)]


def areas(app: SelfAssessmentApp):
    """Go through the areas as a learner does, from the first with "Next area",
    giving the inputs of each area in turn."""
    app.area_list.value = 0
    while True:
        yield shown_fields(app)
        if app.next_button.disabled:
            return
        app.next_button.click()


def reach(app: SelfAssessmentApp, item_id: str) -> ItemField:
    """The input for ``item_id``, reached as a learner does: by choosing its area."""
    domain = app.instrument.item(item_id).domain
    app.area_list.value = [d.id for d in app.instrument.domains].index(domain)
    assert item_id in {f.item.id for f in shown_fields(app)}
    return app.fields[item_id]


def fill(app: SelfAssessmentApp, rating=None) -> None:
    """Answer every question the way a learner would, through the inputs, area by area."""
    order = {item.id: i for i, item in enumerate(app.instrument.items)}
    for shown in areas(app):
        for box in shown:
            item, i = box.item, order[box.item.id]
            if item.type == "rating":
                scale = app.instrument.scale
                box.input.value = rating or scale.min + i % (scale.max - scale.min + 1)
            elif item.type == "choice":
                box.input.value = item.options[-1]
            elif item.type == "number":
                box.input.value = "20"
            else:
                box.input.value = f"My answer to {item.id}"


def downloads(app: SelfAssessmentApp) -> dict[str, bytes]:
    """The files behind the download links: name -> content."""
    found = re.findall(r'download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"',
                       app.downloads.value)
    return {html.unescape(name): base64.b64decode(data) for name, data in found}


def text_of(widget: widgets.Widget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value))


def words(widget: widgets.Widget) -> str:
    """The widget's text as a reader sees it, spaces tidied."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", widget.value)).split())


@pytest.mark.parametrize("name", SHIPPED)
def test_every_app_shows_labelled_inputs_and_the_reflection_note(name):
    app = show_self_assessment(name)
    assert isinstance(app, SelfAssessmentApp)
    seen = [box for shown in areas(app) for box in shown]
    assert [box.item.id for box in seen] == [item.id for item in app.instrument.items]
    for box in seen:
        assert box.input.description == box.item.text
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
    field = reach(app, "now-clinical")
    field.input.value = "forty"
    assert field.problem == "Write a whole number."
    assert "Write a whole number." in field.message.value
    assert reach(app, "now-teaching").problem == ""  # missing ones wait for "See my results"
    saved = Store(mentorkit_home).load("career-conference", "current").data
    assert saved["answers"]["now-clinical"] == "forty"  # nothing typed is lost
    field.input.value = "40 %"
    assert field.problem == "" and app.answers.get("now-clinical") == 40


def test_totals_are_added_up_as_the_learner_types():
    app = show_self_assessment("career-conference")
    for item_id, value in (("now-clinical", "50"), ("now-teaching", "30"), ("now-research", "10"),
                           ("now-admin", "5")):
        reach(app, item_id).input.value = value
    assert words(app.totals["time-now"]) == "Total so far: 95% (it should come to 100%)."
    assert "mk-problem" not in app.totals["time-now"].value
    reach(app, "now-other").input.value = "5"
    assert words(app.totals["time-now"]).startswith("Total: 100%")
    assert "mk-problem" not in app.totals["time-now"].value


def test_a_wrong_total_shows_on_the_total_line_not_under_the_last_field():
    app = show_self_assessment("career-conference")
    for item_id, value in (("now-clinical", "50"), ("now-teaching", "30"), ("now-research", "10"),
                           ("now-admin", "5"), ("now-other", "10")):
        reach(app, item_id).input.value = value
    line = app.totals["time-now"]
    assert text_of(line).strip() == "Total: 105% \u2014 it should come to 100%."
    assert 'class="mk-total mk-problem"' in line.value and 'role="alert"' in line.value
    assert all(f.problem == "" for f in app.fields.values())  # "Anything else" (10) is not the culprit
    assert reach(app, "now-other").message.value == ""
    # the other total is not judged until its numbers are in
    reach(app, "hoped-clinical")
    assert "mk-problem" not in app.totals["time-hoped"].value
    # a problem with the last answer itself still shows beside it, and the total waits for it
    reach(app, "now-other").input.value = "-3"
    assert reach(app, "now-other").problem != "" and "mk-problem" not in line.value
    reach(app, "now-other").input.value = "5"
    assert "mk-problem" not in line.value and reach(app, "now-other").problem == ""


def test_a_wrong_total_counts_once_in_the_problems_line(mentorkit_home):
    app = show_self_assessment("career-conference")
    fill(app)  # every number is 20: 5 x 20 = 100 in both totals
    reach(app, "hoped-other").input.value = "25"
    assert app.show_results() is False
    assert text_of(app.problems_line).strip() == ("1 answer needs attention (see the note beside it). "
                                                  "Where: The balance you would like next year (1).")
    # the learner was on the last area: the page moves to the one needing attention
    assert app.instrument.domains[app.area].id == "time-hoped"
    assert "Total: 105%" in text_of(app.totals["time-hoped"])
    reach(app, "hoped-other").input.value = "20"
    assert app.show_results() is True and app.problems_line.value == ""


def test_one_missing_answer_is_singular_and_more_are_plural(mentorkit_home):
    app = show_self_assessment("practices")
    fill(app)
    first, second = next(areas(app))[:2]
    first.input.value = 0
    assert app.show_results() is False
    area = app.instrument.domains[0].title
    assert text_of(app.problems_line).strip() == ("1 answer needs attention (see the note beside it). "
                                                  f"Where: {area} (1).")
    second.input.value = 0
    assert text_of(app.problems_line).strip() == ("2 answers need attention (see the notes beside them). "
                                                  f"Where: {area} (2).")


def test_results_wait_for_every_answer_then_draw_the_radar(mentorkit_home):
    app = show_self_assessment("competencies")
    reach(app, "comm-listen").input.value = 5
    assert app.show_results() is False
    assert app.output.value == ""
    assert f"{len(app.instrument.items) - 1} answers need attention" in text_of(app.problems_line)
    assert reach(app, "comm-feedback").problem == "Choose a rating for this statement."
    assert reach(app, "comm-listen").problem == ""
    fill(app)
    assert app.problems_line.value == "" and reach(app, "comm-feedback").problem == ""
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
    assert reach(app, "comm-listen").input.value == 2


def test_a_new_view_restores_the_answers(mentorkit_home):
    app = show_self_assessment("practices")
    reach(app, "amp-credit").input.value = 4
    reach(app, "nom-award").input.value = 2
    app.participant.input.value = "P-12"
    again = show_self_assessment("practices")  # a reload, or a new kernel: only the store remains
    assert reach(again, "amp-credit").input.value == 4
    assert reach(again, "nom-award").input.value == 2
    assert reach(again, "conn-introduce").input.value == 0
    assert again.participant.input.value == "P-12"
    assert "Restored your answers" in again.status.value


def test_the_latest_timepoint_is_shown_on_reopening(mentorkit_home):
    store = Store(mentorkit_home)
    store.save("competencies", "pre", {"answers": {"comm-listen": 3}, "participant": ""})
    app = show_self_assessment("competencies")
    app.timepoint.value = "post"
    reach(app, "comm-listen").input.value = 6
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
    assert {box.item.id: box.read() for shown in areas(other) for box in shown} == expected
    assert other.participant.input.value == "Z9"
    assert fresh.load("impostor-feelings", "current").data["answers"] == expected


def test_bad_uploads_change_nothing(mentorkit_home):
    app = show_self_assessment("competencies")
    reach(app, "comm-listen").input.value = 5
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
        assert reach(app, "comm-listen").input.value == 5
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
    assert app.timepoint.value == "post" and reach(app, "comm-listen").input.value == 7
    assert app.upload.picker.value == ()


def test_practices_profile_and_next_steps(mentorkit_home):
    app = show_self_assessment("practices")
    fill(app, rating=5)
    reach(app, "adv-panel").input.value = 1
    reach(app, "adv-policy").input.value = 1
    reach(app, "adv-data").input.value = 2
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
            reach(app, item.id).input.value = 5  # reversed: "nearly always" counts as low
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
    reach(app, "now-clinical").input.value = "lots"
    reach(app, "now-teaching").input.value = "30"
    assert "need fixing are not in the download" in app.downloads.value
    rows = downloads(app)["career-conference-results.csv"].decode().splitlines()
    assert len(rows) == 2 and rows[1].endswith("now-teaching,30")


def table_rows(output: str) -> list[list[str]]:
    """The results table as text: one list of cells per row (the header first)."""
    table = re.search(r"<table>.*?</table>", output, re.S).group(0)
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_the_change_column_matches_the_rounded_numbers_beside_it(mentorkit_home):
    from decimal import Decimal

    app = show_self_assessment("competencies")
    # answers whose averages end in .25, .5, .75 and thirds: the rounding cases
    patterns = [(3, 4, 4, 4), (4, 4, 5, 4), (2, 3, 3, 4), (5, 4, 4, 4), (1, 2, 2, 2), (6, 6, 5, 5)]
    for n, box in enumerate(box for shown in areas(app) for box in shown):
        box.input.value = patterns[n % len(patterns)][n % 4]
    app.timepoint.value = "post"
    for n, box in enumerate(box for shown in areas(app) for box in shown):
        box.input.value = patterns[(n + 2) % len(patterns)][(n + 1) % 4]
    assert app.show_results()
    rows = table_rows(app.output.value)
    assert rows[0] == ["Area", "Before the course", "After the course", "Change"]
    assert len(rows) == len(app.instrument.domains) + 1
    checked = 0
    for _area, before, after, change in rows[1:]:
        assert Decimal(change) == Decimal(after) - Decimal(before), (before, after, change)
        checked += 1
    assert checked == len(app.instrument.domains)
    # the case from the review: means 4.25 and 4.5 are shown as 4.2 and 4.5, and the change as +0.3
    from mentorkit.ui.assessment import _change, _number
    assert (_number(4.25), _number(4.5), _change(4.25, 4.5)) == ("4.2", "4.5", "+0.3")
    assert (_number(3.5), _number(3.75), _change(3.5, 3.75)) == ("3.5", "3.8", "+0.3")
    assert _change(5.0, 4.0) == "-1.0" and _change(None, 4.0) == ""


@pytest.mark.parametrize("name", ["competencies", "practices"])
def test_results_tables_say_area_not_domain(name, mentorkit_home):
    app = show_self_assessment(name)
    fill(app)
    assert app.show_results()
    header = table_rows(app.output.value)[0]
    assert header[0] == "Area" and "Domain" not in html.unescape(app.output.value)
    assert "domain" not in html.unescape(app.output.value).lower()


@pytest.mark.parametrize("name", SHIPPED)
def test_every_results_page_starts_with_the_same_heading(name, mentorkit_home):
    app = show_self_assessment(name)
    fill(app)
    assert app.show_results()
    first = re.search(r"<h3>(.*?)</h3>", app.output.value).group(1)
    assert first.startswith("Your results")


def lesson_links(output: str) -> dict[str, str]:
    """Links to lessons in the results: lesson file -> the words linked."""
    return {Path(href).name: html.unescape(words) for href, words in
            re.findall(r'<a href="([^"]*modules/[^"]+\.ipynb)" target="_blank">([^<]+)</a>', output)}


def test_lessons_to_revisit_are_links_to_the_lessons(mentorkit_home):
    from mentorkit.course import LESSONS, course_root

    app = show_self_assessment("competencies")
    fill(app, rating=6)
    reach(app, "equity-own-bias").input.value = 1
    assert app.show_results()
    revisit = app.output.value.split("Lessons to revisit", 1)[1]
    found = lesson_links(revisit)
    domain = app.instrument.domain(app.instrument.item("equity-own-bias").domain)
    assert {f"{slug}.ipynb" for slug in domain.lessons} <= set(found)
    titles = {f"{lesson.slug}.ipynb": lesson.title for lesson in LESSONS}
    for name, words in found.items():
        assert (course_root() / "modules" / name).is_file() and words == titles[name]


def test_next_steps_and_resources_link_their_lessons(mentorkit_home):
    from mentorkit.course import course_root

    practices = show_self_assessment("practices")
    fill(practices, rating=1)
    assert practices.show_results()
    steps = practices.output.value.split("Next steps", 1)[1]
    expected = {f"{slug}.ipynb" for d in model.domains_to_work_on(practices.answers, 2) for slug in d.lessons}
    assert expected and expected <= set(lesson_links(steps))
    impostor = show_self_assessment("impostor-feelings")
    fill(impostor)
    assert impostor.show_results()
    where = impostor.output.value.split("Where to go from here", 1)[1]
    expected = {f"{r.lesson}.ipynb" for r in impostor.instrument.resources if r.lesson}
    assert expected and expected <= set(lesson_links(where))
    for name in lesson_links(steps) | lesson_links(where):
        assert (course_root() / "modules" / name).is_file()


def test_reverse_scored_statements_say_so_where_the_learner_answers():
    app = show_self_assessment("impostor-feelings")
    reversed_items = [i for i in app.instrument.items if i.reverse]
    assert reversed_items  # "When an opportunity comes up that fits my goals, I say yes"
    for item in app.instrument.items:
        shown = text_of(reach(app, item.id).children[1]) if len(reach(app, item.id).children) > 2 else ""
        if item.reverse:
            domain = app.instrument.domain(item.domain)
            assert "counts the other way round" in shown and domain.title in shown
        else:
            assert "other way round" not in shown
    fill(app)
    assert app.show_results()
    results = html.unescape(app.output.value)
    assert "Counted the other way round" in results
    assert all(item.text in results for item in reversed_items)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_restore_button_has_a_clear_label_and_no_file_counter(name):
    app = show_self_assessment(name)
    picker = app.upload.picker
    assert picker.description == "Restore my answers from a file\u2026"
    assert picker.tooltip == picker.description  # the CSS shows the tooltip instead of "label (0)"
    assert "mk-upload" in picker._dom_classes and picker.layout.width == "auto"
    page = " ".join(c.value for c in app.children if isinstance(c, widgets.HTML))
    assert ".mk-upload.widget-upload::after { content: attr(title)" in page


# -- one area at a time ------------------------------------------------------------
def widget_count() -> int:
    from ipywidgets.widgets.widget import _instances

    return len(_instances)


def test_only_the_first_area_is_built_at_first_and_moving_on_builds_the_next(mentorkit_home):
    instrument = model.load("competencies")
    domains = instrument.domains
    before = widget_count()
    app = SelfAssessmentApp(instrument, store=Store(mentorkit_home))
    made = widget_count() - before
    assert set(app.fields) == {item.id for item in domains[0].items}
    assert set(app.areas) == {0}
    assert "Area 1 of 10: Communication" in text_of(app.area_heading)
    assert app.previous_button.disabled and not app.next_button.disabled
    # the page sends far fewer widgets than it would with every area built
    before = widget_count()
    whole = SelfAssessmentApp(instrument, store=Store(mentorkit_home))
    for index in range(len(domains)):
        whole.show_area(index)
    assert made < 0.6 * (widget_count() - before), (made, widget_count() - before)
    app.next_button.click()
    assert set(app.areas) == {0, 1} and app.area == 1
    assert "Area 2 of 10: Aligning expectations" in text_of(app.area_heading)
    assert {b.item.id for b in shown_fields(app)} == {item.id for item in domains[1].items}
    assert set(app.fields) == {item.id for d in domains[:2] for item in d.items}
    assert not app.previous_button.disabled
    app.area_list.value = 9  # a jump from the list of areas builds only that one
    assert set(app.areas) == {0, 1, 9} and app.next_button.disabled
    assert f"Area 10 of 10: {domains[9].title}" in text_of(app.area_heading)
    app.previous_button.click()
    assert app.area == 8 and app.area_list.value == 8 and set(app.areas) == {0, 1, 8, 9}
    # going back shows the inputs built before, not new ones
    first = app.fields[domains[0].items[0].id]
    app.area_list.value = 0
    assert shown_fields(app)[0] is first


def test_the_list_of_areas_says_how_far_each_is_answered(mentorkit_home):
    app = show_self_assessment("practices")
    labels = [label for label, _ in app.area_list.options]
    assert labels[0] == "1. Amplifying voices (0 of 3 answered)" and len(labels) == 5
    reach(app, "nom-award").input.value = 2
    assert app.area_list.options[1][0] == "2. Nominating and recommending (1 of 3 answered)"
    assert app.area_list.value == 1  # updating the labels keeps the area chosen
    assert app.show_results() is False
    assert app.area_list.options[0][0] == "1. Amplifying voices (0 of 3 answered, 3 to check)"


def test_answers_to_areas_not_built_yet_are_restored_and_saved(mentorkit_home):
    store = Store(mentorkit_home)
    last = model.load("competencies").domains[-1].items[0]
    store.save("competencies", "pre", {"answers": {"comm-listen": 3, last.id: 5}, "participant": ""})
    app = show_self_assessment("competencies")
    assert last.id not in app.fields and app.answers.get(last.id) == 5
    assert app.area_list.options[-1][0].endswith("(1 of 4 answered)")
    # a change in the first area saves the answers of the areas not built as well
    reach(app, "comm-feedback").input.value = 4
    assert store.load("competencies", "pre").data["answers"] == {"comm-listen": 3, "comm-feedback": 4,
                                                                  last.id: 5}
    assert reach(app, last.id).input.value == 5  # built now, showing the saved answer
    # an upload reaches areas not built yet too
    other = show_self_assessment("competencies")
    answers = other.instrument.new_answers("pre")
    answers.set(last.id, 2)
    assert other.upload.receive("mine.json", model.export_json(other.instrument, [answers]).encode())
    other.replace()  # it replaces saved answers, so the learner is asked first
    assert last.id not in other.fields
    assert reach(other, last.id).input.value == 2


def test_see_my_results_names_the_areas_not_shown_and_goes_to_the_first(mentorkit_home):
    app = show_self_assessment("competencies")
    for box in shown_fields(app):
        box.input.value = 4
    assert app.show_results() is False
    line = text_of(app.problems_line)
    first = len(app.instrument.domains[0].items)
    assert f"{len(app.instrument.items) - first} answers need attention" in line
    assert "Where: Aligning expectations (5); Assessing understanding (4);" in " ".join(line.split())
    assert "Communication" not in line
    second = app.instrument.domains[1]
    assert app.area == 1 and f"Area 2 of 10: {second.title}" in text_of(app.area_heading)
    # the area built by the jump shows its notes beside its fields
    assert all(b.problem == "Choose a rating for this statement." for b in shown_fields(app))
    assert len(app.areas) == 2  # nothing else was built
    fill(app)
    assert app.show_results() is True and app.problems_line.value == ""


# -- timepoints and earlier versions ----------------------------------------------------------
def test_the_learner_chooses_a_timepoint_in_plain_words_with_a_line_on_when(mentorkit_home):
    app = show_self_assessment("competencies")
    labels = [label for label, _ in app.timepoint.input.options]
    assert labels == ["Before the course", "After the course", "Looking back: how you were before the course",
                      "About six months after the course"]
    assert "before the first lesson" in app.timepoint_help.value
    app.timepoint.value = "then"
    assert "Optional, at the end of the course" in app.timepoint_help.value
    assert "rate how skilled you were before the course began" in app.timepoint_help.value
    reach(app, "comm-listen").input.value = 3
    assert Store(mentorkit_home).load("competencies", "then").data["answers"] == {"comm-listen": 3}
    app.timepoint.value = "follow-up"
    assert "six months after the course ends" in app.timepoint_help.value


def test_answers_saved_with_version_1_are_shown_and_the_new_questions_named(mentorkit_home):
    instrument = model.load("competencies")
    added = {item.id for item in instrument.added_since(1)}
    old = {item.id: 5 for item in instrument.items if item.id not in added}
    Store(mentorkit_home).save("competencies", "pre", {"answers": old, "participant": "A17"},
                               instrument_version=1)
    app = show_self_assessment("competencies")
    status = html.unescape(app.status.value)
    assert "2 new areas (Wellbeing and boundaries; Research integrity and authorship)" in status
    assert "Your earlier answers are all kept" in status and "kept where they still fit" not in status
    assert app.answers.values == old and app.answers.version == 1
    assert reach(app, "comm-listen").input.value == 5 and reach(app, "well-notice").input.value == 0
    # what can be shown is shown: the new areas are "no answer", nothing is asked of the old round
    assert app.show_results(), text_of(app.problems_line)
    table = html.unescape(app.output.value)
    assert "Wellbeing and boundaries</th><td class=\"mk-num\">no answer" in table
    assert "Communication</th><td class=\"mk-num\">5.0" in table
    # an answer given now keeps the answers' version, so the added questions stay optional
    reach(app, "comm-listen").input.value = 6
    again = show_self_assessment("competencies")
    assert again.answers.version == 1 and again.answers.values["comm-listen"] == 6
    assert again.show_results()


def test_practices_answers_saved_before_it_had_timepoints_are_the_before_round(mentorkit_home):
    Store(mentorkit_home).save("practices", "current", {"answers": {"amp-credit": 4}, "participant": ""},
                               instrument_version=1)
    app = show_self_assessment("practices")
    assert app.timepoint.value == "pre" and app.answers.values == {"amp-credit": 4}
    reach(app, "amp-repeat").input.value = 2
    saved = Store(mentorkit_home).load("practices", "pre").data["answers"]
    assert saved == {"amp-credit": 4, "amp-repeat": 2}
