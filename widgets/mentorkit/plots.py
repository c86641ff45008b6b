"""Figures as pure functions: data in, a matplotlib Figure out. Nothing here
shows or saves a figure; the caller decides.

Colours are the Okabe-Ito palette, distinguishable with the common forms of
colour blindness; bars also carry their values as text."""

from __future__ import annotations

import numbers
import textwrap

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _figure(width=7.5, height=4.5):
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in Voila

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _source(fig, text: str) -> None:
    """A footnote (source or caveat) under everything else in the figure.

    It is the figure's ``supxlabel``, so the constrained layout keeps room for
    it below the axes, tick labels and any legend: it never overlaps them.
    9 pt is the smallest size that stays readable once the image is scaled
    to a page or a phone."""
    width = int(fig.get_figwidth() * 14)  # about 14 characters of 9 pt text per inch
    fig.supxlabel("\n".join(textwrap.wrap(text, width)), x=0.01, ha="left", fontsize=9,
                  color="#333333", linespacing=1.3)


def _value_label(value, unit: str = "") -> str:
    """A bar's value as printed beside it: whole numbers as they are (40%),
    averages with one decimal (3.7), as in the tables under the charts."""
    if value is None:
        return "no answer"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{value}{unit}"
    return f"{value:.1f}{unit}"


def grouped_bars(frame, *, group: str, series: str, value: str, title: str, ylabel: str,
                 source: str, ylim: tuple[float, float] | None = None, unit: str = "%"):
    """A labelled grouped bar chart of ``value`` by ``group`` and ``series``."""
    fig, ax = _figure()
    groups = list(dict.fromkeys(frame[group]))
    names = list(dict.fromkeys(frame[series]))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        rows = frame[frame[series] == name].set_index(group).reindex(groups)
        xs = [g + (i - (len(names) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, rows[value], width, label=name, color=OKABE_ITO[i % len(OKABE_ITO)],
                      edgecolor="black", linewidth=0.6, hatch=["", "//", "..", "xx"][i % 4])
        ax.bar_label(bars, labels=[f"{v:.1f}{unit}" for v in rows[value]], padding=2, fontsize=9)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=12)
    if ylim:
        ax.set_ylim(*ylim)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title=series.replace("_", " ").capitalize(), frameon=False, loc="upper right")
    _source(fig, f"Source: {source}")
    return fig


def patton_chart(frame):
    """Academic success by gender and sponsorship (Patton et al., 2017)."""
    return grouped_bars(
        frame, group="sponsorship", series="gender", value="academic_success_pct",
        title="Academic success among NIH career-development awardees",
        ylabel="Reported academic success (%)", source=frame.attrs.get("source", ""),
        ylim=(0, 100),
    )


def simple_bars(labels, values, *, title: str, ylabel: str, source: str, unit: str = "",
                note: str = ""):
    """One series of labelled bars."""
    fig, ax = _figure()
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(labels))]
    bars = ax.bar(labels, values, color=colours, edgecolor="black", linewidth=0.6)
    ax.bar_label(bars, labels=[f"{v:g}{unit}" for v in values], padding=2, fontsize=9)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max(list(values) + [1]) * 1.25)
    if note:
        ax.text(0.99, 0.97, note, transform=ax.transAxes, ha="right", va="top", fontsize=9,
                style="italic", color="#333333")
    _source(fig, source)
    return fig


# -- self-assessments ----------------------------------------------------------
LINE_STYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D"]


def radar_chart(labels, series: dict, *, vmin: float, vmax: float, title: str, note: str = ""):
    """A radar (spider) chart of one or more series over the same axes, e.g.
    domain scores before and after the course. Each series has its own colour,
    line style and marker; a missing value (None) leaves a gap."""
    import math

    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 6.2), dpi=100, layout="constrained")
    ax = fig.add_subplot(projection="polar")
    count = len(labels)
    angles = [2 * math.pi * i / count for i in range(count)] + [0.0]
    for i, (name, values) in enumerate(series.items()):
        points = [math.nan if v is None else v for v in values]
        points.append(points[0])
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        ax.plot(angles, points, LINE_STYLES[i % 4], marker=MARKERS[i % 4], color=colour, linewidth=2,
                label=name)
        if not any(math.isnan(p) for p in points):
            ax.fill(angles, points, color=colour, alpha=0.12)
    ax.set_theta_zero_location("N")  # the first label on top, then clockwise
    ax.set_theta_direction(-1)
    ax.set_xticks(angles[:-1], ["\n".join(textwrap.wrap(str(label), 16)) for label in labels], fontsize=9)
    ax.set_ylim(vmin, vmax)
    ax.set_yticks(range(int(vmin), int(vmax) + 1))
    ax.tick_params(axis="y", labelsize=8, colors="#333333")
    ax.set_rlabel_position(180 / count)
    ax.set_title(title, fontsize=12, pad=18)
    if len(series) > 1:
        ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12), frameon=False, fontsize=9)
    if note:
        _source(fig, note)
    return fig


def horizontal_bars(labels, series: dict, *, vmin: float, vmax: float, title: str, xlabel: str,
                    ticks: dict | None = None, note: str = "", unit: str = ""):
    """Labelled horizontal bars, one group per label and one bar per series
    (hatched differently), each bar carrying its value as text. ``ticks`` maps
    axis values to words (e.g. 0: never, 4: weekly).

    On a rating scale that starts above zero (1 = "not at all"), the bars start
    half a step below the lowest point, so that an answer at the bottom of the
    scale still has a visible bar and does not look like a missing one."""
    fig, ax = _figure(7.5, 1.2 + 0.55 * len(labels) * max(1, len(series)) ** 0.6)
    count = len(series)
    height = 0.8 / count
    base = vmin - 0.5 if vmin > 0 else vmin
    rows = list(range(len(labels)))[::-1]  # first label on top
    for i, (name, values) in enumerate(series.items()):
        ys = [r + (count - 1 - 2 * i) * height / 2 for r in rows]
        shown = [0 if v is None else v - base for v in values]
        bars = ax.barh(ys, shown, height, left=base, label=name, color=OKABE_ITO[i % len(OKABE_ITO)],
                       edgecolor="black", linewidth=0.6, hatch=["", "//", "..", "xx"][i % 4])
        ax.bar_label(bars, labels=[_value_label(v, unit) for v in values], padding=3, fontsize=9)
    ax.set_yticks(rows, ["\n".join(textwrap.wrap(str(label), 28)) for label in labels], fontsize=9)
    ax.set_xlim(base, vmax + (vmax - vmin) * 0.12)
    if ticks:
        ax.set_xticks(list(ticks), ["\n".join(textwrap.wrap(str(t), 12)) for t in ticks.values()],
                      fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    if count > 1:
        ax.legend(frameon=False, loc="best", fontsize=9)
    if note:
        _source(fig, note)
    return fig


# -- the developmental network map (booklet, Appendix A) ---------------------------
HELP_MARKERS = {"work": "s", "career": "^", "personal": "o"}
HELP_COLOURS = {"work": OKABE_ITO[0], "career": OKABE_ITO[1], "personal": OKABE_ITO[2]}
# Angles in degrees: seniors above you, peers level with you (both sides), juniors below.
RANK_SECTORS = {"senior": [(30, 150)], "peer": [(-12, 12), (168, 192)], "junior": [(210, 330)]}
RING_RADII = (1.3, 2.35, 3.35)  # close, moderate, distant; the inner ring leaves room around you
# The ring labels sit where each ring crosses the wedge between the peers on the
# right (at most 12 degrees below level) and the juniors (whose lines end at
# least 6 degrees before 330): no person, line or name label is drawn there.
RING_LABEL_ANGLE = -30
MARKER_SIZE = 11  # points


def network_layout(network) -> dict[int, tuple[float, float]]:
    """Where each drawable person goes: index in ``network.people`` -> (x, y).

    The distance from you grows with the ring (close, moderate, distant). Each
    person of a rank gets an angle of their own, evenly spaced over the rank's
    sector, so no line runs through another person; people of the same ring
    are dealt to slots far apart (a van der Corput order) so that their labels
    do not crowd. People without a name, rank or closeness are left out."""
    import math

    by_rank: dict[str, list[tuple[int, int]]] = {}
    for index, person in enumerate(network.people):
        named = isinstance(person.name, str) and person.name.strip()
        if named and person.rank in RANK_SECTORS and person.ring:
            by_rank.setdefault(person.rank, []).append((person.ring, index))
    places: dict[int, tuple[float, float]] = {}
    for rank, members in by_rank.items():
        members.sort()
        sectors = RANK_SECTORS[rank]
        for s, (start, end) in enumerate(sectors):
            share = members[s::len(sectors)]
            step = (end - start) / len(share)
            spread = sorted(range(len(share)), key=lambda i: _van_der_corput(i))
            slots = {person: slot for slot, person in enumerate(spread)}
            for i, (ring, index) in enumerate(share):
                angle = math.radians(start + (slots[i] + 0.5) * step)
                radius = RING_RADII[ring - 1]
                places[index] = (radius * math.cos(angle), radius * math.sin(angle))
    return places


def _van_der_corput(n: int) -> float:
    """0, 1/2, 1/4, 3/4, 1/8, ...: consecutive numbers land far apart."""
    value, denominator = 0.0, 1.0
    while n:
        denominator *= 2
        n, bit = divmod(n, 2)
        value += bit / denominator
    return value


def network_map(network, *, title: str = "My developmental network", note: str = "",
                centre: str = "You"):
    """The network drawn after the booklet's Appendix A: you at the centre,
    closer people nearer; seniors above, peers level, juniors below; a shape
    and colour for each kind of help; a star for sponsors; solid lines for
    people inside your organization and dashed for those outside.

    ``centre`` names whose network it is ("You" for the learner's own, a first
    name for an invented example), in the middle and in the rank headings."""
    import math

    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from .network import HELP, HELP_TITLES

    fig = Figure(figsize=(8, 8.8), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.set_xlim(-4.3, 4.3)
    ax.set_ylim(-4.2, 4.2)
    ax.axis("off")
    grey = "#595959"
    angle = math.radians(RING_LABEL_ANGLE)
    for radius, word in zip(RING_RADII, ("close", "moderate", "distant"), strict=True):
        ax.add_patch(_circle(radius, grey))
        # Horizontal, on its ring, in a wedge where no person and no line is ever drawn.
        ax.text(radius * math.cos(angle), radius * math.sin(angle), word, fontsize=9, color="#333333",
                style="italic", ha="center", va="center", zorder=2,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    whom = "you" if centre == "You" else centre
    ax.text(0, 3.95, f"Senior to {whom}", ha="center", va="center", fontsize=10, weight="bold")
    ax.text(0, -3.95, f"Junior to {whom}", ha="center", va="center", fontsize=10, weight="bold")
    ax.text(4.25, 0.3, "Peers", ha="right", va="bottom", fontsize=10, weight="bold")
    ax.text(-4.25, 0.3, "Peers", ha="left", va="bottom", fontsize=10, weight="bold")
    places = network_layout(network)
    size = 9 if len(places) <= 15 else 8
    for index, (x, y) in places.items():
        person = network.people[index]
        dashed = person.inside is not True
        ax.plot([0, x], [0, y], color="#3d3d3d", linewidth=1.3, zorder=1,
                linestyle=(0, (4, 3)) if dashed else "-")
        kinds = [k for k in HELP if person.gives(k)]
        width = 0.3  # data units between marker centres: about 19 pt for 11 pt markers
        for j, kind in enumerate(kinds):
            dx = (j - (len(kinds) - 1) / 2) * width
            ax.plot(x + dx, y, marker=HELP_MARKERS[kind], markersize=MARKER_SIZE, color=HELP_COLOURS[kind],
                    markeredgecolor="black", markeredgewidth=0.8, linestyle="none", zorder=3)
        if person.sponsor is True:
            ax.plot(x + (len(kinds) / 2) * width + 0.1, y + 0.2, marker="*", markersize=15,
                    color="#F0E442", markeredgecolor="black", markeredgewidth=0.8, linestyle="none",
                    zorder=4)
        ax.text(x, y - 0.22, "\n".join(textwrap.wrap(person.label, 18)), ha="center", va="top",
                fontsize=size, color="#111111", zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.85})
    ax.plot(0, 0, marker="o", markersize=34, color="white", markeredgecolor="black",
            markeredgewidth=1.5, zorder=6)
    ax.text(0, 0, centre, ha="center", va="center", fontsize=11, weight="bold", zorder=7)
    if not places:
        ax.text(0, 0.5, "Add people to see them here", ha="center", va="bottom", fontsize=10,
                color="#333333")
    handles = [Line2D([], [], marker=HELP_MARKERS[k], markersize=10, color=HELP_COLOURS[k],
                      markeredgecolor="black", linestyle="none", label=HELP_TITLES[k]) for k in HELP]
    handles += [
        Line2D([], [], marker="*", markersize=14, color="#F0E442", markeredgecolor="black",
               linestyle="none", label="Sponsor or very well connected"),
        Line2D([], [], color="#3d3d3d", linewidth=1.3, label="Inside your organization"),
        Line2D([], [], color="#3d3d3d", linewidth=1.3, linestyle=(0, (4, 3)),
               label="Outside your organization"),
    ]
    notes = [note] if note else []
    left_out = [p.name.strip() for i, p in enumerate(network.people)
                if i not in places and isinstance(p.name, str) and p.name.strip()]
    if left_out:
        notes.append(f"Not drawn until you choose their rank and closeness: {', '.join(left_out)}.")
    # From the bottom up: the footnote, the legend, then the map. The constrained
    # layout does not stack a figure legend and a footnote (it would draw one on
    # top of the other), so their heights are reserved here: 9 pt lines at 1.3
    # line spacing for the footnote, three rows of about 17 pt for the legend.
    height = fig.get_figheight()
    lines = textwrap.wrap(" ".join(notes), int(fig.get_figwidth() * 14))
    footnote = (len(lines) * 9 * 1.3 + 8) / 72 / height if lines else 0.0
    legend = (3 * 17 + 12) / 72 / height
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, footnote), ncol=2,
               frameon=False, fontsize=9)
    fig.get_layout_engine().set(rect=(0, footnote + legend, 1, 1 - footnote - legend))
    fig.suptitle(title, fontsize=13, weight="bold")
    goal = getattr(network, "goal", "")
    if isinstance(goal, str) and goal.strip():
        ax.set_title("\n".join(textwrap.wrap(f"Goal: {goal.strip()}", 90)), fontsize=9,
                     style="italic", color="#333333")
    if lines:
        fig.text(0.01, 0.004, "\n".join(lines), fontsize=9, color="#333333", linespacing=1.3,
                 ha="left", va="bottom")
    return fig


def _circle(radius: float, colour: str):
    from matplotlib.patches import Circle

    return Circle((0, 0), radius, fill=False, edgecolor=colour, linewidth=0.9, linestyle=":", zorder=0)
