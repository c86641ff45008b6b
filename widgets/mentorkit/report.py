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
details { margin: 0.4em 0 1em; } summary { cursor: pointer; font-weight: bold; }
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
def change_chart(series, title: str):
    """Mean change per domain with its 95% confidence interval (dot and whiskers),
    one colour and marker per comparison. ``series``: [(name, domain table)], or
    one domain table."""
    from .plots import OKABE_ITO, _figure, _source

    if not isinstance(series, list):
        series = [("", series)]
    titles = list(series[0][1]["title"])
    shown_titles = [t for t in titles if any(
        (frame[frame["title"] == t]["n"] > 0).any() for _, frame in series)]
    count = len(series)
    fig, ax = _figure(7.5, 1.6 + (0.45 + 0.18 * (count - 1)) * max(1, len(shown_titles)))
    rows = {t: y for t, y in zip(shown_titles, range(len(shown_titles))[::-1], strict=True)}
    markers = "osD^"
    step = 0.5 / count if count > 1 else 0
    for k, (name, frame) in enumerate(series):
        offset = (count - 1) / 2 * step - k * step
        for _, row in frame[frame["n"] > 0].iterrows():
            if row["title"] not in rows or _missing(row["mean_change"]):
                continue
            y = rows[row["title"]] + offset
            if not _missing(row["ci_low"]):
                ax.plot([row["ci_low"], row["ci_high"]], [y, y], color="#333333", linewidth=1.6)
                for end in (row["ci_low"], row["ci_high"]):
                    ax.plot([end, end], [y - 0.08, y + 0.08], color="#333333", linewidth=1.6)
            ax.plot(row["mean_change"], y, markers[k % len(markers)], color=OKABE_ITO[k % len(OKABE_ITO)],
                    markersize=7, markeredgecolor="black", label=name if name else None)
            if count == 1:
                ax.annotate(_number(row["mean_change"], signed=True), (row["mean_change"], y), xytext=(0, 7),
                            textcoords="offset points", ha="center", fontsize=9)
    ax.axvline(0, color="#555555", linewidth=1, linestyle="--")
    ax.set_yticks(list(rows.values()), list(rows), fontsize=9)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("Change in mean score (later minus earlier), with 95% confidence interval")
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    # the key is in the caption under the image (HTML text: never cut off, read by screen readers)
    _source(fig, "Participants who answered at both times only. Self-ratings on an unvalidated course "
                 "instrument.")
    return fig


#: how each comparison's marks look, in order (for the caption)
MARKS = ("blue circles", "orange squares", "green diamonds", "pink triangles")


def change_alt(series) -> str:
    if not isinstance(series, list):
        series = [("", series)]
    described = []
    for name, frame in series:
        parts = [f"{row['title']}: {_number(row['mean_change'], signed=True)}"
                 + (f" (95% CI {_number(row['ci_low'])} to {_number(row['ci_high'])})"
                    if not _missing(row["ci_low"]) else "")
                 for _, row in frame[frame["n"] > 0].iterrows()]
        described.append((f"{name}: " if name else "") + "; ".join(parts) + ".")
    return "Mean change per domain, later minus earlier. " + " ".join(described)


def means_chart(frame, cohort: model.Cohort, before: str | None = None, after: str | None = None):
    from .plots import horizontal_bars

    scale = cohort.instrument.scale
    shown = frame[frame["n"] > 0]
    label = cohort.instrument.timepoint_label
    return horizontal_bars(
        list(shown["title"]),
        {label(before or cohort.pre): [_round(v) for v in shown["mean_pre"]],
         label(after or cohort.post): [_round(v) for v in shown["mean_post"]]},
        vmin=scale.min if scale else 0, vmax=scale.max if scale else 1,
        title="Mean domain scores of paired participants", xlabel="Mean score",
        note="Paired participants only. Self-ratings on an unvalidated course instrument.")


def means_alt(frame, cohort: model.Cohort, before: str | None = None, after: str | None = None) -> str:
    label = cohort.instrument.timepoint_label
    first, second = label(before or cohort.pre).lower(), label(after or cohort.post).lower()
    parts = [f"{row['title']}: {_number(row['mean_pre'])} {first}, {_number(row['mean_post'])} {second}"
             for _, row in frame[frame["n"] > 0].iterrows()]
    return f"Mean domain scores, {first} and {second}. " + "; ".join(parts) + "."


def _round(value):
    return None if _missing(value) else round(float(value), 2)


# -- words for facilitators --------------------------------------------------------------
def _p(value) -> str:
    if _missing(value):
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def in_words(row, scale_span: float | None = None) -> str:
    """One row of a change table as a sentence a facilitator can read aloud."""
    n, mean = row["n"], row["mean_change"]
    if n < 2 or _missing(mean):
        return "Too few participants to judge."
    points = "point" if abs(mean) == 1 else "points"
    if abs(mean) < 0.005:
        moved = "No change on average"
    else:
        moved = f"{'Up' if mean > 0 else 'Down'} {abs(mean):.2f} {points} on average"
    tests = [p for p in (row["p_t_holm"], row["p_wilcoxon_holm"]) if not _missing(p)]
    below = sum(1 for p in tests if p < 0.05)
    if tests and below == len(tests) and abs(mean) >= 0.005:
        judged = "a clear change, unlikely to be chance alone"
    elif below:
        judged = "perhaps a change, but the two tests disagree: treat it with care"
    else:
        judged = "not clearly different from no change"
    return f"{moved}: {judged}."


def _interval(row) -> str:
    if _missing(row["ci_low"]):
        return "–"
    return f"{_number(row['ci_low'], signed=True)} to {_number(row['ci_high'], signed=True)}"


def _change_rows(frame, first: str) -> list[list]:
    return [[row[first], row["n"], _number(row["mean_pre"]), _number(row["mean_post"]),
             _number(row["mean_change"], signed=True), _interval(row), _p(row["p_t_holm"]),
             _p(row["p_wilcoxon_holm"]), in_words(row)]
            for _, row in frame.iterrows()]


def _change_headers(first: str, before: str, after: str) -> list[str]:
    return [first, "n (answered both)", f"Mean: {before.lower()}", f"Mean: {after.lower()}", "Mean change",
            "95% interval of the change", "p, t-test (adjusted)", "p, Wilcoxon (adjusted)", "In words"]


def _comparison_title(label, before: str, after: str) -> str:
    return f"{label(before)} \u2192 {label(after).lower()}"


def _discussion(cohort: model.Cohort, grades, grades_note: str, tables: list) -> str:
    label = cohort.instrument.timepoint_label
    found = model.to_discuss(cohort, grades, tables)
    parts = ["<h2>To discuss next session</h2>"]
    if found.before is None:
        parts.append("<p>Fewer than two participants have answered at two timepoints, so nothing can "
                     "be said yet about what moved least.</p>")
    else:
        where = f"from {esc(label(found.before).lower())} to {esc(label(found.after).lower())}"
        parts.append(f"<p>What moved least {where}, for the participants who answered both "
                     "(the mean change, in points on the rating scale):</p>")
        areas = "".join(f"<li><strong>{esc(row['title'])}</strong>: "
                        f"{esc(_number(row['mean_change'], signed=True))} ({row['n']} participants)</li>"
                        for row in found.domains)
        parts.append(f"<p>Areas:</p><ul>{areas}{_tied(found.domains_tied, 'area')}</ul>")
        questions = "".join(f"<li>{esc(row['text'])} <span class=\"mk-meta\">("
                            f"{esc(cohort.instrument.domain(row['domain']).title)})</span>: "
                            f"{esc(_number(row['mean_change'], signed=True))} ({row['n']} participants)</li>"
                            for row in found.items)
        parts.append(f"<p>Questions:</p><ul>{questions}{_tied(found.items_tied, 'question')}</ul>")
    if found.checks is None:
        note = grades_note or "No gradebook was given, so the knowledge checks are left out."
        parts.append(f"<p>{esc(note)}</p>")
    elif not found.checks:
        parts.append("<p>The gradebook has no graded knowledge checks yet.</p>")
    else:
        parts.append("<p>The knowledge checks the cohort found hardest (lowest average share of the "
                     "points, from the gradebook):</p><ul>")
        for row in found.checks:
            parts.append(f"<li>{esc(row['lesson'])}: <strong>{esc(row['name'])}</strong> "
                         f"(<code>{esc(row['item'])}</code>): {round(100 * row['share'])}% of the points on "
                         f"average, {row['graded']} graded.</li>")
        parts.append("</ul>")
    return "\n".join(parts)


def _tied(count: int, noun: str) -> str:
    if not count:
        return ""
    return f"<li>and {count} more {noun}{'s' if count > 1 else ''} with the same change</li>"


def _reminders(cohort: model.Cohort, private: bool) -> str:
    label = cohort.instrument.timepoint_label
    missing = model.missing_timepoints(cohort)
    parts = ["<h2>Whom to remind</h2>"]
    if not missing:
        parts.append("<p>Every participant has answered at every timepoint that anyone has answered so "
                     "far.</p>")
        return "\n".join(parts)
    parts.append(f"<p>{len(missing)} participant(s) have not answered at a timepoint that others have "
                 "(a timepoint nobody has reached yet, such as a follow-up still months away, is not "
                 "listed).</p>")
    if private:
        rows = [[m.code or "(no code)", "" if m.code else m.file,
                 ", ".join(label(t) for t in m.missing), ", ".join(label(t) for t in m.present)]
                for m in missing]
        parts.append(table(["Participant code", "File (when no code was typed)", "Missing", "Answered"],
                           rows, caption="Codes with a missing timepoint, for reminders"))
        parts.append('<p class="mk-meta">Participant codes appear here, for you; the downloadable '
                     "report leaves them out.</p>")
    else:
        rows = [[m.pseudonym, ", ".join(label(t) for t in m.missing), ", ".join(label(t) for t in m.present)]
                for m in missing]
        parts.append(table(["Participant", "Missing", "Answered"], rows,
                           caption="Participants with a missing timepoint"))
        parts.append('<p class="mk-meta">This copy is for sharing, so it shows no participant codes: the '
                     "cohort page and <code>mentorkit report</code> list the codes to remind.</p>")
    return "\n".join(parts)


# -- the page ------------------------------------------------------------------------
def report_body(cohort: model.Cohort, charts: bool = True, file_names: bool = False, grades=None,
                grades_note: str = "") -> str:
    """The report's content (no <html> wrapper): for the dashboard and the page.

    Without ``file_names`` (a copy to share) files are numbered (``file 7 of
    40``) instead of named, since people often name a participant's file after
    them, and participants with a missing timepoint appear under their
    pseudonyms; with it (the facilitator's own view), under their codes.
    ``grades`` is an nbgrader gradebook read by :mod:`mentorkit.gradebook`, for
    the hardest knowledge checks; without it ``grades_note`` says why."""
    instrument = cohort.instrument
    completion = model.completion_table(cohort)
    label = instrument.timepoint_label
    not_used = [n for n in cohort.notes if n.outcome == model.NOT_USED]
    changes = model.change_tables(cohort)
    parts = [f"<h1>Cohort report: {esc(instrument.title)}</h1>",
             f'<p class="mk-meta">Made {esc(datetime.now().strftime("%d %B %Y, %H:%M"))} from '
             f"{cohort.files_read} file(s) in the folder "
             f"<code>{esc(Path(cohort.folder).name or '.')}</code>; "
             f"instrument <code>{esc(instrument.id)}</code>, version {instrument.version}.</p>",
             f'<p class="mk-callout">{esc(instrument.disclaimer)} Participants appear under '
             "pseudonymous ids (P001, ...) in the order their files were read; names are never shown.</p>",
             "<h2>Summary</h2><ul>",
             f"<li>{completion.attrs['total']} participant(s) in {cohort.files_used} usable file(s).</li>"]
    for _, row in completion.iterrows():
        parts.append(f"<li>{esc(row['label'])}: {row['participants']} participant(s), "
                     f"{row['complete']} with every question answered.</li>")
    for before, after in model.comparisons(instrument):
        paired = len(cohort.paired(before, after))
        if paired:
            parts.append(f"<li>{paired} participant(s) answered both {esc(label(before).lower())} and "
                         f"{esc(label(after).lower())}.</li>")
    parts.append(f"<li>{len(not_used)} file(s) not used; {len(cohort.notes) - len(not_used)} used "
                 "with a note (see the last table).</li></ul>")

    if cohort.post:
        parts.append(_discussion(cohort, grades, grades_note, changes))
    parts.append(_reminders(cohort, file_names))

    if cohort.post:
        parts.append("<h2>Change by domain</h2>")
        if not changes:
            parts.append("<p>No participant has answered at two timepoints yet, so there is no change "
                         "to show.</p>")
        else:
            parts.append(
                "<p>Each table compares the same participants at two timepoints. The mean change comes "
                "with its 95% interval (from the t distribution) and two p-values: the paired t-test, and "
                "the Wilcoxon signed-rank test, which suits ratings better because it uses only the order "
                "of the changes. Testing many domains at once makes a chance finding likelier, so each "
                "p-value is adjusted for the number of domains compared (Holm's method; for the "
                "questions, for the number of questions). A p-value below 0.05 after adjustment means a "
                "change this large would be unusual if nothing had really changed.</p>")
        if charts and changes:
            series = [(_comparison_title(label, b, a), d) for b, a, d, _ in changes]
            key = ("; ".join(f"{MARKS[k % len(MARKS)]}: {name}" for k, (name, _) in enumerate(series))
                   + ". " if len(series) > 1 else "")
            parts.append(_figure(change_chart(series, "Change by domain"), change_alt(series),
                                 f"{key}Each mark is a mean change; the whiskers are its 95% confidence "
                                 "interval. A whisker that crosses the dashed line means the data are "
                                 "also consistent with no change."))
        for index, (before, after, domains, items) in enumerate(changes):
            title = _comparison_title(label, before, after)
            parts.append(f"<h3>{esc(title)}</h3>")
            parts.append(table(_change_headers("Domain", label(before), label(after)),
                               _change_rows(domains, "title"),
                               caption=f"Domain scores of the participants who answered both ({title})",
                               numeric={1, 2, 3, 4, 5, 6, 7}))
            if charts and index == 0 and (domains["n"] > 0).any():
                parts.append(_figure(means_chart(domains, cohort, before, after),
                                     means_alt(domains, cohort, before, after),
                                     "Mean domain scores at both times, for the same participants."))
            parts.append(f"<details><summary>Each question ({esc(title)})</summary>"
                         + table(_change_headers("Question", label(before), label(after)),
                                 _change_rows(items, "text"),
                                 caption="Question by question; p-values adjusted for the number of "
                                         "questions",
                                 numeric={1, 2, 3, 4, 5, 6, 7})
                         + "</details>")

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
                 "<li>Change is the later answer minus the earlier one, for participants who answered "
                 "both. Its 95% confidence interval uses the t distribution; with few participants it "
                 "is wide.</li>"
                 "<li>The p-values are adjusted with Holm's method for the number of domains compared "
                 "(for the questions, the number of questions), so that testing many at once does not "
                 "make a chance finding look real. The Wilcoxon signed-rank test uses only the order of "
                 "the changes, which suits ratings on a scale.</li>"
                 "<li>\u201cLooking back\u201d answers (a then-test) are given at the end of the course "
                 "about how participants were before it. Compared with the answers at the end, they show "
                 "the change as participants see it once they know what the course taught, which is "
                 "less prone to the shift in how people use the scale during a course.</li>"
                 "<li>These are self-ratings. People often rate themselves lower at the end of a "
                 "course simply because they now know more of what there is to learn, so a small or "
                 "even negative change is not bad news in itself.</li>"
                 "<li>The instrument was written for this course and is not validated: treat the "
                 "figures as a prompt for discussion, not as evidence of competence.</li></ul>")
    return "\n".join(parts)


def _figure(fig, alt: str, caption: str) -> str:
    return f"<figure>{figure_html(fig, alt)}<figcaption>{esc(caption)}</figcaption></figure>"


def read_grades(path: str | Path | None = None):
    """(the gradebook read by :mod:`mentorkit.gradebook`, "") or (None, a plain note why the
    knowledge checks are left out). ``path`` defaults to the course's gradebook."""
    from .gradebook import GradebookError, load

    try:
        return load(path), ""
    except GradebookError as exc:
        return None, f"The knowledge checks are left out: {exc}"


def report_html(cohort: model.Cohort, file_names: bool = False, grades=None, grades_note: str = "",
                charts: bool = True) -> str:
    """The whole report as one HTML page (files numbered and participant codes
    left out unless ``file_names``; without ``charts``, tables alone)."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Cohort report: {esc(cohort.instrument.title)}</title><style>{STYLE}</style></head>"
            "<body><main>\n"
            f"{report_body(cohort, charts, file_names=file_names, grades=grades, grades_note=grades_note)}"
            "\n</main></body></html>\n")
