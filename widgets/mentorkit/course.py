"""The course's shape: where it lives on disk and the lessons in order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str

    @property
    def notebook(self) -> str:
        return f"modules/{self.slug}.ipynb"


LESSONS: tuple[Lesson, ...] = (
    Lesson("00-welcome", "Welcome: mentoring in academic medicine"),
    Lesson("01-models-of-mentoring", "Models of mentoring"),
    Lesson("02-setting-expectations", "Setting expectations"),
    Lesson("03-feedback", "Feedback"),
    Lesson("04-implicit-bias", "Implicit bias"),
    Lesson("05-sponsorship", "Sponsorship"),
    Lesson("06-allyship", "Allyship"),
    Lesson("07-impostor-feelings", "Impostor feelings"),
    Lesson("08-developmental-networks", "Developmental networks"),
    Lesson("09-career-development", "Career development"),
    Lesson("10-peer-mentoring-groups", "Peer mentoring groups"),
    Lesson("11-closing", "Closing: your mentoring philosophy"),
)
LESSON_SLUGS = frozenset(lesson.slug for lesson in LESSONS)


@dataclass(frozen=True)
class SelfAssessment:
    """A self-assessment app: its store instrument id is its notebook's name."""

    id: str
    title: str
    lessons: tuple[str, ...]

    @property
    def notebook(self) -> str:
        return f"exercises/self-assessments/{self.id}.ipynb"


SELF_ASSESSMENTS: tuple[SelfAssessment, ...] = (
    SelfAssessment("competencies", "Mentoring competencies",
                   ("00-welcome", "11-closing")),
    SelfAssessment("practices", "Allyship and sponsorship practices", ("06-allyship", "05-sponsorship")),
    SelfAssessment("impostor-feelings", "Impostor feelings check", ("07-impostor-feelings",)),
    SelfAssessment("network-map", "Developmental network map", ("08-developmental-networks",)),
    SelfAssessment("career-conference", "Career conference preparation", ("09-career-development",)),
)


def course_root() -> Path:
    """The course directory: ``$MENTORKIT_COURSE``, else the nearest folder
    above the working directory that holds ``exercises/``, else the checkout
    this package was installed from."""
    configured = os.environ.get("MENTORKIT_COURSE")
    if configured:
        return Path(configured).expanduser().resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir() and (folder / "modules").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def scenarios_dir() -> Path:
    return course_root() / "exercises" / "scenarios"


def instruments_dir() -> Path:
    return course_root() / "exercises" / "self-assessments"
