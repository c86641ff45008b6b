"""How fast a learner's pages become usable, served as `make start` serves them
(one Jupyter server, Voila as its extension), against an empty notebook served
by the same server in the same run.

    python benchmarks/pages.py [--repeats 3]

Figures, each a median and a ratio to the empty notebook loaded cold:

- every learner page (the course home, the lessons, the scenario player, the
  self-assessments, the assignments page): seconds from navigation, in a fresh
  browser context, until its first interactive widget (a button, a box, a
  list) is on screen. Target: at most 1.3;
- the next lesson: from a rendered lesson, a click on its *Next* link, until
  the next lesson's first widget is on screen. Target: at most 0.5. These
  clicks are made in one browser session, as a learner makes them: opened at
  the course home and kept from lesson to lesson, so the browser holds Voila's
  scripts as it does after a page or two (the first visits, and the
  baseline, each start in a fresh session, with nothing kept);
- memory: what the server, one open page's kernel and the kernel holding the
  next lesson, run ahead, hold (resident set size), the figures for
  `docs/deploy.md`'s capacity table. Target for one participant (all three):
  at most 400 MiB.

The learner's server runs the lesson after the one being read ahead of time
(mentorkit/kernels.py). So that a page's own figure is a first visit, not a
Next click in disguise, each page is loaded after the empty notebook on the
same server (whose next page is none, so nothing is run ahead). The baseline
is an empty notebook on a second server in the same run that starts kernels
as Voila does by default. Each measurement starts after a pause of ``SETTLE``
seconds, as a learner reads a page before moving on (it also gives the next
lesson time to be run ahead), the same for the baseline and the pages.

``measure(name)`` is what ``benchmarks/run.py`` calls for its rows.
"""

from __future__ import annotations

import argparse
import atexit
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from selfassess import EMPTY_READY, _notebook  # the same empty notebook, ready when Voila is done

ROOT = Path(__file__).resolve().parents[1]
EMPTY = "empty"
SLOWEST = "slowest learner page"
NEXT = "next lesson"
EMPTY_WARM = "empty (learner's server)"
BUTTONS = "buttons.ipynb"  # the least a page with a widget costs: two buttons, nothing else
PAGE_TARGET, NEXT_TARGET, MEMORY_TARGET_MIB = 1.3, 0.5, 400
SETTLE = 3.0
COLD = ("--ServerApp.kernel_manager_class="
        "jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager")

WIDGET_READY = (
    "() => [...document.querySelectorAll('.jupyter-widgets button, .jupyter-widgets input, "
    ".jupyter-widgets select, .jupyter-widgets textarea')].some(e => e.offsetParent !== null)")

# the kernels one participant's server holds: the open page's, the next lesson
# run ahead, the spare
PARTICIPANT_KERNELS = 3


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


class Bench:
    """The learner's server over a scratch folder (an empty notebook beside links
    to the course) and one headless Chromium."""

    def __init__(self, cold: bool = False, browser=None) -> None:
        sys.path.insert(0, str(ROOT / "widgets"))
        sys.path.insert(0, str(ROOT))
        from playwright.sync_api import sync_playwright

        from mentorkit import launch, pages
        from tests.servers import Server, free_port

        self.pages = [p.path for p in pages.learner_pages() if (ROOT / p.path).exists()]
        self.lessons = [p.path for p in pages.learner_pages() if p.path.startswith("modules/")]
        self.folder = Path(tempfile.mkdtemp(prefix="mentorkit-bench-pages-"))
        (self.folder / "empty.ipynb").write_text(_notebook(), encoding="utf-8")
        (self.folder / BUTTONS).write_text(_notebook(
            "import ipywidgets as w\nw.VBox([w.Button(description='One'), w.Button(description='Two')])"),
            encoding="utf-8")
        for name in ("exercises", "modules", "release", "share", "voila.json"):
            (self.folder / name).symlink_to(ROOT / name)
        port, token = free_port(), secrets.token_hex(12)
        env = {**launch.server_env(ROOT), "MENTORKIT_COURSE": str(ROOT),
               "MENTORKIT_HOME": str(self.folder / "learner")}
        argv = launch.server_argv(self.folder, port, token) + [
            # pages left behind are culled quickly, so a long run does not slow itself
            "--MappingKernelManager.cull_idle_timeout=10", "--MappingKernelManager.cull_interval=5",
            *([COLD] if cold else [])]
        self.server = Server(argv, port, cwd=self.folder, env=env, token=token)
        self.server.start("/api/status")
        self.session = None  # the learner's browser session for the Next clicks
        self.playwright = None
        if browser is not None:  # one Playwright per process: the baseline shares the browser
            self.browser = browser
            return
        self.playwright = sync_playwright().start()
        chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
        self.browser = self.playwright.chromium.launch(
            executable_path=chromium, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])

    def _open(self, path: str):
        context = self.browser.new_context(viewport={"width": 1200, "height": 900})
        return context, context.new_page()

    def load(self, path: str) -> float:
        """Seconds from navigation until ``path`` is usable (``EMPTY``: rendered)."""
        target = "empty.ipynb" if path == EMPTY else path
        context, page = self._open(target)
        time.sleep(SETTLE)
        try:
            start = time.perf_counter()
            page.goto(self.server.url(f"/voila/render/{target}"), wait_until="commit", timeout=180_000)
            page.wait_for_function(EMPTY_READY if path == EMPTY else WIDGET_READY, timeout=180_000,
                                   polling=10)
            return time.perf_counter() - start
        finally:
            context.close()

    def first_visit(self, path: str) -> float:
        """Seconds until ``path`` is usable when nothing was run ahead for it."""
        self.load(EMPTY)
        return self.load(path)

    def _learner_session(self):
        """One browser session, opened at the course home, as a learner's is."""
        if self.session is None:
            from mentorkit.pages import HOME

            self.session = self._open(HOME)
            self.session[1].goto(self.server.url(f"/voila/render/{HOME}"), wait_until="commit",
                                 timeout=180_000)
            self.session[1].wait_for_function(WIDGET_READY, timeout=180_000, polling=10)
        return self.session

    def next_lesson(self, path: str) -> float:
        """Seconds from a click on lesson ``path``'s Next link until the next
        lesson's first widget is on screen, in the learner's browser session."""
        _, page = self._learner_session()
        if not page.url.split("?")[0].endswith(f"/voila/render/{path}"):  # else the last click led here
            page.goto(self.server.url(f"/voila/render/{path}"), wait_until="commit", timeout=180_000)
            page.wait_for_function(WIDGET_READY, timeout=180_000, polling=10)
        time.sleep(SETTLE)  # the learner reads the page
        link = page.locator("nav.mk-header a[rel=next]").first
        start = time.perf_counter()
        link.click()
        page.wait_for_url(lambda url: path not in url, timeout=180_000)
        page.wait_for_function(WIDGET_READY, timeout=180_000, polling=10)
        return time.perf_counter() - start

    def memory(self) -> dict[str, float]:
        """MiB held by the server, by the kernel of one open lesson page, and by
        the kernels waiting for the next page."""
        server_pid = self.server.proc.pid
        if self.session is not None:  # one page open, as a participant has: not the Next clicks' too
            self.session[0].close()
            self.session = None
        context, page = self._open(self.lessons[5])
        try:
            page.goto(self.server.url(f"/voila/render/{self.lessons[5]}"), wait_until="commit",
                      timeout=180_000)
            page.wait_for_function(WIDGET_READY, timeout=180_000, polling=10)
            # the next lesson is run ahead meanwhile, and the kernels of pages
            # closed before are culled (after 10 idle seconds here), so that
            # what is counted is this page, the next lesson, the spare and
            # nothing else (a kernel still there after a minute is counted)
            deadline = time.monotonic() + 60
            time.sleep(10)
            while True:
                kernels = _children(server_pid)  # the server starts its kernels itself
                if len(kernels) <= PARTICIPANT_KERNELS or time.monotonic() > deadline:
                    break
                time.sleep(1)
            kernels = sorted((_rss_mib(p) for p in kernels), reverse=True)
            # the page's kernel has run the lesson: the largest; the rest wait
            return {"server": _rss_mib(server_pid), "kernel": kernels[0] if kernels else 0.0,
                    "waiting": sum(kernels[1:])}
        finally:
            context.close()

    def close(self) -> None:
        if self.session is not None:
            self.session[0].close()
        if self.playwright is not None:
            self.browser.close()
            self.playwright.stop()
        self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


_bench: Bench | None = None
_cold: Bench | None = None


def _shared() -> Bench:
    global _bench, _cold
    if _bench is None:
        _bench = Bench()
        atexit.register(_bench.close)
        _cold = Bench(cold=True, browser=_bench.browser)
        atexit.register(_cold.close)  # runs first: the shared browser closes last
        _cold.load(EMPTY)
        _bench.load(EMPTY)  # warm the server, the kernel spec and the browser
        for path in _bench.pages:
            _bench.load(path)
    return _bench


def _baseline() -> Bench:
    _shared()
    return _cold


def measure(name: str) -> float:
    """Seconds: ``EMPTY``, a learner page's path, ``SLOWEST`` (the slowest
    learner page, each loaded once) or ``NEXT`` (the slowest next-lesson click)."""
    bench = _shared()
    if name == EMPTY:
        return _baseline().load(EMPTY)
    if name == EMPTY_WARM:
        return bench.load(EMPTY)
    if name == SLOWEST:
        return max(bench.first_visit(path) for path in bench.pages)
    if name == NEXT:
        return max(bench.next_lesson(path) for path in bench.lessons[:-1])
    return bench.load(name)


def memory() -> dict[str, float]:
    """MiB: the server, one open page's kernel, the kernel waiting for the next
    page, and the three together (a participant)."""
    mem = _shared().memory()
    return {**mem, "participant": mem["server"] + mem["kernel"] + mem["waiting"]}


def _next_of() -> set[str]:
    from mentorkit import pages

    return {p.path for p in pages.learner_pages() if p.path.startswith("modules/") and p.next}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", metavar="TEXT", default="",
                        help="measure only the pages whose path contains TEXT (a quick look)")
    parser.add_argument("--no-next", action="store_true", help="leave out the next-lesson clicks")
    args = parser.parse_args()
    bench = _shared()
    bench.pages = [p for p in bench.pages if args.only in p]
    bench.lessons = [p for p in bench.lessons if args.only in p] if not args.no_next else []
    empties, warm, buttons, times = [], [], [], {path: [] for path in bench.pages}
    nexts: dict[str, list[float]] = {path: [] for path in bench.lessons[:-1]
                                     if path in _next_of()}
    for _ in range(args.repeats):
        for path in times:
            empties.append(measure(EMPTY))
            times[path].append(bench.first_visit(path))
        warm.append(measure(EMPTY_WARM))
        buttons.append(bench.first_visit(BUTTONS))
        for path in nexts:
            nexts[path].append(bench.next_lesson(path))
    base = statistics.median(empties)
    print(f"{'page':46} {'median s':>9} {'ratio':>7} {'target':>7}")
    print(f"{'empty notebook (cold: the baseline)':46} {base:9.3f} {1:7.2f} {'-':>7}")
    print(f"{'empty notebook (the learner server)':46} {statistics.median(warm):9.3f} "
          f"{statistics.median(warm) / base:7.2f} {'-':>7}")
    print(f"{'two buttons (the least a widget page costs)':46} {statistics.median(buttons):9.3f} "
          f"{statistics.median(buttons) / base:7.2f} {'-':>7}")
    over = 0
    for path, values in times.items():
        ratio = statistics.median(values) / base
        flag = " (over target)" if ratio > PAGE_TARGET else ""
        over += bool(flag)
        print(f"{path:46} {statistics.median(values):9.3f} {ratio:7.2f} {PAGE_TARGET:7.2f}{flag}")
    print(f"\n{'next lesson, from':46} {'median s':>9} {'ratio':>7} {'target':>7}")
    for path, values in nexts.items():
        ratio = statistics.median(values) / base
        flag = " (over target)" if ratio > NEXT_TARGET else ""
        over += bool(flag)
        print(f"{path:46} {statistics.median(values):9.3f} {ratio:7.2f} {NEXT_TARGET:7.2f}{flag}")
    if not (args.only or args.no_next):
        mem = memory()
        one = mem["participant"]
        over += one > MEMORY_TARGET_MIB
        print(f"\nmemory: server {mem['server']:.0f} MiB; one open page's kernel {mem['kernel']:.0f} MiB; "
              f"waiting (the next lesson run ahead, the spare kernel) {mem['waiting']:.0f} MiB; "
              f"one participant (all of them) {one:.0f} MiB (target {MEMORY_TARGET_MIB} MiB)"
              f"{' (over target)' if one > MEMORY_TARGET_MIB else ''}")
    print(f"\n{over} figure(s) over target" if over else "\nall figures within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
