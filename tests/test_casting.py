"""Casting and spelling rules for course content (docs/authoring.md, "Casting and names").

- A name belongs to one person across all the scenarios: no surname with two
  first names, no first name with two surnames, no "Dr. Surname" that points
  at someone from another scenario, and no full name reused in a second
  scenario (a character who really does recur would be listed in RECURRING).
- Lessons and the learner's exercises use US spelling. Reference titles,
  quotations and proper names that are spelled the British way are listed,
  with a reason, in ALLOWED.

Only modules/ and exercises/ are checked here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "exercises" / "scenarios").glob("*.yaml"))

# Characters deliberately shared by two scenarios: first-meeting-mentee-seat
# replays first-meeting with the learner in Rafael Mendes's seat.
RECURRING: set[str] = {"Rafael Mendes"}

NAME = r"[A-Z][a-zà-öø-ÿ'’]+(?:-[A-Z][a-zà-öø-ÿ'’]+)?"
TITLED = re.compile(rf"\b(?:Dr|Professor|Prof)\.?\s+({NAME})\s+({NAME})\b")
CREDENTIALED = re.compile(rf"\b({NAME})\s+({NAME}),\s+(?:PhD|MD|RN|MPH|DNP)\b")
TITLE_SURNAME = re.compile(rf"\b(?:Dr|Professor|Prof)\.?\s+({NAME})\b(?!\s+[A-Z])")
# Capitalized words that can follow "Dr." without being a first name.
NOT_FIRST_NAMES = {"The", "A", "An"}


def prose(node) -> list[str]:
    """Every string in a YAML document except ids and links between scenes."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for item in node for s in prose(item)]
    if isinstance(node, dict):
        return [s for key, value in node.items()
                if key not in {"id", "next", "start", "lesson", "lessons", "kind", "setting", "ending",
                               "rating", "results", "type"}
                for s in prose(value)]
    return []


def scenario_text(path: Path) -> str:
    return "\n".join(prose(yaml.safe_load(path.read_text(encoding="utf-8"))))


def people(text: str) -> set[tuple[str, str]]:
    found = set()
    for pattern in (TITLED, CREDENTIALED):
        for first, last in pattern.findall(text):
            if first not in NOT_FIRST_NAMES:
                found.add((first, last))
    return found


def casting() -> dict[str, set[tuple[str, str]]]:
    return {path.stem: people(scenario_text(path)) for path in SCENARIOS}


def name_clashes(cast: dict[str, set[tuple[str, str]]]) -> list[str]:
    """Every way in which a name is used for two people (empty when the casting is clean)."""
    problems = []
    by_surname, by_first, by_full = defaultdict(set), defaultdict(set), defaultdict(set)
    for scenario, names in cast.items():
        for first, last in names:
            by_surname[last].add((first, scenario))
            by_first[first].add((last, scenario))
            by_full[f"{first} {last}"].add(scenario)
    for last, uses in sorted(by_surname.items()):
        if len({first for first, _ in uses}) > 1:
            problems.append(f"surname {last!r} is used for different people: "
                            + ", ".join(f"{first} {last} ({s})" for first, s in sorted(uses)))
    for first, uses in sorted(by_first.items()):
        if len({last for last, _ in uses}) > 1:
            problems.append(f"first name {first!r} is used for different people: "
                            + ", ".join(f"{first} {last} ({s})" for last, s in sorted(uses)))
    for full, scenarios in sorted(by_full.items()):
        if len(scenarios) > 1 and full not in RECURRING:
            problems.append(f"{full} appears in {', '.join(sorted(scenarios))}; a second scenario needs "
                            "a new person (or list a recurring character in RECURRING)")
    return problems


def stray_references(texts: dict[str, str], cast: dict[str, set[tuple[str, str]]]) -> list[str]:
    """"Dr. Surname" or a bare "First Last" in one scenario naming a person from another."""
    problems = []
    owner_of_surname = {last: scenario for scenario, names in cast.items() for _, last in names}
    for scenario, text in texts.items():
        own_surnames = {last for _, last in cast[scenario]}
        for last in TITLE_SURNAME.findall(text):
            if last not in own_surnames and owner_of_surname.get(last, scenario) != scenario:
                problems.append(f"{scenario}: 'Dr. {last}' is a person from {owner_of_surname[last]}")
        own_firsts = {first for first, _ in cast[scenario]}
        for other, names in cast.items():
            if other == scenario:
                continue
            for first, last in names:
                if first not in own_firsts and re.search(rf"\b{re.escape(first)}\b", text):
                    problems.append(f"{scenario}: the name {first!r} belongs to {first} {last} in {other}")
    return problems


def test_every_scenario_names_its_people():
    cast = casting()
    assert all(cast.values()), [s for s, names in cast.items() if not names]


def test_no_name_is_used_for_two_people():
    assert name_clashes(casting()) == []


def test_no_scenario_borrows_a_name_from_another():
    texts = {path.stem: scenario_text(path) for path in SCENARIOS}
    assert stray_references(texts, casting()) == []


def test_the_casting_check_finds_a_reused_name():
    # The check itself must be able to fail: reuse one surname, one first name
    # and one full name across invented scenarios.
    cast = {
        "a": people("Dr. Helen Marsh chairs the panel. Dr. Tomasz Nowak presents."),
        "b": people("Dr. Ruth Marsh is the program director. Naomi Goldberg, PhD, RN, runs the lab."),
        "c": people("Dr. Tomasz Nowak, a postdoc, finishes the analysis. Dr. Helen Brooks mentors."),
    }
    problems = "\n".join(name_clashes(cast))
    assert "surname 'Marsh'" in problems
    assert "first name 'Helen'" in problems
    assert "Tomasz Nowak appears in a, c" in problems
    assert ("Naomi", "Goldberg") in cast["b"]
    strays = stray_references({"b": "Later Dr. Brooks calls.", "a": "", "c": "Tomasz Nowak"},
                              cast)
    assert "b: 'Dr. Brooks' is a person from c" in strays[0]


# -- US spelling ---------------------------------------------------------------

BRITISH = {
    r"programmes?": "program",
    r"paediatrics?|paediatrician": "pediatric",
    r"centres?|centred": "center",
    r"organisations?|organis(?:e|es|ed|ing|er|ers)": "organization, organize",
    r"behaviours?|behavioural": "behavior",
    r"colours?|coloured": "color",
    r"favours?|favourite|favourable|favoured": "favor",
    r"honours?|labour|neighbours?|humour|rumours?|endeavours?": "-or",
    r"(?:recogn|real|apolog|emphas|summar|priorit|minim|maxim|critic|special|util|standard|categor"
    r"|character|general|optim|mobil|normal|social|familiar|author|memor|final|formal|random"
    r"|visual|verbal|legitim|internal|stigmat|marginal|symbol|patron|sympath|item|custom|scrutin"
    r"|vocal|capital|agon|antagon|individual|conceptual|contextual|central|institutional|prioriti)"
    r"is(?:e|es|ed|ing|ation|ations)": "-ize",
    r"analys(?:e|ed|ing)": "analyze",
    r"practis(?:e|es|ed|ing)": "practice (the verb)",
    r"licence": "license",
    r"defence|offence": "defense, offense",
    r"cancell(?:ed|ing)|travell(?:ed|ing|er)|modell(?:ed|ing)": "one l",
    r"labell(?:ed|ing)|counsell(?:ing|or|ors)": "one l",
    r"enrolment|fulfil|enrol|instalment": "enrollment, fulfill",
    r"anaesthe\w*|haemat\w*|gynaecolog\w*|oesophag\w*|oedema|foetal|orthopaedic\w*": "US medical spelling",
    r"per cent": "percent",
    r"whilst|amongst|learnt|spelt": "while, among, learned",
    r"ageing|sceptic\w*|catalogue|cheque|manoeuvre": "aging, skeptical, catalog",
    r"grey|judgement": "gray, judgment",
    r"towards": "toward",
}
SPELLING = re.compile(r"\b(" + "|".join(BRITISH) + r")\b", re.IGNORECASE)

# Proper names, quotations and published titles keep their own spelling.
ALLOWED: list[str] = [
]
ALLOWED_PATTERNS = [
    # Reference lists: titles and journals are cited as published.
    re.compile(r"^## References.*", re.DOTALL | re.MULTILINE),
    # Quotations from published sources are quoted as published.
    re.compile(r"“[^”]*”"),
    re.compile(r"^> .*$", re.MULTILINE),
]


GENERATED = {"mk-header", "mk-footer"}  # page header and footer, written by the page generator


def notebook_texts(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "markdown"
            and not GENERATED & set(cell.get("metadata", {}).get("tags", []))]


def content_texts() -> dict[str, list[str]]:
    texts = {}
    for path in sorted((ROOT / "modules").glob("*.ipynb")) + sorted((ROOT / "exercises").rglob("*.ipynb")):
        texts[str(path.relative_to(ROOT))] = notebook_texts(path)
    for path in sorted((ROOT / "exercises").rglob("*.yaml")):
        texts[str(path.relative_to(ROOT))] = prose(yaml.safe_load(path.read_text(encoding="utf-8")))
    return texts


def british_spellings(text: str) -> list[str]:
    for pattern in ALLOWED_PATTERNS:
        text = pattern.sub(" ", text)
    for phrase in ALLOWED:
        text = text.replace(phrase, " ")
    return [m.group(0) for m in SPELLING.finditer(text)]


def test_content_uses_us_spelling():
    found = []
    for name, texts in content_texts().items():
        words = sorted({w for text in texts for w in british_spellings(text)})
        if words:
            found.append(f"{name}: {', '.join(words)}")
    assert found == [], "British spellings (use US spelling):\n" + "\n".join(found)


@pytest.mark.parametrize("text, expected", [
    ("The programme and the paediatric centre.", ["programme", "paediatric", "centre"]),
    ("We organised a behavioural review and recognised it.", ["organised", "behavioural", "recognised"]),
    ("A US program at the pediatric center, organized well.", []),
    ("## References\n\n1. A programme for paediatric centres.", []),
    ("As one author put it, “a programme of work”.", []),
])
def test_the_spelling_check_finds_british_words(text, expected):
    assert british_spellings(text) == expected
