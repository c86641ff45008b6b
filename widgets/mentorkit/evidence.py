"""Published figures used in the data labs, as pandas tables with their
citations. Only figures the course cites are here; anything illustrative is
generated elsewhere, seeded, and labelled as such."""

from __future__ import annotations

PATTON_2017 = (
    "Patton EW, Griffith KA, Jones RD, Stewart A, Ubel PA, Jagsi R. Differences in mentor-mentee "
    "sponsorship in male vs female recipients of National Institutes of Health grants. "
    "JAMA Intern Med. 2017;177(4):580-582."
)
TRIX_PSENKA_2003 = (
    "Trix F, Psenka C. Exploring the color of glass: letters of recommendation for female and "
    "male medical faculty. Discourse & Society. 2003;14:191-220."
)


def patton_sponsorship():
    """Academic success (%) among NIH K08/K23 awardees by gender and by
    whether they reported sponsorship (Patton et al., 2017)."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "gender": ["Men", "Women", "Men", "Women"],
            "sponsorship": ["Reported sponsorship", "Reported sponsorship",
                            "No sponsorship", "No sponsorship"],
            "academic_success_pct": [72.5, 59.0, 57.7, 44.8],
        }
    )
    frame.attrs["source"] = PATTON_2017
    frame.attrs["note"] = ("NIH K08/K23 awardees 2006-2009; 1,708 surveyed, 995 responded and "
                           "were eligible.")
    return frame


def trix_psenka_doubt_raisers():
    """Share of letters (%) containing at least one doubt raiser, by the
    candidate's gender (Trix and Psenka, 2003: over 300 letters)."""
    import pandas as pd

    frame = pd.DataFrame({"candidate": ["Women", "Men"], "letters_with_doubt_raisers_pct": [24, 12]})
    frame.attrs["source"] = TRIX_PSENKA_2003
    frame.attrs["note"] = "Letters of recommendation for medical faculty at one US medical school."
    return frame
