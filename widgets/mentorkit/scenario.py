"""A branching scenario as a graph of scenes and choices, and a learner's
way through it.

The model knows nothing of widgets: :class:`Playthrough` holds the state a
player displays (where the learner is, which choice they made, whether the
feedback is showing) and can be saved and restored as plain data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .content import ContentError, Problem, load_cached
from .course import LESSON_SLUGS, scenarios_dir

RATING_LABELS = {
    "helpful": "Helpful",
    "mixed": "Partly helpful",
    "unhelpful": "Likely to backfire",
}
# Whose seat the learner is in: the words the player puts before the
# scenario's `mentee` field, above the scene.
SEAT_LINES = {
    "mentor": "You are the mentor in this scenario. Your mentee:",
    "mentee": "You are the mentee in this scenario:",
}
ENDING_LABELS = {
    "strong": "A strong outcome",
    "mixed": "A mixed outcome",
    "weak": "A weak outcome",
}


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    feedback: str
    rating: str
    next: str
    lesson: str | None = None


@dataclass(frozen=True)
class Node:
    id: str
    scene: str
    title: str = ""
    choices: tuple[Choice, ...] = ()
    ending: str | None = None

    @property
    def is_ending(self) -> bool:
        return self.ending is not None

    def choice(self, choice_id: str) -> Choice:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        raise KeyError(f"node {self.id} has no choice {choice_id!r}")


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    summary: str
    setting: str
    mentee: str
    lessons: tuple[str, ...]
    start: str
    nodes: dict[str, Node]
    key_points: tuple[str, ...]
    seat: str = "mentor"  # "mentee" when the learner plays the mentee

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def paths(self) -> Iterator[list[tuple[Node, Choice]]]:
        """Every way from the start to an ending, as (node, choice) steps."""

        def walk(node_id: str, so_far: list[tuple[Node, Choice]]):
            node = self.nodes[node_id]
            if node.is_ending:
                yield so_far
                return
            for choice in node.choices:
                yield from walk(choice.next, [*so_far, (node, choice)])

        yield from walk(self.start, [])

    def endings(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.is_ending]


def from_data(data: dict[str, Any]) -> Scenario:
    """Build a scenario from data that has passed :func:`check`."""
    nodes = {}
    for node_id, raw in data["nodes"].items():
        choices = tuple(
            Choice(c["id"], c["text"], c["feedback"], c["rating"], c["next"], c.get("lesson"))
            for c in raw.get("choices", ())
        )
        nodes[node_id] = Node(node_id, raw["scene"], raw.get("title", ""), choices, raw.get("ending"))
    return Scenario(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        setting=data["setting"],
        mentee=data["mentee"],
        lessons=tuple(data["lessons"]),
        start=data["start"],
        nodes=nodes,
        key_points=tuple(data["key_points"]),
        seat=data.get("seat", "mentor"),
    )


def check(data: dict[str, Any], label: str, path: Path | None = None) -> list[Problem]:
    """The rules a schema cannot express: links, reachability, endings, depth."""
    problems: list[Problem] = []

    def problem(where: str, what: str) -> None:
        problems.append(Problem(label, where, what))

    if path is not None and data["id"] != path.stem:
        problem("id", f"is {data['id']!r} but the file is {path.name}; they must match")
    for lesson in data["lessons"]:
        if lesson not in LESSON_SLUGS:
            problem("lessons", f"{lesson!r} is not a lesson of this course")
    nodes: dict[str, dict] = data["nodes"]
    if data["start"] not in nodes:
        problem("start", f"names node {data['start']!r}, which does not exist")

    for node_id, node in nodes.items():
        where = f"node {node_id}"
        has_choices, has_ending = "choices" in node, "ending" in node
        if has_choices == has_ending:
            problem(where, "needs either 'choices' (a decision) or 'ending' (an outcome), not both")
            continue
        seen = set()
        for choice in node.get("choices", ()):
            cwhere = f"{where} / choice {choice['id']}"
            if choice["id"] in seen:
                problem(cwhere, "this choice id is used twice in the node")
            seen.add(choice["id"])
            if choice["next"] not in nodes:
                problem(cwhere, f"leads to node {choice['next']!r}, which does not exist")
            if not choice["feedback"].strip():
                problem(cwhere, "has no feedback")
            if choice.get("lesson") and choice["lesson"] not in LESSON_SLUGS:
                problem(cwhere, f"lesson {choice['lesson']!r} is not a lesson of this course")
    if data["start"] not in nodes or any(
        ("choices" in n) == ("ending" in n) for n in nodes.values()
    ):
        return problems

    # Reachability and cycles, by depth-first search from the start.
    reached: set[str] = set()
    on_stack: list[str] = []

    def visit(node_id: str) -> None:
        reached.add(node_id)
        on_stack.append(node_id)
        for choice in nodes[node_id].get("choices", ()):
            if choice["next"] not in nodes:
                continue
            if choice["next"] in on_stack:
                problem(
                    f"node {node_id} / choice {choice['id']}",
                    f"leads back to node {choice['next']!r}, so this path could go round forever",
                )
            elif choice["next"] not in reached:
                visit(choice["next"])
        on_stack.pop()

    visit(data["start"])
    for node_id in nodes:
        if node_id not in reached:
            problem(f"node {node_id}", "cannot be reached from the start")
    if problems:
        return problems

    scenario = from_data(data)
    endings = {steps[-1][1].next for steps in scenario.paths()} if scenario.endings() else set()
    if len(endings) < 2:
        problem("nodes", f"has {len(endings)} reachable ending(s); a scenario needs at least two")
    deepest = max((len(steps) for steps in scenario.paths()), default=0)
    if deepest < 2:
        problem("nodes", f"its longest path has {deepest} decision(s); it needs at least two")
    return problems


def load(path_or_id: str | Path) -> Scenario:
    """Load and check a scenario by file path or by id; raise ContentError."""
    path = Path(path_or_id)
    if path.suffix not in (".yaml", ".yml"):
        path = scenarios_dir() / f"{path_or_id}.yaml"
        if not path.exists():
            known = ", ".join(s for s in available()) or "none found"
            raise ContentError([Problem(str(path), "file", f"no such scenario (available: {known})")])
    return load_cached(path, from_data)


def for_lesson(slug: str) -> list[Scenario]:
    """The shipped scenarios that practise a lesson, in name order."""
    found = []
    for sid in available():
        try:
            loaded = load(sid)
        except ContentError:
            continue
        if slug in loaded.lessons:
            found.append(loaded)
    return found


def available() -> list[str]:
    """The ids of the scenarios shipped with the course, in name order."""
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


# -- a learner's way through a scenario ---------------------------------------


def merge_completions(*runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Finished runs from several copies of one learner's record (two players
    of a scenario, two browser tabs), each once, oldest first. A run is the
    same run when every field matches."""
    merged: dict[str, dict[str, Any]] = {}
    for run_list in runs:
        for run in run_list:
            if isinstance(run, dict):
                merged.setdefault(json.dumps(run, sort_keys=True, default=str), run)
    return sorted(merged.values(), key=lambda run: str(run.get("finished", "")))


@dataclass
class Playthrough:
    """Where a learner is in a scenario, and how they got there.

    ``steps`` are the choices made so far; while ``awaiting_continue`` is
    true the learner is reading the feedback on the last one.
    """

    scenario: Scenario
    steps: list[tuple[str, str]] = field(default_factory=list)
    awaiting_continue: bool = False
    completions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def node(self) -> Node:
        """The scene on screen."""
        if not self.steps:
            return self.scenario.node(self.scenario.start)
        node_id, choice_id = self.steps[-1]
        if self.awaiting_continue:
            return self.scenario.node(node_id)
        return self.scenario.node(self.scenario.node(node_id).choice(choice_id).next)

    @property
    def last_choice(self) -> Choice | None:
        if not self.steps:
            return None
        node_id, choice_id = self.steps[-1]
        return self.scenario.node(node_id).choice(choice_id)

    @property
    def finished(self) -> bool:
        return not self.awaiting_continue and self.node.is_ending

    def choose(self, choice_id: str) -> Choice:
        """Make a choice at the current decision; its feedback is now showing."""
        if self.awaiting_continue:
            raise ValueError("continue (or go back) before making another choice")
        node = self.node
        if node.is_ending:
            raise ValueError("this scenario has ended; start over to play again")
        choice = node.choice(choice_id)
        self.steps.append((node.id, choice.id))
        self.awaiting_continue = True
        return choice

    def proceed(self) -> Node:
        """Leave the feedback and move to the scene the choice leads to."""
        if not self.awaiting_continue:
            raise ValueError("there is no feedback to continue from")
        self.awaiting_continue = False
        if self.node.is_ending:
            self.completions.append(
                {
                    "ending": self.node.id,
                    "outcome": self.node.ending,
                    "steps": [list(step) for step in self.steps],
                    "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                }
            )
        return self.node

    def back(self) -> None:
        """Undo the last choice: back to the decision where it was made."""
        if not self.steps:
            return
        if self.awaiting_continue:
            self.steps.pop()
            self.awaiting_continue = False
        else:
            self.awaiting_continue = True
            self.back()

    def restart(self) -> None:
        self.steps.clear()
        self.awaiting_continue = False

    def path(self) -> list[tuple[Node, Choice]]:
        """The choices made so far, as (node, choice) pairs."""
        return [
            (self.scenario.node(n), self.scenario.node(n).choice(c)) for n, c in self.steps
        ]

    # -- saving --------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.id,
            "steps": [list(step) for step in self.steps],
            "awaiting_continue": self.awaiting_continue,
            "finished": self.finished,
            "completions": self.completions,
        }

    @classmethod
    def from_data(cls, scenario: Scenario, data: dict[str, Any]) -> tuple[Playthrough, str]:
        """Restore a saved way through; keep the steps that still fit the
        scenario and say so when some were dropped (the scenario changed)."""
        play = cls(scenario, completions=list(data.get("completions") or []))
        raw_steps = data.get("steps") or []
        note = ""
        for i, step in enumerate(raw_steps):
            try:
                node_id, choice_id = step
                play.awaiting_continue = False  # replaying: completions are already saved
                if play.node.id != node_id:
                    raise KeyError(node_id)
                play.choose(choice_id)
            except (KeyError, TypeError, ValueError):
                play.awaiting_continue = False
                note = (
                    f"This scenario has changed since you last played it; your first {i} "
                    "choice(s) were kept."
                )
                return play, note
        play.awaiting_continue = bool(play.steps) and bool(data.get("awaiting_continue"))
        return play, note
