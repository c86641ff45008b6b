"""Small HTML helpers shared by the views: Markdown, escaping, course links, CSS."""

from __future__ import annotations

import html
import os
from pathlib import Path

from ..course import course_root

# Dark text on light tints, at least 4.5:1 everywhere; ratings are written
# out in words as well as coloured, never colour alone.
CSS = """
<style>
.mk-card { font-size: 15px; line-height: 1.5; color: #1b1b1b; max-width: 52em; }
.mk-card h3 { margin: 0.2em 0 0.4em; }
.mk-meta { color: #3d3d3d; font-size: 13px; line-height: 1.4; }  /* not a widget row's 28px */
.mk-choice.jupyter-button, .mk-choice button {
  white-space: normal; text-align: left; height: auto; min-height: 2.6em;
  padding: 0.5em 0.9em; line-height: 1.35; font-size: 14px; color: #111;
  background: #eef2f7; border: 1px solid #6b7a8c; }
.mk-choice.jupyter-button:hover { background: #dde5ef; }
.mk-choice.jupyter-button:focus-visible, .mk-nav.jupyter-button:focus-visible {
  outline: 3px solid #0b57d0; outline-offset: 2px; }
.mk-feedback { border-left: 6px solid; padding: 0.5em 1em; margin: 0.5em 0; background: #f7f7f7; }
.mk-helpful { border-color: #1a7f37; } .mk-mixed { border-color: #9a6700; }
.mk-unhelpful { border-color: #b42318; }
.mk-rating { font-weight: bold; }
.mk-status { color: #8a1c12; font-size: 13px; }
.mk-card a, .mk-map a, .mk-link a { color: #0b57d0; text-decoration: underline; }
.mk-card a:visited, .mk-map a:visited { color: #6a1b9a; }
.mk-nav.jupyter-button { border: 1px solid #4a5a6c; border-radius: 3px; margin-right: 0.5em; }
.mk-nav.jupyter-button:not(.mod-primary) { background: #ffffff; color: #111; }
.mk-nav.jupyter-button:not(.mod-primary):hover { background: #eef2f7; }
.mk-nav.jupyter-button:disabled { opacity: 0.45; border-style: dashed; }
</style>
"""


def markdown(text: str) -> str:
    """Course text (Markdown) as HTML; raw HTML in it is escaped."""
    try:
        import mistune

        return mistune.create_markdown(escape=True)(text)
    except ImportError:  # pragma: no cover - mistune comes with nbconvert
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def lesson_href(slug: str) -> str:
    """A link to a lesson, relative to the notebook being shown (its kernel's
    working directory), so it works in JupyterLab and in Voila alike."""
    target = course_root() / "modules" / f"{slug}.ipynb"
    return Path(os.path.relpath(target, Path.cwd())).as_posix()
