"""The core path: about three hours through the course, defined once in
mentorkit.course and shown in each lesson's summary, on the welcome page's
course map, in the "Your progress" table and in the README."""

import re

import pytest

from mentorkit import progress, scenario
from mentorkit.course import CORE_MINUTES, CORE_PATH, LESSONS, core_step, lesson
from mentorkit.store import Store
from mentorkit.ui.progress import map_html

from .notebook_checks import ROOT
from .test_lessons import cells

STEPS = {step.lesson: step for step in CORE_PATH}


def markdown(slug):
    return "\n".join(src for kind, src in cells(slug) if kind == "markdown")


def headings(slug):
    return set(re.findall(r"^#{2,3} (.+?)\s*$", markdown(slug), re.M))


def embedded(slug):
    code = "\n".join(src for kind, src in cells(slug) if kind == "code")
    return set(re.findall(r'show_scenario\("([a-z0-9-]+)"\)', code))


def test_the_core_path_takes_about_three_hours():
    assert CORE_MINUTES == sum(step.minutes for step in CORE_PATH)
    assert 170 <= CORE_MINUTES <= 190, f"the core path takes {CORE_MINUTES} minutes, not about 180"
    assert all(5 <= step.minutes <= 30 for step in CORE_PATH)


def test_the_core_path_visits_every_lesson_once_in_order():
    assert [step.lesson for step in CORE_PATH] == [lesson.slug for lesson in LESSONS]
    assert core_step("99-nothing") is None


@pytest.mark.parametrize("step", CORE_PATH, ids=lambda step: step.lesson)
def test_each_step_names_sections_and_one_thing_that_exist(step):
    have = headings(step.lesson)
    missing = [name for name in step.read if name not in have]
    assert step.read and missing == [], f"{step.lesson} has no section headed {missing}"
    assert bool(step.scenario) != bool(step.exercise), "one scenario or one exercise, not both"
    if step.scenario:
        assert step.scenario in scenario.available(), f"no scenario {step.scenario!r}"
        assert step.scenario in embedded(step.lesson), \
            f"{step.scenario} is not played on {step.lesson}'s page"
    else:
        assert step.exercise in have, f"{step.lesson} has no section headed {step.exercise!r}"


@pytest.mark.parametrize("step", CORE_PATH, ids=lambda step: step.lesson)
def test_each_lesson_opens_with_a_three_line_summary(step):
    first = [src for kind, src in cells(step.lesson) if kind == "markdown"][0]
    after = first.split("**Estimated time:**", 1)[1].split("\n", 1)[1].lstrip("\n")
    block = after.split("\n\n")[0].splitlines()
    lines = [line for line in block if line.strip() != ">"]
    assert len(lines) == 3 and all(line.startswith("> **") for line in lines), \
        f"{step.lesson}: three quoted lines right under the estimated time, got {block}"
    about, take, core = lines
    assert about.startswith("> **About:** ") and take.startswith("> **Take away:** ")
    assert core.startswith(f"> **Core path ({step.minutes} minutes):** ")
    for name in step.read:
        assert f"*{name}*" in core, f"{step.lesson}: the summary should name *{name}*"
    thing = scenario.load(step.scenario).title if step.scenario else step.exercise
    assert f"*{thing}*" in core
    assert all(len(re.findall(r"\w+", line)) <= 40 for line in lines), "short lines"


def test_the_course_map_on_the_welcome_page_shows_the_core_minutes():
    lessons = markdown("00-welcome").split("## The lessons", 1)[1].split("### Your progress")[0]
    assert "core path" in lessons.lower() and f"{CORE_MINUTES} minutes" in lessons
    header = next(line for line in lessons.splitlines() if line.startswith("| # |"))
    assert header.rstrip(" |").endswith("Core path")
    rows = {}
    for line in lessons.splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) >= 5 and cols[-1].endswith(" min") and re.fullmatch(r"\d+[a-z]?", cols[0]):
            rows[cols[0]] = int(cols[-1].split()[0])
    assert rows == {lesson(slug).number: STEPS[slug].minutes for slug in STEPS if slug != "00-welcome"}
    assert f"**{CORE_MINUTES} min**" in lessons


def test_your_progress_marks_the_core_minutes_of_every_lesson(tmp_path):
    html = map_html(progress.course_progress(store=Store(tmp_path)))
    for slug, step in STEPS.items():
        row = re.search(rf"<tr><td>{lesson(slug).number}</td>.*?</tr>", html).group(0)
        assert '<span class="mk-core"' in row and f"Core path: {step.minutes} min" in row, slug
    assert "about 3 hours in all" in html


def test_the_readme_has_the_three_hour_path_after_finding_your_way():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    titles = re.findall(r"^## (.+)$", readme, re.M)
    assert "If you have three hours" in titles
    assert titles.index("If you have three hours") == titles.index("Finding your way around the course") + 1
    section = readme.split("## If you have three hours", 1)[1].split("\n## ")[0]
    for step in CORE_PATH:
        assert f"modules/{step.lesson}.ipynb" in section, f"the README's core path skips {step.lesson}"
        assert f"{step.minutes} min" in section
    assert f"{CORE_MINUTES} minutes" in section
