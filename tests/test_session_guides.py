"""Session guides for facilitated cohort sessions (docs/sessions/): one per lesson,
each in the shape described in docs/sessions/README.md, and a blended schedule
that uses every guide once.

The checks read the Markdown as text, so that a guide that breaks the format
says where: a missing heading, a plan whose minutes do not add up, a case too
long for a handout, a link to a file that is not there, or a section or
scenario named in italics that the course does not have.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from mentorkit.course import LESSONS

from .notebook_checks import ROOT

SESSIONS = ROOT / "docs" / "sessions"
SLUGS = [lesson.slug for lesson in LESSONS]
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


# -- reading a guide -----------------------------------------------------------

def guide_text(slug: str) -> str:
    path = SESSIONS / f"{slug}.md"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: every lesson needs a session guide"
    return path.read_text(encoding="utf-8")


def sections(text: str) -> list[tuple[str, str]]:
    """The guide's '## ' sections: (heading, the text up to the next '## ')."""
    parts = re.split(r"^## (.+?)\s*$", text, flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def section(text: str, prefix: str) -> tuple[str, str]:
    """The one section whose heading is `prefix` or starts with `prefix`."""
    matches = [(h, b) for h, b in sections(text) if h == prefix or h.startswith(prefix)]
    assert len(matches) == 1, (f"expected one section '## {prefix}...', found "
                               f"{[h for h, _ in matches] or 'none'}")
    return matches[0]


def subsection(body: str, heading: str) -> tuple[str, str]:
    """(the text before '### heading', the text under it) within a section."""
    pattern = re.escape(heading).replace("'", "['’]")
    parts = re.split(rf"^### {pattern}\s*$", body, flags=re.M)
    assert len(parts) == 2, f"expected one '### {heading}' heading"
    return parts[0], parts[1]


def bullets(body: str) -> list[str]:
    return re.findall(r"^\s*[-*] (?!\[[ x]\])(.+)$", body, flags=re.M)


def numbered(body: str) -> list[str]:
    return re.findall(r"^\s*\d+\. (.+)$", body, flags=re.M)


def words(body: str) -> int:
    return len(WORD.findall(re.sub(r"[*_`]", "", body)))


def length(text: str) -> int:
    match = re.search(r"^\*\*Length:\*\* (\d+) minutes", text, flags=re.M)
    assert match, "no '**Length:** N minutes' line under the title"
    return int(match.group(1))


def plan_rows(text: str) -> list[tuple[str, int, str]]:
    _, body = section(text, "Plan")
    rows = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d+:\d\d", cells[0]):
            assert cells[1].isdigit(), f"plan row {line!r}: the Minutes column must be a whole number"
            rows.append((cells[0], int(cells[1]), cells[2]))
    return rows


def clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


# -- what the course has --------------------------------------------------------

def lesson_headings() -> dict[str, set[str]]:
    """Every lesson's '## ' and '### ' headings, by slug."""
    found = {}
    for slug in SLUGS:
        path = ROOT / "modules" / f"{slug}.ipynb"
        if not path.exists():
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        found[slug] = {normal(h) for h in re.findall(r"^#{2,3} (.+?)\s*$", text, flags=re.M)}
    return found


def scenario_titles() -> set[str]:
    titles = set()
    for path in (ROOT / "exercises" / "scenarios").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("title"):
            titles.add(normal(str(data["title"])))
    return titles


def normal(title: str) -> str:
    """A title compared without case, quotes or a trailing full stop."""
    return re.sub(r"[\"“”‘’']", "", title).strip().rstrip(".").casefold()


ITALIC = r"\*([^*\n]+)\*"
LIST_OF_ITALICS = rf"{ITALIC}(?:(?:, | and |; | or ){ITALIC})*"


def named(text: str, verbs: str) -> list[str]:
    """Titles in italics after one of `verbs`: 'read *A* and *B*', 'scenario *C*'."""
    found = []
    for match in re.finditer(rf"\b(?:{verbs}) ({LIST_OF_ITALICS})", text):
        found += re.findall(ITALIC, match.group(1))
    return found


def named_sections(text: str) -> list[str]:
    return named(text, r"[Rr]ead|[Ss]ections?|[Rr]eread")


def named_scenarios(text: str) -> list[str]:
    return named(text, r"[Ss]cenarios?|[Pp]lay|[Rr]eplay|[Pp]roject")


def relative_links(text: str) -> list[str]:
    links = re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", text)
    return [link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:|#", link)]


# -- the format, guide by guide --------------------------------------------------

@pytest.fixture(scope="module")
def headings_by_lesson():
    return lesson_headings()


@pytest.fixture(scope="module")
def scenarios():
    return scenario_titles()


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_the_guide_names_its_lesson(lesson):
    text = guide_text(lesson.slug)
    first = text.lstrip().splitlines()[0]
    expected = (f"# Session guide: {lesson.title}" if lesson.number == "0"
                else f"# Session guide: {lesson.number}. {lesson.title}")
    assert first == expected, f"the title should read {expected!r}, not {first!r}"
    assert re.search(rf"\*\*Lesson:\*\* \[[^\]]+\]\(\.\./\.\./modules/{re.escape(lesson.slug)}\.ipynb\)",
                     text), "the **Lesson:** link should point to the lesson's notebook"
    assert re.search(r"\*\*Group:\*\* \S", text), "no '**Group:**' size"


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_the_plan_adds_up(lesson):
    text = guide_text(lesson.slug)
    total = length(text)
    assert 60 <= total <= 90, f"a session lasts 60 to 90 minutes, not {total}"
    rows = plan_rows(text)
    assert len(rows) >= 4, "the plan needs a row for each activity"
    start = 0
    for time, minutes, activity in rows:
        assert minutes > 0, f"{activity!r} has no minutes"
        assert time == clock(start), f"{activity!r} should start at {clock(start)}, not {time}"
        start += minutes
    assert start == total, f"the plan's minutes add up to {start}, but the Length says {total}"
    activities = [activity.casefold() for _, _, activity in rows]
    for part, pattern in (("Case 1", r"\bcase 1\b"), ("Case 2", r"\bcase 2\b"),
                          ("Role-play", r"\brole[- ]play"), ("Debrief", r"\bdebrief")):
        assert any(re.search(pattern, a) for a in activities), f"no row of the plan names the {part}"


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_the_guide_has_objectives_and_work_before_and_after(lesson):
    text = guide_text(lesson.slug)
    _, objectives = section(text, "Objectives")
    assert len(bullets(objectives) + numbered(objectives)) >= 3, "at least three objectives, one a bullet"
    _, before = section(text, "Before the session")
    assert "**Participants" in before and "**Facilitator" in before, \
        "'Before the session' says what participants and the facilitator do"
    assert words(before) >= 30, "'Before the session' is too thin to act on"
    _, after = section(text, "After the session")
    assert len(bullets(after) + numbered(after)) >= 2, "at least two things to do after the session"


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
@pytest.mark.parametrize("case", ["Case 1:", "Case 2:"])
def test_each_case_is_short_with_questions(lesson, case):
    text = guide_text(lesson.slug)
    heading, body = section(text, case)
    assert heading[len(case):].strip(), f"'## {case}' needs a short title"
    story, questions = subsection(body, "Discussion questions")
    count = words(story)
    assert 80 <= count <= 200, f"{heading}: the case has {count} words, not 80 to 200"
    assert len(numbered(questions)) >= 3, f"{heading}: at least three numbered questions"


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_the_role_play_has_an_observers_checklist(lesson):
    text = guide_text(lesson.slug)
    heading, body = section(text, "Role-play:")
    setup, checklist = subsection(body, "Observer's checklist")
    assert words(setup) >= 40, f"{heading}: say who plays whom, what each is told and for how long"
    assert re.search(r"\bobserver", setup, flags=re.I), f"{heading}: the setup names the observer"
    boxes = re.findall(r"^\s*- \[ \] \S.*$", checklist, flags=re.M)
    assert len(boxes) >= 4, f"{heading}: at least four '- [ ]' items for the observer, found {len(boxes)}"


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_the_debrief_has_prompts(lesson):
    _, body = section(guide_text(lesson.slug), "Debrief")
    assert len(bullets(body) + numbered(body)) >= 3, "at least three debrief prompts"


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_every_relative_link_resolves(lesson):
    text = guide_text(lesson.slug)
    broken = []
    for link in relative_links(text):
        target = (SESSIONS / re.split(r"[?#]", link)[0]).resolve()
        if not target.exists() or ROOT.resolve() not in target.parents:
            broken.append(link)
    assert broken == [], f"links to files that are not in the repository: {broken}"


@pytest.mark.parametrize("lesson", LESSONS, ids=SLUGS)
def test_sections_and_scenarios_named_exist(lesson, headings_by_lesson, scenarios):
    text = guide_text(lesson.slug)
    own = headings_by_lesson.get(lesson.slug, set())
    anywhere = set().union(*headings_by_lesson.values()) | {normal(item.title) for item in LESSONS}
    unknown_sections = [t for t in named_sections(text)
                        if normal(t) not in own and normal(t) not in anywhere
                        and normal(t) not in scenarios]
    assert unknown_sections == [], (f"sections named in italics that no lesson has "
                                    f"(its '## ' or '### ' headings): {unknown_sections}")
    unknown_scenarios = [t for t in named_scenarios(text) if normal(t) not in scenarios]
    assert unknown_scenarios == [], f"scenarios named that do not exist: {unknown_scenarios}"


# -- the checks themselves can fail -----------------------------------------------

GOOD = """# Session guide: 3. Feedback

**Length:** 60 minutes · **Group:** 6 to 12 · **Lesson:** [3. Feedback](../../modules/03-feedback.ipynb)

## Plan
| Time | Minutes | Activity |
|---|---|---|
| 0:00 | 10 | Opening |
| 0:10 | 20 | Case 1 |
| 0:30 | 15 | Case 2 |
| 0:45 | 10 | Role-play |
| 0:55 | 5 | Debrief |

Read *A practical structure: five steps*; play *A draft that is not ready*.
"""


def test_the_checks_catch_a_broken_plan_and_unknown_names(headings_by_lesson, scenarios):
    assert [m for _, m, _ in plan_rows(GOOD)] == [10, 20, 15, 10, 5]
    assert named_sections(GOOD) == ["A practical structure: five steps"]
    assert named_scenarios(GOOD) == ["A draft that is not ready"]
    assert normal("A practical structure: five steps") in headings_by_lesson["03-feedback"]
    assert normal("A draft that is not ready") in scenarios
    assert normal("A draft that was never written") not in scenarios
    # A plan whose Time column skips, and a Length the rows do not reach.
    skipped = GOOD.replace("| 0:30 | 15 |", "| 0:35 | 15 |")
    rows = plan_rows(skipped)
    starts, total = [], 0
    for time, minutes, _ in rows:
        starts.append(time == clock(total))
        total += minutes
    assert not all(starts)
    assert length(GOOD.replace("60 minutes", "75 minutes")) != total
    # "read *A* and *B*" names both; "scenarios *C* or *D*" too.
    assert named_sections("then read *One* and *Two*; later") == ["One", "Two"]
    assert named_scenarios("the scenarios *C*, *D* or *E*") == ["C", "D", "E"]
    assert relative_links("[a](../x.md) [b](https://e.org) [c](#top)") == ["../x.md"]
    # A section written twice is reported, not silently merged.
    with pytest.raises(AssertionError, match="expected one section"):
        section(GOOD + "\n## Plan\nagain\n", "Plan")
    with pytest.raises(AssertionError, match="expected one '### Discussion questions'"):
        subsection("A case.\n", "Discussion questions")


# -- the index and the blended schedule ------------------------------------------

def schedule_section() -> str:
    text = (SESSIONS / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Blended schedule\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, "docs/sessions/README.md needs a '## Blended schedule' section"
    return match.group(1)


def guide_links(text: str) -> list[str]:
    return re.findall(r"\]\(([0-9][0-9a-z-]*)\.md\)", text)


def test_the_schedule_uses_every_guide_once():
    used = guide_links(schedule_section())
    assert sorted(set(used) - set(SLUGS)) == [], "the schedule links guides of lessons the course lacks"
    counts = {slug: used.count(slug) for slug in SLUGS}
    assert {s: n for s, n in counts.items() if n != 1} == {}, \
        "each lesson's guide appears in the schedule exactly once"


def table_rows(body: str) -> list[tuple[str, int, str]]:
    rows = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"\d+:\d\d", cells[0]) and cells[1].isdigit():
            rows.append((cells[0], int(cells[1]), cells[2]))
    return rows


def test_each_scheduled_session_runs_to_time():
    sessions = re.findall(r"^### (Session \d+.*?)\s*$(.*?)(?=^### |\Z)", schedule_section(),
                          flags=re.M | re.S)
    assert 3 <= len(sessions) <= 4, "the blended schedule has three or four cohort sessions"
    for title, body in sessions:
        rows = table_rows(body)
        assert rows, f"{title}: no timed plan"
        start = 0
        for time, minutes, activity in rows:
            assert time == clock(start), f"{title}: {activity!r} should start at {clock(start)}"
            start += minutes
        assert 60 <= start <= 90, f"{title}: {start} minutes, not 60 to 90"
        assert guide_links(body), f"{title}: names no guide"


def test_the_index_links_every_guide_and_is_linked():
    text = (SESSIONS / "README.md").read_text(encoding="utf-8")
    assert set(SLUGS) <= set(guide_links(text))
    assert "sessions/README.md" in (ROOT / "docs" / "facilitator-guide.md").read_text(encoding="utf-8")
    assert "docs/sessions/README.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_schedule_check_finds_a_missing_or_doubled_guide():
    doubled = "[a](03-feedback.md) [b](03-feedback.md) [c](04-implicit-bias.md)"
    assert guide_links(doubled).count("03-feedback") == 2
    assert "05-sponsorship" not in guide_links(doubled)


# -- rendering ----------------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS + ["README"])
def test_the_guide_renders_without_raw_markdown(slug):
    """Rendered as JupyterLab and GitHub would (tables, task lists), no Markdown is left over."""
    mistune = pytest.importorskip("mistune")
    path = SESSIONS / f"{slug}.md"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    render = mistune.create_markdown(plugins=["table", "task_lists"])
    html = render(path.read_text(encoding="utf-8"))
    leftovers = leftover_markdown(html)
    assert leftovers == [], f"{slug}.md: Markdown left in the rendered page: {leftovers}"
    if slug != "README":
        assert "<table>" in html and 'type="checkbox"' in html


def leftover_markdown(html: str) -> list[str]:
    text = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", text)
    found = []
    for line in text.splitlines():
        line = line.strip()
        if re.search(r"\*\*|(?<![\w*])\*\w[^*]*\w\*(?![\w*])|\]\(|^#{1,6} |^\|.*\||^- \[[ x]\]", line):
            found.append(line[:60])
    return found


def test_the_render_check_finds_raw_markdown():
    assert leftover_markdown("<p>**bold that never closed</p>") != []
    assert leftover_markdown("<p>| 0:00 | 10 | Opening |</p>") != []
    assert leftover_markdown("<p><strong>fine</strong> and <em>fine</em></p>") == []


# -- casting and spelling, as in the lessons and scenarios ---------------------------

@pytest.mark.parametrize("slug", SLUGS + ["README"])
def test_the_guide_uses_us_spelling(slug):
    from .test_casting import british_spellings

    path = SESSIONS / f"{slug}.md"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    assert british_spellings(path.read_text(encoding="utf-8")) == []


def test_no_name_in_the_guides_belongs_to_two_people():
    """A case may bring back a scenario's character under the same full name; a new
    person needs a surname and a first name no scenario or other guide uses."""
    from .test_casting import casting, name_clashes, people

    cast = casting()
    for path in sorted(SESSIONS.glob("*.md")):
        cast[f"docs/sessions/{path.name}"] = people(path.read_text(encoding="utf-8"))
    problems = [p for p in name_clashes(cast) if " appears in " not in p]
    assert problems == []
