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

    @property
    def number(self) -> str:
        """The lesson's number as learners see it: "2" for 02-setting-expectations,
        "2a" for 02a-mentoring-up, "0" for the welcome page. A slug never changes
        once released (it names the assignment and the progress records), so a
        lesson added later between two others takes a letter after its
        predecessor's number rather than renumbering the course."""
        return self.slug.split("-", 1)[0].lstrip("0") or "0"


LESSONS: tuple[Lesson, ...] = (
    Lesson("00-welcome", "Welcome: mentoring in academic medicine"),
    Lesson("01-models-of-mentoring", "Models of mentoring"),
    Lesson("02-setting-expectations", "Setting expectations"),
    Lesson("02a-mentoring-up", "Mentoring up: the mentee's side"),
    Lesson("03-feedback", "Feedback"),
    Lesson("04-implicit-bias", "Implicit bias"),
    Lesson("05-sponsorship", "Sponsorship"),
    Lesson("06-allyship", "Allyship"),
    Lesson("06a-culturally-aware-mentoring", "Culturally aware mentoring"),
    Lesson("07-impostor-feelings", "Impostor feelings"),
    Lesson("07a-wellbeing", "Wellbeing and boundaries"),
    Lesson("08-developmental-networks", "Developmental networks"),
    Lesson("09-career-development", "Career development"),
    Lesson("09a-fostering-independence", "Fostering independence"),
    Lesson("09b-research-integrity", "Research integrity and authorship"),
    Lesson("10-peer-mentoring-groups", "Peer mentoring groups"),
    Lesson("11-closing", "Closing: your mentoring philosophy"),
)
LESSON_SLUGS = frozenset(lesson.slug for lesson in LESSONS)


def lesson(slug: str) -> Lesson | None:
    return next((item for item in LESSONS if item.slug == slug), None)


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


@dataclass(frozen=True)
class CoreStep:
    """One lesson's share of the core path: the sections to read (their '## '
    or '### ' headings, as written in the lesson) and the one thing to do,
    either a scenario (by id) or an exercise (the heading of its section)."""

    lesson: str
    minutes: int
    read: tuple[str, ...]
    scenario: str = ""
    exercise: str = ""

    @property
    def activity(self) -> str:
        return self.scenario or self.exercise


# The core path: about three hours through the whole course for a busy
# clinician. Each lesson's summary at its top says the same in words, and the
# welcome page's course map and the "Your progress" table show the minutes.
CORE_PATH: tuple[CoreStep, ...] = (
    CoreStep("00-welcome", 10, ("How the course works", "The lessons"), scenario="busy-mentor"),
    CoreStep("01-models-of-mentoring", 10, ("Three tiers of support", "Which model fits?"),
             scenario="which-model"),
    CoreStep("02-setting-expectations", 15, ("Why expectations come first", "The terms worth agreeing"),
             exercise="Build your mentoring agreement"),
    CoreStep("02a-mentoring-up", 10, ("What a mentee brings", "An individual development plan"),
             scenario="first-meeting-mentee-seat"),
    CoreStep("03-feedback", 10, ("Honest, caring and without judgment", "A practical structure: five steps"),
             scenario="critical-feedback"),
    CoreStep("04-implicit-bias", 10, ("What implicit bias is", "Letters of recommendation"),
             scenario="letter-of-recommendation"),
    CoreStep("05-sponsorship", 10, ("Mentor or sponsor?", "What sponsors do"),
             scenario="committee-nomination"),
    CoreStep("06-allyship", 15, ("What allyship is", "Confronting unjust remarks"),
             scenario="unjust-remark"),
    CoreStep("06a-culturally-aware-mentoring", 10, ("Naming race and culture", "Protective hesitation"),
             scenario="protective-hesitation"),
    CoreStep("07-impostor-feelings", 10, ("How a mentor responds", "When to suggest more help"),
             scenario="impostor-feelings"),
    CoreStep("07a-wellbeing", 10, ("Burnout in mentors and mentees", "When and where to refer"),
             scenario="exhausted-fellow"),
    CoreStep("08-developmental-networks", 10, ("From one mentor to a network", "Your part as a mentor"),
             scenario="conflicting-advice"),
    CoreStep("09-career-development", 10, ("Start with where they want to go",
                                           "Guarding time: when to say no, and when to say yes"),
             scenario="saying-no"),
    CoreStep("09a-fostering-independence", 10, ("Whose project is it?", "From K award to R01"),
             scenario="whose-project"),
    CoreStep("09b-research-integrity", 10, ("What authorship means", "When a dispute starts"),
             scenario="authorship-order"),
    CoreStep("10-peer-mentoring-groups", 10, ("Why a group?", "A session that works"),
             scenario="peer-group-conflict"),
    CoreStep("11-closing", 10, ("Why write a philosophy down",),
             exercise="Your mentoring philosophy: a template"),
)
CORE_MINUTES = sum(step.minutes for step in CORE_PATH)


def core_step(slug: str) -> CoreStep | None:
    """The core path's step for a lesson, or None if the path skips it."""
    return next((step for step in CORE_PATH if step.lesson == slug), None)


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
