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


def test_cumulative_disadvantage_compounds_a_small_gap():
    frame = labs.cumulative_disadvantage_table(steps=10, pass_rate=0.8, gap=0.04)
    assert list(frame.evaluations) == list(range(11))
    first, last = frame.iloc[0], frame.iloc[-1]
    assert first.dr_a_still_advancing_pct == first.dr_b_still_advancing_pct == 100
    assert last.dr_a_still_advancing_pct == pytest.approx(100 * 0.8**10, abs=0.05)
    assert last.dr_b_still_advancing_pct == pytest.approx(100 * 0.76**10, abs=0.05)
    relative = list(frame.dr_b_relative_to_dr_a_pct)
    assert relative == sorted(relative, reverse=True) and relative[-1] < 61  # 5% a step -> ~60%
    assert "not data" in frame.attrs["source"] and "invented" in frame.attrs["note"]
    even = labs.cumulative_disadvantage_table(steps=5, gap=0)
    assert list(even.dr_a_still_advancing_pct) == list(even.dr_b_still_advancing_pct)


def test_cumulative_disadvantage_chart_says_it_is_an_illustration():
    chart = labs.cumulative_disadvantage_chart(steps=8, pass_rate=0.9, gap=0.03)
    top, bottom = chart.figure.axes
    assert [len(line.get_xdata()) for line in top.lines] == [9, 9]
    assert top.lines[1].get_ydata()[-1] == pytest.approx(100 * 0.87**8)
    assert top.get_ylabel() and bottom.get_xlabel() and "illustration" in top.get_title()
    assert any("not data" in t.get_text() for t in chart.figure.texts)
    html = chart._repr_html_()
    assert html.startswith("<img") and 'alt="Two illustrative line charts, not data' in html


@pytest.mark.parametrize("kwargs, words", [({"steps": 0}, "steps should be a whole number"),
                                           ({"steps": 2.5}, "steps should be"),
                                           ({"pass_rate": 1.5}, "pass_rate should be"),
                                           ({"gap": 0.9}, "gap should be")])
def test_cumulative_disadvantage_refuses_impossible_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        labs.cumulative_disadvantage_table(**kwargs)
    with pytest.raises(ValueError, match=words):
        labs.cumulative_disadvantage_chart(**kwargs)
