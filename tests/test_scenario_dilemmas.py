"""Scenario steps that are real dilemmas (docs/authoring.md, "Writing knowledge
checks and scenario steps"): some steps offer two defensible options whose
feedback says when each fits, and no step has more than one option rated as
likely to backfire."""

import re

from mentorkit import scenario

SHIPPED = scenario.available()


def dilemmas():
    """(scenario id, node) for every step with two or more helpful options."""
    return [(sid, node) for sid in SHIPPED for node in scenario.load(sid).nodes.values()
            if sum(c.rating == "helpful" for c in node.choices) >= 2]


def test_at_least_five_scenarios_have_a_real_dilemma():
    found = sorted({sid for sid, _ in dilemmas()})
    assert len(found) >= 5, f"only {found} have a step with two defensible options"


def test_each_defensible_option_says_when_it_fits():
    vague = [f"{sid} / {node.id} / {choice.id}" for sid, node in dilemmas() for choice in node.choices
             if choice.rating == "helpful" and not re.search(r"\bfits?\b", choice.feedback)]
    assert vague == [], f"feedback should say when the option fits: {vague}"


def test_no_step_has_more_than_one_clearly_weaker_option():
    crowded = [f"{sid} / {node.id}" for sid in SHIPPED for node in scenario.load(sid).nodes.values()
               if sum(c.rating == "unhelpful" for c in node.choices) > 1]
    assert crowded == [], f"steps with two options rated unhelpful: {crowded}"
