"""The cohort report as HTML: one self-contained page (charts embedded as PNG
images with alternative text), written by ``mentorkit report`` and shown by
the cohort dashboard.

Everything that comes from a file (answers, file names, messages quoting them)
is escaped: the page never runs anything a participant typed. Participants
appear only under their pseudonymous ids."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from . import cohort as model
from .ui._html import esc
from .ui.charts import figure_html

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  line-height: 1.5; margin: 0; background: #fff; }
main { max-width: 64em; margin: 0 auto; padding: 1em 1.5em 3em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #c9d1da; }
.mk-meta { color: #3d3d3d; font-size: 0.9em; }
table.mk-table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
table.mk-table caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
table.mk-table th, table.mk-table td { border: 1px solid #9aa5b1; padding: 0.3em 0.6em; text-align: left;
  vertical-align: top; }
table.mk-table th { background: #e8edf3; }
table.mk-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.mk-answer { white-space: pre-wrap; max-width: 40em; overflow-wrap: anywhere; }
.mk-callout { border-left: 6px solid #9a6700; background: #fff8e6; padding: 0.4em 0.9em; }
figure { margin: 1em 0; } figcaption { font-size: 0.9em; color: #3d3d3d; }
"""


def _missing(value) -> bool:
    """None, or NaN (pandas turns a missing figure into NaN)."""
    return value is None or value != value


def _number(value, digits: int = 2, signed: bool = False) -> str:
    if _missing(value):
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def table(headers: list[str], rows: list[list], caption: str = "", numeric: set[int] = frozenset(),
          answer: set[int] = frozenset()) -> str:
    """An HTML table; every cell escaped. ``numeric`` columns are right-aligned."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            cls = ' class="num"' if i in numeric else (' class="mk-answer"' if i in answer else "")
            cells.append(f"<td{cls}>{esc(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="mk-table">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


# -- charts --------------------------------------------------------------------------
def change_chart(frame, title: str):
    """Mean change per domain with its 95% confidence interval (dot and whiskers)."""
    from .plots import OKABE_ITO, _figure, _source

    shown = frame[frame["n"] > 0]
    fig, ax = _figure(7.5, 1.4 + 0.45 * max(1, len(shown)))
    rows = list(range(len(shown)))[::-1]
    for y, (_, row) in zip(rows, shown.iterrows(), strict=True):
        if not _missing(row["ci_low"]):
            ax.plot([row["ci_low"], row["ci_high"]], [y, y], color="#333333", linewidth=2)
            for end in (row["ci_low"], row["ci_high"]):
                ax.plot([end, end], [y - 0.15, y + 0.15], color="#333333", linewidth=2)
        ax.plot(row["mean_change"], y, "o", color=OKABE_ITO[0], markersize=8, markeredgecolor="black")
        ax.annotate(_number(row["mean_change"], signed=True), (row["mean_change"], y), xytext=(0, 7),
                    textcoords="offset points", ha="center", fontsize=9)
    ax.axvline(0, color="#555555", linewidth=1, linestyle="--")
    ax.set_yticks(rows, list(shown["title"]), fontsize=9)
    ax.set_ylim(-0.7, len(shown) - 0.3)
    ax.set_xlabel("Change in mean score (after minus before), with 95% confidence interval")
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))
    _source(fig, "Paired participants only. Self-ratings on an unvalidated course instrument.")
    return fig


def change_alt(frame) -> str:
    parts = [f"{row['title']}: {_number(row['mean_change'], signed=True)}"
             + (f" (95% CI {_number(row['ci_low'])} to {_number(row['ci_high'])})"
                if not _missing(row["ci_low"]) else "")
             for _, row in frame[frame["n"] > 0].iterrows()]
    return "Mean change per domain, after minus before. " + "; ".join(parts) + "."


def means_chart(frame, cohort: model.Cohort):
    from .plots import horizontal_bars

    scale = cohort.instrument.scale
    shown = frame[frame["n"] > 0]
    label = cohort.instrument.timepoint_label
    return horizontal_bars(
        list(shown["title"]),
        {label(cohort.pre): [_round(v) for v in shown["mean_pre"]],
         label(cohort.post): [_round(v) for v in shown["mean_post"]]},
        vmin=scale.min if scale else 0, vmax=scale.max if scale else 1,
        title="Mean domain scores of paired participants", xlabel="Mean score",
        note="Paired participants only. Self-ratings on an unvalidated course instrument.")


def means_alt(frame, cohort: model.Cohort) -> str:
    parts = [f"{row['title']}: {_number(row['mean_pre'])} before, {_number(row['mean_post'])} after"
             for _, row in frame[frame["n"] > 0].iterrows()]
    return "Mean domain scores before and after the course. " + "; ".join(parts) + "."


def _round(value):
    return None if _missing(value) else round(float(value), 2)


# -- the page ------------------------------------------------------------------------
def report_body(cohort: model.Cohort, charts: bool = True, file_names: bool = False) -> str:
    """The report's content (no <html> wrapper): for the dashboard and the page.

    Without ``file_names`` files are numbered (``file 7 of 40``) instead of
    named, since people often name a participant's file after them."""
    instrument = cohort.instrument
    frame = model.domain_table(cohort)
    completion = model.completion_table(cohort)
    label = instrument.timepoint_label
    paired = completion.attrs["paired"]
    not_used = [n for n in cohort.notes if n.outcome == model.NOT_USED]
    parts = [f"<h1>Cohort report: {esc(instrument.title)}</h1>",
             f'<p class="mk-meta">Made {esc(datetime.now().strftime("%d %B %Y, %H:%M"))} from '
             f"{cohort.files_read} file(s) in the folder "
             f"<code>{esc(Path(cohort.folder).name or '.')}</code>; "
             f"instrument <code>{esc(instrument.id)}</code>, version {instrument.version}.</p>",
             f'<p class="mk-callout">{esc(instrument.disclaimer)} Participants appear under '
             "pseudonymous ids (P001, ...) in the order their files were read; names and participant "
             "codes are never shown.</p>",
             "<h2>Summary</h2><ul>",
             f"<li>{completion.attrs['total']} participant(s) in {cohort.files_used} usable file(s).</li>"]
    for _, row in completion.iterrows():
        parts.append(f"<li>{esc(row['label'])}: {row['participants']} participant(s), "
                     f"{row['complete']} with every question answered.</li>")
    if cohort.post:
        parts.append(f"<li>{paired} participant(s) with both {esc(label(cohort.pre).lower())} and "
                     f"{esc(label(cohort.post).lower())} answers: the change below is theirs.</li>")
    parts.append(f"<li>{len(not_used)} file(s) not used; {len(cohort.notes) - len(not_used)} used "
                 "with a note (see the last table).</li></ul>")

    if cohort.post:
        parts.append("<h2>Change by domain</h2>")
        if paired == 0:
            parts.append("<p>No participant has both a before and an after file yet, so there is no "
                         "change to show.</p>")
        else:
            rows = [[r["title"], r["n"], _number(r["mean_pre"]), _number(r["mean_post"]),
                     _number(r["mean_change"], signed=True),
                     ("–" if _missing(r["ci_low"])
                      else f"{_number(r['ci_low'], signed=True)} to {_number(r['ci_high'], signed=True)}"),
                     _number(r["d_z"])]
                    for _, r in frame.iterrows()]
            parts.append(table(["Domain", "n (paired)", f"Mean {label(cohort.pre).lower()}",
                                f"Mean {label(cohort.post).lower()}", "Mean change", "95% CI of change",
                                "Effect size d_z"], rows,
                               caption="Domain scores of paired participants", numeric={1, 2, 3, 4, 5, 6}))
            if charts:
                parts.append(_figure(change_chart(frame, "Change by domain"), change_alt(frame),
                                     "Each dot is the mean change; the whiskers are its 95% confidence "
                                     "interval. A whisker that crosses the dashed line means the data are "
                                     "also consistent with no change."))
                parts.append(_figure(means_chart(frame, cohort), means_alt(frame, cohort),
                                     "Mean domain scores before and after, for the same participants."))

    parts.append("<h2>Completion</h2>")
    parts.append(table(["Timepoint", "Participants", "Every question answered"],
                       [[r["label"], r["participants"], r["complete"]] for _, r in completion.iterrows()],
                       caption="Who answered, at each timepoint", numeric={1, 2}))

    distribution = model.item_distribution(cohort)
    if not distribution.empty:
        parts.append("<h2>Answers to each question</h2>")
        value_columns = [c for c in distribution.columns
                         if c not in ("domain", "item", "text", "timepoint", "answered")]
        rows = [[r["text"], label(r["timepoint"]), r["answered"], *[r[c] for c in value_columns]]
                for _, r in distribution.iterrows()]
        scale = instrument.scale
        headers = [scale.label(int(c)) if scale and c.lstrip("-").isdigit() else c for c in value_columns]
        parts.append(table(["Question", "Timepoint", "Answered", *headers], rows,
                           caption="How many participants gave each answer",
                           numeric=set(range(2, 3 + len(value_columns)))))

    written = model.free_text(cohort)
    if not written.empty:
        parts.append("<h2>Written answers</h2>")
        parts.append(table(["Participant", "Timepoint", "Question", "Answer"],
                           [[r["participant"], label(r["timepoint"]), r["question"], r["answer"]]
                            for _, r in written.iterrows()],
                           caption="Free-text answers, shown as typed (as text only)", answer={3}))

    parts.append("<h2>Files not used, and why</h2>")
    if cohort.notes:
        parts.append(table(["File", "Outcome", "Why"],
                           [[cohort.file_label(n.file, file_names), n.outcome,
                             cohort.note_text(n, file_names)] for n in cohort.notes],
                           caption="Files skipped, or used in part or with a note"))
        if not file_names:
            parts.append('<p class="mk-meta">Files are numbered in the order they were read (sorted '
                         "by name), not named: file names often carry a person's name. "
                         "<code>mentorkit report</code> prints the names in your terminal.</p>")
    else:
        parts.append("<p>Every file was used as it was.</p>")

    parts.append("<h2>How to read this report</h2><ul>"
                 "<li>A domain score is the mean of a participant's ratings in that domain.</li>"
                 "<li>Change is after minus before, for participants with both. Its 95% confidence "
                 "interval uses the t distribution; with few participants it is wide.</li>"
                 "<li>d<sub>z</sub> is the mean change divided by the standard deviation of the "
                 "changes (Cohen's effect size for paired data). As a rough guide, 0.2 is small, 0.5 "
                 "medium and 0.8 large, but these are self-ratings, and people often rate themselves "
                 "lower at the end of a course simply because they now know more of what there is to "
                 "learn.</li>"
                 "<li>The instrument was written for this course and is not validated: treat the "
                 "figures as a prompt for discussion, not as evidence of competence.</li></ul>")
    return "\n".join(parts)


def _figure(fig, alt: str, caption: str) -> str:
    return f"<figure>{figure_html(fig, alt)}<figcaption>{esc(caption)}</figcaption></figure>"


def report_html(cohort: model.Cohort, file_names: bool = False) -> str:
    """The whole report as one HTML page (files numbered unless ``file_names``)."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Cohort report: {esc(cohort.instrument.title)}</title><style>{STYLE}</style></head>"
            f"<body><main>\n{report_body(cohort, file_names=file_names)}\n</main></body></html>\n")
