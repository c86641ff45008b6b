"""A facilitator's view of the cohort's grades: pandas frames read from
nbgrader's gradebook database. Nothing here draws or shows anything; the
dashboard (``ui/gradebook.py``) does.

The database is opened read-only, through nbgrader's own table definitions,
so looking at grades never changes them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .course import LESSONS, course_root

ENV = "MENTORKIT_GRADEBOOK"
REFLECTION, CHECK, TASK = "reflection", "knowledge check", "task"
GRADED, NEEDS_GRADING, NOT_SUBMITTED = "graded", "needs grading", "not submitted"
TITLES = {lesson.slug: lesson.title for lesson in LESSONS}


class GradebookError(Exception):
    """A gradebook that cannot be shown; the message says what to do about it."""


def gradebook_path() -> Path:
    """Where the gradebook is: ``$MENTORKIT_GRADEBOOK``, else the course's ``gradebook.db``."""
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return course_root() / "gradebook.db"


def lesson_label(assignment: str) -> str:
    """``02-setting-expectations`` -> ``02 Setting expectations``, ``06a-...`` -> ``06a ...``
    (the name itself if unknown)."""
    title = TITLES.get(assignment)
    number = assignment.split("-", 1)[0]
    return f"{number} {title}" if title and number[:2].isdigit() else assignment


def _short(text: str, limit: int = 90) -> str:
    """The first sentence of ``text`` on one line, cut at a word near ``limit`` characters."""
    import re

    line = " ".join(text.replace("*", "").replace("`", "").split())
    first = re.split(r"(?<=[.?!])\s", line, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def question_labels(assignment_ids, root: Path | None = None) -> dict[tuple[str, str], str]:
    """``{(assignment, graded cell): "Question 3: Which of these are terms…"}`` from the
    participants' notebooks in ``release/`` (``source/`` when there is no release), so the
    dashboard names questions, not cell ids. Cells of unknown assignments are left out."""
    from . import assignments as forms

    labels: dict[tuple[str, str], str] = {}
    for assignment in assignment_ids:
        try:
            path = forms.release_path(assignment, root)
            if not path.is_file():
                path = forms.source_path(assignment, root)
            form = forms.read_form(path, assignment)
        except Exception:  # an unknown or unreadable assignment: its cells keep their ids
            continue
        for question in form.questions:
            label = f"{question.title}: {_short(question.prompt)}" if question.prompt else question.title
            labels[(assignment, question.grade_id)] = label
            if question.test_id:
                labels[(assignment, question.test_id)] = label
    return labels


def who(name: str, student_id: str) -> str:
    """``Rania Ahmed (rahmed)``; the code alone when nbgrader has no name for the person."""
    return name if name == student_id else f"{name} ({student_id})"


@dataclass
class CohortGrades:
    """Everything in one gradebook, as tidy frames.

    ``students``: student_id, name, email, who (name and code). ``assignments``: assignment,
    label, duedate. ``grades``: one row per participant and graded cell of a submission, with
    student_id, assignment, notebook, item, question, kind, score, max_score, needs_manual_grade.
    ``submissions``: student_id, assignment, timestamp. ``cells``: every graded cell of every
    assignment (assignment, notebook, item, question, kind, max_score, order), submitted to or
    not. ``question`` is the question's number and text (the cell id when it is not known)."""

    path: Path
    students: object
    assignments: object
    grades: object
    submissions: object
    cells: object

    @property
    def is_empty(self) -> bool:
        return self.assignments.empty

    def status(self):
        """One row per participant and assignment: graded, needs grading or not submitted."""
        import pandas as pd

        grid = self.students[["student_id", "name", "who"]].merge(
            self.assignments[["assignment", "label"]], how="cross")
        waiting = (self.grades.groupby(["student_id", "assignment"])["needs_manual_grade"].any()
                   .rename("waiting").reset_index())
        grid = grid.merge(self.submissions[["student_id", "assignment", "timestamp"]], how="left",
                          on=["student_id", "assignment"], indicator=True)
        grid = grid.merge(waiting, how="left", on=["student_id", "assignment"])
        submitted = grid["_merge"] == "both"
        grid["status"] = NOT_SUBMITTED
        grid.loc[submitted, "status"] = GRADED
        grid.loc[submitted & grid["waiting"].fillna(False).astype(bool), "status"] = NEEDS_GRADING
        return grid.drop(columns=["_merge", "waiting"]).reset_index(drop=True).pipe(
            lambda frame: frame.astype({"status": pd.CategoricalDtype(
                [GRADED, NEEDS_GRADING, NOT_SUBMITTED])}))

    def completion(self):
        """Participants (``Name (code)``) by assignment: each cell says graded, needs grading or
        not submitted."""
        status = self.status()
        table = status.pivot(index="who", columns="label", values="status")  # unique, unlike names
        table = table.reindex(columns=list(self.assignments["label"]))
        table.columns.name, table.index.name = None, "Participant"
        return table.sort_index()

    def completion_by_lesson(self):
        """Per assignment: how many of the roster submitted, how many are fully graded."""
        status = self.status()
        roster = len(self.students)
        rows = []
        for assignment, label in zip(self.assignments["assignment"], self.assignments["label"],
                                     strict=True):
            mine = status[status["assignment"] == assignment]["status"]
            submitted = int((mine != NOT_SUBMITTED).sum())
            rows.append({"assignment": assignment, "Lesson": label, "Submitted": submitted,
                         "Graded": int((mine == GRADED).sum()),
                         "Needs grading": int((mine == NEEDS_GRADING).sum()),
                         "Not submitted": roster - submitted,
                         "Submitted (%)": round(100 * submitted / roster, 1) if roster else 0.0})
        import pandas as pd

        return pd.DataFrame(rows, columns=["assignment", "Lesson", "Submitted", "Graded", "Needs grading",
                                           "Not submitted", "Submitted (%)"])

    def not_submitted(self):
        """Who has not handed in each assignment: assignment, label, student_id, name, email."""
        status = self.status()
        missing = status[status["status"] == NOT_SUBMITTED]
        return (missing.merge(self.students[["student_id", "email"]], on="student_id")
                [["assignment", "label", "student_id", "name", "email"]]
                .sort_values(["assignment", "name"]).reset_index(drop=True))

    def needs_grading(self):
        """Submissions with cells still to grade by hand: who, which assignment, which cells."""
        waiting = self.grades[self.grades["needs_manual_grade"]]
        if waiting.empty:
            return waiting.assign(cells="", questions="")[["assignment", "student_id", "cells", "questions"]]
        grouped = (waiting.sort_values("order").groupby(["assignment", "student_id"])
                   .agg(cells=("item", lambda items: ", ".join(sorted(items))),
                        questions=("question", lambda items: "; ".join(items))).reset_index())
        return grouped.merge(self.students[["student_id", "name", "who"]], on="student_id").sort_values(
            ["assignment", "name"]).reset_index(drop=True)

    def item_scores(self):
        """Scores of every graded cell that has been graded: one row per participant and cell,
        with the score as a fraction of the cell's points."""
        graded = self.grades[~self.grades["needs_manual_grade"]].copy()
        graded["fraction"] = graded["score"] / graded["max_score"].where(graded["max_score"] > 0)
        return graded.reset_index(drop=True)

    def item_summary(self):
        """Per assignment and cell: kind, points, how many graded, mean, median, lowest, highest."""

        scores = self.item_scores()
        cells = self.cells[["assignment", "item", "question", "kind", "max_score", "order"]]
        stats = scores.groupby(["assignment", "item"])["score"].agg(
            ["count", "mean", "median", "min", "max"]).reset_index()
        summary = cells.merge(stats, on=["assignment", "item"], how="left")
        summary["count"] = summary["count"].fillna(0).astype(int)
        return summary.sort_values(["assignment", "order"]).drop(columns="order").reset_index(drop=True)

    def totals(self):
        """Per participant and submitted assignment: score, points available, and whether final."""
        grouped = self.grades.groupby(["student_id", "assignment"]).agg(
            score=("score", "sum"), max_score=("max_score", "sum"),
            waiting=("needs_manual_grade", "any")).reset_index()
        grouped["final"] = ~grouped["waiting"]
        return grouped.drop(columns="waiting")

    def person_totals(self):
        """One row per participant (roster order): student_id, who, then per assignment label
        the score (empty when not submitted), ``Total``, ``Out of`` (every assignment's
        points: nothing submitted counts as 0) and ``Not final`` (assignments still waiting
        for grading by hand)."""
        import pandas as pd

        totals = self.totals().merge(self.assignments[["assignment", "label"]], on="assignment")
        labels = list(self.assignments["label"])
        scores = totals.pivot(index="student_id", columns="label", values="score").reindex(columns=labels)
        table = self.students[["student_id", "who"]].set_index("student_id").join(scores)
        waiting = totals[~totals["final"]].groupby("student_id").size()
        table["Total"] = table[labels].sum(axis=1, min_count=0) if labels else 0.0
        table["Out of"] = float(self.cells["max_score"].astype(float).sum())
        table["Not final"] = waiting.reindex(table.index).fillna(0).astype(int)
        table.columns.name = None
        return pd.DataFrame(table).reset_index()


def _where(path: Path) -> str:
    """``gradebook.db in the course folder`` for the usual place, else the path itself."""
    from .course import course_root

    try:
        return f"{path.resolve().relative_to(course_root())} in the course folder"
    except ValueError:
        return str(path)


def load(path: Path | str | None = None) -> CohortGrades:
    """Read a gradebook into frames. Raises GradebookError, with what to do, when there is no
    gradebook at ``path`` or it cannot be read."""
    path = Path(path) if path else gradebook_path()
    if not path.is_file():
        raise GradebookError(
            f"There is no gradebook at {_where(path)} yet. nbgrader creates it the first time you run "
            "`nbgrader db student import roster.csv` or `nbgrader generate_assignment` in the course "
            f"folder. To look at a gradebook kept elsewhere, set {ENV} to its path.")
    try:
        return _read(path)
    except Exception as exc:  # sqlite and SQLAlchemy raise many kinds; all mean the same here
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise GradebookError(
            f"{path} could not be read as an nbgrader gradebook ({reason}). "
            "Check that it is the gradebook.db of your course and that nbgrader has upgraded it "
            "(`nbgrader db upgrade`).") from exc


def _read(path: Path) -> CohortGrades:
    import pandas as pd
    from nbgrader import api as nb
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            def frame(*columns, names):
                return pd.DataFrame(session.query(*columns).all(), columns=names)

            students = frame(nb.Student.id, nb.Student.first_name, nb.Student.last_name, nb.Student.email,
                             names=["student_id", "first_name", "last_name", "email"])
            assignments = frame(nb.Assignment.id, nb.Assignment.name, nb.Assignment.duedate,
                                names=["assignment_key", "assignment", "duedate"])
            notebooks = frame(nb.Notebook.id, nb.Notebook.name, nb.Notebook.assignment_id,
                              names=["notebook_key", "notebook", "assignment_key"])
            cells = pd.concat([
                frame(nb.GradeCell.id, nb.GradeCell.name, nb.GradeCell.notebook_id, nb.GradeCell.max_score,
                      nb.GradeCell.cell_type, names=["cell_key", "item", "notebook_key", "max_score",
                                                     "cell_type"]).assign(task=False),
                frame(nb.TaskCell.id, nb.TaskCell.name, nb.TaskCell.notebook_id, nb.TaskCell.max_score,
                      nb.TaskCell.cell_type, names=["cell_key", "item", "notebook_key", "max_score",
                                                    "cell_type"]).assign(task=True),
            ], ignore_index=True)
            solutions = frame(nb.SolutionCell.name, nb.SolutionCell.notebook_id,
                              names=["item", "notebook_key"])
            submissions = frame(nb.SubmittedAssignment.id, nb.SubmittedAssignment.student_id,
                                nb.SubmittedAssignment.assignment_id, nb.SubmittedAssignment.timestamp,
                                names=["submission_key", "student_id", "assignment_key", "timestamp"])
            submitted_notebooks = frame(nb.SubmittedNotebook.id, nb.SubmittedNotebook.assignment_id,
                                        names=["submitted_notebook_key", "submission_key"])
            grades = frame(nb.Grade.notebook_id, nb.Grade.cell_id, nb.Grade.score,
                           nb.Grade.needs_manual_grade,
                           names=["submitted_notebook_key", "cell_key", "score", "needs_manual_grade"])
    finally:
        engine.dispose()

    students["name"] = [_name(row) for row in students.itertuples()]
    students["who"] = [who(n, i) for n, i in zip(students["name"], students["student_id"], strict=True)]
    students = students[["student_id", "name", "email", "who"]].sort_values("name").reset_index(drop=True)
    assignments = assignments.sort_values("assignment").reset_index(drop=True)
    assignments["label"] = assignments["assignment"].map(lesson_label)

    answered = set(zip(solutions["item"], solutions["notebook_key"], strict=True))
    cells["kind"] = [TASK if task else REFLECTION if (item, key) in answered else CHECK
                     for task, item, key in zip(cells["task"], cells["item"], cells["notebook_key"],
                                                strict=True)]
    cells["order"] = range(len(cells))  # nbgrader stores cells in notebook order
    # a 0-point cell is a form check (a reflection's "is it written?" test), not a score
    cells = cells[cells["max_score"].astype(float) > 0]
    cells = cells.merge(notebooks, on="notebook_key").merge(
        assignments[["assignment_key", "assignment"]], on="assignment_key")
    labels = question_labels(list(assignments["assignment"]))
    cells["question"] = [labels.get((a, i), i)
                         for a, i in zip(cells["assignment"], cells["item"], strict=True)]
    submissions = submissions.merge(assignments[["assignment_key", "assignment"]], on="assignment_key")
    grades = (grades.merge(submitted_notebooks, on="submitted_notebook_key")
              .merge(submissions[["submission_key", "student_id"]], on="submission_key")
              .merge(cells[["cell_key", "item", "question", "kind", "max_score", "notebook", "assignment",
                            "order"]], on="cell_key"))
    grades["needs_manual_grade"] = grades["needs_manual_grade"].astype(bool)
    grades["score"] = grades["score"].astype(float)
    grades = grades[["student_id", "assignment", "notebook", "item", "question", "kind", "score", "max_score",
                     "needs_manual_grade", "order"]].sort_values(["assignment", "student_id", "order"])
    return CohortGrades(path=path, students=students,
                        assignments=assignments[["assignment", "label", "duedate"]],
                        grades=grades.reset_index(drop=True),
                        submissions=submissions[["student_id", "assignment", "timestamp"]],
                        cells=cells[["assignment", "notebook", "item", "question", "kind", "max_score",
                                     "order"]]
                        .sort_values(["assignment", "order"]).reset_index(drop=True))


def _name(row) -> str:
    name = " ".join(part for part in (row.first_name, row.last_name) if part and str(part).strip())
    return name or row.student_id
