"""The mentoring agreement builder of lesson 02, in Voila and a real Chromium:
filled in with the keyboard and the mouse, saved as the learner goes,
readable on a phone, and free of serious accessibility problems."""

import base64
from datetime import date

import pytest

from mentorkit.agreement import CONFIDENTIALITY
from mentorkit.store import Store

from .browser_checks import SERIOUS, RequestLog, axe_source, describe, page_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE = "/voila/render/modules/02-setting-expectations.ipynb"
FORM = ".mk-form"


def open_builder(page, server):
    page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(f"{FORM} input[type=checkbox]", timeout=120_000)
    return page.locator(FORM)


def axe_in(page, selector: str) -> list[dict]:
    """axe-core's serious and critical violations inside ``selector`` only."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "async (sel) => await axe.run({include: [[sel]]}, {resultTypes: ['violations']})", selector)
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def tab_to(page, accessible_name: str, limit: int = 80) -> None:
    """Press Tab until the focused element's label reads ``accessible_name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.closest('label') || (e.labels && e.labels[0]) || e).innerText.trim(); }")
        if label == accessible_name:
            return
    pytest.fail(f"Tab never reached {accessible_name!r}")


def test_the_agreement_is_filled_by_keyboard_and_mouse(page, server, learner):
    log = RequestLog(page)
    form = open_builder(page, server)
    assert "agreement_builder" not in page.content()

    # Mouse into the first field, then the keyboard alone: type, Tab, type.
    page.get_by_label("Mentor's name", exact=True).click()
    page.keyboard.type("Dr. Ana Ruiz")
    page.keyboard.press("Tab")
    page.keyboard.type("Dr. Kwame Mensah")
    page.keyboard.press("Tab")
    page.keyboard.type("Submit the K23 in October")
    page.keyboard.press("Enter")
    page.keyboard.type("Teach one fellows' session")
    # Ways of meeting: one tick box each; Space ticks the focused box.
    tab_to(page, "Video call")
    page.keyboard.press("Space")
    assert page.get_by_label("Video call", exact=True).is_checked()
    # The mouse ticks another; the first ones stay ticked (a list box dropped them).
    form.get_by_text("Secure messaging", exact=True).click()
    for channel in ("In person", "Video call", "Secure messaging"):
        assert page.get_by_label(channel, exact=True).is_checked(), channel
    # The second confidentiality option wraps; its whole text is clickable and
    # no option's text lies over another's.
    form.get_by_text(CONFIDENTIALITY[1]).click()
    assert page.get_by_label(CONFIDENTIALITY[1]).is_checked()
    # The text as drawn (a Range), not the label's box: overflowing text spills out of its box.
    boxes = page.evaluate(
        "(sel) => [...document.querySelectorAll(sel + ' .widget-radio-box label')].map(label => {"
        " const range = document.createRange(); range.selectNodeContents(label);"
        " const r = range.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; })", FORM)
    assert len(boxes) == len(CONFIDENTIALITY)
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert upper["bottom"] <= lower["top"] + 1, (upper, lower)

    # Both dates show their year: the inputs are wide enough for dd/mm/yyyy.
    for label in ("Starting on", "Review together on"):
        width, font = page.get_by_label(label, exact=True).evaluate(
            "e => [e.clientWidth, parseFloat(getComputedStyle(e).fontSize)]")
        assert width >= 10.5 * font, (label, width, font)
    # Text areas use the page's font, not the browser's monospace.
    family = page.get_by_label("Goals for the year (one a line)").evaluate(
        "e => getComputedStyle(e).fontFamily")
    assert "monospace" not in family.lower()

    # Make it with the keyboard.
    page.get_by_role("button", name="Make my agreement").focus()
    page.keyboard.press("Enter")
    html_link = page.get_by_role("link", name="Download the agreement to print or edit (web page)")
    html_link.wait_for(timeout=30_000)
    md_link = page.get_by_role("link", name="Download the agreement as plain text (Markdown)")
    assert html_link.get_attribute("download") == "mentoring-agreement.html"
    assert md_link.get_attribute("download") == "mentoring-agreement.md"
    printable = base64.b64decode(html_link.get_attribute("href").split("base64,", 1)[1]).decode()
    assert "<h1>Mentoring agreement</h1>" in printable
    assert "<li>Teach one fellows&#x27; session</li>" in printable or \
        "<li>Teach one fellows' session</li>" in printable
    assert "By: In person, Video call, Secure messaging." in printable
    assert "Mentoring agreement" in form.locator(".mk-feedback h1").inner_text()

    saved = Store(learner).load("agreement", "current").data
    assert saved["mentor"] == "Dr. Ana Ruiz" and saved["mentee"] == "Dr. Kwame Mensah"
    assert saved["goals"] == "Submit the K23 in October\nTeach one fellows' session"
    assert saved["channels"] == ["In person", "Video call", "Secure messaging"]
    assert saved["confidentiality"] == CONFIDENTIALITY[1]
    assert date.fromisoformat(saved["review"]) > date.fromisoformat(saved["start"])

    found = axe_in(page, FORM)
    assert found == [], describe(found)
    assert page_errors(page) == []
    assert log.external() == []


def test_the_ticks_come_back_after_a_reload(page, server, learner):
    Store(learner).save("agreement", "current", {"mentor": "Dr. Lee", "channels": ["Phone", "Email"]})
    open_builder(page, server)
    assert page.get_by_label("Mentor's name", exact=True).input_value() == "Dr. Lee"
    ticked = [c for c in ("In person", "Video call", "Phone", "Email", "Secure messaging")
              if page.get_by_label(c, exact=True).is_checked()]
    assert ticked == ["Phone", "Email"]
    # A missing name is flagged under its field, and the focus goes there.
    page.get_by_label("Mentee's name", exact=True).fill("")
    page.get_by_role("button", name="Make my agreement").click()
    page.get_by_text("Write the mentee's name.").wait_for(timeout=30_000)
    page.wait_for_function("() => document.activeElement.tagName === 'INPUT'", timeout=10_000)
    assert page.evaluate("() => document.activeElement.labels[0].innerText") == "Mentee's name"
    assert page.get_by_label("Mentor's name", exact=True).input_value() == "Dr. Lee"


def test_the_form_fits_a_phone_with_labels_above_the_fields(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        form = open_builder(phone, server)
        overflow = phone.evaluate(
            "(sel) => [...document.querySelectorAll(sel + ' *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.tagName + '.' + e.className)", FORM)
        assert overflow == []
        for label in ("Mentor's name", "Starting on", "Minutes per meeting"):
            field = phone.get_by_label(label, exact=True).bounding_box()
            text = form.locator("label.widget-label", has_text=label).first.bounding_box()
            assert text["y"] + text["height"] <= field["y"] + 1, label  # above, not beside
    finally:
        context.close()
