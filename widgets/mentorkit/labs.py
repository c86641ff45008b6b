"""What the lessons' data labs call: each function is one line in a lesson.

Tables are pandas DataFrames; charts display as images with alt text."""

from __future__ import annotations

from . import evidence


def patton_table():
    """The Patton et al. (2017) sponsorship figures as a table."""
    return evidence.patton_sponsorship()


def patton_chart():
    """Academic success by gender and sponsorship, as a grouped bar chart."""
    from .plots import patton_chart as draw
    from .ui.charts import Chart

    frame = evidence.patton_sponsorship()
    rows = ", ".join(f"{r.gender.lower()} {r.sponsorship.lower()} {r.academic_success_pct}%"
                     for r in frame.itertuples())
    return Chart(draw(frame), f"Grouped bar chart of academic success: {rows}. Source: Patton et al. 2017.")


def doubt_raisers_table():
    """Trix and Psenka (2003): letters with doubt raisers, by gender."""
    return evidence.trix_psenka_doubt_raisers()


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
