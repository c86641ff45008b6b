"""The course map on the welcome page, in Voila and a real Chromium: it shows
what the learner's store says, and the lesson tick updates it."""

import pytest

from mentorkit.store import Store

from .browser_checks import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE = "/voila/render/modules/00-welcome.ipynb"


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    home = tmp_path_factory.mktemp("voila-progress")
    store = Store(home)
    store.save("scenarios", "saying-no", {"steps": [], "completions": [{"ending": "end", "steps": []}]})
    store.save("scenarios", "first-meeting", {"steps": [["start", "a"]], "completions": []})
    store.save("lessons", "02-setting-expectations", {"done": True})
    return home


def row(page, number):
    return page.locator("table.mk-map tbody tr").filter(has=page.locator(f"td:text-is('{number}')"))


def test_the_map_shows_the_learners_progress(page, server):
    page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector("table.mk-map", timeout=120_000)
    assert "from mentorkit" not in page.content()
    assert "✓ done" in row(page, "2").inner_text()
    assert "Six committees and counting: ✓ done" in row(page, "9").inner_text()
    assert "Meeting a new mentee: ◐ started" in row(page, "2").inner_text()
    lesson_link = row(page, "2").get_by_role("link", name="Setting expectations", exact=True)
    assignment = row(page, "2").get_by_role("link", name="Reflections and knowledge check")
    assert assignment.get_attribute("href").endswith(
        "exercises/assignments.ipynb?assignment=02-setting-expectations")
    assert lesson_link.get_attribute("href").endswith("02-setting-expectations.ipynb")


def test_ticking_the_welcome_updates_the_map(page, server, learner):
    page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector("table.mk-map", timeout=120_000)
    assert "✓ done" not in row(page, "0").inner_text()
    page.get_by_label("I have finished this lesson").check()
    page.locator("p.mk-meta", has_text="Saved. Press Refresh my progress").wait_for(timeout=30_000)
    assert Store(learner).load("lessons", "00-welcome").data == {"done": True}
    page.get_by_role("button", name="Refresh my progress").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('table.mk-map tbody tr')]"
        ".some(r => r.cells[0].innerText === '0' && r.innerText.includes('✓ done'))",
        timeout=30_000)


def test_links_look_like_links_and_the_labels_fit(page, server):
    page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
    page.wait_for_selector("table.mk-map", timeout=120_000)
    link = row(page, "2").get_by_role("link", name="Setting expectations", exact=True)
    style = link.evaluate("a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine]")
    assert style[0] != "rgb(27, 27, 27)" and "underline" in style[1]
    refresh = page.get_by_role("button", name="Refresh my progress")
    assert refresh.evaluate("b => b.scrollWidth <= b.clientWidth"), "the label is cut off"
    assert "lessons done (plus the welcome: " in page.locator(".mk-map-box").first.inner_text()


def test_on_a_phone_the_map_fits_the_screen(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        phone.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
        phone.wait_for_selector("table.mk-map", timeout=120_000)
        wrap = phone.locator(".mk-map-wrap")
        box = wrap.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, box
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), "cut off on the right"
        cell = row(phone, "2").locator("td[data-label='Scenarios']")
        assert cell.evaluate("td => getComputedStyle(td).display") == "block"  # lines, not columns
        assert cell.bounding_box()["width"] > 250, "a squeezed column, one word per line"
        violations = axe_violations(phone)
        assert violations == [], describe(violations)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    finally:
        context.close()
