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
