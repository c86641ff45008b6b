"""The scenarios the course ships: all valid, enough of them, varied, deep
enough, and every lesson with something to practise."""

from collections import Counter

import pytest

from mentorkit import scenario
from mentorkit.content import check_file
from mentorkit.course import LESSONS, scenarios_dir

REQUIRED = """busy-mentor conflicting-advice first-meeting saying-no critical-feedback
letter-of-recommendation national-meeting committee-nomination amplification all-male-panel
impostor-feelings unjust-remark ending-the-relationship peer-group-conflict negotiation
work-life-strain""".split()
SHIPPED = scenario.available()


def test_the_curriculum_scenarios_are_all_there():
    assert set(REQUIRED) <= set(SHIPPED), sorted(set(REQUIRED) - set(SHIPPED))
    assert len(SHIPPED) >= 16


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_shipped_scenario_is_valid_and_deep(scenario_id):
    path = scenarios_dir() / f"{scenario_id}.yaml"
    assert [str(p) for p in check_file(path)] == []
    s = scenario.load(scenario_id)
    decisions = [n for n in s.nodes.values() if not n.is_ending]
    assert all(len(n.choices) >= 3 for n in decisions)
    for node in decisions:
        ratings = {c.rating for c in node.choices}
        assert len(ratings) >= 2, f"node {node.id}: every choice is rated the same"
    paths = list(s.paths())
    assert max(len(p) for p in paths) >= 2
    assert len({p[-1][1].next for p in paths}) >= 2
    assert {n.ending for n in s.endings()} >= {"strong", "weak"}, "needs a strong and a weak ending"


def test_the_helpful_choice_is_not_always_in_the_same_place():
    positions = Counter()
    for sid in SHIPPED:
        for node in scenario.load(sid).nodes.values():
            for i, choice in enumerate(node.choices):
                if choice.rating == "helpful":
                    positions[i] += 1
    assert len(positions) >= 3 and max(positions.values()) < 0.6 * sum(positions.values())


def test_settings_are_varied():
    settings = Counter(scenario.load(sid).setting for sid in SHIPPED)
    assert len(settings) >= 3 and max(settings.values()) <= len(SHIPPED) // 2


@pytest.mark.parametrize("lesson", [lesson.slug for lesson in LESSONS[1:11]])
def test_every_teaching_lesson_has_a_scenario(lesson):
    assert scenario.for_lesson(lesson), f"no scenario practises {lesson}"
