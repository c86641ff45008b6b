"""How long a self-assessment app takes to become usable in Voila, against an
empty notebook served by the same Voila in the same run.

    python benchmarks/selfassess.py [--repeats 5]

For each page, the time runs from navigation (a fresh browser context, so no
cached page state) until:

- an app: its first input is on screen (a ``<select>`` or text box inside the
  widget area), i.e. the learner can start answering;
- the empty notebook: Voila has finished (its spinner is gone and the page
  shell is attached), the least any Voila page costs.

Each repeat loads the empty notebook, a notebook with a single drop-down (the
floor for any page with a widget: the browser must connect to the kernel and
fetch widget state, which an empty notebook never does) and the four apps in
turn; the figures are medians, and the ratio is page / empty notebook (target
for the apps: at most 1.3).
``measure(page)`` is what ``benchmarks/run.py`` calls for its row.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("competencies", "practices", "impostor-feelings", "career-conference")
EMPTY = "empty"
ONE_WIDGET = "one-widget"
SLOWEST = "slowest app"
TARGET = 1.3

APP_READY = ("() => [...document.querySelectorAll('.jupyter-widgets select, .jupyter-widgets input')]"
             ".some(e => e.offsetParent !== null)")
EMPTY_READY = ("() => document.readyState === 'complete' && !document.querySelector('#loading') "
               "&& document.querySelector('.jp-LabShell, #main') !== null")


def _notebook(code: str = "") -> str:
    cells = [{"cell_type": "code", "id": "cell", "metadata": {}, "outputs": [],
              "execution_count": None, "source": code}] if code else []
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3",
                       "display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 5})


class Bench:
    """One Voila server over a scratch folder (an empty notebook beside links
    to the course's exercises and modules) and one headless Chromium."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        from playwright.sync_api import sync_playwright

        from tests.servers import voila

        self.folder = Path(tempfile.mkdtemp(prefix="mentorkit-bench-"))
        (self.folder / "empty.ipynb").write_text(_notebook(), encoding="utf-8")
        (self.folder / "one-widget.ipynb").write_text(
            _notebook("import ipywidgets\nipywidgets.Dropdown(options=['a', 'b'], description='One')"),
            encoding="utf-8")
        for name in ("exercises", "modules"):
            (self.folder / name).symlink_to(ROOT / name)
        home = self.folder / "learner"
        self.server = voila(notebook_dir=self.folder, env={"MENTORKIT_HOME": str(home)})
        # Pages left behind keep their kernels; cull them quickly so that a long
        # run does not slow itself down with dozens of idle kernels.
        self.server.argv += ["--MappingKernelManager.cull_idle_timeout=10",
                             "--MappingKernelManager.cull_interval=5"]
        self.server.start("/voila/")
        self.playwright = sync_playwright().start()
        chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
        self.browser = self.playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu",
                                                           "--disable-dev-shm-usage"])

    def load(self, name: str) -> float:
        """Seconds from navigation until ``name`` (an app id or "empty") is usable."""
        path = (f"/voila/render/{name}.ipynb" if name in (EMPTY, ONE_WIDGET)
                else f"/voila/render/exercises/self-assessments/{name}.ipynb")
        context = self.browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        try:
            start = time.perf_counter()
            page.goto(self.server.url(path), wait_until="commit", timeout=120_000)
            page.wait_for_function(EMPTY_READY if name == EMPTY else APP_READY, timeout=120_000,
                                   polling=10)
            return time.perf_counter() - start
        finally:
            context.close()

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()
        self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


_bench: Bench | None = None


def _shared() -> Bench:
    global _bench
    if _bench is None:
        _bench = Bench()
        atexit.register(_bench.close)
        _bench.load(EMPTY)  # warm the server, the kernel spec and the browser
        for app in APPS:
            _bench.load(app)
    return _bench


def measure(name: str) -> float:
    """Seconds to a usable page: an app id, "empty", "one-widget" (a notebook
    showing a single drop-down: the least any widget page costs), or "slowest app" (the
    slowest of the four apps, each loaded once)."""
    bench = _shared()
    if name == SLOWEST:
        return max(bench.load(app) for app in APPS)
    return bench.load(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in (EMPTY, ONE_WIDGET, *APPS)}
    for _ in range(args.repeats):
        for name in times:
            times[name].append(measure(name))
    base = statistics.median(times[EMPTY])
    print(f"{'page':22} {'median s':>9} {'ratio':>7} {'target':>7}")
    print(f"{'empty notebook':22} {base:9.3f} {1:7.2f} {'-':>7}")
    one = statistics.median(times[ONE_WIDGET])
    print(f"{'one drop-down (floor)':22} {one:9.3f} {one / base:7.2f} {'-':>7}")
    over = 0
    for app in APPS:
        got = statistics.median(times[app])
        ratio = got / base
        flag = " (over target)" if ratio > TARGET else ""
        over += bool(flag)
        print(f"{app:22} {got:9.3f} {ratio:7.2f} {TARGET:7.2f}{flag}")
    print(f"\n{over} app(s) over target" if over else "\nall apps within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
