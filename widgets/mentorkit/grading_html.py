"""Grading pages that never run a participant's markup.

nbconvert cleans HTML (``HTMLExporter.sanitize_html``) only where its own
templates ask for it: cell outputs. nbgrader's Formgrader and feedback
templates render Markdown cells with ``markdown2html | strip_files_prefix``
and no cleaning, so a reflection holding ``<script>`` or ``onerror=`` would run
in the facilitator's browser. :func:`strip_files_prefix_clean` is nbconvert's
``strip_files_prefix`` followed by bleach (the cleaner nbconvert uses) with the
tags a rendered Markdown cell needs (paragraphs, headings, lists, tables,
images) and none that runs anything: no script, style, iframe, form or event
attribute, and links only to http, https, mailto or the page itself. The
course's ``nbgrader_config.py`` puts it in place of ``strip_files_prefix``:

    c.HTMLExporter.sanitize_html = True
    c.HTMLExporter.filters = {"strip_files_prefix": "mentorkit.grading_html.strip_files_prefix_clean"}
"""

from __future__ import annotations

import bleach
from nbconvert.filters.strings import strip_files_prefix

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
    "ul",
})
ATTRIBUTES = {
    "*": ["class", "id", "title"],
    "a": ["href", "title", "class", "id"],
    "img": ["src", "alt", "title", "width", "height"],
    "td": ["align", "colspan", "rowspan"],
    "th": ["align", "colspan", "rowspan", "scope"],
}
PROTOCOLS = frozenset({"http", "https", "mailto", "data"})  # data: only reaches img (attachments)


def clean(html: str) -> str:
    """HTML with everything that could run removed (unknown tags shown as text)."""
    return bleach.clean(html, tags=TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS, strip_comments=True)


def strip_files_prefix_clean(text: str) -> str:
    return clean(strip_files_prefix(text))
