"""The learner's path is an app: `make start` serves the course home as a Voila
page, every learner page starts with its header, shows no code, and every link
on every learner page resolves inside Voila (a crawler, not a list).

One `make start` server is shared by the module: the crawler and the walk
through the course (at a desktop width and at a phone's) use it as a learner
would, from the address it prints."""

from __future__ import annotations

import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest

from mentorkit import launch, pages
from mentorkit.store import Store

from .browser_checks import RequestLog, overflowing, page_errors, play_to_an_ending
from .notebook_checks import ROOT
from .servers import Server, free_port, started_env

LEARNER_PAGES = pages.learner_pages()
PRESENT = [p for p in LEARNER_PAGES if (ROOT / p.path).exists()]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def notebook(path: str) -> dict:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


# -- the notebooks themselves ------------------------------------------------------------
@pytest.mark.parametrize("page", PRESENT, ids=lambda p: p.path)
def test_every_learner_page_starts_with_its_current_header(page):
    nb = notebook(page.path)
    assert pages.has_current_header(nb, page), (
        f"{page.path}: the header is missing or out of date; run `python -m mentorkit.pages`")


@pytest.mark.parametrize("page", PRESENT, ids=lambda p: p.path)
def test_no_learner_page_shows_code_in_jupyterlab_either(page):
    """Code cells are folded away: a learner never has to read or run code."""
    shown = [("".join(c["source"]))[:60] for c in notebook(page.path)["cells"]
             if c["cell_type"] == "code"
             and not c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    assert shown == [], f"{page.path}: code cells a learner would see: {shown}"


def test_the_header_of_a_lesson_names_its_neighbours_and_its_place():
    lesson5 = next(p for p in LEARNER_PAGES if p.path == "modules/05-sponsorship.ipynb")
    header = pages.header_html(lesson5)
    assert 'href="00-welcome.ipynb">Course home' in header
    assert 'href="04-implicit-bias.ipynb">&larr; Previous: 4. Implicit bias' in header
    assert 'href="06-allyship.ipynb">Next: 6. Allyship &rarr;' in header
    assert "Lesson 5 · page 6 of 16" in header and "\n\n" not in header  # one HTML block in Markdown
    inserted = next(p for p in LEARNER_PAGES if p.path == "modules/06a-culturally-aware-mentoring.ipynb")
    header = pages.header_html(inserted)
    assert 'href="06-allyship.ipynb">&larr; Previous: 6. Allyship' in header
    assert 'Next: 7. Impostor feelings &rarr;' in header and "Lesson 6a · page 8 of 16" in header
    home = pages.header_html(LEARNER_PAGES[0])
    assert "Course home</a>" not in home and "Previous" not in home and "Next: 1." in home


def test_every_header_link_points_at_a_page_that_exists():
    for page in LEARNER_PAGES:
        for href in re.findall(r'href="([^"]+)"', pages.header_html(page)):
            target = (ROOT / page.path).parent / href.split("?")[0]
            if target.resolve() == (ROOT / pages.ASSIGNMENTS).resolve() and not target.exists():
                continue  # the assignments app is checked by its own tests
            assert target.exists(), f"{page.path}: header links {href}, which does not exist"


def test_the_launcher_prints_both_addresses_and_what_each_is_for():
    urls = launch.addresses(8888, "tok")
    assert urls["course"] == "http://localhost:8888/voila/render/modules/00-welcome.ipynb?token=tok"
    assert urls["lab"] == "http://localhost:8888/lab/tree/modules/00-welcome.ipynb?token=tok"
    text = launch.banner(urls)
    assert text.index(urls["course"]) < text.index(urls["lab"])
    assert "No code." in text and "JupyterLab" in text
    argv = launch.server_argv(ROOT, 8888, "tok")
    assert f"--ServerApp.root_dir={ROOT}" in argv  # the repository root, so every link resolves
    assert "--ServerApp.port_retries=0" in argv


# -- one `make start` server for the module ----------------------------------------------
@pytest.fixture(scope="module")
def learner_home(tmp_path_factory):
    return tmp_path_factory.mktemp("course-learner")


@pytest.fixture(scope="module")
def course(learner_home):
    """`make start` as a learner runs it, with no display (so it prints the address)."""
    port, token = free_port(), secrets.token_hex(12)
    server = Server(["make", "start", f"PORT={port}"], port, cwd=ROOT, token=token,
                    env={"JUPYTER_TOKEN": token, "DISPLAY": "", "WAYLAND_DISPLAY": "",
                         "MENTORKIT_HOME": str(learner_home)})
    with server:
        server.start("/api/status", timeout=600)
        deadline_log = ""
        for _ in range(100):  # the banner follows the server's readiness by a moment
            deadline_log = server.log_tail(400)
            if "mentorkit is running" in deadline_log:
                break
            import time

            time.sleep(0.2)
        server.banner = deadline_log.split("mentorkit is running", 1)[-1]
        yield server


@pytest.mark.slow
def test_make_start_serves_the_course_home_as_an_app(course):
    addresses = re.findall(r"http://\S+", course.banner)
    assert addresses[:2] == [
        f"http://localhost:{course.port}/voila/render/modules/00-welcome.ipynb?token={course.token}",
        f"http://localhost:{course.port}/lab/tree/modules/00-welcome.ipynb?token={course.token}",
    ]
    assert "No code." in course.banner and "for facilitators and the curious" in course.banner
    # `/` leads to the course home as an app, not to JupyterLab
    with urllib.request.urlopen(course.url("/"), timeout=60) as response:
        assert urlparse(response.url).path == "/voila/render/modules/00-welcome.ipynb"
    status, body = course.get("/voila/render/modules/00-welcome.ipynb")
    assert status == 200 and "mk-header" in body and "from mentorkit" not in body
    # the repository root is served: the apps and JupyterLab answer from the same server
    assert course.get("/lab/tree/exercises/scenarios.ipynb")[0] == 200
    assert course.get("/api/contents/exercises/self-assessments")[0] == 200
    # token auth is on: the API refuses a request without it
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{course.port}/api/contents/modules", timeout=30)
    assert refused.value.code in (401, 403)


@pytest.mark.slow
def test_jupyterlab_is_set_up_for_learners(course):
    """No news pop-up, and nbgrader's instructor tools hidden (share/jupyter/learner)."""
    status, body = course.get("/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert status == 200
    assert json.loads(body)["schema"]["properties"]["fetchNews"]["default"] == "false"
    status, body = course.get("/lab/tree/modules/00-welcome.ipynb")
    config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', body, re.S).group(1))
    disabled = config["disabledExtensions"]
    for tool in ("formgrader", "create-assignment", "course-list"):
        assert f"@jupyter/nbgrader:{tool}" in disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled
    assert course.get("/formgrader")[0] == 404


@pytest.mark.slow
@pytest.mark.browser
def test_jupyterlab_opens_a_lesson_with_the_side_panels_closed_on_a_phone(browser, course):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(course.url("/lab/tree/modules/05-sponsorship.ipynb"), timeout=180_000)
    page.locator(".jp-NotebookPanel:visible").first.wait_for(timeout=180_000)
    page.locator(".jp-NotebookPanel:visible .jp-MarkdownOutput h1").first.wait_for(timeout=60_000)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lab-phone.png"))
    assert not page.locator("#jp-left-stack").is_visible(), "the file browser covers the lesson"
    assert page.locator(".jp-NotebookPanel:visible").first.bounding_box()["width"] > 300

    # merely opened, the lesson is not marked modified: once its kernel has
    # answered, JupyterLab writes the kernel's language_info into the metadata,
    # which is already what the course kernel reports (mentorkit.kernel)
    deadline = time.monotonic() + 120
    while not _sessions_for(course, "modules/05-sponsorship.ipynb"):
        assert time.monotonic() < deadline, "JupyterLab started no kernel for the lesson"
        time.sleep(0.5)
    dirty = page.locator(".jp-mod-dirty")
    settle = time.monotonic() + 15
    while time.monotonic() < settle and dirty.count() == 0:
        time.sleep(0.5)
    assert dirty.count() == 0, "JupyterLab marks the lesson modified when it is only opened"
    context.close()


def _kernels(course) -> set[str]:
    with urllib.request.urlopen(course.url("/api/kernels"), timeout=10) as response:
        return {kernel["id"] for kernel in json.loads(response.read())}


def _sessions_for(course, path: str) -> list:
    """The server's sessions (a notebook with a running kernel) for ``path``."""
    with urllib.request.urlopen(course.url("/api/sessions"), timeout=10) as response:
        sessions = json.loads(response.read())
    return [s for s in sessions if s.get("path") == path and s.get("kernel")]


def _watched_page(browser, **context_options):
    """A new page whose console errors (``page.console_errors``), failed responses
    and requests (a RequestLog) are recorded: (context, page, failed, log)."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    return context, page, failed, RequestLog(page)


# -- the crawler -------------------------------------------------------------------------
def _wait_rendered(page) -> None:
    """Voila has sent the page (it executes every cell first) and the widgets
    have drawn: the count of links and widgets holds still for a second."""
    page.wait_for_load_state("load", timeout=180_000)
    page.wait_for_function(
        """() => {
            const now = document.querySelectorAll('a[href], .jupyter-widgets').length;
            const w = window;
            if (w.__mkCount !== now) { w.__mkCount = now; w.__mkSince = Date.now(); return false; }
            return Date.now() - w.__mkSince > 1000;
        }""", polling=250, timeout=180_000)


def _course_path(url: str, course) -> str | None:
    """The course file a /voila/render/ address shows, or None when it is another kind."""
    path = urlparse(url).path
    prefix = f"/{pages.VOILA_PREFIX}"
    return path[len(prefix):] if path.startswith(prefix) else None


@pytest.mark.slow
@pytest.mark.browser
def test_every_link_on_every_learner_page_resolves_inside_voila(browser, course):
    """Breadth first from the course home: every page a learner can reach is
    rendered in Chromium; every link on it must stay on this server, open
    notebooks in Voila (never JupyterLab, never a raw file), and answer 200.
    It is read on a phone's screen, where nothing may run past the edge or be
    cut off with "..." (the walk below and the apps' own tests read them wide)."""
    context, page, failed, log = _watched_page(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    start = course.url(f"/{pages.VOILA_PREFIX}{pages.HOME}")
    queue, seen, checked, problems = deque([start]), set(), {}, []
    learner_paths = {p.path for p in LEARNER_PAGES}
    visited = []
    while queue:
        url = queue.popleft()
        path = _course_path(url, course)
        if path in seen:
            continue
        seen.add(path)
        page.goto(url, wait_until="domcontentloaded", timeout=180_000)
        _wait_rendered(page)
        visited.append(path)
        body = page.inner_text("body")
        if "Traceback" in body or "There was an error when executing cell" in body:
            problems.append(f"{path}: shows an error")
        if "from mentorkit" in page.content():
            problems.append(f"{path}: shows code")
        if not page.locator("nav.mk-header").count():
            problems.append(f"{path}: has no header")
        problems.extend(f"{path}: on a phone, {what}" for what in overflowing(page))
        plain = page.eval_on_selector_all(
            "p a[href], li a[href], td a[href], nav.mk-header a[href]",
            "els => els.filter(a => a.offsetParent !== null && "
            "!getComputedStyle(a).textDecorationLine.includes('underline')).map(a => a.innerText)")
        if plain:  # WCAG 1.4.1: a link in text is not told apart by colour alone
            problems.append(f"{path}: links not underlined: {plain[:3]}")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        for href in hrefs:
            parsed = urlparse(href)
            if parsed.scheme in ("data", "blob", "mailto", "javascript") or href.startswith("#"):
                continue
            if parsed.hostname not in ("127.0.0.1", "localhost"):
                continue  # a reference to a published source opens in the learner's browser
            if parsed.path == urlparse(url).path and not parsed.query:
                continue  # an anchor on the same page
            target = _course_path(href, course)
            if target is None:
                problems.append(f"{path}: links {parsed.path}, which is not a Voila page")
                continue
            if not (ROOT / target).exists():
                problems.append(f"{path}: links {target}, which does not exist")
                continue
            if target.endswith(".ipynb"):
                if target not in learner_paths:
                    problems.append(f"{path}: links {target}, which is not a learner page")
                assignment = parse_qs(parsed.query).get("assignment")
                if assignment and not (ROOT / "release" / assignment[0]).is_dir():
                    problems.append(f"{path}: links the assignment {assignment[0]}, which does not exist")
                if target not in seen:
                    queue.append(urljoin(href, parsed.path) + f"?token={course.token}")
            elif href not in checked:
                status = page.request.get(href).status
                checked[href] = status
                if status != 200:
                    problems.append(f"{path}: {href} answers {status}")
    context.close()
    assert problems == [], "\n".join(problems)
    assert set(p.path for p in PRESENT) <= set(visited), \
        f"learner pages no link reaches: {sorted(set(p.path for p in PRESENT) - set(visited))}"
    assert failed == [], f"requests that failed: {failed}"
    assert log.external() == [], log.external()
    assert page_errors(page) == []


# -- a learner's walk through the course -------------------------------------------------
def _wait_for_record(home, data, timeout: float = 30) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = Store(home).load("lessons", "01-models-of-mentoring")
        if record is not None and record.data == data:
            return
        time.sleep(0.2)
    pytest.fail(f"the lesson's tick was not saved as {data}")


def _no_code_and_no_error(page) -> None:
    """No code, no error, and (at any width) nothing past the screen's edge."""
    assert overflowing(page) == []
    assert "from mentorkit" not in page.content()
    assert page.locator(".jp-InputArea-editor:visible, .jp-CodeMirrorEditor:visible").count() == 0
    text = page.inner_text("body")
    assert "Traceback" not in text and "Run All" not in text and "Error" not in text


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_learner_walks_the_course_without_code(browser, course, learner_home, viewport):
    """Course home -> a lesson -> its scenario to an ending -> the competency
    self-assessment -> back home, where Your progress shows all three."""
    width, height = viewport
    name = "phone" if width < 600 else "desktop"
    SCREENSHOTS.mkdir(exist_ok=True)
    Store(learner_home)  # the store exists before the first page reads it
    context, page, failed, log = _watched_page(
        browser, viewport={"width": width, "height": height}, is_mobile=width < 600,
        has_touch=width < 600)

    # the address make start printed
    home = re.findall(r"http://\S+", course.banner)[0].replace("localhost", "127.0.0.1")
    page.goto(home, wait_until="domcontentloaded", timeout=180_000)
    page.wait_for_selector("table.mk-map", timeout=180_000)
    _no_code_and_no_error(page)
    page.screenshot(path=str(SCREENSHOTS / f"path-{name}-1-home.png"), full_page=False)

    # the header's Next link leads to lesson 1, which the server ran ahead: its
    # page comes from the kernel that ran it ahead, not one started for the click
    def run_ahead() -> set[str]:  # kernels Voila started to run a page before it was asked for
        return {k for k in _kernels(course)
                if (started_env(course, k) or {}).get("VOILA_PREHEAT") == "True"}

    deadline = time.monotonic() + 30  # lesson 1 run ahead now, or still waiting from an earlier visit
    while not run_ahead() and time.monotonic() < deadline:
        time.sleep(0.5)
    page.locator("nav.mk-header").get_by_role("link", name=re.compile("^Next: 1. Models")).click()
    page.wait_for_url(re.compile(r"01-models-of-mentoring\.ipynb"), timeout=60_000)
    page.locator(".mk-player h3").first.wait_for(timeout=180_000)
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content())
    # Voila marks the kernels it runs ahead; a kernel started for the click
    # itself, or the spare, says False
    served = started_env(course, kernel.group(1)) if kernel else None
    assert (served or {}).get("VOILA_PREHEAT") == "True", \
        "lesson 1 was not served from the lesson run ahead"
    assert page.locator("nav.mk-header .mk-where").inner_text() == "Lesson 1 of 16"
    start_over = page.locator(".mk-player").first.get_by_role("button", name="Start over")
    if start_over.is_visible():  # the other viewport's walk finished this scenario already
        start_over.click()
    _no_code_and_no_error(page)
    play_to_an_ending(page)
    tick = page.get_by_label("I have finished this lesson")
    if tick.is_checked():  # ticked by the other viewport's walk: untick, so the map must change
        tick.uncheck()
        _wait_for_record(learner_home, {"done": False})
    tick.check()
    _wait_for_record(learner_home, {"done": True})
    _no_code_and_no_error(page)  # the ending and its feedback drawn too
    page.screenshot(path=str(SCREENSHOTS / f"path-{name}-2-lesson.png"), full_page=False)

    # the lesson's link to the competency self-assessment
    page.get_by_role("link", name="the competency self-assessment").first.click()
    page.wait_for_url(re.compile(r"competencies\.ipynb"), timeout=60_000)
    page.get_by_role("button", name="See my results").wait_for(timeout=180_000)
    _no_code_and_no_error(page)
    page.get_by_role("radio", name=re.compile("Before the course")).check()
    from mentorkit import assessment as model

    instrument = model.load("competencies")
    first = instrument.items[0]
    rating = instrument.scale.label(2 if width < 600 else 3)  # differs from the other walk's
    page.get_by_label(first.text, exact=True).select_option(label=rating)
    page.get_by_text("Saved automatically").first.wait_for(timeout=30_000)
    _no_code_and_no_error(page)
    page.screenshot(path=str(SCREENSHOTS / f"path-{name}-3-app.png"), full_page=False)

    # back home through the header; Your progress has caught up
    page.locator("nav.mk-header").get_by_role("link", name="Course home").click()
    page.wait_for_url(re.compile(r"00-welcome\.ipynb"), timeout=60_000)
    page.wait_for_selector("table.mk-map", timeout=180_000)
    row = page.locator("table.mk-map tbody tr").filter(has=page.locator("td:text-is('1')"))
    cells = row.locator("td").all_inner_texts()
    assert "✓ done" in cells[2], f"lesson 1 is not shown as done: {cells}"
    assert "One mentor is not enough: ✓ done" in cells[3], f"lesson 1's scenario is not done: {cells}"
    welcome = page.locator("table.mk-map tbody tr").filter(has=page.locator("td:text-is('0')"))
    assert re.search(r"Mentoring competencies: (◐ started|✓ done)", welcome.inner_text())
    # Voila's page scrolls inside its own container, so a full-page screenshot
    # holds only the top: bring the lessons' rows into view, where the ticks are
    welcome.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"path-{name}-4-map-after.png"))
    # nothing wider than the screen on a phone
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 2, f"the page is {overflow}px wider than the screen"
    assert overflowing(page) == []
    context.close()
    assert failed == [], failed
    assert log.external() == [], log.external()
    assert page_errors(page) == []
