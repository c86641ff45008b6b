"""The facilitator's gradebook dashboard: completion by lesson and participant,
who has not submitted, what is left to grade, and how each reflection and
knowledge check was scored. Tables and charts over ``mentorkit.gradebook``;
nothing here decides anything.

    from mentorkit.ui.gradebook import show_gradebook
    show_gradebook()            # the course's gradebook.db, or $MENTORKIT_GRADEBOOK
"""

from __future__ import annotations

from pathlib import Path

from .. import gradebook as model
from ..plots import OKABE_ITO
from ._html import esc
from .charts import figure_html

STATUS_COLOURS = {model.GRADED: OKABE_ITO[2], model.NEEDS_GRADING: OKABE_ITO[1],
                  model.NOT_SUBMITTED: "#BBBBBB"}
STATUS_HATCH = {model.GRADED: "", model.NEEDS_GRADING: "//", model.NOT_SUBMITTED: ".."}
STATUS_MARK = {model.GRADED: "&#10003; graded", model.NEEDS_GRADING: "&#9998; needs grading",
               model.NOT_SUBMITTED: "&#8212; not submitted"}
KIND_COLOURS = {model.REFLECTION: OKABE_ITO[0], model.CHECK: OKABE_ITO[5], model.TASK: OKABE_ITO[3]}
KIND_MARKERS = {model.REFLECTION: "o", model.CHECK: "s", model.TASK: "D"}

CSS = """
<style>
.mk-dash { font-size: 14px; line-height: 1.45; color: #1b1b1b; max-width: 70em; }
.mk-dash h2 { font-size: 20px; margin: 1.2em 0 0.4em; }
.mk-dash h3 { font-size: 16px; margin: 1em 0 0.3em; }
.mk-dash table { border-collapse: collapse; margin: 0.4em 0 1em; }
.mk-dash th, .mk-dash td { border: 1px solid #9aa5b1; padding: 0.3em 0.6em; text-align: left;
  vertical-align: top; }
.mk-dash thead th { background: #e8edf3; }
.mk-dash .mk-note { color: #3d3d3d; font-size: 13px; }
.mk-dash .mk-graded { color: #14532d; } .mk-dash .mk-needs { color: #7a4b00; font-weight: bold; }
.mk-dash .mk-missing { color: #3d3d3d; }
.mk-guide { margin: 0.6em 0; border: 1px solid #9aa5b1; padding: 0.4em 0.8em; max-width: 52em; }
.mk-guide summary { font-size: 16px; cursor: pointer; color: #0b57d0; }
.mk-guide[open] summary { margin-bottom: 0.5em; }
.mk-guide pre { background: #f3f5f8; padding: 0.5em; overflow-x: auto; }
.mk-dash a { color: #0b57d0; text-decoration: underline; }
.mk-empty { border-left: 6px solid #0072B2; background: #f3f7fb; padding: 0.6em 1em; max-width: 52em;
  font-size: 15px; line-height: 1.5; color: #1b1b1b; }
</style>
"""


def _figure(width: float, height: float):
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in Voila

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def completion_figure(by_lesson):
    """Stacked horizontal bars: per lesson, how many participants are graded, waiting or missing."""
    labels = list(by_lesson["Lesson"])
    fig, ax = _figure(8, 1.2 + 0.55 * len(labels))
    left = [0] * len(labels)
    for status, column in [(model.GRADED, "Graded"), (model.NEEDS_GRADING, "Needs grading"),
                           (model.NOT_SUBMITTED, "Not submitted")]:
        values = list(by_lesson[column])
        bars = ax.barh(labels, values, left=left, color=STATUS_COLOURS[status], edgecolor="black",
                       linewidth=0.6, hatch=STATUS_HATCH[status], label=status.capitalize())
        ax.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=9,
                     bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("Participants")
    ax.set_title("Completion by lesson", fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(ncols=3, frameon=False, loc="outside upper center", fontsize=9)
    return fig


def score_figure(scores, summary, title: str):
    """Each participant's score on each graded cell of one assignment, as a share of its points,
    one row per cell, with the mean marked."""
    import textwrap

    items = list(summary["item"])
    names = ["\n".join(textwrap.wrap(q, 34, max_lines=2, placeholder="…")) for q in summary["question"]]
    fig, ax = _figure(9, 1.4 + 0.62 * max(len(items), 1))
    for row, item in enumerate(items):
        kind = summary.loc[summary["item"] == item, "kind"].iloc[0]
        values = scores.loc[scores["item"] == item, "fraction"].dropna() * 100
        offsets = [((i % 7) - 3) * 0.05 for i in range(len(values))]  # spread ties without randomness
        ax.scatter(values, [row + o for o in offsets], s=28, color=KIND_COLOURS[kind],
                   marker=KIND_MARKERS[kind], edgecolor="black", linewidth=0.4, alpha=0.85,
                   label=kind.capitalize() if kind not in ax.get_legend_handles_labels()[1] else None)
        if len(values):
            ax.plot([values.mean()] * 2, [row - 0.3, row + 0.3], color="black", linewidth=2)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.set_yticks(range(len(items)), names, fontsize=8)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(-5, 105)
    ax.set_xlabel("Score (% of the points for that cell); black bar: mean")
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    if unique:
        fig.legend(unique.values(), unique.keys(), frameon=False, loc="outside upper center", ncols=3,
                   fontsize=9)
    return fig


def _table(frame, index: bool = False) -> str:
    return frame.to_html(index=index, escape=True, border=0, na_rep="",
                         float_format=lambda v: f"{round(v, 2):g}")


def _status_cell(status) -> str:
    css = {model.GRADED: "mk-graded", model.NEEDS_GRADING: "mk-needs"}.get(status, "mk-missing")
    return f'<span class="{css}">{STATUS_MARK.get(status, esc(str(status)))}</span>'


def completion_table(cohort) -> str:
    """Participants by lesson, each cell a status in words and a symbol."""
    table = cohort.completion()
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table.columns)
    rows = "".join(
        f'<tr><th scope="row">{esc(name)}</th>'
        + "".join(f"<td>{_status_cell(status)}</td>" for status in row) + "</tr>"
        for name, row in zip(table.index, table.itertuples(index=False), strict=True))
    return (f'<table><thead><tr><th scope="col">Participant</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _completion_alt(by_lesson) -> str:
    parts = [f"{row['Lesson']}: {row['Submitted']} submitted ({row['Graded']} graded, "
             f"{row['Needs grading']} waiting), {row['Not submitted']} not submitted"
             for row in by_lesson.to_dict("records")]
    return "Completion by lesson. " + "; ".join(parts) + "."


def _scores_alt(label: str, summary) -> str:
    parts = [f"{row.question} ({row.kind}, {row.max_score:g} points): "
             + (f"mean {row.mean:.2g} from {row.count} graded" if row.count else "none graded yet")
             for row in summary.itertuples()]
    return f"Scores for {label}. " + "; ".join(parts) + "."


def not_submitted_html(cohort) -> str:
    missing = cohort.not_submitted()
    if missing.empty:
        return '<p class="mk-note">Everyone on the roster has handed in every assignment.</p>'
    blocks = []
    for label, group in missing.groupby("label", sort=False):
        people = ", ".join(f"{esc(n)} &lt;{esc(e)}&gt;" if e else esc(n)
                           for n, e in zip(group["name"], group["email"].fillna(""), strict=True))
        blocks.append(f"<li><strong>{esc(label)}</strong> ({len(group)}): {people}</li>")
    return f'<ul class="mk-missing-list">{"".join(blocks)}</ul>'


def needs_grading_html(cohort) -> str:
    waiting = cohort.needs_grading()
    if waiting.empty:
        return '<p class="mk-note">Nothing is waiting to be graded by hand.</p>'
    frame = waiting.assign(Lesson=waiting["assignment"].map(model.lesson_label))[
        ["Lesson", "who", "questions"]].rename(columns={"who": "Participant", "questions": "To grade"})
    return _table(frame)


def totals_html(cohort) -> str:
    """Each participant's score per assignment and in all; a star marks a score not yet final."""
    table = cohort.person_totals()
    labels = list(cohort.assignments["label"])
    possible = (cohort.cells.groupby("assignment")["max_score"].sum()
                .reindex(cohort.assignments["assignment"]).fillna(0).tolist())
    totals = cohort.totals()
    waiting = set(zip(totals.loc[~totals["final"], "student_id"],
                      totals.loc[~totals["final"], "assignment"].map(model.lesson_label), strict=True))
    head = "".join(f'<th scope="col">{esc(label)}<br><span class="mk-note">out of {points:g}</span></th>'
                   for label, points in zip(labels, possible, strict=True))

    def cell(student, label, value) -> str:
        if value != value:  # NaN: not submitted
            return '<td class="mk-missing">&#8212;</td>'
        star = "*" if (student, label) in waiting else ""
        return f"<td>{value:g}{star}</td>"

    rows = "".join(
        f'<tr><th scope="row">{esc(row["who"])}</th>'
        + "".join(cell(row["student_id"], label, row[label]) for label in labels)
        + f'<td><strong>{row["Total"]:g}</strong> of {row["Out of"]:g}</td></tr>'
        for row in table.to_dict("records"))
    return (f'<table class="mk-totals"><thead><tr><th scope="col">Participant</th>{head}'
            f'<th scope="col">Total</th></tr></thead><tbody>{rows}</tbody></table>'
            '<p class="mk-note">&#8212; not submitted (counts as 0 in the total). * still waiting for '
            "grading by hand, so the score may rise.</p>")


def scores_html(cohort) -> str:
    summary, scores = cohort.item_summary(), cohort.item_scores()
    if summary.empty:
        return '<p class="mk-note">No graded cells yet.</p>'
    parts = []
    for assignment, label in zip(cohort.assignments["assignment"], cohort.assignments["label"],
                                 strict=True):
        mine = summary[summary["assignment"] == assignment]
        if mine.empty:
            continue
        if not mine["count"].any():
            parts.append(f'<h3>{esc(label)}</h3><p class="mk-note">No grades yet.</p>')
            continue
        fig = score_figure(scores[scores["assignment"] == assignment], mine, f"Scores: {label}")
        table = mine.drop(columns=["assignment", "item"]).rename(columns={
            "question": "Question", "kind": "Kind", "max_score": "Points", "count": "Graded", "mean": "Mean",
            "median": "Median", "min": "Lowest", "max": "Highest"})
        parts.append(f"<h3>{esc(label)}</h3>{figure_html(fig, _scores_alt(label, mine))}{_table(table)}")
    return "".join(parts)


def dashboard_html(cohort) -> str:
    """The whole dashboard for one gradebook, as HTML."""
    if cohort.is_empty:
        return empty_html(f"The gradebook at {cohort.path} has no assignments yet. Run "
                          "`nbgrader generate_assignment NN-slug` to add one.")
    by_lesson = cohort.completion_by_lesson()
    submitted = int(by_lesson["Submitted"].sum())
    waiting = len(cohort.needs_grading())
    summary = (f"{len(cohort.students)} participants on the roster, {len(cohort.assignments)} "
               f"assignments, {submitted} submissions, {waiting} waiting for grading by hand. "
               f"Gradebook: {cohort.path}")
    lesson_table = _table(by_lesson.drop(columns="assignment"))
    return (f'{CSS}<div class="mk-dash"><p class="mk-note">{esc(summary)}</p>{guide_html()}'
            f"<h2>Completion by lesson</h2>"
            f"{figure_html(completion_figure(by_lesson), _completion_alt(by_lesson))}{lesson_table}"
            f"<h2>Who has not submitted</h2>{not_submitted_html(cohort)}"
            f"<h2>Waiting to be graded by hand</h2>{needs_grading_html(cohort)}"
            f"<h2>Completion by participant</h2>{completion_table(cohort)}"
            f"<h2>Totals by participant</h2>{totals_html(cohort)}"
            f"<h2>Scores by reflection and knowledge check</h2>{scores_html(cohort)}</div>")


def _with_code(message: str) -> str:
    """The message escaped, with `backticked` commands shown as code."""
    import re

    return re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(message))


def empty_html(message: str) -> str:
    return (f'{CSS}<div class="mk-empty" role="status"><strong>Nothing to show yet.</strong> '
            f"{_with_code(message)}</div>{guide_html()}")


# The guide is on the page itself, folded, and opens in place: a link to docs/ would not
# work in standalone Voila (`voila exercises/facilitator/gradebook.ipynb` serves nothing
# outside the notebook's own folder), and JupyterLab's output area, which Voila uses, does
# not follow in-page (#) links.
GUIDE_ID = "mk-facilitator-guide"
RUBRICS_NOTE = ('<p class="mk-note">Rubric sheets for grading (questions, right answers, mark schemes): '
                "run <code>mentorkit rubrics</code> in the course folder and open <code>rubrics/index.html"
                "</code>.</p>")


def guide_html() -> str:
    """The facilitator guide (docs/facilitator-guide.md), folded; its summary opens it."""
    from ..course import course_root
    from ._html import markdown

    path = course_root() / "docs" / "facilitator-guide.md"
    try:
        body = markdown(path.read_text(encoding="utf-8"))
    except OSError:
        body = f"<p>The guide is not in this copy of the course ({esc(path)} is missing).</p>"
    return (f'<details class="mk-guide mk-dash" id="{GUIDE_ID}"><summary><strong>Facilitator guide</strong>: '
            "how to grade, from the roster to exported grades (click to open)</summary>"
            f"{body}</details>{RUBRICS_NOTE}")


class GradebookDashboard:
    """Displays itself as the dashboard, or as a plain explanation when there is no gradebook."""

    def __init__(self, path: Path | str | None = None):
        self.path = path
        try:
            self.cohort, self.problem = model.load(path), None
        except model.GradebookError as exc:
            self.cohort, self.problem = None, str(exc)

    def _repr_html_(self) -> str:
        return empty_html(self.problem) if self.problem else dashboard_html(self.cohort)


def show_gradebook(path: Path | str | None = None) -> GradebookDashboard:
    """The dashboard for the course's gradebook (or ``path``); display it by leaving it last in a cell."""
    return GradebookDashboard(path)
