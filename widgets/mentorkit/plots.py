"""Figures as pure functions: data in, a matplotlib Figure out. Nothing here
shows or saves a figure; the caller decides.

Colours are the Okabe-Ito palette, distinguishable with the common forms of
colour blindness; bars also carry their values as text."""

from __future__ import annotations

import textwrap

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _figure(width=7.5, height=4.5):
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in Voila

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _source(fig, text: str) -> None:
    fig.text(0.01, 0.005, "\n".join(textwrap.wrap(text, 120)), fontsize=7, color="#333333",
             ha="left", va="bottom")


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
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))
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
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))
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
    axis values to words (e.g. 0: never, 4: weekly)."""
    fig, ax = _figure(7.5, 1.2 + 0.55 * len(labels) * max(1, len(series)) ** 0.6)
    count = len(series)
    height = 0.8 / count
    rows = list(range(len(labels)))[::-1]  # first label on top
    for i, (name, values) in enumerate(series.items()):
        ys = [r + (count - 1 - 2 * i) * height / 2 for r in rows]
        shown = [0 if v is None else v - vmin for v in values]
        bars = ax.barh(ys, shown, height, left=vmin, label=name, color=OKABE_ITO[i % len(OKABE_ITO)],
                       edgecolor="black", linewidth=0.6, hatch=["", "//", "..", "xx"][i % 4])
        ax.bar_label(bars, labels=["no answer" if v is None else f"{v:g}{unit}" for v in values],
                     padding=3, fontsize=9)
    ax.set_yticks(rows, ["\n".join(textwrap.wrap(str(label), 28)) for label in labels], fontsize=9)
    ax.set_xlim(vmin, vmax + (vmax - vmin) * 0.12)
    if ticks:
        ax.set_xticks(list(ticks), ["\n".join(textwrap.wrap(str(t), 12)) for t in ticks.values()],
                      fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    if count > 1:
        ax.legend(frameon=False, loc="lower right", fontsize=9)
    if note:
        fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))
        _source(fig, note)
    return fig
