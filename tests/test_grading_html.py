"""Grading pages run nothing a participant wrote: the course's nbgrader
configuration, applied to nbgrader's own Formgrader and feedback templates,
turns a reflection's ``<script>`` and ``onerror`` into text and keeps the
Markdown readable (headings, paragraphs, lists, links). The live Formgrader on
the hub, in Chromium, is in test_hub.py."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbgrader.server_extensions.formgrader import handlers
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
# what nbgrader's Formgrader passes its template (server_extensions/formgrader/handlers.py)
RESOURCES = {"assignment_id": "a1", "notebook_id": "a1", "submission_id": "s1", "index": 0, "total": 1,
             "base_url": "/user/facilitator", "student": "p1", "last_name": None, "first_name": None,
             "notebook_path": "course/autograded/p1/a1/a1.ipynb",
             # and what nbgrader's GetGrades adds for the feedback template
             "nbgrader": {"score": 0, "max_score": 1, "late_penalty": 0, "notebook": "a1"}}
REFLECTION = ("## My reflection\n\nA paragraph with a [link](https://example.org) and *emphasis*.\n\n"
              "- one\n- two\n\n<script>window.pwned = 1</script>\n\n"
              '<img src="x.png" onerror="window.pwned = 2">\n\n'
              '<a href="javascript:window.pwned = 3">click</a>\n\n<svg onload="window.pwned = 4"></svg>\n\n'
              '<iframe src="https://example.org"></iframe>\n')


def course_config() -> Config:
    config = Config()
    exec(compile((ROOT / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"),
         {"get_config": lambda: config, "__file__": str(ROOT / "nbgrader_config.py")})
    return config


@pytest.mark.parametrize("template", ["formgrade", "feedback"])
def test_nbgraders_templates_render_a_reflection_without_its_markup(template):
    config = course_config()
    config.HTMLExporter.template_name = template
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    # as nbgrader's GenerateFeedback does: the feedback page inlines bootstrap's CSS
    config.HTMLExporter.extra_template_paths = [
        str(Path(handlers.__file__).parent / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(REFLECTION, metadata={"nbgrader": {
        "grade": True, "solution": True, "grade_id": "reflection", "points": 1, "score": 1,
        "schema_version": 3,
        "locked": False, "task": False}})])
    html, _ = HTMLExporter(config=config).from_notebook_node(nb, resources=dict(RESOURCES))
    body = html[html.index("My reflection") - 200:]
    assert "window.pwned" in body  # the participant's text is there, as text
    assert not re.search(r"<script[^>]*>\s*window\.pwned", body)
    assert not re.search(r"<(img|svg|a|iframe)\b[^>]*\b(onerror|onload|src=\"https://example.org\")", body)
    assert "javascript:" not in re.sub(r"&lt;.*?&gt;", "", body)
    assert "<iframe" not in body and "<svg" not in body
    # readable: the Markdown's own structure survives
    assert re.search(r"<h2[^>]*>My reflection", body) and "<li>one</li>" in body
    assert '<a href="https://example.org"' in body and "<em>emphasis</em>" in body


def test_without_the_course_config_nbgrader_would_run_it():
    """The control: nbgrader's formgrade template alone passes the script through."""
    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(REFLECTION)])
    html, _ = HTMLExporter(config=config).from_notebook_node(nb, resources=dict(RESOURCES))
    assert re.search(r"<script[^>]*>\s*window\.pwned", html)
