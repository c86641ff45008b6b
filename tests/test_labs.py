"""The data labs: published figures, charts, and the letter word check."""

import json
import os

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


# -- charts: readable labels and footnotes (QA C31-C35, B21) ------------------------------
def _boxes(fig):
    """Draw the figure and return a function giving a text's box on the canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    return lambda artist: artist.get_window_extent(renderer)


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_the_radar_footnote_is_readable_and_clear_of_the_axis_labels():
    from mentorkit.plots import radar_chart

    labels = ["Communication", "Aligning expectations", "Assessing understanding", "Equity and inclusion",
              "Fostering independence", "Professional development", "Sponsorship and advocacy",
              "Developmental networks"]
    fig = radar_chart(labels, {"Before": [3, 4, 5, 6, 2, 3, 4, 5], "After": [4, 5, 6, 7, 3, 4, 5, 6]},
                      vmin=1, vmax=7, title="Scores", note="For reflection, not a validated instrument. " * 4)
    box = _boxes(fig)
    footnote = fig._supxlabel
    assert footnote.get_fontsize() >= 9 and "validated" in footnote.get_text()
    ax = fig.axes[0]
    for label in ax.get_xticklabels():
        assert not _overlap(box(footnote), box(label)), label.get_text()


def test_bar_labels_show_one_decimal_and_the_lowest_answer_has_a_bar():
    from mentorkit.plots import horizontal_bars

    fig = horizontal_bars(["Speaking up", "Amplifying voices"],
                          {"Now": [1.0, 3.6667], "Later": [2.3333, None]}, vmin=1, vmax=5,
                          title="Profile", xlabel="How often",
                          ticks={1: "not at all", 3: "sometimes", 5: "most weeks"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["1.0", "3.7", "2.3", "no answer"]
    lowest = ax.containers[0][0]  # "Speaking up", answered at the very bottom of the scale
    assert lowest.get_width() == pytest.approx(0.5) and ax.get_xlim()[0] == pytest.approx(0.5)
    shares = horizontal_bars(["Teaching", "Anything else"], {"Now": [40, 0]}, vmin=0, vmax=100,
                             title="Time", xlabel="Share", unit="%")
    assert [t.get_text() for t in shares.axes[0].texts] == ["40%", "0%"]
    assert shares.axes[0].get_xlim()[0] == 0  # a share starts at nothing


def test_the_career_chart_uses_the_words_of_the_form():
    from mentorkit import assessment as model

    instrument = model.load("career-conference")
    answers = model.Answers(instrument, instrument.timepoints[0])
    labels, _ = model.allocation(answers)
    domain = next(d for d in instrument.domains if d.total is not None)
    for label, item in zip(labels, domain.items, strict=True):
        assert item.text.startswith(label), (label, item.text)
    assert "Anything else" in labels


def test_the_example_network_is_titled_as_the_invented_persons():
    chart = labs.network_chart()
    fig = chart.figure
    assert fig._suptitle.get_text().startswith("Dr. Sam Okafor's developmental network")
    ax = fig.axes[0]
    texts = {t.get_text(): t for t in ax.texts}
    assert "Sam" in texts and "You" not in texts and "Senior to Sam" in texts
    box = _boxes(fig)
    caption = next(t for t in fig.texts if "invented" in t.get_text())
    assert ".yaml" not in caption.get_text() and caption.get_fontsize() >= 9
    legend = box(fig.legends[0])
    assert box(caption).y1 <= legend.y0  # the caption sits under the legend
    assert legend.y1 <= box(ax).y0 + 1
    for word in ("close", "moderate", "distant"):  # ring labels: upright, readable, clear of names
        ring = texts[word]
        assert ring.get_rotation() == 0 and ring.get_fontsize() >= 9
        for other in ax.texts:
            if other is not ring and other.get_text() not in ("close", "moderate", "distant"):
                assert not _overlap(box(ring), box(other)), (word, other.get_text())


def test_the_learners_own_map_is_still_theirs():
    from mentorkit.plots import network_map

    fig = network_map(labs.network_example())
    assert fig._suptitle.get_text() == "My developmental network"
    assert "You" in [t.get_text() for t in fig.axes[0].texts]


# -- the labs' drawings on file (mentorkit.prerender) ---------------------------------
def test_the_drawings_on_file_are_the_ones_the_lessons_would_draw_now():
    from mentorkit import prerender

    from .notebook_checks import ROOT

    on_file = json.loads(prerender.CACHE.read_text(encoding="utf-8"))
    fresh = prerender.draw_all(ROOT)
    assert len(fresh) >= 15, f"the lessons' lab cells draw only {sorted(fresh)}"
    stale = sorted(key for key in fresh.keys() | on_file.keys() if fresh.get(key) != on_file.get(key))
    assert stale == [], f"prerendered.json is out of date for {stale}: run python -m mentorkit.prerender"


def test_the_tables_on_file_write_numbers_as_a_person_would():
    """No 100.000000: every number in a lesson's table is written as a person
    would, with the decimals its column needs (80.0 above 57.8), never with
    pandas' six decimal places."""
    import re

    from mentorkit import prerender

    on_file = json.loads(prerender.CACHE.read_text(encoding="utf-8"))
    tables = {key: html for key, html in on_file.items() if isinstance(html, str) and "<table" in html}
    assert tables, "no tables on file to check"
    padded = {key: re.findall(r">\s*(-?[\d,]*\.\d*0{3,})\s*<", html) for key, html in tables.items()}
    assert {k: v for k, v in padded.items() if v} == {}
    cumulative = next(html for key, html in tables.items() if key.startswith("lab_table(cumulative"))
    cells = re.findall(r'class="data row1 col\d" >([^<]*)<', cumulative)
    assert cells == ["1", "80.0", "76.0", "95.0"], cells


def test_a_page_served_by_voila_shows_the_labs_without_pandas_or_matplotlib():
    """The lessons' lab cells, run as in a Voila kernel, draw from the file:
    the same HTML as live, and neither pandas nor matplotlib imported."""
    import subprocess
    import sys

    from .notebook_checks import ROOT

    script = (
        "import json, sys\n"
        "from mentorkit import prerender\n"
        "shown = {}\n"
        "for lesson, source in prerender.lab_cells(prerender.Path(sys.argv[1])):\n"
        "    space = shown.setdefault(lesson, {})\n"
        "    last = source.strip().splitlines()[-1]\n"
        "    exec(source, space)\n"
        "    shown_value = eval(last, space)\n"
        "    from IPython.core.formatters import DisplayFormatter\n"
        "    data, _ = DisplayFormatter().format(shown_value)  # as a kernel displays it\n"
        "    space.setdefault('_html', []).append(data.get('text/html'))\n"
        "print(json.dumps({'heavy': sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules),"
        " 'html': {k: v['_html'] for k, v in shown.items()}}))\n")
    env = {**os.environ, "SERVER_SOFTWARE": "voila/0.5.13"}
    env.pop("MENTORKIT_LIVE_LABS", None)
    out = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    result = json.loads(out.stdout)
    assert result["heavy"] == [], f"a Voila page imported {result['heavy']} for its labs"
    assert set(result["html"]) >= {"04-implicit-bias", "05-sponsorship", "06-allyship",
                                   "08-developmental-networks"}
    assert any("<img" in html for html in result["html"]["05-sponsorship"])
    live = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True,
                          env={**env, "MENTORKIT_LIVE_LABS": "1"}, timeout=120, check=True)
    live = json.loads(live.stdout)
    assert "pandas" in live["heavy"]  # the live path really draws
    assert live["html"] == result["html"]


def test_a_missing_or_damaged_drawings_file_means_drawing_live(tmp_path, monkeypatch):
    from mentorkit import labs, prerender

    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    monkeypatch.setattr(prerender, "_cache", None)
    broken = tmp_path / "prerendered.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(prerender, "CACHE", broken)
    html = labs.lab_table(labs.patton_table())._repr_html_()
    assert "Academically successful (%)" in html and "72.5" in html
