"""The hostile cohort of test_grading_workflow.py (perfect, half-done, empty,
edited tests, deleted cells, an endless loop, a file that is not JSON, emoji,
right-to-left text, a hand-edited form, nobody submitting...) handed in on each
assignment of the lessons added between others (2a, 6a, 7a, 9a, 9b): the same
real exchange, autograde, hand grading, feedback and export, run once per
assignment in its own pytest process (the workflow's assignment is a module
setting, MENTORKIT_COHORT_ASSIGNMENT)."""

import os
import subprocess
import sys

import pytest

from mentorkit.course import LESSONS

from .notebook_checks import ROOT

LETTERED = [lesson.slug for lesson in LESSONS if lesson.number[-1].isalpha()]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", LETTERED)
def test_the_hostile_cohort_is_graded_right_on(assignment):
    env = {**os.environ, "MENTORKIT_COHORT_ASSIGNMENT": assignment}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/test_grading_workflow.py"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, f"{assignment}: {summary}\n{run.stdout[-4000:]}"
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
