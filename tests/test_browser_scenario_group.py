"""Group mode of the scenario player in Voila, in a real Chromium at a projector's
1280×800: no feedback before Reveal, the room's counts typed in, then every
option's rating and feedback beside the tally, and on to an ending; nothing is
saved in the learner's store."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from mentorkit import scenario as model

from .browser_checks import axe_violations, describe, page_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(os.environ.get("MENTORKIT_SCREENSHOTS") or Path(tempfile.gettempdir()) / "mentorkit-screenshots")
SCENARIO = "busy-mentor"
PAGE = f"/voila/render/exercises/scenarios.ipynb?group=1&scenario={SCENARIO}"
RATINGS = tuple(model.RATING_LABELS.values())


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


def shot(page, name: str, near: str) -> Path:
    """What the room sees: the viewport, with ``near`` scrolled into view."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(near).first.scroll_into_view_if_needed()
    path = SHOTS / f"scenario-group-{name}.png"
    page.screenshot(path=str(path))
    return path


def open_group(page, server, path: str = PAGE):
    page.goto(server.url(path), wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(".mk-group h3", timeout=120_000)
    page.wait_for_selector(".mk-option", timeout=30_000)


def feedback_texts(page) -> list[str]:
    return page.locator(".mk-option .mk-feedback").all_inner_texts()


def test_group_mode_reveals_feedback_beside_the_tally_and_plays_to_an_ending(projector, server, learner):
    page = projector
    open_group(page, server)
    scene = model.load(SCENARIO)
    first = scene.node(scene.start)
    assert page.get_by_label("Group mode", exact=False).is_checked()
    assert scene.title in page.locator(".mk-group h3").inner_text()
    options = page.locator(".mk-option")
    assert options.count() == len(first.choices)
    # before Reveal: the options, large, and nothing of their feedback or rating
    body = page.locator(".mk-group").inner_text()
    assert feedback_texts(page) == []
    for choice in first.choices:
        assert choice.text[:40] in body
        assert choice.feedback.split("\n")[0][:40] not in body
    assert not any(label in body for label in RATINGS)
    assert page.get_by_role("button", name="Go on with A").is_hidden()
    size = page.locator(".mk-option-text").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 22, f"option text is {size}px: too small to read on a projector"

    votes = [7, 2] + [1] * (len(first.choices) - 2)
    for letter, count in zip("ABCDEFGH"[:len(votes)], votes, strict=True):
        box = page.get_by_label(f"Votes for {letter}:")
        box.fill(str(count))
        box.press("Tab")
    shot(page, "1-before-reveal", ".mk-option >> nth=-1")

    page.get_by_role("button", name="Reveal").click()
    shown_all = f"document.querySelectorAll('.mk-option .mk-feedback').length === {len(first.choices)}"
    page.wait_for_function(shown_all, timeout=30_000)
    shown = feedback_texts(page)
    for choice, text in zip(first.choices, shown, strict=True):
        assert model.RATING_LABELS[choice.rating] in text
        assert choice.feedback.split()[0] in text
    counts = [int(t) for t in page.locator(".mk-tally-count").all_inner_texts()]
    assert counts == votes
    total = sum(votes)
    widths = page.locator(".mk-bar > div").evaluate_all("bars => bars.map(b => b.style.width)")
    assert widths == [f"{round(100 * v / total)}%" for v in votes]
    most = page.locator(".mk-option").filter(has=page.locator(".mk-most"))
    assert most.count() == 1 and first.choices[0].text[:40] in most.inner_text()
    # tally and feedback side by side: the tally's left edge is right of the option text
    text_box = page.locator(".mk-option-text").first.bounding_box()
    tally_box = page.locator(".mk-tally").first.bounding_box()
    assert tally_box["x"] > text_box["x"] + text_box["width"] - 1
    assert abs(tally_box["y"] - text_box["y"]) < 60
    shot(page, "2-revealed", ".mk-option")
    violations = axe_violations(page)
    assert violations == [], describe(violations)

    # move on with the room's choice (the keyboard lands on Reveal), then go on with A to an ending
    page.get_by_role("button", name="Go on with A").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.innerText.trim() === 'Reveal'",
                           timeout=10_000)
    for _ in range(12):
        page.wait_for_selector(".mk-summary, .mk-reveal >> visible=true", timeout=30_000)
        if page.locator(".mk-summary").count():
            break
        assert feedback_texts(page) == []
        page.get_by_role("button", name="Reveal").click()
        page.get_by_role("button", name="Go on with A").wait_for(state="visible", timeout=30_000)
        page.get_by_role("button", name="Go on with A").click()
    summary = page.locator(".mk-summary")
    summary.wait_for(timeout=30_000)
    assert summary.inner_text().startswith("End of the scenario: ")
    assert "The room's path" in summary.inner_text()
    shot(page, "3-ending", ".mk-summary")

    # back to the last decision (unrevealed again), then start over at the first
    page.get_by_role("button", name="Go back").click()
    page.get_by_role("button", name="Reveal").wait_for(state="visible", timeout=30_000)
    assert page.locator(".mk-summary").count() == 0 and feedback_texts(page) == []
    page.get_by_role("button", name="Start over").click()
    page.get_by_role("button", name="Start over").wait_for(state="hidden", timeout=30_000)
    assert "decision 1" in page.locator(".mk-group-tag").inner_text().lower()
    assert page.get_by_label("Votes for A:").input_value() == "0"  # a fresh room

    # nothing of the group's way through went into anyone's progress
    assert not list(Path(learner).rglob(f"{SCENARIO}*")), list(Path(learner).rglob("*"))
    assert page_errors(page) == []


def test_the_switch_turns_group_mode_on_and_off(projector, server):
    page = projector
    page.goto(server.url("/voila/render/exercises/scenarios.ipynb"), wait_until="domcontentloaded",
              timeout=120_000)
    page.wait_for_selector(".mk-player h3", timeout=120_000)
    switch = page.get_by_label("Group mode", exact=False)
    assert not switch.is_checked() and page.locator(".mk-group").count() == 0
    switch.check()
    page.wait_for_selector(".mk-group .mk-option", timeout=30_000)
    assert page.locator(".mk-player").count() == 0
    assert page.get_by_role("button", name="Reveal").is_visible()
    switch.uncheck()
    page.wait_for_selector(".mk-player .mk-choice", timeout=30_000)
    assert page.locator(".mk-group").count() == 0


def test_an_unknown_scenario_in_the_address_says_so(projector, server):
    page = projector
    open_group(page, server, "/voila/render/exercises/scenarios.ipynb?group=1&scenario=no-such-thing")
    assert 'no scenario called "no-such-thing"' in page.locator("body").inner_text()
    assert "Traceback" not in page.locator("body").inner_text()
