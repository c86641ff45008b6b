"""The network map app in Voila, in a real Chromium: it renders without code,
people are added by typing and clicking, the map is drawn, a reload keeps
everything, the downloads hold the network, an upload restores one; no console
errors, no serious accessibility problem, no request leaves the machine."""

import json
import time

import pytest

from mentorkit import network
from mentorkit.store import Store

from .browser_checks import RequestLog, axe_violations, describe, page_errors

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAGE = "/voila/render/exercises/self-assessments/network-map.ipynb"


def open_app(page, server):
    page.goto(server.url(PAGE), wait_until="domcontentloaded", timeout=120_000)
    page.get_by_role("button", name="Add a person").wait_for(timeout=120_000)


def saved_people(learner):
    record = Store(learner).load(network.INSTRUMENT, network.KEY)
    return record.data["people"] if record else []


def wait_for_saved(learner, check, timeout=30.0):
    """Poll the learner's store until ``check(people)`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        people = saved_people(learner)
        if check(people):
            return people
        time.sleep(0.2)
    pytest.fail(f"the store never reached the expected state: {saved_people(learner)}")


def add_person(page, name, kinds, closeness, rank, role=None, sponsor=False, outside=False):
    page.get_by_role("button", name="Add a person").click()
    box = page.get_by_label("Name or initials")
    box.wait_for(state="visible")
    box.fill(name)
    box.press("Tab")
    for kind in kinds:
        page.get_by_label(kind).check()
    page.get_by_label("How close are you?").select_option(label=closeness)
    page.get_by_label("Are they senior to you, a peer, or junior to you?").select_option(label=rank)
    if outside:
        page.get_by_label("Where do they work?").select_option(label="Outside my organization")
    if sponsor:
        page.get_by_label("Sponsors me, or is very well connected").check()
    if role:
        page.get_by_label("Do you see them as your mentor or your mentee?").select_option(label=role)


def upload(page, path):
    """Pick a file through the upload button, as a learner would."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Restore my map from a file").click()
    chooser.value.set_files(str(path))


def test_add_people_draw_the_map_and_reload(page, server, learner):
    requests = RequestLog(page)
    open_app(page, server)
    assert "network_map_app" not in page.content()
    assert "Traceback" not in page.inner_text("body")
    assert "For reflection" not in page.locator(".mk-results").inner_text()  # only with the results
    # a first visit: no "Saved" and no "You last changed this map" before anything is saved
    assert page.get_by_text("You last changed this map").count() == 0
    assert page.locator("text=Saved >> visible=true").count() == 0  # the hidden lost-kernel notice aside

    add_person(page, "DR", ["Advancing your career (triangle)", "Personal support (circle)"],
               "Close", "Senior to you",
               role="My mentor", sponsor=True)
    wait_for_saved(learner, lambda people: len(people) == 1 and people[0]["role"] == "mentor")
    add_person(page, "AB", ["Getting the job done (square)"], "Distant",
               "Junior to you", role="My mentee", outside=True)
    page.get_by_role("checkbox", name="DR", exact=True).check()
    people = wait_for_saved(learner, lambda p: len(p) == 2 and p[1]["knows"] == ["DR"]
                            and p[1]["role"] == "mentee")
    assert people[0] == {"name": "DR", "help": ["career", "personal"], "closeness": "close",
                         "rank": "senior", "inside": True, "sponsor": True, "role": "mentor",
                         "setting": "", "knows": [], "notes": ""}
    assert people[1]["inside"] is False and people[1]["help"] == ["work"]

    # a duplicate name gets a message beside the field
    page.get_by_role("button", name="Add a person").click()
    page.get_by_label("Name or initials").fill("dr")
    page.get_by_text("Person 1 is also called dr").wait_for(timeout=30_000)
    page.get_by_role("button", name="Remove this person").click()
    wait_for_saved(learner, lambda p: len(p) == 2)

    page.get_by_role("button", name="Draw my map").click()
    image = page.locator(".mk-results img")
    image.wait_for(timeout=60_000)
    assert image.get_attribute("alt").startswith("Map of your developmental network: 2 people")
    results = page.locator(".mk-results").inner_text()
    assert "Connections to power and influence" in results and "For reflection" in results

    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page_errors(page) == []
    assert requests.external() == []

    page.reload(wait_until="domcontentloaded")
    page.get_by_role("button", name="Add a person").wait_for(timeout=120_000)
    page.get_by_text("Restored your map (2 people)").wait_for(timeout=30_000)
    # one line: restored, and when to look at the map again
    assert "You last changed this map on" in page.get_by_text("Restored your map (2 people)").inner_text()
    assert page.get_by_text("You last changed this map on").count() == 1
    assert page.get_by_label("Name or initials").input_value() == "DR"
    options = page.get_by_label("Person to edit").locator("option").all_inner_texts()
    assert [o.replace("\xa0", " ") for o in options] == ["1. DR (mentor)", "2. AB (mentee)"]
    assert page_errors(page) == []  # a reload shuts the old kernel down without a 403 now


def test_download_and_upload(page, server, learner, tmp_path):
    open_app(page, server)
    if not saved_people(learner):  # this test may run alone
        add_person(page, "DR", ["Advancing your career (triangle)"],
                   "Close", "Senior to you")
        wait_for_saved(learner, lambda p: len(p) == 1 and p[0]["rank"] == "senior")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download my network (JSON)").click()
    download = caught.value
    assert download.suggested_filename == "developmental-network.json"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["format"] == "mentorkit-network"
    assert [p["name"] for p in payload["people"]] == [p["name"] for p in saved_people(learner)]

    bad = tmp_path / "notes.csv"
    bad.write_text("name,help\nX,work\n", encoding="utf-8")
    upload(page, bad)
    page.get_by_text("Nothing was changed: notes.csv does not have the columns").wait_for(timeout=30_000)
    assert [p["name"] for p in saved_people(learner)] == [p["name"] for p in payload["people"]]

    example = tmp_path / "example.csv"
    example.write_text(network.export_csv(network.load_example()), encoding="utf-8")
    upload(page, example)
    page.get_by_text("would replace your saved map").wait_for(timeout=30_000)  # asked first
    page.get_by_role("button", name="Replace my saved map").click()
    page.get_by_text("Restored 10 people from example.csv").first.wait_for(timeout=30_000)
    wait_for_saved(learner, lambda p: len(p) == 10 and p[0]["name"] == "RB")
    assert page.get_by_label("Name or initials").input_value() == "RB"
    page.get_by_text("The map it replaced is kept in").wait_for(timeout=30_000)  # a copy, not lost
    assert page_errors(page) == []
    # every link on the page is underlined, not told apart by colour alone (axe: link-in-text-block)
    page.get_by_role("button", name="Draw my map").click()
    page.locator(".mk-results img").wait_for(timeout=60_000)
    plain = page.evaluate("""() => [...document.querySelectorAll('a')]
        .filter(a => a.offsetParent !== null)
        .filter(a => !getComputedStyle(a).textDecorationLine.includes('underline'))
        .map(a => a.outerHTML.slice(0, 160))""")
    assert plain == []
    violations = axe_violations(page)
    assert violations == [], describe(violations)
