"""Every lesson has the course's shape, something to do, and runs in Voila."""

import json
import re

import pytest

from mentorkit import scenario
from mentorkit.course import LESSONS, SELF_ASSESSMENTS, lesson
from mentorkit.pages import FOOTER_TAG, HEADER_TAG

from .notebook_checks import ROOT

APP = "../exercises/assignments.ipynb"
CORE = ["02-setting-expectations", "03-feedback", "04-implicit-bias", "05-sponsorship", "06-allyship"]
WRITTEN = [lesson.slug for lesson in LESSONS[1:] if (ROOT / lesson.notebook).exists()]
INTERACTIVE = re.compile(r"\b(show_scenario|choose_scenario|agreement_builder|letter_checker|"
                         r"patton_chart|doubt_raisers_chart|[a-z_]+_builder|[a-z_]+_lab)\(")
REQUIRED_TOOLS = {
    "02-setting-expectations": ["agreement_builder("],
    "04-implicit-bias": ["doubt_raisers_table(", "doubt_raisers_chart(", "letter_checker("],
    "05-sponsorship": ["patton_table(", "patton_chart("],
}


def cells(slug):
    """The lesson's own cells (the generated page header is checked in test_pages.py)."""
    nb = json.loads((ROOT / "modules" / f"{slug}.ipynb").read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]
            if not {HEADER_TAG, FOOTER_TAG} & set(c.get("metadata", {}).get("tags", []))]


def prose_words(slug):
    text = "\n".join(src for kind, src in cells(slug) if kind == "markdown")
    text = text.split("## References")[0]
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def test_every_lesson_of_the_course_is_written():
    missing = [lesson.slug for lesson in LESSONS if not (ROOT / lesson.notebook).exists()]
    assert missing == [], f"lessons in the catalogue with no notebook: {missing}"
    assert set(CORE) <= set(WRITTEN)


def test_the_written_lessons_are_in_the_catalogue():
    assert WRITTEN, "no lesson notebooks found in modules/"
    assert set(WRITTEN) <= {lesson.slug for lesson in LESSONS}


@pytest.mark.parametrize("slug", WRITTEN)
def test_lesson_has_the_common_shape(slug):
    number = lesson(slug).number
    markdown = [src for kind, src in cells(slug) if kind == "markdown"]
    first = markdown[0]
    assert re.match(rf"# {number}\. \S", first), "starts with '# N. Title'"
    assert re.search(r"\*\*Estimated time:\*\* \d+ minutes", first)
    text = "\n".join(markdown)
    headings = re.findall(r"^## (.+)$", text, re.M)
    for required in ("Objectives", "Key points", "Go further", "References"):
        assert required in headings, f"missing '## {required}'"
    assert headings.index("Objectives") < headings.index("Key points") < headings.index("References")
    objectives = text.split("## Objectives")[1].split("\n## ")[0]
    assert len(re.findall(r"^\s*[-*] ", objectives, re.M)) >= 3
    key_points = text.split("## Key points")[1].split("\n## ")[0]
    assert len(re.findall(r"^\s*[-*] ", key_points, re.M)) >= 3
    references = text.split("## References")[1]
    numbered = re.findall(r"^\s*(\d+)\. ", references, re.M)
    assert len(numbered) >= 2 and numbered[:2] == ["1", "2"]
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text.split("## References")[0])}
    assert cited and max(cited) <= len(numbered), "every [n] cited has a reference"
    go_further = text.split("## Go further")[1].split("\n## ")[0]
    if (ROOT / "release" / slug / f"{slug}.ipynb").exists():  # named for learners, not by its slug
        assert f"lesson {number} assignment]({APP}?assignment={slug})" in go_further, \
            "names the lesson's assignment and opens it in the assignments app"
        assert f"**{slug}**" not in go_further, "a learner sees 'the lesson N assignment', not the slug"
    elif 1 <= int(slug[:2]) <= 10:
        assert f"**{slug}**" in go_further, "names the lesson's assignment"
    else:
        assert "no graded assignment" in go_further, "says the lesson has no assignment"
    assert "scenarios.ipynb" in go_further and "self-assessments/" in go_further


@pytest.mark.parametrize("slug", WRITTEN)
def test_lesson_is_substantial(slug):
    assert 1500 <= prose_words(slug) <= 3200


@pytest.mark.parametrize("slug", WRITTEN)
def test_lesson_has_something_to_do(slug):
    code = "\n".join(src for kind, src in cells(slug) if kind == "code")
    assert INTERACTIVE.search(code)
    for tool in REQUIRED_TOOLS.get(slug, []):
        assert tool in code, f"{slug} should use {tool}"
    assert all(len(src.splitlines()) <= 4 for kind, src in cells(slug) if kind == "code"), \
        "code cells stay short"


@pytest.mark.parametrize("slug", WRITTEN)
def test_lesson_has_a_finished_tick_for_the_course_map(slug):
    code = [src for kind, src in cells(slug) if kind == "code"]
    assert any(f'lesson_complete("{slug}")' in src for src in code), \
        f"{slug} needs a lesson_complete(\"{slug}\") cell so the course map can show it as done"


@pytest.mark.parametrize("slug", WRITTEN)
def test_lesson_embeds_its_own_scenarios(slug):
    code = "\n".join(src for kind, src in cells(slug) if kind == "code")
    embedded = re.findall(r'show_scenario\("([a-z0-9-]+)"\)', code)
    listed = re.findall(r'choose_scenario\(lesson="([a-z0-9-]+)"\)', code)
    ids = {s.id for s in scenario.for_lesson(slug)}
    everything = "choose_scenario()" in code
    assert embedded or listed or everything
    assert set(embedded) <= set(scenario.available())
    if ids:
        assert set(embedded) & ids or listed == [slug]
    else:  # no scenario is tagged for this lesson (11-closing): replay others or list them all
        assert listed == [], f"no scenario is tagged {slug}, so choose_scenario(lesson=...) lists none"
        assert embedded or everything


def section(slug, heading):
    """The Markdown of one '## heading' section of a lesson, up to the next '## '."""
    text = "\n".join(src for kind, src in cells(slug) if kind == "markdown")
    assert f"## {heading}" in text, f"{slug} has no '## {heading}' section"
    return text.split(f"## {heading}", 1)[1].split("\n## ")[0]


@pytest.mark.parametrize("app", SELF_ASSESSMENTS, ids=lambda app: app.id)
def test_welcome_links_every_self_assessment_with_its_lessons(app):
    """The course home's 'Before you start' lists each app and the lessons it goes with."""
    assert (ROOT / app.notebook).exists(), f"{app.notebook} is in SELF_ASSESSMENTS but missing"
    before = section("00-welcome", "Before you start: the pre-course self-assessment")
    rows = [line for line in before.splitlines() if f"](../{app.notebook})" in line]
    assert rows, f"the welcome page's 'Before you start' does not link ../{app.notebook}"
    row = " ".join(rows)
    for slug in app.lessons:
        if slug != "00-welcome":
            assert f"]({slug}.ipynb)" in row, f"{app.id} should name the lesson it goes with, {slug}"


ASSIGNED = [lesson.slug for lesson in LESSONS if 1 <= int(lesson.slug[:2]) <= 10]


@pytest.mark.parametrize("slug", ASSIGNED)
def test_go_further_links_the_released_assignment(slug):
    """Once release/NN-slug/NN-slug.ipynb exists, the lesson's Go further opens it
    in the assignments app, never the nbgrader notebook itself."""
    released = ROOT / "release" / slug / f"{slug}.ipynb"
    if not released.exists():
        pytest.skip(f"no released assignment for {slug} yet")
    go_further = section(slug, "Go further")
    assert f"]({APP}?assignment={slug})" in go_further, \
        f"{slug}: Go further should link its assignment, {APP}?assignment={slug}"
    assert "../release/" not in go_further


# Each lesson's rendering in Voila (no error, no code) is checked page by page by the
# link crawler in test_pages.py, which reaches every lesson from the course home.
