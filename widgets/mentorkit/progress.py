"""Where a learner is in the course: each lesson, scenario, assignment and
self-assessment, and whether it is done, read from the learner's store and
their working copies of the assignments. Nothing here draws or writes.

What counts as done:

- a lesson, when the learner ticks "I have finished this lesson" at its end
  (saved in the store as ``lessons/<slug>.json``);
- a scenario, when a way through it has reached an ending at least once;
- an assignment, when every answer cell of the learner's working copy differs
  from the blank it was released with (``mentorkit.assignments.working_copy``:
  the copy fetched from the course, else the learner's own self-paced copy);
  started when at least one does (``mentorkit.assignments.has_answers``);
- a self-assessment, when the learner has saved answers in its app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import scenario as scenarios
from .course import LESSONS, SELF_ASSESSMENTS, course_root
from .store import Store

LESSON_INSTRUMENT = "lessons"
SCENARIO_INSTRUMENT = "scenarios"

DONE, STARTED, NOT_STARTED = "done", "started", "not started"
STATUSES = (DONE, STARTED, NOT_STARTED)


@dataclass(frozen=True)
class Item:
    """One thing to do in the course and how far the learner has got with it."""

    kind: str  # "lesson", "scenario", "assignment" or "self-assessment"
    id: str
    title: str
    lessons: tuple[str, ...]  # the lessons it belongs to
    path: str  # the notebook, relative to the course root
    status: str = NOT_STARTED
    detail: str = ""

    @property
    def done(self) -> bool:
        return self.status == DONE


@dataclass
class Progress:
    """Every item of the course with its status."""

    items: list[Item]
    problems: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items if item.kind == kind]

    def for_lesson(self, slug: str, kind: str | None = None) -> list[Item]:
        return [i for i in self.items if slug in i.lessons and (kind is None or i.kind == kind)]

    def done(self, kind: str) -> list[Item]:
        return [item for item in self.of_kind(kind) if item.done]

    def counts(self) -> dict[str, tuple[int, int]]:
        """``{kind: (done, total)}`` for each kind of item."""
        kinds = dict.fromkeys(item.kind for item in self.items)
        return {kind: (len(self.done(kind)), len(self.of_kind(kind))) for kind in kinds}

    def to_frame(self):
        """The items as a pandas DataFrame (one row each)."""
        import pandas as pd

        return pd.DataFrame(
            [{"kind": i.kind, "id": i.id, "title": i.title, "lessons": ", ".join(i.lessons),
              "status": i.status, "detail": i.detail} for i in self.items]
        )


def course_progress(store: Store | None = None, root: Path | None = None,
                    workdirs: list[Path] | None = None) -> Progress:
    """The learner's progress through the whole course.

    ``workdirs`` are the folders where fetched assignments may be (by default
    the home folder and the course folder); the first copy found is read.
    """
    store = store or Store()
    root = Path(root) if root else course_root()
    workdirs = workdirs if workdirs is not None else [Path.home(), root]
    progress = Progress(items=[])
    progress.items += _lessons(store, root)
    progress.items += _scenarios(store)
    progress.items += _assignments(root, workdirs, progress.problems)
    progress.items += _self_assessments(store, root)
    progress.problems += store.problems
    return progress


def mark_lesson(slug: str, done: bool = True, store: Store | None = None) -> None:
    """Record that the learner has (or has not) finished a lesson."""
    if slug not in {lesson.slug for lesson in LESSONS}:
        raise ValueError(f"there is no lesson called {slug!r}")
    (store or Store()).save(LESSON_INSTRUMENT, slug, {"done": bool(done)})


def lesson_done(slug: str, store: Store | None = None) -> bool:
    record = (store or Store()).load(LESSON_INSTRUMENT, slug)
    return bool(record and record.data.get("done"))


# -- each kind ----------------------------------------------------------------
def _lessons(store: Store, root: Path) -> list[Item]:
    items = []
    for lesson in LESSONS:
        if not (root / lesson.notebook).exists():
            continue
        record = store.load(LESSON_INSTRUMENT, lesson.slug)
        done = bool(record and record.data.get("done"))
        items.append(Item("lesson", lesson.slug, lesson.title, (lesson.slug,), lesson.notebook,
                          DONE if done else NOT_STARTED, record.saved[:10] if done and record else ""))
    return items


def _scenarios(store: Store) -> list[Item]:
    items = []
    for scene_id in scenarios.available():
        try:
            scene = scenarios.load(scene_id)
        except scenarios.ContentError:
            continue  # `mentorkit validate` reports it; the map shows the rest
        record = store.load(SCENARIO_INSTRUMENT, scene.id)
        data = record.data if record else {}
        endings = len(data.get("completions") or [])
        if endings:
            status, detail = DONE, f"{endings} ending{'s' if endings != 1 else ''} reached"
        elif data.get("steps"):
            status, detail = STARTED, "in progress"
        else:
            status, detail = NOT_STARTED, ""
        items.append(Item("scenario", scene.id, scene.title, tuple(scene.lessons),
                          "exercises/scenarios.ipynb", status, detail))
    return items


def _assignments(root: Path, workdirs: list[Path], problems: list[str]) -> list[Item]:
    items = []
    titles = {lesson.slug: lesson.title for lesson in LESSONS}
    for released in sorted((root / "release").glob("*/*.ipynb")):
        slug = released.parent.name
        if released.stem != slug or slug not in titles:
            continue
        copy = _working_copy(slug, released, workdirs)
        status, detail = assignment_status(released, copy, problems)
        items.append(Item("assignment", slug, titles[slug], (slug,),
                          released.relative_to(root).as_posix(), status, detail))
    return items


def _working_copy(slug: str, released: Path, workdirs: list[Path]) -> Path:
    """The learner's copy of an assignment: the Assignments page's working copy (fetched
    from the course, else the self-paced copy), else one in ``workdirs``, else the release."""
    from . import assignments

    try:
        copy = assignments.working_copy(slug)
    except assignments.AssignmentError:
        copy = None
    if copy is not None and copy.resolve() != released.resolve():
        return copy
    return next((d / slug / released.name for d in workdirs if (d / slug / released.name).exists()), released)


def _self_assessments(store: Store, root: Path) -> list[Item]:
    items = []
    for app in SELF_ASSESSMENTS:
        if not (root / app.notebook).exists():
            continue
        keys = [r.key for r in store.records(app.id)]
        items.append(Item("self-assessment", app.id, app.title, app.lessons, app.notebook,
                          DONE if keys else NOT_STARTED, _answered(root, app, keys)))
    return items


def _answered(root: Path, app, keys: list[str]) -> str:
    """When the learner answered, as the app names it ("Before the course, Looking
    back"), each once: answers kept under a timepoint's old name count as the
    new one. "saved" for an app with one set of answers (a map, a plan)."""
    if not keys:
        return ""
    try:
        from .assessment import from_data
        from .content import load_cached

        instrument = load_cached(root / Path(app.notebook).with_suffix(".yaml"), from_data)
    except Exception:  # not an instrument, or unreadable: its own page says why
        return "saved" if keys == ["current"] else ", ".join(keys)
    if tuple(instrument.timepoints) == ("current",):
        return "saved"
    order = {name: number for number, name in enumerate(instrument.timepoints)}
    names = sorted({instrument.timepoint_of(key) for key in keys}, key=lambda n: (order.get(n, 99), n))
    return ", ".join(instrument.timepoint_label(name).split(":")[0] for name in names)


def assignment_status(released: Path, copy: Path, problems: list[str] | None = None) -> tuple[str, str]:
    """How many of an assignment's answer cells the learner has filled in."""
    from .assignments import answer_sources, answer_written

    blanks = answer_sources(released)
    if not blanks:
        return NOT_STARTED, ""
    if copy == released and not copy.exists():
        return NOT_STARTED, ""
    try:
        answers = answer_sources(copy)
    except (OSError, ValueError) as exc:
        if problems is not None:
            problems.append(f"{copy}: could not be read ({exc})")
        return NOT_STARTED, "your copy could not be read"
    filled = sum(1 for grade_id, blank in blanks.items()
                 if grade_id in answers and answer_written(answers[grade_id], blank))
    detail = f"{filled} of {len(blanks)} answers written"
    if filled == len(blanks):
        return DONE, detail
    return (STARTED if filled else NOT_STARTED), detail
