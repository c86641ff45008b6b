"""The letter checker: paste a letter, see its word categories and the
limits of the check. The text stays in the page; it is never saved."""

from __future__ import annotations

import ipywidgets as widgets

from ..letters import CAVEATS, LetterError, analyse, report_chart
from . import grading
from ._html import CSS, esc
from .charts import figure_html


class LetterChecker(widgets.VBox):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.text = widgets.Textarea(
            placeholder="Paste the text of a letter here (remove names if you wish).",
            description="Letter text", style={"description_width": "8em"},
            layout=widgets.Layout(width="100%", max_width="52em", height="14em"),
        )
        self.check_button = widgets.Button(description="Check the letter", icon="search",
                                           button_style="primary", layout=widgets.Layout(width="auto"))
        self.check_button.on_click(self._check)
        self.message = widgets.HTML()
        self.result = widgets.HTML()
        caveats = "".join(f"<li>{esc(c)}</li>" for c in CAVEATS)
        self.children = [
            widgets.HTML(CSS), self.text, widgets.HBox([self.check_button, self.message]),
            self.result,
            widgets.HTML(f'<details class="mk-card mk-meta" open><summary>What this check can and '
                         f"cannot tell you</summary><ul>{caveats}</ul></details>"),
        ]

    def _check(self, _button=None) -> None:
        try:
            report = analyse(self.text.value)
        except LetterError as exc:
            self.message.value = f'<span class="mk-status" role="alert">{esc(exc)}</span>'
            self.result.value = ""
            return
        self.message.value = ""
        self.report = report
        table = report.table().to_html(index=False, escape=True, border=0)
        fig = report_chart(report)
        alt = "Bar chart of words per thousand: " + ", ".join(
            f"{c.key} {c.per_thousand:.1f}" for c in report.categories)
        self.result.value = (f'<div class="mk-card"><p>{report.total_words} words.</p>{table}'
                             f"{figure_html(fig, alt)}</div>")


def letter_checker():
    """Show the letter checker."""
    if grading():
        return None
    return LetterChecker()
