"""The scenario player: scene, choices, feedback, then the next scene."""

from __future__ import annotations

import weakref

import ipywidgets as widgets

from .. import scenario as model
from ..content import ContentError
from ..course import LESSONS
from ..store import Store, StoreError
from . import grading
from ._html import CSS, esc, lesson_href, markdown

INSTRUMENT = "scenarios"
LESSON_TITLES = {lesson.slug: lesson.title for lesson in LESSONS}

# Every player made in this kernel (one kernel is one page, in Voila and in
# JupyterLab), so a picker does not open a scenario that is already showing.
_PLAYERS: weakref.WeakSet = weakref.WeakSet()


def _showing(store: Store) -> set[str]:
    """The scenarios open in a live (not closed) player over ``store``'s folder."""
    return {p.scenario.id for p in list(_PLAYERS)
            if p.comm is not None and p.store.home == store.home}


def lesson_label(slug: str) -> str:
    """'Lesson 2' for ``02-setting-expectations``, 'Lesson 2a' for ``02a-mentoring-up``;
    'Welcome' for the welcome page."""
    number = slug.split("-", 1)[0].lstrip("0")
    return f"Lesson {number}" if number[:1].isdigit() else "Welcome"


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
        self.nav.add_class("mk-nav-bar")
        self.summary = widgets.HTML()
        self.history = widgets.HTML()
        self.status = widgets.HTML()
        # The ending's summary comes before the buttons, so it reads as one block.
        self.children = [widgets.HTML(CSS), self.header, self.scene, self.choices, self.feedback,
                         self.summary, self.nav, self.history, self.status]
        self._render(note)
        _PLAYERS.add(self)

    # -- events --------------------------------------------------------------
    # Focus is moved by hand after each step: the buttons that had it are
    # hidden, and a keyboard user would otherwise land back at the page's top.
    def _choose(self, choice_id: str | None) -> None:
        node = self.play.node
        if (self.play.awaiting_continue or node.is_ending
                or choice_id not in {c.id for c in node.choices}):
            return  # a second click on a button that is already going away
        self.play.choose(choice_id)
        self._save_and_render()
        self.continue_button.focus()

    def _on_continue(self, _=None) -> None:
        if self.play.awaiting_continue:
            self.play.proceed()
            self._save_and_render()
            self._focus_next()

    def _on_back(self, _=None) -> None:
        self.play.back()
        self._save_and_render()
        self._focus_next()

    def _on_restart(self, _=None) -> None:
        self.play.restart()
        self._save_and_render()
        self._focus_next()

    def _focus_next(self) -> None:
        """The first choice of the new scene, or Start over at an ending."""
        buttons = self.choice_buttons
        if buttons:
            buttons[0].focus()
        elif self.play.finished:
            self.restart_button.focus()

    @property
    def choice_buttons(self) -> list[widgets.Button]:
        """The choices on screen (hidden spare buttons are left out)."""
        return [b for b in self.choices.children if b.layout.display != "none"]

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
            self._merge_saved_runs()
            self.store.save(INSTRUMENT, self.scenario.id, self.play.to_data())
        except StoreError as exc:
            note = f"Your progress could not be saved, but you can keep playing. ({exc})"
        self._render(note)

    def _merge_saved_runs(self) -> None:
        """Another player of this scenario (on this page or in another tab) may
        have finished a run since this one loaded: keep its runs as well as ours."""
        record = self.store.load(INSTRUMENT, self.scenario.id)
        if record is not None:
            saved = record.data.get("completions") or []
            self.play.completions[:] = model.merge_completions(saved, self.play.completions)

    # -- drawing -------------------------------------------------------------
    def _render(self, note: str = "") -> None:
        s, play = self.scenario, self.play
        node = play.node
        self.header.value = (
            f'<div class="mk-card"><h3>{esc(s.title)}</h3>'
            f'<div class="mk-meta mk-seat"><strong>{esc(model.SEAT_LINES[s.seat])}</strong> '
            f'{esc(s.mentee)}</div></div>'
        )
        title = f"<h4>{esc(node.title)}</h4>" if node.title else ""
        self.scene.value = f'<div class="mk-card">{title}{markdown(node.scene)}</div>'
        showing_choices = not node.is_ending and not play.awaiting_continue
        self._show_choices(node.choices if showing_choices else [])
        picked = play.last_choice if play.awaiting_continue else None
        self.feedback.value = self._feedback_html(picked) if picked else ""
        self.continue_button.layout.display = None if play.awaiting_continue else "none"
        # At the first scene there is nothing to undo: hide, rather than grey out.
        for button in (self.back_button, self.restart_button):
            button.layout.display = None if play.steps else "none"
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

    def _show_choices(self, choices: list[model.Choice]) -> None:
        """Relabel the same buttons for each scene (spares hidden): a button
        the browser already draws can take the keyboard focus at once, a new
        one cannot until its view exists."""
        pool = list(self.choices.children)
        if len(pool) < len(choices):
            pool += [self._choice_button() for _ in range(len(choices) - len(pool))]
            self.choices.children = pool
        for i, button in enumerate(pool):
            choice = choices[i] if i < len(choices) else None
            button.choice_id = choice.id if choice else None
            if choice:
                button.description = button.tooltip = choice.text
            button.layout.display = None if choice else "none"

    def _choice_button(self) -> widgets.Button:
        button = widgets.Button(layout=widgets.Layout(width="100%", max_width="52em", height="auto"))
        button.add_class("mk-choice")
        button.choice_id = None
        button.on_click(lambda b: self._choose(b.choice_id))
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
        outcome = model.ENDING_LABELS[node.ending]
        return (
            f'<div class="mk-card mk-summary"><h4>End of the scenario: '
            f"{esc(outcome[:1].lower() + outcome[1:])}</h4>"
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
    """A list of every scenario (by lesson, then title); choosing one shows its
    player below. It opens on the first scenario not already on the page, so
    a lesson's own player and the picker are not two copies of one scenario."""

    def __init__(self, store: Store | None = None, lesson: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.store = store or Store()
        self.player: ScenarioPlayer | None = None
        found: list[model.Scenario] = []
        problems = []
        for sid in model.available():
            try:
                loaded = model.load(sid)
            except ContentError as error:
                problems.extend(error.problems)
                continue
            if lesson is None or lesson in loaded.lessons:
                found.append(loaded)
        found.sort(key=lambda s: (s.lessons[0] if s.lessons else "", s.title.casefold(), s.id))
        self.scenarios: dict[str, model.Scenario] = {s.id: s for s in found}
        options = [(self._label(s), s.id) for s in found]
        showing = _showing(self.store)
        first = next((s.id for s in found if s.id not in showing), found[0].id if found else None)
        self.picker = widgets.Dropdown(
            options=options, value=first, description="Scenario:",
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
        where = lesson_label(s.lessons[0]) if s.lessons else "Any lesson"
        return f"{where} · {s.title} ({s.setting}){' ✓ done' if done else ''}"

    def _show(self, _change=None) -> None:
        sid = self.picker.value
        if self.player is not None:
            self.player.close()  # its state is saved; a closed player no longer counts as shown
            self.player = None
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
