"""Lessons placed between others have a letter in their id (``06a-culturally-aware-mentoring``):
every place that checks or shows a lesson or assignment id accepts it and keeps the letter."""

import json
import re

import pytest
import yaml

from mentorkit import assignments
from mentorkit.content import check_file
from mentorkit.course import LESSONS, scenarios_dir
from mentorkit.gradebook import lesson_label

from .notebook_checks import ROOT

SCHEMAS = ROOT / "widgets" / "mentorkit" / "schemas"


def lesson_pattern(schema: str) -> re.Pattern:
    data = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "lesson" in node and isinstance(node["lesson"], dict) and "pattern" in node["lesson"]:
                found.append(node["lesson"]["pattern"])
            for value in node.values():
                walk(value)

    walk(data)
    assert found, f"{schema} has no lesson pattern"
    return re.compile(found[0])


@pytest.mark.parametrize("schema", ["scenario.schema.json", "instrument.schema.json"])
def test_every_lesson_id_of_the_course_fits_the_schemas(schema):
    pattern = lesson_pattern(schema)
    assert [lesson.slug for lesson in LESSONS if not pattern.fullmatch(lesson.slug)] == []
    for bad in ("6a-allyship", "06ab-x", "06-", "06A-allyship"):
        assert not pattern.fullmatch(bad), bad


def test_every_lesson_id_is_a_valid_assignment_id():
    assert [lesson.slug for lesson in LESSONS if not assignments.ID.fullmatch(lesson.slug)] == []
    assert not assignments.ID.fullmatch("6a-allyship")


def test_a_scenario_for_a_lettered_lesson_validates_and_a_malformed_one_is_named(tmp_path):
    data = yaml.safe_load((scenarios_dir() / "protective-hesitation.yaml").read_text(encoding="utf-8"))
    assert data["lessons"][0] == "06a-culturally-aware-mentoring"
    good = tmp_path / "protective-hesitation.yaml"
    good.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert [str(p) for p in check_file(good)] == []
    data["lessons"] = ["6a-culturally-aware-mentoring"]
    bad = tmp_path / "bad" / "protective-hesitation.yaml"
    bad.parent.mkdir()
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    problems = [str(p) for p in check_file(bad)]
    assert problems and any("lessons" in p for p in problems), problems


def test_the_gradebook_label_keeps_the_letter():
    assert lesson_label("02-setting-expectations") == "02 Setting expectations"
    assert lesson_label("06a-culturally-aware-mentoring") == "06a Culturally aware mentoring"
    assert lesson_label("99-unknown") == "99-unknown"


def test_the_scenario_list_names_a_lettered_lesson_by_its_number():
    from mentorkit.ui.scenario_player import lesson_label as scenario_lesson

    assert scenario_lesson("02-setting-expectations") == "Lesson 2"
    assert scenario_lesson("10-peer-mentoring-groups") == "Lesson 10"
    assert scenario_lesson("06a-culturally-aware-mentoring") == "Lesson 6a"
    assert scenario_lesson("00-welcome") == "Welcome"


LETTERED = [lesson.slug for lesson in LESSONS if lesson.number[-1].isalpha()]


@pytest.mark.parametrize("slug", LETTERED)
def test_a_lettered_assignment_is_listed_and_its_checks_are_surveyed(slug):
    from mentorkit import assignments

    from .test_knowledge_checks import CHECKS

    assert slug in assignments.released_ids(ROOT)
    assert assignments.release_path(slug, ROOT).exists()
    surveyed = {check.where.split()[0] for check in CHECKS}
    assert slug in surveyed, f"test_knowledge_checks.py does not read source/{slug}"
