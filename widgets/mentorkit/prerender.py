"""The data labs' tables and charts, drawn once rather than on every visit.

A lesson's data lab calls a function of :mod:`mentorkit.labs` in a hidden cell
(``patton_chart()``, ``lab_table(patton_table())``). Drawn live, that cell
imports pandas and matplotlib, which is about a second of the learner's wait
and about 60 MiB of the kernel's memory, for a table and a chart that are the
same for every learner. So the lab functions are marked ``@prerendered``: in a
page Voila serves, a call whose drawing is on file returns it from
``prerendered.json`` (beside this module), and nothing heavy is imported. In
JupyterLab, in tests and with ``MENTORKIT_LIVE_LABS=1`` they run live, so the
curious can change the numbers and see the result.

``python -m mentorkit.prerender`` draws every call the lessons make and writes
the file; a test fails when the file differs from a fresh drawing (after a
change to the data, the labs or the lessons), saying to run it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path

CACHE = Path(__file__).with_name("prerendered.json")
LAB_IMPORT = re.compile(r"^from mentorkit\.labs import", re.M)

_recording: dict[str, str] | None = None
_cache: dict[str, str] | None = None


def _served_by_voila() -> bool:
    """A kernel Voila started for a page: it names the request (SERVER_SOFTWARE),
    or, for a page run ahead of the request, says whether it was (VOILA_PREHEAT)."""
    voila = (os.environ.get("SERVER_SOFTWARE", "").startswith("voila/")
             or os.environ.get("VOILA_PREHEAT") in ("True", "False"))
    return voila and not os.environ.get("MENTORKIT_LIVE_LABS")


def _drawings() -> dict[str, str]:
    global _cache
    if _cache is None:
        try:
            _cache = json.loads(CACHE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _cache = {}  # no file, or a damaged one: draw live
    return _cache


class Shown:
    """A lab's drawing from file, shown as the live call would show it; asked
    for anything else, it computes the live value and answers from that."""

    def __init__(self, key: str, html: str, live):
        self.key, self.html, self._live_call, self._value = key, html, live, None

    def _repr_html_(self) -> str:
        return self.html

    def live(self):
        if self._value is None:
            self._value = self._live_call()
        return self._value

    def __getattr__(self, name):
        # IPython asks for _ipython_display_, _repr_png_ and the like: answered
        # live, they would draw the figure after all. Only public names go live.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.live(), name)


def _key(name: str, args: tuple, kwargs: dict) -> str:
    parts = [arg.key if isinstance(arg, Shown) else repr(arg) for arg in args]
    parts += [f"{k}={v!r}" for k, v in sorted(kwargs.items())]
    return f"{name}({', '.join(parts)})"


def prerendered(function):
    """Mark a lab function whose result is the same for every learner."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        key = _key(function.__name__, args, kwargs)
        if _recording is None and _served_by_voila():
            html = _drawings().get(key)
            if html is not None:
                return Shown(key, html, lambda: function(*_live(args), **kwargs))
        value = function(*_live(args), **kwargs)
        if _recording is not None and hasattr(value, "_repr_html_"):
            _recording[key] = value._repr_html_()
            shown = Shown(key, _recording[key], None)
            shown._value = value  # so a call around this one is keyed by this call
            return shown
        return value

    return call


def _live(args: tuple) -> tuple:
    return tuple(arg.live() if isinstance(arg, Shown) else arg for arg in args)


def lab_cells(root: Path) -> list[tuple[str, str]]:
    """(lesson, source) of every code cell in the lessons that calls the labs:
    one that imports from them, or one that calls only what such a cell of the
    same lesson imported."""
    import ast

    found = []
    for path in sorted((root / "modules").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        imported: set[str] = set()
        for cell in nb.get("cells", []):
            source = "".join(cell.get("source", ""))
            if cell.get("cell_type") != "code":
                continue
            tree = ast.parse(source)
            names = {alias.asname or alias.name for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module == "mentorkit.labs"
                     for alias in node.names}
            called = {node.func.id for node in ast.walk(tree)
                      if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
            if names or (called and called <= imported):
                imported |= names
                found.append((path.stem, source))
    return found


def draw_all(root: Path) -> dict[str, str]:
    """Run every lab cell of the lessons live and keep what each call shows."""
    global _recording
    _recording = {}
    try:
        spaces: dict[str, dict] = {}
        for lesson, source in lab_cells(root):
            exec(compile(source, f"<{lesson}>", "exec"), spaces.setdefault(lesson, {}))  # noqa: S102
        return dict(sorted(_recording.items()))
    finally:
        _recording = None


def main() -> int:
    from mentorkit import prerender  # this module as the labs see it, not __main__
    from mentorkit.course import course_root

    drawings = prerender.draw_all(course_root())
    CACHE.write_text(json.dumps(drawings, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(drawings)} lab drawings written to {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
