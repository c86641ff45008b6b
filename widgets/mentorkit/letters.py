"""A deliberately simple word-category check of a letter of recommendation.

The categories echo those Trix and Psenka (2003) described, but the word
lists are the course's own short, illustrative lists: this is not their
coding scheme, and it is not a validated tool. It counts words; it does not
understand them. Its only job is to prompt a careful second reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "standout": ("Standout words (strong, comparative praise)", (
        "excellent", "outstanding", "exceptional", "superb", "remarkable", "extraordinary",
        "unparalleled", "stellar", "finest", "best", "top", "preeminent", "rare", "unique",
    )),
    "ability": ("Ability words (talent and skill)", (
        "talented", "gifted", "brilliant", "skilled", "skillful", "insightful", "creative",
        "innovative", "intelligent", "accomplished", "expert", "original", "capable", "astute",
    )),
    "grindstone": ("Grindstone words (effort rather than ability)", (
        "hardworking", "hard-working", "diligent", "conscientious", "dependable", "reliable",
        "meticulous", "thorough", "dedicated", "tireless", "industrious", "organized",
        "organised", "punctual", "careful", "persistent",
    )),
    "achievement": ("Achievement and research words", (
        "research", "publications", "published", "grant", "grants", "funded", "funding",
        "discovery", "investigator", "independent", "led", "leader", "leadership", "award",
        "awarded", "presented", "invited", "results", "first-author",
    )),
    "communal": ("Personal and caring words", (
        "caring", "kind", "warm", "compassionate", "pleasant", "nice", "helpful", "lovely",
        "friendly", "supportive", "delightful", "agreeable", "sweet", "cheerful", "nurturing",
    )),
    "doubt": ("Possible doubt raisers (hedges, faint praise)", (
        "although", "however", "despite", "albeit", "somewhat", "fairly", "adequate",
        "adequately", "sufficient", "acceptable", "occasionally", "sometimes", "seems", "appears",
        "might", "perhaps", "challenging", "not", "while",
    )),
}

CAVEATS = (
    "The word lists are short and written for this course; they are not Trix and Psenka's coding "
    "scheme, and this check has not been validated.",
    "It counts words without reading them: 'not outstanding' counts as standout, and 'while' can "
    "be harmless.",
    "A short letter gives unstable rates; compare letters of similar length and purpose.",
    "Use the result to reread the letter, not as a verdict on it or on its writer.",
    "The text you paste is analyzed in this page only: it is not saved or sent anywhere.",
)

WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")


class LetterError(ValueError):
    """The text cannot be checked; the message says why, for a person."""


@dataclass
class CategoryCount:
    key: str
    label: str
    count: int
    per_thousand: float
    words: list[str] = field(default_factory=list)


@dataclass
class LetterReport:
    total_words: int
    categories: list[CategoryCount]
    caveats: tuple[str, ...] = CAVEATS

    def table(self):
        """The counts as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(
            [{"category": c.label, "count": c.count, "per 1,000 words": round(c.per_thousand, 1),
              "words found": ", ".join(c.words)} for c in self.categories]
        )


MIN_WORDS = 30
MAX_CHARACTERS = 100_000


def analyse(text: str) -> LetterReport:
    """Count the words of each category in ``text``."""
    if not isinstance(text, str) or not text.strip():
        raise LetterError("Paste the text of a letter first.")
    if len(text) > MAX_CHARACTERS:
        raise LetterError(f"This text is {len(text):,} characters long; the check takes letters of "
                          f"up to {MAX_CHARACTERS:,}.")
    words = [w.lower() for w in WORD.findall(text)]
    if len(words) < MIN_WORDS:
        raise LetterError(f"This text has {len(words)} words; paste a whole letter (at least "
                          f"{MIN_WORDS} words) so that the counts mean something.")
    counts = []
    for key, (label, vocabulary) in CATEGORIES.items():
        hits = [w for w in words if w in vocabulary]
        counts.append(CategoryCount(key, label, len(hits), 1000 * len(hits) / len(words),
                                    sorted(set(hits))))
    return LetterReport(total_words=len(words), categories=counts)


def report_chart(report: LetterReport):
    """Bars of words per 1,000 in each category of one letter."""
    from .plots import simple_bars

    return simple_bars(
        [c.key for c in report.categories], [round(c.per_thousand, 1) for c in report.categories],
        title=f"Word categories in your letter ({report.total_words} words)",
        ylabel="Words per 1,000", unit="",
        note="Illustrative word lists; not a validated measure",
        source="Categories after Trix and Psenka (2003); word lists are this course's own.",
    )
