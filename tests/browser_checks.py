"""Checks that every Voila app gets in a real Chromium: accessibility (axe-core),
console errors, and that no request leaves the machine.

    from .browser_checks import RequestLog, axe_violations, describe, page_errors

    log = RequestLog(page)                 # before page.goto(...)
    ...                                    # use the app
    assert log.external() == []            # nothing but 127.0.0.1 / localhost / data: / blob:
    assert axe_violations(page) == [], describe(axe_violations(page))
    assert page_errors(page) == []         # console errors, minus the known harmless ones

axe-core comes from PyPI: the ``axe-playwright-python`` package (a test
dependency in pyproject.toml) ships ``axe.min.js``; only that file is used,
injected into the page and run with ``axe.run``. Nothing is fetched at test
time, so the check works on a fresh machine with the test extra installed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from urllib.parse import urlparse

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}
SERIOUS = ("serious", "critical")

# Console messages that are not errors of the course's code. Each needs a reason.
HARMLESS = (
    # Chromium reports the browser-side cancel of a widget comm on page unload.
    "WebSocket is already in CLOSING or CLOSED state",
)


@cache
def axe_source() -> str:
    """The text of axe.min.js, bundled by the axe-playwright-python package."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, impacts: tuple[str, ...] = SERIOUS, exclude: tuple[str, ...] = ()) -> list[dict]:
    """axe-core's violations on the page as it is now, of the given impacts.

    ``exclude`` lists CSS selectors that axe should skip (say why at the call).
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    context = {"exclude": [[sel] for sel in exclude]} if exclude else "document"
    result = page.evaluate(
        """async (context) => {
            const ctx = context === "document" ? document : context;
            return await axe.run(ctx, {resultTypes: ["violations"]});
        }""",
        context,
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    """Violations as readable lines: rule, impact, help and the first elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


class RequestLog:
    """Every URL the page requests (documents, scripts, styles, fonts, images,
    XHR, WebSockets), recorded from the moment it is attached."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda socket: self.urls.append(socket.url))

    def external(self) -> list[str]:
        """The recorded URLs that go anywhere but this machine."""
        found = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in LOCAL_SCHEMES:
                continue
            if (parsed.hostname or "") not in LOCAL_HOSTS:
                found.append(url)
        return found


def page_errors(page) -> list[str]:
    """Console errors and uncaught exceptions collected by the ``page`` fixture,
    without the known harmless ones (see ``HARMLESS``)."""
    return [e for e in getattr(page, "console_errors", []) if not any(h in e for h in HARMLESS)]


def play_to_an_ending(page, player=None, choices: int = 12) -> None:
    """Take the first choice on every scene of a scenario player until its
    ending is drawn. The widgets' updates reach the browser one message at a
    time, so after Continue it waits until the feedback has gone and either
    the next scene's choices or the ending are on screen before it looks."""
    player = player or page.locator(".mk-player").first
    player.locator(".mk-choice").first.wait_for(timeout=60_000)
    handle = player.element_handle()
    for _ in range(choices):
        player.locator(".mk-choice:visible").first.click()
        player.get_by_role("button", name="Continue").click()
        page.wait_for_function(
            """p => p.querySelectorAll('.mk-feedback').length === 0 && (
                p.querySelector('.mk-summary') !== null ||
                [...p.querySelectorAll('.mk-choice')].some(b => b.offsetParent !== null))""",
            arg=handle, timeout=30_000)
        if player.locator(".mk-summary").count():
            return
    raise AssertionError(f"{choices} choices did not reach an ending")


# What runs past the screen's right edge, or past the edge of the box it sits
# in (a cell's output, which then scrolls sideways), or is cut off with "...",
# as a reader of the page would meet it. A table wider than the screen is
# allowed: it scrolls on its own, inside its output; so is anything visually
# hidden (a clipped one-pixel box, such as a table's headings kept for screen
# readers).
_OVERFLOWING = """() => {
  const W = window.innerWidth, found = [];
  const text = el => (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  const name = el => `${el.tagName.toLowerCase()} "${text(el)}"`;
  const hidden = el => {
    for (let up = el; up; up = up.parentElement) {
      if (up.tagName === 'TABLE' || getComputedStyle(up).clip !== 'auto'
          || up.getBoundingClientRect().width <= 1) return true;
    }
    return false;
  };
  const reported = new Set();
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || !el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      found.push(`cut off with "...": ${name(el)}`);
      continue;
    }
    // the box it sits in: the nearest ancestor that clips or scrolls sideways
    let frame = el.parentElement;
    while (frame && frame !== document.body && getComputedStyle(frame).overflowX === 'visible')
      frame = frame.parentElement;
    const inner = f => f.getBoundingClientRect().right - parseFloat(getComputedStyle(f).borderRightWidth);
    const edge = frame && frame !== document.body ? Math.min(W, inner(frame)) : W;
    if (box.right <= edge + 1 || hidden(el)) continue;
    // report the outermost element only: its children run past the edge with it
    let up = el.parentElement, inside = false;
    for (; up && up !== frame; up = up.parentElement) if (reported.has(up)) { inside = true; break; }
    if (inside) continue;
    reported.add(el);
    found.push(box.right > W + 1
      ? `${Math.round(box.right - W)}px past the screen's edge: ${name(el)}`
      : `${Math.round(box.right - edge)}px past the edge of its box (which scrolls sideways): ${name(el)}`);
  }
  return found;
}"""


def overflowing(page) -> list[str]:
    """What on the page runs past the screen's edge or its box's, or is cut off
    with "..."."""
    return page.evaluate(_OVERFLOWING)
