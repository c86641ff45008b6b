"""A lesson added between two others takes a letter after its predecessor's number
(07a-wellbeing): the content schemas, the assignments page and the knowledge-check
survey must all take such an id, and still refuse ids that are not lesson slugs."""

from __future__ import annotations

import re

import pytest
import yaml

from mentorkit import assignments
from mentorkit.content import schema, schema_problems
from mentorkit.course import LESSONS

from .notebook_checks import ROOT
from .test_knowledge_checks import CHECKS

SCENARIO = ROOT / "exercises" / "scenarios" / "exhausted-fellow.yaml"


def lesson_problems(lessons: list) -> list[str]:
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    data["lessons"] = lessons
    return [str(p) for p in schema_problems(data, "scenario", "x.yaml")]


@pytest.mark.parametrize("kind", ["scenario", "instrument"])
def test_every_lesson_slug_is_a_valid_lesson_id_in_the_schemas(kind):
    pattern = re.compile(schema(kind)["$defs"]["lesson"]["pattern"])
    assert [lesson.slug for lesson in LESSONS if not pattern.match(lesson.slug)] == []


def test_every_lesson_slug_is_a_valid_assignment_id():
    assert [lesson.slug for lesson in LESSONS if not assignments.ID.match(lesson.slug)] == []


def test_a_lettered_lesson_is_accepted_and_malformed_ids_are_refused():
    assert lesson_problems(["07a-wellbeing", "07-impostor-feelings"]) == []
    for bad in ("7a-wellbeing", "07ab-wellbeing", "07A-wellbeing", "07a_wellbeing"):
        problems = lesson_problems([bad])
        assert problems and "not a valid id" in problems[0], (bad, problems)
    with pytest.raises(assignments.AssignmentError):
        assignments.release_path("07ab-wellbeing")


def test_the_lettered_assignment_is_listed_and_its_checks_are_surveyed():
    assert "07a-wellbeing" in assignments.released_ids(ROOT)
    assert assignments.release_path("07a-wellbeing", ROOT).exists()
    surveyed = {check.where.split()[0] for check in CHECKS}
    assert "07a-wellbeing" in surveyed, "test_knowledge_checks.py does not read source/07a-wellbeing"
