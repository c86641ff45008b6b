"""A lesson's slug is its id everywhere: in a scenario's or an instrument's
``lessons``, and in an assignment's address. Lessons added between two others
take a letter after the number ("09b-research-integrity"), so every check of an
id must accept every slug in the course, and still refuse what is not an id."""

import json

import pytest

from mentorkit import assignments
from mentorkit.content import check_file
from mentorkit.course import LESSONS

from .notebook_checks import ROOT

SLUGS = [lesson.slug for lesson in LESSONS]
NOT_IDS = ["9b-research-integrity", "09bb-research-integrity", "09B-research-integrity",
           "09b_research", "../09b-research-integrity", "09b-", ""]


def test_some_lessons_have_lettered_slugs():
    assert any(slug.split("-", 1)[0][-1].isalpha() for slug in SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_slug_is_an_assignment_id(slug):
    assert assignments.ID.match(slug)
    assert assignments.release_path(slug).name == f"{slug}.ipynb"


@pytest.mark.parametrize("bad", NOT_IDS)
def test_what_is_not_an_id_is_refused(bad):
    with pytest.raises(assignments.AssignmentError):
        assignments.release_path(bad)


def scenario_for(tmp_path, lesson: str):
    """A shipped scenario, copied with its ``lessons`` naming ``lesson`` alone."""
    text = (ROOT / "exercises" / "scenarios" / "authorship-order.yaml").read_text(encoding="utf-8")
    lines = [f"lessons: [{json.dumps(lesson)}]" if line.startswith("lessons:") else line
             for line in text.splitlines()]
    path = tmp_path / "authorship-order.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("slug", [s for s in SLUGS if s.split("-", 1)[0][-1].isalpha()])
def test_a_scenario_may_name_a_lettered_lesson(tmp_path, slug):
    path = scenario_for(tmp_path, slug)
    assert [str(p) for p in check_file(path)] == []


@pytest.mark.parametrize("bad", ["9b-research-integrity", "09bb-research-integrity"])
def test_a_scenario_naming_a_malformed_lesson_is_refused(tmp_path, bad):
    path = scenario_for(tmp_path, bad)
    problems = [str(p) for p in check_file(path)]
    assert problems and all("lessons" in p for p in problems), problems
