"""Group mode: a scenario played by a room, with a facilitator at the projector.

Each decision is shown large, with its options and no feedback. The facilitator
may type how many people in the room picked each option, then presses
**Reveal**: every option's rating and feedback appear beside the tally. The
facilitator then moves on with the option the room chose. Nothing is saved in
anyone's progress: the way through lives in this page only.

    from mentorkit.ui.scenario_group import scenarios_page
    scenarios_page()    # the page; ``?group=1&scenario=busy-mentor`` opens group mode
"""

from __future__ import annotations

import os
from string import ascii_uppercase
from urllib.parse import parse_qs

import ipywidgets as widgets

from .. import scenario as model
from ..content import ContentError
from . import grading
from ._html import CSS, esc, lesson_href, markdown
from .scenario_player import LESSON_TITLES, _problem_box, choose_scenario, lesson_label

# Large type and black on white for a projector; ratings in words as well as colour.
GROUP_CSS = """
<style>
.mk-group { font-size: 22px; line-height: 1.45; color: #000; max-width: 64em; }
.mk-group .mk-card { font-size: 22px; max-width: 64em; color: #000; }
.mk-group h3 { font-size: 30px; margin: 0.2em 0 0.3em; }
.mk-group h4 { font-size: 26px; margin: 0.2em 0 0.4em; }
.mk-group .mk-meta { font-size: 18px; color: #222; }
.mk-group .mk-vote-row { gap: 1em; }
.mk-group-tag { display: inline-block; font-size: 16px; font-weight: bold; letter-spacing: 0.04em;
  text-transform: uppercase; background: #000; color: #fff; padding: 0.1em 0.6em; border-radius: 3px; }
.mk-option { border: 2px solid #333; border-radius: 6px; padding: 0.5em 0.8em; margin: 0.4em 0;
  background: #fff; width: 100%; box-sizing: border-box; }
.mk-option-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(9em, 1fr); gap: 1.2em;
  align-items: start; }
.mk-option-text { font-size: 24px; font-weight: 600; }
.mk-letter { display: inline-block; min-width: 1.6em; font-weight: 800; }
.mk-option .mk-feedback { font-size: 20px; margin: 0.4em 0 0; padding: 0.3em 0.8em; background: #f4f4f4; }
.mk-option .mk-rating { font-size: 20px; }
.mk-tally { font-size: 20px; }
.mk-tally-count { font-weight: 800; font-size: 26px; }
.mk-bar { height: 1.1em; background: #e6e6e6; border: 1px solid #000; margin-top: 0.2em; }
.mk-bar > div { height: 100%; background: #0b3d91; }
.mk-most { font-weight: bold; font-size: 18px; }
.mk-count .widget-label, .mk-count input { font-size: 20px !important; color: #000; }
.mk-count input { height: 1.8em !important; border: 2px solid #333 !important; }
.mk-group .mk-nav.jupyter-button, .mk-group .mk-go.jupyter-button, .mk-group .mk-reveal.jupyter-button {
  font-size: 20px; height: auto; min-height: 2em; padding: 0.25em 0.9em; }
.mk-go.jupyter-button { border: 2px solid #000; background: #fff; color: #000; }
.mk-go.jupyter-button.mod-primary { background: #0b3d91; color: #fff; }
.mk-group .jupyter-button:focus-visible { outline: 4px solid #0b57d0; outline-offset: 2px; }
.mk-group-switch .widget-label-basic, .mk-group-switch label { font-size: 16px; }
/* the switch's label wraps on a narrow screen rather than ending in "..." */
.mk-group-switch.widget-checkbox, .mk-group-switch label.widget-label-basic { height: auto; }
.mk-group-switch label.widget-label-basic { align-items: baseline; }
.mk-group-switch label.widget-label-basic span { white-space: normal; overflow: visible;
  line-height: 1.4; }
</style>
"""


def query() -> dict[str, str]:
    """``group`` and ``scenario`` from the page's address (Voila passes the query
    string to the kernel as QUERY_STRING)."""
    values = parse_qs(os.environ.get("QUERY_STRING", ""))
    return {key: values[key][0] for key in ("group", "scenario") if values.get(key)}


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "yes", "true", "on")


def _seat_line(scene: model.Scenario) -> str:
    """Whose seat the room is in: the player's own words when the course has them (a
    scenario may put the learner in the mentee's seat), else the mentor's."""
    lines = getattr(model, "SEAT_LINES", None)
    if lines:
        return lines.get(getattr(scene, "seat", "mentor"), lines.get("mentor", ""))
    return "Your mentee:"


class GroupPlayer(widgets.VBox):
    """One scenario for a room: decision, the room's counts, reveal, move on."""

    def __init__(self, scene: model.Scenario, **kwargs):
        super().__init__(**kwargs)
        self.add_class("mk-group")
        self.scenario = scene
        self.play = model.Playthrough(scene)  # in memory only: nothing is saved
        self.revealed = False
        self.counts: dict[str, dict[str, int]] = {}  # node id -> choice id -> votes
        self.header = widgets.HTML()
        self.scene = widgets.HTML()
        self.options = widgets.VBox()
        self.reveal_button = widgets.Button(description="Reveal", icon="eye", tooltip="Reveal",
                                            button_style="primary")
        self.reveal_button.add_class("mk-reveal")
        self.reveal_button.on_click(self._on_reveal)
        self.back_button = self._nav("Go back", "undo", self._on_back)
        self.restart_button = self._nav("Start over", "refresh", self._on_restart)
        self.nav = widgets.HBox([self.reveal_button, self.back_button, self.restart_button])
        self.nav.add_class("mk-nav-bar")
        self.summary = widgets.HTML()
        self.children = [widgets.HTML(CSS + GROUP_CSS), self.header, self.scene, self.options,
                         self.summary, self.nav]
        self._render()

    # -- events --------------------------------------------------------------
    def _on_reveal(self, _=None) -> None:
        if not self.play.node.is_ending:
            self.revealed = True
            self._render()

    def go(self, choice_id: str) -> None:
        """Move on with the option the room chose."""
        node = self.play.node
        if not self.revealed or node.is_ending or choice_id not in {c.id for c in node.choices}:
            return
        self.play.choose(choice_id)
        self.play.proceed()
        self.revealed = False
        self._render()
        self._focus_next()

    def _on_back(self, _=None) -> None:
        self.play.back()
        self.revealed = False
        self._render()
        self._focus_next()

    def _on_restart(self, _=None) -> None:
        self.play.restart()
        self.counts.clear()
        self.revealed = False
        self._render()
        self._focus_next()

    def _focus_next(self) -> None:
        """Reveal at a new decision, Start over at an ending: the buttons that had the
        focus are gone, and a keyboard user would otherwise be sent to the page's top."""
        (self.restart_button if self.play.node.is_ending else self.reveal_button).focus()

    def _count(self, node_id: str, choice_id: str, change) -> None:
        self.counts.setdefault(node_id, {})[choice_id] = max(0, int(change["new"] or 0))
        if self.revealed:
            self._render()

    # -- drawing -------------------------------------------------------------
    def _nav(self, label: str, icon: str, handler) -> widgets.Button:
        button = widgets.Button(description=label, icon=icon, tooltip=label)
        button.add_class("mk-nav")
        button.on_click(handler)
        return button

    def _render(self) -> None:
        s, play, node = self.scenario, self.play, self.play.node
        step = len(play.steps) + 1
        where = "the ending" if node.is_ending else f"decision {step}"
        self.header.value = (
            f'<div class="mk-card"><span class="mk-group-tag">Group mode · {esc(where)}</span>'
            f"<h3>{esc(s.title)}</h3>"
            f'<div class="mk-meta"><strong>{esc(_seat_line(s))}</strong> {esc(s.mentee)}</div></div>')
        title = f"<h4>{esc(node.title)}</h4>" if node.title else ""
        self.scene.value = f'<div class="mk-card">{title}{markdown(node.scene)}</div>'
        old = list(self.options.children)
        self.options.children = [] if node.is_ending else [
            self._option(node, ascii_uppercase[i], choice) for i, choice in enumerate(node.choices)]
        for box in old:
            box.close()
        self.reveal_button.layout.display = "none" if node.is_ending or self.revealed else None
        for button in (self.back_button, self.restart_button):
            button.layout.display = None if play.steps else "none"
        self.summary.value = self._summary_html() if node.is_ending else ""

    def _option(self, node: model.Node, letter: str, choice: model.Choice) -> widgets.VBox:
        votes = self.counts.get(node.id, {})
        total = sum(votes.values())
        mine = votes.get(choice.id, 0)
        most = total > 0 and mine == max(votes.values())
        if self.revealed:
            see = ""
            if choice.lesson:
                see = (f'<p class="mk-meta">More in the lesson <a href="{esc(lesson_href(choice.lesson))}"'
                       f' target="_blank">{esc(LESSON_TITLES[choice.lesson])}</a>.</p>')
            detail = (f'<div class="mk-feedback mk-{choice.rating}"><p class="mk-rating">'
                      f"{esc(model.RATING_LABELS[choice.rating])}</p>{markdown(choice.feedback)}{see}</div>")
            share = round(100 * mine / total) if total else 0
            tally = (f'<div class="mk-tally"><span class="mk-tally-count">{mine}</span> of {total}'
                     f" ({share}%)"
                     f'<div class="mk-bar" role="img" aria-label="{share} percent of the room">'
                     f'<div style="width: {share}%"></div></div>'
                     + ('<div class="mk-most">Most chosen</div>' if most else "") + "</div>"
                     if total else '<div class="mk-tally mk-meta">No counts entered</div>')
        else:
            detail, tally = "", ""
        card = widgets.HTML(
            f'<div class="mk-option-grid"><div><div class="mk-option-text"><span class="mk-letter">'
            f"{letter}.</span> {esc(choice.text)}</div>{detail}</div>{tally}</div>")
        count = widgets.BoundedIntText(value=mine, min=0, max=9999, description=f"Votes for {letter}:",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="14em"))
        count.add_class("mk-count")
        count.observe(lambda change, n=node.id, c=choice.id: self._count(n, c, change), names="value")
        go = widgets.Button(description=f"Go on with {letter}", tooltip=f"Go on with {letter}",
                            icon="arrow-right", button_style="primary" if most else "",
                            layout=widgets.Layout(width="auto", display=None if self.revealed else "none"))
        go.add_class("mk-go")
        go.on_click(lambda _b, c=choice.id: self.go(c))
        row = widgets.HBox([count, go], layout=widgets.Layout(align_items="center"))
        row.add_class("mk-vote-row")  # the gap between the box and the button: CSS below
        box = widgets.VBox([card, row])
        box.add_class("mk-option")
        return box

    def _summary_html(self) -> str:
        s, node = self.scenario, self.play.node
        steps = "".join(
            f"<li><strong>{esc(n.title or n.id)}</strong>: {esc(c.text)} "
            f"<em>({esc(model.RATING_LABELS[c.rating])})</em></li>"
            for n, c in self.play.path())
        points = "".join(f"<li>{esc(p)}</li>" for p in s.key_points)
        lessons = ", ".join(
            f'<a href="{esc(lesson_href(slug))}" target="_blank">{esc(LESSON_TITLES[slug])}</a>'
            for slug in s.lessons)
        outcome = model.ENDING_LABELS[node.ending]
        return (f'<div class="mk-card mk-summary"><h4>End of the scenario: '
                f"{esc(outcome[:1].lower() + outcome[1:])}</h4>"
                f"<p><strong>The room's path</strong></p><ol>{steps}</ol>"
                f"<p><strong>Key points</strong></p><ul>{points}</ul>"
                f"<p>Related lessons: {lessons}</p>"
                "<p><em>Go back</em> to try another option, or <em>Start over</em>.</p></div>")


class GroupChooser(widgets.VBox):
    """The list of scenarios, with a group player for the one chosen."""

    def __init__(self, scenario_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.player: GroupPlayer | None = None
        found, problems = [], []
        for sid in model.available():
            try:
                found.append(model.load(sid))
            except ContentError as error:
                problems.extend(error.problems)
        found.sort(key=lambda s: (s.lessons[0] if s.lessons else "", s.title.casefold(), s.id))
        self.scenarios = {s.id: s for s in found}
        first = scenario_id if scenario_id in self.scenarios else (found[0].id if found else None)
        self.picker = widgets.Dropdown(
            options=[(f"{lesson_label(s.lessons[0]) if s.lessons else 'Any lesson'} · {s.title}", s.id)
                     for s in found],
            value=first, description="Scenario:",
            layout=widgets.Layout(width="100%", max_width="52em"), style={"description_width": "initial"})
        self.stage = widgets.VBox()
        self.picker.observe(self._show, names="value")
        notes = [_problem_box(ContentError(problems))] if problems else []
        wrong = []
        if scenario_id and scenario_id not in self.scenarios:
            wrong = [widgets.HTML(f'<div class="mk-card mk-status" role="status">There is no scenario '
                                  f'called "{esc(scenario_id)}"; pick one from the list.</div>')]
        self.children = [*notes, *wrong, self.picker, self.stage]
        self._show()

    def _show(self, _change=None) -> None:
        if self.player is not None:
            self.player.close()
            self.player = None
        sid = self.picker.value
        if sid is not None:
            self.player = GroupPlayer(self.scenarios[sid])
        self.stage.children = [self.player] if self.player else []


class ScenariosPage(widgets.VBox):
    """The practice page: each learner on their own, or (switched on) group mode."""

    def __init__(self, group: bool | None = None, scenario_id: str | None = None, **kwargs):
        super().__init__(**kwargs)
        asked = query()
        group = _yes(asked.get("group")) if group is None else group
        self.scenario_id = scenario_id or asked.get("scenario")
        self.switch = widgets.Checkbox(
            value=group, indent=False, description="Group mode (a facilitator projecting to a room: "
            "feedback only when revealed, nothing saved)", layout=widgets.Layout(width="auto"))
        self.switch.add_class("mk-group-switch")
        self.stage = widgets.VBox()
        self.view = None
        self.switch.observe(self._show, names="value")
        self.children = [widgets.HTML(CSS + GROUP_CSS), self.switch, self.stage]
        self._show()

    def _show(self, _change=None) -> None:
        if self.view is not None:
            if getattr(self.view, "player", None) is not None:
                self.view.player.close()  # a closed player no longer counts as shown
            self.view.close()
        if self.switch.value:
            self.view = GroupChooser(self.scenario_id)
        else:
            self.view = choose_scenario()
            if self.view is not None and self.scenario_id in getattr(self.view, "scenarios", {}):
                self.view.picker.value = self.scenario_id
        self.stage.children = [self.view] if self.view is not None else []


def scenarios_page(group: bool | None = None, scenario_id: str | None = None):
    """The scenarios page; group mode when ``group`` (or ``?group=1`` in the address)."""
    if grading():
        return None
    return ScenariosPage(group=group, scenario_id=scenario_id)
