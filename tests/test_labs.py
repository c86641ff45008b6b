"""The data labs: published figures, charts, and the letter word check."""

import pytest

from mentorkit import labs
from mentorkit.letters import LetterError, analyse
from mentorkit.ui.letters import letter_checker

LETTER = (
    "Dr. Rivera is an outstanding and exceptionally talented investigator. Her research on "
    "neonatal sepsis led to two funded grants and a first-author publication. She is also "
    "hardworking and dependable, although at times she seems reluctant to present her results. "
    "She is warm and caring with families."
)


def test_patton_figures_are_the_published_ones():
    frame = labs.patton_table()
    values = {(r.gender, r.sponsorship): r.academic_success_pct for r in frame.itertuples()}
    assert values == {("Men", "Reported sponsorship"): 72.5, ("Women", "Reported sponsorship"): 59.0,
                      ("Men", "No sponsorship"): 57.7, ("Women", "No sponsorship"): 44.8}
    assert "JAMA Intern Med" in frame.attrs["source"]


def test_patton_chart_is_labelled_and_cited():
    chart = labs.patton_chart()
    ax = chart.figure.axes[0]
    assert ax.get_ylabel() and ax.get_title()
    labels = {t.get_text() for t in ax.texts}
    assert {"72.5%", "59.0%", "57.7%", "44.8%"} <= labels
    assert any("Patton" in t.get_text() for t in chart.figure.texts)
    html = chart._repr_html_()
    assert html.startswith("<img") and 'alt="Grouped bar chart' in html


def test_doubt_raiser_figures():
    frame = labs.doubt_raisers_table()
    pairs = zip(frame.candidate, frame.letters_with_doubt_raisers_pct, strict=True)
    assert dict(pairs) == {"Women": 24, "Men": 12}
    assert "alt=" in labs.doubt_raisers_chart()._repr_html_()


def test_word_check_counts_each_category():
    report = analyse(LETTER)
    counts = {c.key: c.count for c in report.categories}
    assert counts["standout"] == 1  # "exceptionally" is not in the list: only whole words count
    assert counts["ability"] == 1 and counts["grindstone"] == 2
    assert counts["doubt"] == 2 and counts["communal"] == 2
    found = {c.key: c.words for c in report.categories}
    assert found["doubt"] == ["although", "seems"]
    assert report.total_words == len(LETTER.split()) - 0  # hyphenated words count once


@pytest.mark.parametrize("text, words", [("", "Paste"), ("Too short to judge.", "at least 30"),
                                         ("x " * 60_000, "up to 100,000")])
def test_word_check_refuses_what_it_cannot_judge(text, words):
    with pytest.raises(LetterError, match=words):
        analyse(text)


def test_letter_checker_view(mentorkit_home):
    checker = letter_checker()
    checker.text.value = "Too short."
    checker.check_button.click()
    assert "at least 30" in checker.message.value and checker.result.value == ""
    assert checker.text.value == "Too short."  # what the learner typed stays
    checker.text.value = LETTER + " <script>alert(1)</script>"
    checker.check_button.click()
    assert checker.message.value == "" and "<table" in checker.result.value
    assert "<script>" not in checker.result.value
    assert not any(mentorkit_home.iterdir())  # the letter is never saved
