"""The four self-assessment apps in Voila, in a real Chromium: each renders
without code, is filled in by typing and choosing, draws its chart, keeps the
answers over a reload, hands over a download whose content is right, and does
so without console errors, serious accessibility problems or any request
leaving the machine."""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from pathlib import Path

import pytest

from mentorkit import assessment as model
from mentorkit.store import Store

from .browser_checks import RequestLog, axe_violations, describe, page_errors

SHOTS = Path(os.environ.get("MENTORKIT_SCREENSHOTS") or Path(tempfile.gettempdir()) / "mentorkit-screenshots")

pytestmark = [pytest.mark.browser, pytest.mark.slow]
APPS = ["competencies", "practices", "impostor-feelings", "career-conference"]


def failed_responses(page) -> list[str]:
    """The URLs that answered with an HTTP error, recorded from now on."""
    found: list[str] = []
    page.on("response", lambda r: r.status >= 400 and found.append(f"{r.status} {r.url}"))
    return found


def page_of(name: str) -> str:
    return f"/voila/render/exercises/self-assessments/{name}.ipynb"


def open_app(page, server, name: str) -> None:
    page.goto(server.url(page_of(name)), wait_until="domcontentloaded", timeout=120_000)
    page.get_by_role("button", name="See my results").wait_for(timeout=120_000)


def answer_for(instrument: model.Instrument, item: model.Item, i: int):
    """(how to enter it, what the widget shows, what is saved) for item number i."""
    if item.type == "rating":
        value = instrument.scale.min + i % (instrument.scale.max - instrument.scale.min + 1)
        return "select", instrument.scale.label(value), value
    if item.type == "choice":
        return "select", item.options[i % len(item.options)], item.options[i % len(item.options)]
    if item.type == "number":
        return "fill", "20", 20
    return "fill", f"Answer {i}: a grant & two talks", f"Answer {i}: a grant & two talks"


def area_heading(instrument: model.Instrument, index: int):
    """The words of the heading over area ``index`` (from 0)."""
    return f"Area {index + 1} of {len(instrument.domains)}: {instrument.domains[index].title}"


def go_to_area(page, instrument: model.Instrument, index: int) -> None:
    """Choose an area from the list of areas and wait for its questions."""
    page.get_by_label("Go to area", exact=True).select_option(index=index)
    page.get_by_role("heading", name=area_heading(instrument, index)).wait_for(timeout=30_000)
    page.get_by_label(instrument.domains[index].items[0].text, exact=True).wait_for(timeout=30_000)


def fill_in(page, instrument: model.Instrument) -> dict:
    """Answer every question, area by area with "Next area", as a learner does."""
    expected = {}
    order = {item.id: i for i, item in enumerate(instrument.items)}
    go_to_area(page, instrument, 0)
    for index, domain in enumerate(instrument.domains):
        if index:
            page.get_by_role("button", name="Next area").click()
            page.get_by_role("heading", name=area_heading(instrument, index)).wait_for(timeout=30_000)
        for item in domain.items:
            how, shown, saved = answer_for(instrument, item, order[item.id])
            field = page.get_by_label(item.text, exact=True)
            if how == "select":
                field.select_option(label=shown)
            else:
                field.fill(shown)
                field.press("Tab")  # text boxes send their value on blur or Enter
            expected[item.id] = saved
    return expected


@pytest.mark.parametrize("name", APPS)
def test_the_app_works_end_to_end_in_voila(page, server, learner, name):
    instrument = model.load(name)
    log = RequestLog(page)
    failed = failed_responses(page)
    open_app(page, server, name)
    body = page.inner_text("body")
    assert "show_self_assessment" not in page.content() and "Traceback" not in body
    assert instrument.title in body
    assert "not a validated instrument" in body

    # a missing answer gets a message beside its field, not a traceback
    page.get_by_role("button", name="See my results").click()
    page.get_by_text("need attention").first.wait_for(timeout=30_000)
    # the notes show beside the fields of the area on screen; the others are named
    first_area = instrument.domains[0]
    assert page.locator(".mk-problem").count() >= len([i for i in first_area.items if i.required])
    if len(instrument.domains) > 1:
        assert f"Where: {first_area.title} (" in page.inner_text("body")

    if instrument.timepoints != ("current",):
        first_time = instrument.timepoint_label(instrument.timepoints[0])
        if "then" in instrument.timepoints:  # the then-test says plainly what it asks
            page.get_by_role("radio", name=instrument.timepoint_label("then"), exact=True).check()
            page.get_by_text("Optional, at the end of the course").wait_for(timeout=30_000)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"selfassess-{name}-looking-back.png"))
        page.get_by_role("radio", name=first_time, exact=True).check()
    expected = fill_in(page, instrument)
    page.get_by_role("button", name="See my results").click()
    page.locator(".mk-results img").wait_for(timeout=60_000)
    assert page.locator(".mk-problem").count() == 0
    alt = page.locator(".mk-results img").first.get_attribute("alt")
    assert alt and len(alt) > 20

    key = instrument.timepoints[0]
    saved = Store(learner).load(name, key)
    assert saved is not None and saved.data["answers"] == expected

    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("link", name="Download my answers (CSV)").click()
    download = info.value
    assert download.suggested_filename == f"{name}-results.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert {r["item"]: r["value"] for r in rows} == {k: str(v) for k, v in expected.items()}
    assert {r["instrument"] for r in rows} == {name}

    if name == "career-conference":
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("link", name="Download the summary (PDF)").click()
        assert open(info.value.path(), "rb").read(5) == b"%PDF-"

    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page_errors(page) == []

    page.reload(wait_until="domcontentloaded")
    page.get_by_role("button", name="See my results").wait_for(timeout=120_000)
    first = instrument.items[0]
    how, shown, _ = answer_for(instrument, first, 0)
    field = page.get_by_label(first.text, exact=True)
    if how == "select":
        # ipywidgets writes option spaces as no-break spaces
        assert field.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ") == shown
    else:
        assert field.input_value() == shown
    assert page.get_by_text("Restored your answers").is_visible()

    assert page_errors(page) == []
    assert failed == []  # no request refused, the kernel shutdown of the reload included
    assert log.external() == []


def test_a_foreign_upload_is_refused_in_the_page(page, server, learner, tmp_path):
    open_app(page, server, "practices")
    foreign = tmp_path / "competencies-results.json"
    competencies = model.load("competencies")
    answers = competencies.new_answers("pre")
    answers.set("comm-listen", 3)
    foreign.write_text(model.export_json(competencies, [answers]), encoding="utf-8")
    before = Store(learner).load("practices", "current")
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.get_by_role("button", name="Restore my answers from a file").click()
    chooser.value.set_files(str(foreign))
    page.get_by_text("Nothing was changed").wait_for(timeout=30_000)
    assert "not of Allyship and sponsorship practices" in page.inner_text("body")
    after = Store(learner).load("practices", "current")
    assert (before and before.data) == (after and after.data)
    assert page_errors(page) == []


def test_the_keyboard_alone_answers_and_asks_for_results(page, server, learner):
    Store(learner).delete("impostor-feelings", "current")  # start from a blank page
    open_app(page, server, "impostor-feelings")
    instrument = model.load("impostor-feelings")
    first = instrument.items[0]
    page.get_by_label("Participant code (optional)").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.tagName + ' ' + "
                            "(document.activeElement.labels?.[0]?.innerText || '')")
    assert focused.replace("\xa0", " ") == f"SELECT {first.text}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "([label]) => { const s = [...document.querySelectorAll('select')].find("
        "x => x.labels?.[0]?.innerText.replace(/\\u00a0/g, ' ') === label); "
        "return s && s.selectedIndex === 2; }",
        arg=[first.text], timeout=10_000)
    page.get_by_role("button", name="See my results").focus()
    page.keyboard.press("Enter")
    page.get_by_text("need attention").first.wait_for(timeout=30_000)
    record = Store(learner).load("impostor-feelings", "current")
    assert record.data["answers"][first.id] == instrument.scale.min + 1
    assert page_errors(page) == []


def test_the_page_reads_cleanly(page, server, learner):
    """One disclaimer, a restore button that says what it does (no "(0)", not
    page-wide), help lines at a normal line height, and a wrong total flagged on
    its total line."""
    Store(learner).delete("career-conference", "current")
    open_app(page, server, "career-conference")
    body = page.inner_text("body")
    assert body.count("not a validated instrument") == 1
    details = page.locator("details")
    assert details.count() == 1 and not details.first.evaluate("d => d.open")  # Binder advice, folded

    button = page.get_by_role("button", name="Restore my answers from a file")
    shown = button.evaluate("b => getComputedStyle(b, '::after').content")
    assert shown == '"Restore my answers from a file\u2026"'
    assert button.evaluate("b => getComputedStyle(b).fontSize") == "0px"  # "(0)" is not drawn
    width = button.bounding_box()["width"]
    assert 150 < width < 400, width

    help_line = page.locator(".mk-help").first
    height = help_line.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    size = help_line.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert height <= 1.5 * size, (height, size)

    instrument = model.load("career-conference")
    domain = next(d for d in instrument.domains if d.total is not None)
    page.get_by_role("button", name="Next area").click()
    page.get_by_role("heading", name=area_heading(instrument, instrument.domains.index(domain))).wait_for(
        timeout=30_000)
    for item, value in zip(domain.items, ["50", "30", "10", "5", "10"], strict=True):
        box = page.get_by_label(item.text, exact=True)
        box.fill(value)
        box.press("Tab")
    total = page.locator(".mk-total.mk-problem")
    total.wait_for(timeout=30_000)
    assert total.inner_text().strip().endswith("Total: 105% \u2014 it should come to 100%.")
    assert page.locator(".mk-problem").count() == 1  # not under "Anything else" as well
    assert page_errors(page) == []


def test_lessons_to_revisit_are_visible_links(page, server, learner):
    Store(learner).delete("competencies", "pre")
    Store(learner).delete("competencies", "post")
    open_app(page, server, "competencies")
    instrument = model.load("competencies")
    page.get_by_role("radio", name=instrument.timepoint_label("pre"), exact=True).check()
    fill_in(page, instrument)
    page.get_by_role("button", name="See my results").click()
    page.locator(".mk-results img").wait_for(timeout=60_000)
    links = page.locator(".mk-results li a")
    assert links.count() >= 1
    first = links.first
    assert first.get_attribute("href").endswith(".ipynb") and first.get_attribute("target") == "_blank"
    assert first.evaluate("a => getComputedStyle(a).textDecorationLine") == "underline"
    assert first.evaluate("a => getComputedStyle(a).color") == "rgb(11, 87, 208)"
    header = page.locator(".mk-results table th").first.inner_text().strip()
    assert header == "Area"
    assert page_errors(page) == []


def test_one_area_at_a_time_built_as_the_learner_moves(page, server, learner):
    """Only the first area's inputs exist when the page opens; "Next area" (by
    keyboard) builds and shows the next; an answer saved for an area not built
    yet appears when the learner gets there; "See my results" goes to an area
    needing attention."""
    instrument = model.load("competencies")
    store = Store(learner)
    store.delete("competencies", "pre")
    store.delete("competencies", "post")
    later = instrument.domains[5].items[1]
    store.save("competencies", "pre", {"answers": {later.id: 6}, "participant": ""},
               instrument_version=instrument.version)
    open_app(page, server, "competencies")
    first, second = instrument.domains[0], instrument.domains[1]
    page.get_by_role("heading", name=area_heading(instrument, 0)).wait_for(timeout=30_000)
    questions = page.locator(".mk-row select")
    assert questions.count() == len(first.items)
    assert page.get_by_label(second.items[0].text, exact=True).count() == 0
    # the list of areas says how far each is answered
    options = page.get_by_label("Go to area", exact=True).locator("option").all_inner_texts()
    assert len(options) == len(instrument.domains)
    assert options[5].replace("\xa0", " ").endswith(f"(1 of {len(instrument.domains[5].items)} answered)")

    page.get_by_role("button", name="Next area").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=area_heading(instrument, 1)).wait_for(timeout=30_000)
    page.get_by_label(second.items[0].text, exact=True).wait_for(timeout=30_000)
    assert page.get_by_label(first.items[0].text, exact=True).count() == 0  # one area at a time
    assert page.locator(".mk-row select").count() == len(second.items)
    page.get_by_role("button", name="Previous area").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=area_heading(instrument, 0)).wait_for(timeout=30_000)
    # "Previous area" is disabled on the first area: the keyboard focus moves to "Next area"
    page.wait_for_function("() => document.activeElement?.innerText?.trim() === 'Next area'",
                           timeout=10_000)

    go_to_area(page, instrument, 5)
    box = page.get_by_label(later.text, exact=True)
    assert box.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ") == \
        instrument.scale.label(6)

    # answer the first area only: "See my results" names the others and goes to the first of them
    go_to_area(page, instrument, 0)
    for item in first.items:
        page.get_by_label(item.text, exact=True).select_option(label=instrument.scale.label(4))
    page.get_by_role("button", name="See my results").click()
    page.get_by_role("heading", name=area_heading(instrument, 1)).wait_for(timeout=30_000)
    line = page.get_by_text("need attention").first.inner_text()
    assert "Where: Aligning expectations (5)" in line and "Communication" not in line
    assert page.locator(".mk-problem").count() == len(second.items)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page_errors(page) == []


def test_two_tabs_keep_every_answer_and_restore_asks_first(page, server, learner, tmp_path):
    """Two tabs on one learner's store, answering in turn, lose nothing (each
    tab had said "Saved automatically" while half the answers were lost); a
    restore over saved answers asks, keeps a copy and can be undone."""
    import shutil

    shutil.rmtree(learner / "competencies", ignore_errors=True)
    instrument = model.load("competencies")
    second = page.context.new_page()
    open_app(page, server, "competencies")
    open_app(second, server, "competencies")
    items = instrument.domains[0].items[:2] + instrument.domains[1].items[:2]
    for number, item in enumerate(items):
        tab = page if number % 2 == 0 else second
        area = next(i for i, d in enumerate(instrument.domains) if d.id == item.domain)
        go_to_area(tab, instrument, area)
        tab.get_by_label(item.text, exact=True).select_option(label=instrument.scale.label(4))
        # each answer reaches the store before the other tab answers (as a learner switching tabs)
        wanted = {i.id: 4 for i in items[: number + 1]}
        deadline = time.monotonic() + 30
        while (record := Store(learner).load("competencies", "pre")) is None or \
                set(record.data["answers"]) < set(wanted):
            assert time.monotonic() < deadline, f"not saved: {record and record.data}"
            time.sleep(0.2)
    assert record.data["answers"] == {item.id: 4 for item in items}
    second.get_by_text("Answers given in another window were kept").wait_for(timeout=30_000)
    second.screenshot(path=str(tmp_path / "second-tab.png"), full_page=True)
    second.close()

    older = instrument.new_answers("pre")
    older.set(items[0].id, 2)
    path = tmp_path / "older.csv"
    path.write_text(model.export_csv(instrument, [older]), encoding="utf-8")
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.get_by_role("button", name="Restore my answers from a file").click()
    chooser.value.set_files(str(path))
    page.get_by_text("Restoring it replaces the 4 answers saved here").wait_for(timeout=30_000)
    assert Store(learner).load("competencies", "pre").data["answers"] == record.data["answers"]
    page.screenshot(path=str(tmp_path / "restore-question.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Replace my saved answers").click()
    page.get_by_role("button", name="Undo the restore").wait_for(timeout=30_000)
    assert Store(learner).load("competencies", "pre").data["answers"] == {items[0].id: 2}
    assert len(list((learner / "competencies" / "backups").glob("pre-*.json"))) == 1
    page.get_by_role("button", name="Undo the restore").click()
    page.get_by_text("The restore was undone").first.wait_for(timeout=30_000)
    assert Store(learner).load("competencies", "pre").data["answers"] == record.data["answers"]
    assert page_errors(page) == []
