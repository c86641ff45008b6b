"""The knowledge checks of the assignments in source/, taken together: can a learner who
skipped the lessons score by test-taking alone? (See "Writing knowledge checks and scenario
steps" in docs/authoring.md.)

Each check is read the way the Assignments page reads it: the choices from the answer
cell's ``mentorkit`` metadata, the right answer from the solution region. The rules:

- the prose options (``- **A.** ...``) are the metadata choices, word for word;
- over all single-answer checks, the right option is the longest in at most 30%;
- the right letters are spread evenly: every letter A-D is right at least once, and no
  letter is right in more than about a third of the single-answer checks;
- options are of similar length: the right option is at most 1.5 times the mean length of
  the others in at least 90% of the single-answer checks, and never more than twice it.

Each failure names the checks that break the rule."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = re.compile(r"^[ \t]*#+[ \t]*BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*#+[ \t]*END SOLUTION", re.S | re.M)
PROSE_CHOICE = re.compile(r"^- \*\*([A-H])\.\*\* (.+)$", re.M)
LETTERS = "ABCD"

LONGEST_AT_MOST = 0.30
LETTER_SHARE_AT_MOST = 0.34
LENGTH_RATIO = 1.5
LENGTH_RATIO_SHARE_AT_LEAST = 0.90
LENGTH_RATIO_NEVER = 2.0


@dataclass(frozen=True)
class Check:
    where: str  # "05-sponsorship q2_patton_success"
    kind: str
    prose: tuple[tuple[str, str], ...]
    choices: tuple[tuple[str, str], ...]
    answer: object

    @property
    def texts(self) -> dict[str, str]:
        return dict(self.choices)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def read_checks() -> list[Check]:
    found = []
    for path in sorted((ROOT / "source").glob("[0-9][0-9]*-*/[0-9][0-9]*-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            form = cell.get("metadata", {}).get("mentorkit") or {}
            if cell.get("cell_type") != "code" or form.get("kind") not in ("one", "several"):
                continue
            grade_id = cell["metadata"]["nbgrader"]["grade_id"]
            solution = "\n".join(SOLUTION.findall(_text(cell["source"])))
            assignments = [line for line in solution.splitlines()
                           if line.strip().startswith(form["variable"] + " =")]
            assert assignments, f"{path.parent.name} {grade_id}: no answer in the solution region"
            answer = ast.literal_eval(assignments[-1].split("=", 1)[1].strip())
            question = _text(cells[index - 1]["source"])
            found.append(Check(
                f"{path.parent.name} {grade_id}", form["kind"],
                tuple((k, t.strip()) for k, t in PROSE_CHOICE.findall(question)),
                tuple((c["key"], c["text"]) for c in form["choices"]), answer))
    return found


CHECKS = read_checks()
SINGLE = [c for c in CHECKS if c.kind == "one"]


def _ratio(check: Check) -> float:
    texts = check.texts
    others = [len(t) for k, t in texts.items() if k != check.answer]
    return len(texts[check.answer]) / (sum(others) / len(others))


def _report(title: str, lines: list[str]) -> str:
    return title + "\n  " + "\n  ".join(lines)


def test_there_are_checks_to_judge():
    assert len(SINGLE) >= 30, f"only {len(SINGLE)} single-answer knowledge checks found in source/"
    assert all(isinstance(c.answer, str) and c.answer in c.texts for c in SINGLE), \
        [c.where for c in SINGLE if not (isinstance(c.answer, str) and c.answer in c.texts)]
    several = [c for c in CHECKS if c.kind == "several"]
    assert all(isinstance(c.answer, list) and set(c.answer) <= set(c.texts) for c in several), \
        [c.where for c in several if not (isinstance(c.answer, list) and set(c.answer) <= set(c.texts))]


def test_prose_options_are_the_metadata_choices_word_for_word():
    wrong = [f"{c.where}: prose {list(c.prose)} but metadata {list(c.choices)}"
             for c in CHECKS if c.prose != c.choices]
    assert not wrong, _report("The question's lettered lines differ from the form's choices:", wrong)


def test_the_right_option_is_rarely_the_longest():
    longest = [f"{c.where}: {c.answer} ({len(c.texts[c.answer])} characters)" for c in SINGLE
               if len(c.texts[c.answer]) >= max(len(t) for t in c.texts.values())]
    share = len(longest) / len(SINGLE)
    assert share <= LONGEST_AT_MOST, _report(
        f"The right option is the longest in {len(longest)} of {len(SINGLE)} single-answer checks "
        f"({share:.0%}; at most {LONGEST_AT_MOST:.0%}):", longest)


def test_the_right_letters_are_spread_evenly():
    counts = Counter(c.answer for c in SINGLE)
    unused = [letter for letter in LETTERS if not counts[letter]]
    assert not unused, f"No single-answer check has {', '.join(unused)} as its right letter: {dict(counts)}"
    limit = LETTER_SHARE_AT_MOST * len(SINGLE)
    heavy = [f"{letter}: right in {n} of {len(SINGLE)}: "
             + ", ".join(c.where for c in SINGLE if c.answer == letter)
             for letter, n in sorted(counts.items()) if n > limit]
    assert not heavy, _report(
        f"A letter is right in more than {LETTER_SHARE_AT_MOST:.0%} of the checks:", heavy)


def test_options_are_of_similar_length():
    def line(c):
        return f"{c.where}: the right option is {_ratio(c):.2f} times the mean of the others"

    long = [line(c) for c in SINGLE if _ratio(c) > LENGTH_RATIO]
    never = [line(c) for c in SINGLE if _ratio(c) > LENGTH_RATIO_NEVER]
    assert not never, _report(
        f"The right option is more than {LENGTH_RATIO_NEVER} times as long as the others:", never)
    share = 1 - len(long) / len(SINGLE)
    assert share >= LENGTH_RATIO_SHARE_AT_LEAST, _report(
        f"The right option is within {LENGTH_RATIO}x the others' mean length in only {share:.0%} "
        f"of the checks (at least {LENGTH_RATIO_SHARE_AT_LEAST:.0%}):", long)


@pytest.mark.parametrize("check", SINGLE, ids=[c.where for c in SINGLE])
def test_no_option_is_a_giveaway_by_length(check):
    """No single option, right or wrong, is less than a third of the longest: a stub among
    sentences is read as a throwaway."""
    lengths = {k: len(t) for k, t in check.choices}
    short = [k for k, n in lengths.items() if n * 3 < max(lengths.values())]
    assert not short, f"{check.where}: options {short} are under a third of the longest ({lengths})"


MARK_SCHEME = re.compile(r"=== BEGIN MARK SCHEME ===\s*\n(.*?)=== END MARK SCHEME ===", re.S)


def test_every_reflection_rubric_shows_a_strong_and_a_weak_answer():
    """Each reflection's mark scheme (instructor version only) ends with a one-line example of
    a strong and of a weak answer, so that two facilitators grade alike."""
    missing = []
    for path in sorted((ROOT / "source").glob("[0-9][0-9]*-*/[0-9][0-9]*-*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if (cell.get("metadata", {}).get("mentorkit") or {}).get("kind") != "reflection":
                continue
            scheme = MARK_SCHEME.findall(_text(cell["source"]))
            text = scheme[0] if scheme else ""
            for label in ("*A strong answer, in brief:*", "*A weak answer, in brief:*"):
                example = text.split(label, 1)[1].split("\n\n")[0].strip() if label in text else ""
                if len(example) < 20:
                    missing.append(f"{path.parent.name} {cell['metadata']['nbgrader']['grade_id']}: {label}")
    assert not missing, _report("Rubrics without an example answer:", missing)
