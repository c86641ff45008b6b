"""The scenario player: scene, choices, feedback, then the next scene."""

from __future__ import annotations

import ipywidgets as widgets

from .. import scenario as model
from ..content import ContentError
from ..course import LESSONS
from ..store import Store, StoreError
from . import grading
from ._html import CSS, esc, lesson_href, markdown

INSTRUMENT = "scenarios"
LESSON_TITLES = {lesson.slug: lesson.title for lesson in LESSONS}


class ScenarioPlayer(widgets.VBox):
    """Plays one scenario; the learner's way through is saved as they go."""

    def __init__(self, scene: model.Scenario, store: Store | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("mk-player")
        self.scenario = scene
        self.store = store or Store()
        self.play, note = self._restore()
        self.header = widgets.HTML()
        self.scene = widgets.HTML()
        self.choices = widgets.VBox()
        self.feedback = widgets.HTML()
        self.continue_button = self._nav("Continue", "arrow-right", self._on_continue)
        self.continue_button.button_style = "primary"
        self.back_button = self._nav("Go back", "undo", self._on_back)
        self.restart_button = self._nav("Start over", "refresh", self._on_restart)
        self.nav = widgets.HBox([self.back_button, self.continue_button, self.restart_button])
        self.summary = widgets.HTML()
        self.history = widgets.HTML()
        self.status = widgets.HTML()
        self.children = [widgets.HTML(CSS), self.header, self.scene, self.choices, self.feedback,
                         self.nav, self.summary, self.history, self.status]
        self._render(note)

    # -- events --------------------------------------------------------------
    def _choose(self, choice_id: str) -> None:
        self.play.choose(choice_id)
        self._save_and_render()

    def _on_continue(self, _=None) -> None:
        if self.play.awaiting_continue:
            self.play.proceed()
            self._save_and_render()

    def _on_back(self, _=None) -> None:
        self.play.back()
        self._save_and_render()

    def _on_restart(self, _=None) -> None:
        self.play.restart()
        self._save_and_render()

    @property
    def choice_buttons(self) -> list[widgets.Button]:
        return list(self.choices.children)

    # -- state ---------------------------------------------------------------
    def _restore(self) -> tuple[model.Playthrough, str]:
        record = self.store.load(INSTRUMENT, self.scenario.id)
        problems = list(self.store.problems)
        if record is None:
            return model.Playthrough(self.scenario), " ".join(problems)
        return model.Playthrough.from_data(self.scenario, record.data)

    def _save_and_render(self) -> None:
        note = ""
        try:
            self.store.save(INSTRUMENT, self.scenario.id, self.play.to_data())
        except StoreError as exc:
            note = f"Your progress could not be saved, but you can keep playing. ({exc})"
        self._render(note)

    # -- drawing -------------------------------------------------------------
    def _render(self, note: str = "") -> None:
        s, play = self.scenario, self.play
        node = play.node
        self.header.value = (
            f'<div class="mk-card"><h3>{esc(s.title)}</h3>'
            f'<div class="mk-meta">Your mentee: {esc(s.mentee)}</div></div>'
        )
        title = f"<h4>{esc(node.title)}</h4>" if node.title else ""
        self.scene.value = f'<div class="mk-card">{title}{markdown(node.scene)}</div>'
        showing_choices = not node.is_ending and not play.awaiting_continue
        self.choices.children = (
            [self._choice_button(c) for c in node.choices] if showing_choices else []
        )
        picked = play.last_choice if play.awaiting_continue else None
        self.feedback.value = self._feedback_html(picked) if picked else ""
        self.continue_button.layout.display = None if play.awaiting_continue else "none"
        self.back_button.disabled = not play.steps
        self.restart_button.disabled = not play.steps
        self.summary.value = self._summary_html() if play.finished else ""
        self.history.value = self._history_html()
        self.status.value = (
            f'<div class="mk-status" role="status">{esc(note)}</div>' if note else ""
        )

    def _nav(self, label: str, icon: str, handler) -> widgets.Button:
        button = widgets.Button(description=label, icon=icon, tooltip=label)
        button.add_class("mk-nav")
        button.on_click(handler)
        return button

    def _choice_button(self, choice: model.Choice) -> widgets.Button:
        button = widgets.Button(
            description=choice.text, tooltip=choice.text,
            layout=widgets.Layout(width="100%", max_width="52em", height="auto"),
        )
        button.add_class("mk-choice")
        button.choice_id = choice.id
        button.on_click(lambda _b, cid=choice.id: self._choose(cid))
        return button

    def _feedback_html(self, choice: model.Choice) -> str:
        label = model.RATING_LABELS[choice.rating]
        see = ""
        if choice.lesson:
            see = (f'<p class="mk-meta">More in the lesson <a href="{esc(lesson_href(choice.lesson))}"'
                   f' target="_blank">{esc(LESSON_TITLES[choice.lesson])}</a>.</p>')
        return (
            f'<div class="mk-card mk-feedback mk-{choice.rating}" role="status" aria-live="polite">'
            f'<p>You chose: <em>{esc(choice.text)}</em></p>'
            f'<p class="mk-rating">{esc(label)}</p>{markdown(choice.feedback)}{see}</div>'
        )

    def _summary_html(self) -> str:
        s, node = self.scenario, self.play.node
        steps = "".join(
            f"<li><strong>{esc(n.title or n.id)}</strong>: {esc(c.text)} "
            f"<em>({esc(model.RATING_LABELS[c.rating])})</em></li>"
            for n, c in self.play.path()
        )
        points = "".join(f"<li>{esc(p)}</li>" for p in s.key_points)
        lessons = ", ".join(
            f'<a href="{esc(lesson_href(slug))}" target="_blank">{esc(LESSON_TITLES[slug])}</a>'
            for slug in s.lessons
        )
        return (
            f'<div class="mk-card"><h4>{esc(model.ENDING_LABELS[node.ending])}</h4>'
            f"<p><strong>Your path</strong></p><ol>{steps}</ol>"
            f"<p><strong>Key points</strong></p><ul>{points}</ul>"
            f"<p>Related lessons: {lessons}</p>"
            "<p>Try <em>Start over</em> to see where the other choices lead.</p></div>"
        )

    def _history_html(self) -> str:
        done = self.play.completions
        if not done:
            return ""
        rows = "".join(
            f"<li>{esc(c.get('finished', '')[:10])}: {esc(model.ENDING_LABELS.get(c.get('outcome'), ''))}"
            f" after {len(c.get('steps', []))} decision(s)</li>"
            for c in done[-5:]
        )
        return (f'<details class="mk-card mk-meta"><summary>Your earlier runs ({len(done)})'
                f"</summary><ul>{rows}</ul></details>")


def _problem_box(error: ContentError) -> widgets.HTML:
    items = "".join(f"<li><code>{esc(p)}</code></li>" for p in error.problems)
    return widgets.HTML(
        '<div class="mk-card mk-status" role="alert"><p>This scenario cannot be shown '
        f"because its file has problems:</p><ul>{items}</ul>"
        "<p>Run <code>mentorkit validate</code> for details.</p></div>"
    )


def show_scenario(scenario_id: str, store: Store | None = None):
    """Show a scenario player for ``scenario_id`` (e.g. ``"busy-mentor"``)."""
    if grading():
        return None
    try:
        return ScenarioPlayer(model.load(scenario_id), store=store)
    except ContentError as error:
        return _problem_box(error)


class ScenarioChooser(widgets.VBox):
    """A list of every scenario; choosing one shows its player below."""

    def __init__(self, store: Store | None = None, lesson: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.store = store or Store()
        self.scenarios: dict[str, model.Scenario] = {}
        problems = []
        for sid in model.available():
            try:
                loaded = model.load(sid)
            except ContentError as error:
                problems.extend(error.problems)
                continue
            if lesson is None or lesson in loaded.lessons:
                self.scenarios[sid] = loaded
        options = [(self._label(s), sid) for sid, s in self.scenarios.items()]
        self.picker = widgets.Dropdown(
            options=options, description="Scenario:",
            layout=widgets.Layout(width="100%", max_width="52em"),
            style={"description_width": "initial"},
        )
        self.blurb = widgets.HTML()
        self.stage = widgets.VBox()
        self.picker.observe(self._show, names="value")
        notes = [_problem_box(ContentError(problems))] if problems else []
        self.children = [*notes, self.picker, self.blurb, self.stage]
        self._show()

    def _label(self, s: model.Scenario) -> str:
        record = self.store.load(INSTRUMENT, s.id)
        done = bool(record and record.data.get("completions"))
        return f"{'✓ ' if done else ''}{s.title} ({s.setting})"

    def _show(self, _change=None) -> None:
        sid = self.picker.value
        if sid is None:
            self.stage.children = []
            return
        s = self.scenarios[sid]
        self.blurb.value = f'<div class="mk-card mk-meta">{esc(s.summary)}</div>'
        self.player = ScenarioPlayer(s, store=self.store)
        self.stage.children = [self.player]


def choose_scenario(store: Store | None = None, lesson: str | None = None):
    """Show the list of scenarios (those of one lesson, if given) with a
    player for the one chosen."""
    if grading():
        return None
    return ScenarioChooser(store=store, lesson=lesson)
