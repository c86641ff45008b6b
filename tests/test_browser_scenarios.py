"""The scenario player in Voila, in a real Chromium: it renders without code,
a click shows feedback, and the keyboard alone reaches and picks a choice."""

import pytest

from .browser_checks import axe_violations, describe, page_errors, play_to_an_ending

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE = "/voila/render/exercises/scenarios.ipynb"


def open_player(page, server):
    """Open the page at the first scene (an earlier test may have left choices made)."""
    page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(".mk-player h3", timeout=120_000)
    page.wait_for_selector(".mk-choice, .mk-nav-bar .mk-nav >> visible=true", timeout=30_000)
    start_over = page.get_by_role("button", name="Start over")
    if start_over.is_visible():
        start_over.click()
        # the first scene has no Go back: wait for the re-render, not just for choices
        page.get_by_role("button", name="Go back").wait_for(state="hidden", timeout=30_000)
    page.wait_for_selector(".mk-choice", timeout=30_000)


def test_voila_renders_the_player_without_code(page, server):
    open_player(page, server)
    text = page.inner_text("body")
    assert "choose_scenario" not in page.content()
    assert "Traceback" not in text
    assert page.get_by_label("Scenario:").is_visible()
    assert page.locator(".mk-choice").count() >= 3


def test_a_click_on_a_choice_shows_its_feedback(page, server):
    open_player(page, server)
    first = page.locator(".mk-choice").first
    chosen = first.inner_text()
    first.click()
    feedback = page.locator(".mk-feedback")
    feedback.wait_for(timeout=30_000)
    assert chosen.strip()[:40] in feedback.inner_text()
    assert any(label in feedback.inner_text()
               for label in ("Helpful", "Partly helpful", "Likely to backfire"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_function("document.querySelectorAll('.mk-feedback').length === 0", timeout=30_000)


def test_the_keyboard_reaches_and_picks_a_choice(page, server):
    open_player(page, server)
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('mk-choice')"):
            break
    else:
        pytest.fail("Tab never reached a choice button")
    focused = page.evaluate("document.activeElement.innerText")
    page.keyboard.press("Enter")
    page.locator(".mk-feedback").wait_for(timeout=30_000)
    assert focused.strip()[:40] in page.locator(".mk-feedback").inner_text()


def focused_text(page):
    return page.evaluate("document.activeElement && document.activeElement.innerText || ''").strip()


def test_enter_on_a_choice_moves_focus_to_continue_then_to_the_next_choice(page, server):
    """A keyboard user is not thrown back to the top of the page after a choice."""
    open_player(page, server)
    page.locator(".mk-choice").first.focus()
    page.keyboard.press("Enter")
    page.locator(".mk-feedback").wait_for(timeout=30_000)
    page.wait_for_function("document.activeElement.classList.contains('mk-nav')", timeout=10_000)
    assert focused_text(page) == "Continue"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.classList.contains('mk-choice')", timeout=10_000)
    assert page.locator(".mk-feedback").count() == 0
    assert focused_text(page) == page.locator(".mk-choice:visible").first.inner_text().strip()


def test_the_ending_is_accessible_and_its_links_look_like_links(page, server):
    """Play to an ending: the summary (with its lesson links) comes before the
    buttons, Start over has the focus, and axe finds nothing serious."""
    open_player(page, server)
    page.get_by_role("button", name="Go back").wait_for(state="hidden", timeout=30_000)  # hidden at the start
    play_to_an_ending(page)
    summary = page.locator(".mk-summary")
    summary.wait_for(timeout=30_000)
    assert summary.inner_text().startswith("End of the scenario: ")
    start_over = page.get_by_role("button", name="Start over")
    assert summary.bounding_box()["y"] < start_over.bounding_box()["y"]
    page.wait_for_function("document.activeElement.innerText.trim() === 'Start over'", timeout=10_000)
    link = summary.get_by_role("link").first
    style = link.evaluate("a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine]")
    assert style[0] != "rgb(27, 27, 27)" and "underline" in style[1]
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page_errors(page) == []
