"""The scenario player in Voila, in a real Chromium: it renders without code,
a click shows feedback, and the keyboard alone reaches and picks a choice."""

import pytest

from .servers import voila

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE = "/voila/render/exercises/scenarios.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("voila-learner")
    with voila(env={"MENTORKIT_HOME": str(home)}) as running:
        running.start("/voila/")
        yield running


def open_player(page, server):
    page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector(".mk-choice", timeout=120_000)


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
    start_over = page.get_by_role("button", name="Start over")
    if start_over.is_enabled():  # an earlier test left a choice made
        start_over.click()
        page.wait_for_selector(".mk-choice", timeout=30_000)
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
