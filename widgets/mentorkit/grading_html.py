"""Grading pages that never run a participant's markup.

nbconvert cleans HTML (``HTMLExporter.sanitize_html``) only where its own
templates ask for it: cell outputs. nbgrader's Formgrader and feedback
templates render Markdown cells with ``markdown2html | strip_files_prefix``
and no cleaning, so a reflection holding ``<script>`` or ``onerror=`` would run
in the facilitator's browser. :func:`strip_files_prefix_clean` is
nbconvert's ``strip_files_prefix`` followed by nbconvert's own ``clean_html``
(bleach, with nbconvert's list of allowed tags); the course's
``nbgrader_config.py`` puts it in place of ``strip_files_prefix``:

    c.HTMLExporter.sanitize_html = True
    c.HTMLExporter.filters = {"strip_files_prefix": "mentorkit.grading_html.strip_files_prefix_clean"}
"""

from __future__ import annotations

from nbconvert.filters.strings import clean_html, strip_files_prefix


def strip_files_prefix_clean(text: str) -> str:
    return clean_html(strip_files_prefix(text))
