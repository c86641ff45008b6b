"""What the lessons' data labs call: each function is one line in a lesson.

Tables are pandas DataFrames; charts display as images with alt text."""

from __future__ import annotations

import hashlib

from . import evidence
from .prerender import prerendered


@prerendered
def patton_table():
    """The Patton et al. (2017) sponsorship figures as a table."""
    return evidence.patton_sponsorship()


@prerendered
def patton_chart():
    """Academic success by gender and sponsorship, as a grouped bar chart."""
    from .plots import patton_chart as draw
    from .ui.charts import Chart

    frame = evidence.patton_sponsorship()
    rows = ", ".join(f"{r.gender.lower()} {r.sponsorship.lower()} {r.academic_success_pct}%"
                     for r in frame.itertuples())
    return Chart(draw(frame), f"Grouped bar chart of academic success: {rows}. Source: Patton et al. 2017.")


@prerendered
def doubt_raisers_table():
    """Trix and Psenka (2003): letters with doubt raisers, by gender."""
    return evidence.trix_psenka_doubt_raisers()


@prerendered
def doubt_raisers_chart():
    """Letters with at least one doubt raiser, women versus men."""
    from .plots import simple_bars
    from .ui.charts import Chart

    frame = evidence.trix_psenka_doubt_raisers()
    fig = simple_bars(
        list(frame["candidate"]), list(frame["letters_with_doubt_raisers_pct"]),
        title="Letters containing at least one doubt raiser", ylabel="Letters (%)", unit="%",
        source=f"Source: {evidence.TRIX_PSENKA_2003}",
    )
    return Chart(fig, "Bar chart: 24% of letters for women and 12% of letters for men contained "
                      "at least one doubt raiser (Trix and Psenka, 2003).")


# -- cumulative disadvantage (lesson 06): invented numbers, labelled as such --------
CUMULATIVE_NOTE = (
    "Illustrative arithmetic, not data. Two equally able colleagues face the same run of "
    "independent evaluations; the pass rates are invented to show how a small gap at each "
    "step compounds."
)


def _check_cumulative(steps, pass_rate, gap) -> None:
    """Refuse settings the arithmetic cannot honour, saying which one and why."""
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 40:
        raise ValueError(f"steps should be a whole number from 1 to 40, not {steps!r}.")
    if not 0 < pass_rate <= 1:
        raise ValueError(f"pass_rate should be a share above 0 and at most 1 (e.g. 0.8), not {pass_rate!r}.")
    if not 0 <= gap < pass_rate:
        raise ValueError(f"gap should be at least 0 and smaller than pass_rate ({pass_rate}), not {gap!r}.")


@prerendered
def cumulative_disadvantage_table(steps: int = 10, pass_rate: float = 0.80, gap: float = 0.04):
    """Worked arithmetic, not data: the share (%) of two equally able colleagues
    still advancing after each of ``steps`` evaluations in a row, when Dr. A
    passes each with probability ``pass_rate`` and Dr. B with ``pass_rate - gap``.
    It shows why a gap too small to notice at one step matters over a career."""
    import pandas as pd

    _check_cumulative(steps, pass_rate, gap)
    lower = pass_rate - gap
    rows = range(steps + 1)
    frame = pd.DataFrame({
        "evaluations": list(rows),
        "dr_a_still_advancing_pct": [round(100 * pass_rate**k, 1) for k in rows],
        "dr_b_still_advancing_pct": [round(100 * lower**k, 1) for k in rows],
        "dr_b_relative_to_dr_a_pct": [round(100 * (lower / pass_rate) ** k, 1) for k in rows],
    })
    frame.attrs["source"] = CUMULATIVE_NOTE
    frame.attrs["note"] = (f"Dr. A passes each evaluation {pass_rate:.0%} of the time, Dr. B "
                           f"{lower:.0%} of the time (invented figures).")
    return frame


@prerendered
def cumulative_disadvantage_chart(steps: int = 10, pass_rate: float = 0.80, gap: float = 0.04):
    """The same arithmetic as ``cumulative_disadvantage_table``, drawn as two
    lines that drift apart, clearly marked as an illustration."""
    from matplotlib.figure import Figure

    from .plots import LINE_STYLES, MARKERS, OKABE_ITO, _source
    from .ui.charts import Chart

    _check_cumulative(steps, pass_rate, gap)
    lower = pass_rate - gap
    xs = list(range(steps + 1))
    fig = Figure(figsize=(7.5, 7.2), dpi=100, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    for i, (name, rate) in enumerate([("Dr. A", pass_rate), ("Dr. B", lower)]):
        ys = [100 * rate**k for k in xs]
        top.plot(xs, ys, LINE_STYLES[i], marker=MARKERS[i], color=OKABE_ITO[i], linewidth=2,
                 label=f"{name}: passes each evaluation {rate:.0%} of the time")
        top.annotate(f"{ys[-1]:.1f}%", (xs[-1], ys[-1]), xytext=(6, 6 - 14 * i),
                     textcoords="offset points", fontsize=9)
    top.set_ylim(0, 105)
    top.set_ylabel("Still advancing (%)")
    top.set_title("A small gap at each step compounds (illustration, not data)", fontsize=12)
    top.legend(frameon=False, loc="upper right", fontsize=9)
    relative = [100 * (lower / pass_rate) ** k for k in xs]
    bottom.plot(xs, relative, LINE_STYLES[2], marker=MARKERS[2], color=OKABE_ITO[2], linewidth=2)
    bottom.annotate(f"{relative[-1]:.0f}%", (xs[-1], relative[-1]), xytext=(6, -4),
                    textcoords="offset points", fontsize=9)
    bottom.set_ylim(0, 105)
    bottom.set_ylabel("Dr. B's chance as a\nshare of Dr. A's (%)")
    bottom.set_xlabel("Evaluations faced in a row (grant, award, nomination, promotion ...)")
    bottom.set_xlim(0, steps + max(1, steps * 0.12))
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
    _source(fig, CUMULATIVE_NOTE)
    ratio = 100 * (lower / pass_rate) ** steps
    alt = (f"Two illustrative line charts, not data. Top: after {steps} evaluations in a row, "
           f"{100 * pass_rate**steps:.1f}% of people like Dr. A (passing each {pass_rate:.0%} of the "
           f"time) are still advancing, against {100 * lower**steps:.1f}% like Dr. B (passing each "
           f"{lower:.0%} of the time). Bottom: Dr. B's chance as a share of Dr. A's falls step by "
           f"step from 100% to {ratio:.0f}%.")
    return Chart(fig, alt)


# -- lesson 08: an example developmental network ------------------------------------
def network_example():
    """The illustrative network in ``exercises/self-assessments/network-example.yaml``
    (a :class:`mentorkit.network.Network`)."""
    from .network import load_example

    return load_example()


def network_table(net=None):
    """A network's people as a DataFrame (the example's when none is given)."""
    from .network import to_frame

    return to_frame(net if net is not None else network_example())


def network_themes(net=None):
    """The seven themes of a network as a DataFrame (the example's when none is given)."""
    from .network import themes_frame

    return themes_frame(net if net is not None else network_example())


EXAMPLE_NOTE = "An invented network: the people, and the initials, stand for no one."


def _example_names() -> tuple[str, str]:
    """The example's chart title and the first name to put at its centre, both
    from the example file's ``title`` ("Dr. Sam Okafor's developmental network
    (illustrative)" -> that title and "Sam"), so the chart never calls an
    invented person's network "My developmental network"."""
    from .content import read_yaml
    from .network import example_path

    data, _ = read_yaml(example_path())
    title = str((data or {}).get("title") or "An example developmental network")
    owner = title.split("'s ")[0] if "'s " in title else ""
    words = [w for w in owner.split() if w.rstrip(".") not in ("Dr", "Prof", "Professor")]
    return title, (words[0] if words else "You")


@prerendered
def network_chart(net=None):
    """A network drawn as in the booklet's Appendix A (the example's when none is given)."""
    from .network import describe
    from .plots import network_map
    from .ui.charts import Chart

    if net is not None:
        return Chart(network_map(net), describe(net))
    net = network_example()
    title, centre = _example_names()
    return Chart(network_map(net, title=title, note=EXAMPLE_NOTE, centre=centre), describe(net))


# -- friendly output for the data labs ------------------------------------------------
# In Voila a learner sees what a lab cell prints but not its code, so what it
# prints must read as plain course text: named columns, no row numbers, yes or
# no rather than True or False, and sentences rather than a pandas Series.
COLUMN_TITLES = {
    "name": "Person", "work": "Getting the job done", "career": "Advancing the career",
    "personal": "Personal support", "kinds_of_help": "Kinds of help", "closeness": "Closeness",
    "ring": "Ring (1 close, 3 distant)", "rank": "Rank", "inside": "Inside the organization",
    "sponsor": "Starred", "role": "Role", "setting": "Where they are", "knows": "Names on their list",
    "theme": "Theme", "counted": "What was counted", "reading": "Reading", "note": "What it may mean",
    "rule": "The rule",
}
HELP_PHRASES = {"work": "help get the job done", "career": "help advance the career",
                "personal": "give personal support"}


class Said(str):
    """A sentence for the page: plain text in a notebook, a paragraph in Voila."""

    def _repr_html_(self) -> str:
        import html

        return f'<p style="max-width:46em;line-height:1.45">{html.escape(self)}</p>'


def say(text) -> Said:
    """Show ``text`` (e.g. one cell of a table) as a paragraph rather than as code output."""
    return Said(str(text))


def friendly(frame, caption: str = ""):
    """A DataFrame as a readable table: course names for the columns, no row
    numbers, yes/no for true/false, blanks for missing values, text left-aligned
    and wrapped rather than cut off."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if values.dtype == bool:
            shown[column] = values.map({True: "yes", False: "no"})
        elif str(values.dtype) == "category":
            shown[column] = values.astype(object)
        elif values.dtype.kind == "f":  # as a person writes them, not 100.000000: 41.0 under 51.2
            places = _decimals(values)
            shown[column] = values.map(lambda v, n=places: "" if v != v else f"{v:.{n}f}")
    shown = shown.astype(object).where(shown.notna(), "")
    shown.columns = [COLUMN_TITLES.get(c, str(c).replace("_", " ").capitalize()) for c in shown.columns]
    cells = "text-align:left; vertical-align:top; white-space:normal; padding:0.3em 0.7em; line-height:1.4"
    # a fixed id (pandas picks a random one), so the same table is the same HTML
    # every time it is drawn, and prerendered.json stays current
    ident = hashlib.sha1(repr((list(shown.columns), caption)).encode()).hexdigest()[:10]
    styler = shown.style.set_uuid(f"mk{ident}").hide(axis="index").set_table_styles([
        {"selector": "th, td", "props": cells},
        {"selector": "caption", "props": "caption-side:top; text-align:left; color:#333333"},
    ])
    return styler.set_caption(caption) if caption else styler


def _decimals(values, most: int = 3) -> int:
    """The decimal places a column of numbers needs (at most ``most``): 1 for
    80, 57.8 and 100; 0 for 80.0 and 100.0."""
    needed = 0
    for value in values:
        if value == value:  # not missing
            digits = f"{float(value):.{most}f}".rstrip("0").split(".")[1]
            needed = max(needed, len(digits))
    return needed


def help_counts(counts) -> Said:
    """How many people give each kind of help, as a sentence; ``counts`` is the
    sum of the help columns (a pandas Series indexed work, career, personal)."""
    parts = []
    for i, kind in enumerate(counts.index):
        n = int(counts[kind])
        who = (" person" if n == 1 else " people") if i == 0 else ""
        verb = HELP_PHRASES.get(kind, str(kind))
        if n == 1 and verb.startswith(("help ", "give ")):
            verb = verb.replace("help ", "helps ", 1).replace("give ", "gives ", 1)
        parts.append(f"{n}{who} {verb}")
    if len(parts) > 1:
        parts[-1] = "and " + parts[-1]
    return Said((", " if len(parts) > 2 else " ").join(parts) + ".")


# -- what the lessons show: readable tables and sentences, no code to follow ----------
COLUMN_TITLES.update({
    "gender": "Gender", "sponsorship": "Sponsorship",
    "academic_success_pct": "Academically successful (%)",
    "candidate": "Letters written for", "letters_with_doubt_raisers_pct":
        "Letters with at least one doubt raiser (%)",
    "evaluations": "Evaluations faced in a row",
    "dr_a_still_advancing_pct": "Dr. A still advancing (%)",
    "dr_b_still_advancing_pct": "Dr. B still advancing (%)",
    "dr_b_relative_to_dr_a_pct": "Dr. B's chance as a share of Dr. A's (%)",
})


@prerendered
def lab_table(frame):
    """A lab's table as the page shows it: readable column names, no row
    numbers, and its note and source underneath as the caption."""
    note, source = frame.attrs.get("note", ""), frame.attrs.get("source", "")
    if source and not source.startswith("Illustrative"):  # a citation, not our own note
        source = f"Source: {source}"
    caption = " ".join(p if p.endswith(".") else p + "." for p in (note, source) if p)
    return friendly(frame, caption=caption)


@prerendered
def patton_differences():
    """Lesson 5's two comparisons, worked out from the four published figures:
    the gap between men and women in each sponsorship group, then the gain with
    sponsorship for each gender (percentage points)."""
    import pandas as pd

    frame = evidence.patton_sponsorship()
    pct = {(r.gender, r.sponsorship): r.academic_success_pct for r in frame.itertuples()}
    yes, no = "Reported sponsorship", "No sponsorship"
    rows = [
        ("Men minus women, among people who reported sponsorship", pct["Men", yes] - pct["Women", yes]),
        ("Men minus women, among people who reported none", pct["Men", no] - pct["Women", no]),
        ("With minus without sponsorship, for men", pct["Men", yes] - pct["Men", no]),
        ("With minus without sponsorship, for women", pct["Women", yes] - pct["Women", no]),
    ]
    table = pd.DataFrame({"comparison": [r[0] for r in rows],
                          "difference_points": [f"{r[1]:.1f}" for r in rows]})
    table.columns = ["Comparison", "Difference (percentage points)"]
    return friendly(table, caption="Worked out from the four figures in the chart (Patton et al. 2017).")


@prerendered
def network_people():
    """Lesson 8: the example network's people, one row each."""
    return friendly(network_table())


@prerendered
def network_help_counts() -> Said:
    """Lesson 8: how many people give each kind of help, as a sentence."""
    return help_counts(network_table()[["work", "career", "personal"]].sum())


@prerendered
def network_outside():
    """Lesson 8: the people outside the example mentee's organization."""
    people = network_table()
    return friendly(people[~people["inside"]][["name", "rank", "closeness", "setting"]])


@prerendered
def network_starred():
    """Lesson 8: the starred people, and whether they are inside or outside."""
    people = network_table()
    return friendly(people[people["sponsor"]][["name", "rank", "inside", "knows"]])


@prerendered
def network_theme_table():
    """Lesson 8: the seven themes of the example network, what was counted and how each reads."""
    return friendly(network_themes()[["theme", "counted", "reading"]])


@prerendered
def network_rule(theme: str) -> Said:
    """Lesson 8: the stated rule behind one theme of the example network."""
    themes = network_themes()
    match = themes[themes["theme"].str.lower() == theme.lower()]
    if match.empty:
        raise ValueError(f"there is no theme called {theme!r}; the themes are: "
                         + ", ".join(themes["theme"]))
    return say(match.iloc[0]["rule"])
