"""A cohort for the grading tests: a temporary nbgrader course with a real
filesystem exchange, participants who fetch and submit, and the kinds of
submission a real cohort hands in (perfect, partial, blank, broken, ...).

Nothing here knows an assignment's questions. The right answers come from
the solution regions of the source notebook, the wrong ones are derived from
them, and the points come from nbgrader's own cell metadata, so the tests keep
working when the content changes."""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
COURSE_ID = "mentorkit"
# the assignment the hostile cohort hands in; MENTORKIT_COHORT_ASSIGNMENT=<id> runs the
# same workflow on another (each lesson's author runs it on theirs)
ASSIGNMENT = os.environ.get("MENTORKIT_COHORT_ASSIGNMENT", "02-setting-expectations")
SOLUTION_MARKERS = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\s*$")
HIDDEN_REGION = re.compile(r"#+\s*BEGIN HIDDEN TESTS\s*\n(.*?)#+\s*END HIDDEN TESTS", re.S)
MARK_SCHEME_REGION = re.compile(r"=== BEGIN MARK SCHEME ===\s*\n(.*?)=== END MARK SCHEME ===", re.S)


# --- what the source notebook asks, read from nbgrader's metadata ----------------------------

def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


@dataclass
class Check:
    """An autograded knowledge check: the answer cell and the test cells after it."""

    answer_id: str
    solution: str
    test_points: dict[str, float] = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)  # messages of the hidden assertions

    @property
    def test_ids(self) -> list[str]:
        return list(self.test_points)

    @property
    def points(self) -> float:
        return sum(self.test_points.values())

    @property
    def wrong(self) -> str:
        return wrong_answer(self.solution)


@dataclass
class Manual:
    """A cell the facilitator grades by hand (a reflection, or a graded task)."""

    grade_id: str
    points: float
    answerable: bool  # a reflection the participant writes in, not a task


@dataclass
class Rubric:
    """Everything gradable in one source notebook."""

    notebook: str
    checks: list[Check]
    manual: list[Manual]
    hidden_tests: list[str]
    mark_schemes: list[str]

    @property
    def auto_points(self) -> float:
        return sum(check.points for check in self.checks)

    @property
    def manual_points(self) -> float:
        return sum(item.points for item in self.manual)

    @property
    def total(self) -> float:
        return self.auto_points + self.manual_points

    @property
    def reflections(self) -> list[Manual]:
        return [item for item in self.manual if item.answerable]

    def points(self, grade_id: str) -> float:
        """The points of a hand-graded cell, or of the check a test cell belongs to."""
        for item in self.manual:
            if item.grade_id == grade_id:
                return item.points
        for check in self.checks:
            if grade_id in check.test_ids:
                return check.test_points[grade_id]
        raise KeyError(grade_id)


def read_rubric(source_notebook: Path) -> Rubric:
    """The checks, hand-graded cells, hidden tests and mark schemes of a source notebook."""
    nb = nbformat.read(source_notebook, as_version=4)
    checks, manual, hidden, schemes = [], [], [], []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        grade_id, points = meta.get("grade_id"), float(meta.get("points", 0) or 0)
        hidden += [line.strip() for block in HIDDEN_REGION.findall(cell.source)
                   for line in block.splitlines() if line.strip()]
        schemes += [line.strip() for block in MARK_SCHEME_REGION.findall(cell.source)
                    for line in block.splitlines() if len(line.strip()) > 12]
        if meta.get("solution") and meta.get("grade"):
            manual.append(Manual(grade_id, points, answerable=True))
        elif meta.get("task"):
            if points:
                manual.append(Manual(grade_id, points, answerable=False))
        elif meta.get("solution") and cell.cell_type == "code":
            checks.append(Check(grade_id, solution_text(cell.source)))
        elif meta.get("grade") and cell.cell_type == "code":
            if not checks:
                raise ValueError(f"{source_notebook.name}: test cell {grade_id} comes before any answer cell")
            checks[-1].test_points[grade_id] = points
            checks[-1].hints += [hint for block in HIDDEN_REGION.findall(cell.source)
                                 for hint in assertion_messages(block)]
    # A line that the notebook also shows outside hidden tests and mark schemes (a visible form
    # check repeated in the hidden part, say) is no secret: keep only the ones that are.
    shown = {line.strip() for cell in nb.cells
             for line in MARK_SCHEME_REGION.sub("", HIDDEN_REGION.sub("", cell.source)).splitlines()}
    hidden = list(dict.fromkeys(line for line in hidden if line not in shown))
    schemes = list(dict.fromkeys(line for line in schemes if line not in shown))
    return Rubric(source_notebook.stem, [c for c in checks if c.test_ids], manual, hidden, schemes)


def assertion_messages(code: str) -> list[str]:
    """The literal messages of the assert statements in ``code``."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [node.msg.value for node in ast.walk(tree)
            if isinstance(node, ast.Assert) and isinstance(node.msg, ast.Constant)
            and isinstance(node.msg.value, str)]


def solution_text(source: str) -> str:
    """The instructor's answer with nbgrader's solution markers taken out."""
    return "\n".join(line for line in source.splitlines() if not SOLUTION_MARKERS.match(line))


def wrong_answer(solution: str) -> str:
    """A well-formed answer that differs from the solution: another letter, another list."""
    letters = "ABCDEFGH"
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return "raise NotImplementedError()"
    answers = {}  # the last value given to each name is the answer
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            try:
                answers[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                answers[node.targets[0].id] = None
    lines = []
    for name, value in answers.items():
        if isinstance(value, str):
            other = next(x for x in letters if x != value.strip().upper())
            lines.append(f'{name} = "{other}"')
        elif isinstance(value, (list, tuple, set)):
            right = {str(v).upper() for v in value}
            other = next(x for x in letters if x not in right)
            lines.append(f'{name} = ["{other}"]')
        else:
            lines.append(f"{name} = None")
    return "\n".join(lines) or "raise NotImplementedError()"


def cell_by_id(nb, grade_id: str):
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return cell
    raise KeyError(grade_id)


# --- the cohort ------------------------------------------------------------------------------

LONG_REFLECTION = ("At our first meeting we agreed how often to meet and what each of us would "
                   "bring. " * 1400)[:100_000]
EMOJI_REFLECTION = "We agreed to meet every two weeks 🗓️ and to be honest about delays 🙏🏽👍 — it worked."
RTL_REFLECTION = "اتفقنا على أن نلتقي كل أسبوعين، وأن نكتب أهدافنا معًا. Then we wrote them down together."
PLAIN_REFLECTION = ("Before our first meeting I asked what she hoped to gain in a year. We wrote down "
                    "how often we would meet, how we would reach each other, and what to do if plans slip.")


@dataclass
class Case:
    """One kind of submission, what the facilitator gives it and what it should earn."""

    name: str
    edit: Callable | None  # (notebook, rubric) -> notebook, or raw text; None: never submits
    expected: Callable[[Rubric], float]  # the total the exported grades must show
    grade: Callable[[Rubric, str], float | None]  # facilitator's score for a cell left to them

    @property
    def submits(self) -> bool:
        return self.edit is not None


def _answer_all(nb, rubric, text=PLAIN_REFLECTION, wrong=()):
    for check in rubric.checks:
        cell_by_id(nb, check.answer_id).source = check.wrong if check.answer_id in wrong else check.solution
    for item in rubric.reflections:
        cell_by_id(nb, item.grade_id).source = text
    return nb


def right_half(rubric: Rubric) -> list[Check]:
    return rubric.checks[: (len(rubric.checks) + 1) // 2]


def _partial(nb, rubric):
    right = right_half(rubric)
    for check in rubric.checks:
        cell_by_id(nb, check.answer_id).source = check.solution if check in right else check.wrong
    cell_by_id(nb, rubric.reflections[0].grade_id).source = PLAIN_REFLECTION
    return nb


def _reflections_only(nb, rubric):
    for item in rubric.reflections:
        cell_by_id(nb, item.grade_id).source = PLAIN_REFLECTION
    return nb


def _edited_test(nb, rubric):
    first = rubric.checks[0]
    _answer_all(nb, rubric, wrong={first.answer_id})
    for test_id in first.test_ids:
        cell_by_id(nb, test_id).source = "# this check always passes now\nassert True"
    return nb


def _deleted_cells(nb, rubric):
    _answer_all(nb, rubric)
    gone = {*rubric.checks[0].test_ids, rubric.reflections[0].grade_id}
    nb.cells = [cell for cell in nb.cells if nbgrader_meta(cell).get("grade_id") not in gone]
    return nb


def _endless_loop(nb, rubric):
    _answer_all(nb, rubric)
    cell_by_id(nb, rubric.checks[0].answer_id).source = "while True:\n    pass"
    return nb


def _not_json(nb, rubric):
    text = nbformat.writes(_answer_all(nb, rubric))
    return text[: len(text) // 2]  # a notebook cut off half way, as after a failed upload


def wrong_form(solution: str) -> str:
    """The right letters in a form the visible check rejects, as a hand edit might leave them:
    `q1 = "C."` for one letter, `q3 = "A, C"` for a list."""
    tree = ast.parse(solution)
    lines = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            value = ast.literal_eval(node.value)
            text = ", ".join(value) if isinstance(value, (list, tuple)) else f"{value}."
            lines.append(f'{node.targets[0].id} = "{text}"')
    return "\n".join(lines)


def _hand_edited_form(nb, rubric):
    _answer_all(nb, rubric)
    for check in rubric.checks:
        cell_by_id(nb, check.answer_id).source = wrong_form(check.solution)
    return nb


def _full(rubric: Rubric, grade_id: str) -> float:
    return rubric.points(grade_id)


def _deleted_grade(rubric: Rubric, grade_id: str) -> float:
    """A deleted test cell: the answer above it is right, so the facilitator gives the points;
    a deleted reflection has nothing to grade."""
    return 0.0 if grade_id == rubric.reflections[0].grade_id else rubric.points(grade_id)


def _partial_grade(rubric: Rubric, grade_id: str) -> float:
    return rubric.points(grade_id) / 2


def cohort_cases() -> dict[str, Case]:
    """The kinds of submission the tests hand in, keyed by name."""
    def all_but_first_check(r):
        return r.total - r.checks[0].points

    return {case.name: case for case in [
        Case("perfect", _answer_all, lambda r: r.total, _full),
        Case("partial", _partial,
             lambda r: sum(c.points for c in right_half(r)) + r.reflections[0].points / 2, _partial_grade),
        Case("unmodified", lambda nb, r: nb, lambda r: 0.0, _full),
        Case("reflections-only", _reflections_only, lambda r: r.manual_points, _full),
        Case("edited-test", _edited_test, all_but_first_check, _full),
        Case("deleted-cells", _deleted_cells, lambda r: r.total - r.reflections[0].points, _deleted_grade),
        Case("endless-loop", _endless_loop, all_but_first_check, _full),
        Case("not-json", _not_json, lambda r: 0.0, lambda r, grade_id: None),
        Case("emoji", lambda nb, r: _answer_all(nb, r, EMOJI_REFLECTION), lambda r: r.total, _full),
        Case("right-to-left", lambda nb, r: _answer_all(nb, r, RTL_REFLECTION), lambda r: r.total, _full),
        Case("very-long", lambda nb, r: _answer_all(nb, r, LONG_REFLECTION), lambda r: r.total, _full),
        # The facilitator overrides the checks' scores: the letters were right (see OVERRIDDEN).
        Case("hand-edited-form", _hand_edited_form, lambda r: r.total, _full),
        Case("not-submitted", None, lambda r: 0.0, lambda r, grade_id: None),
    ]}


@dataclass
class Participant:
    id: str
    first_name: str
    last_name: str
    email: str
    case: str


ROSTER = [
    Participant("aadeyemi", "Ada", "Adeyemi", "ada.adeyemi@example.org", "perfect"),
    Participant("bnunez", "Beatriz", "Núñez", "beatriz.nunez@example.org", "partial"),
    Participant("cokafor", "Chidi", "Okafor", "chidi.okafor@example.org", "unmodified"),
    Participant("dlindqvist", "Dag", "Lindqvist", "dag.lindqvist@example.org", "reflections-only"),
    Participant("ehoffmann", "Elke", "Hoffmann", "elke.hoffmann@example.org", "edited-test"),
    Participant("fmorales", "Felipe", "Morales", "felipe.morales@example.org", "deleted-cells"),
    Participant("gtanaka", "Goro", "Tanaka", "goro.tanaka@example.org", "endless-loop"),
    Participant("hpatel", "Hema", "Patel", "hema.patel@example.org", "not-json"),
    Participant("ikowalski", "Iga", "Kowalski", "iga.kowalski@example.org", "emoji"),
    Participant("jhaddad", "جميل", "حداد", "jamil.haddad@example.org", "right-to-left"),
    Participant("kobrien", "Kate", "O'Brien", "kate.obrien@example.org", "very-long"),
    Participant("nsilva", "Nuno", "Silva", "nuno.silva@example.org", "hand-edited-form"),
    Participant("lmensah", "Lydia", "Mensah", "lydia.mensah@example.org", "not-submitted"),
    Participant("mzhou", "Mei", "Zhou", "mei.zhou@example.org", "not-submitted"),
]


def write_roster(path: Path, roster: list[Participant] = ROSTER) -> Path:
    """The roster as a facilitator would keep it: id,first_name,last_name,email."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for person in roster:
            writer.writerow([person.id, person.first_name, person.last_name, person.email])
    return path


# --- a temporary course with an exchange -----------------------------------------------------

COURSE_CONFIG = '''\
"""A throwaway copy of the course: the course's own settings, then this folder."""

c = get_config()  # noqa: F821
load_subconfig("nbgrader_config.py", path={repo!r})  # noqa: F821

c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = "sqlite:///" + {db!r}
c.Exchange.root = {exchange!r}
c.Execute.timeout = {timeout}
# Everything here belongs to one account, so the owner never matches the participant.
c.ExchangeCollect.check_owner = False
'''


@dataclass
class Course:
    """A temporary course directory, its exchange and the participants' home folders."""

    root: Path
    exchange: Path
    homes: Path

    @property
    def db(self) -> Path:
        return self.root / "gradebook.db"

    def config(self, **overrides):
        """The course's configuration, read the way nbgrader reads it, plus ``overrides``
        given as {"Section.trait": value}."""
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        extra = Config()
        for key, value in overrides.items():
            section, trait = key.split(".")
            extra[section][trait] = value
        config.merge(extra)
        return config

    def api(self):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = self.config()
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)

    def home(self, student_id: str) -> Path:
        path = self.homes / student_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def as_participant(self, student_id: str):
        """Exchange settings for one participant: their id, their folder, their cache."""
        from nbgrader.auth import Authenticator
        from nbgrader.coursedir import CourseDirectory

        home = self.home(student_id)
        config = self.config(**{
            "CourseDirectory.student_id": student_id,
            "CourseDirectory.assignment_id": ASSIGNMENT,
            "Exchange.assignment_dir": str(home),
            "Exchange.cache": str(home / ".nbgrader-cache"),
        })
        coursedir = CourseDirectory(config=config)
        return {"coursedir": coursedir, "authenticator": Authenticator(config=config), "config": config}

    def fetch(self, student_id: str) -> Path:
        """Fetch the released assignment into the participant's folder; the notebook's path."""
        from nbgrader.exchange.default import ExchangeFetchAssignment

        ExchangeFetchAssignment(**self.as_participant(student_id)).start()
        return self.home(student_id) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    def submit(self, student_id: str) -> None:
        from nbgrader.exchange.default import ExchangeSubmit

        ExchangeSubmit(**self.as_participant(student_id)).start()

    def fetch_feedback(self, student_id: str) -> list[Path]:
        from nbgrader.exchange.default import ExchangeFetchFeedback

        ExchangeFetchFeedback(**self.as_participant(student_id)).start()
        return sorted((self.home(student_id) / ASSIGNMENT / "feedback").rglob("*.html"))


def record_score(grade, score, by_hand: bool) -> None:
    """Put a score on a gradebook grade as nbgrader would: a hand grade for a
    reflection, an autograde for a check; None leaves it waiting for a grader."""
    if score is None:
        grade.needs_manual_grade = True
    elif by_hand:
        grade.manual_score, grade.needs_manual_grade = score, False
    else:
        grade.auto_score, grade.needs_manual_grade = score, False


def make_course(base: Path, source: Path, timeout: int = 5) -> Course:
    """A course in ``base``: the course's nbgrader settings, ``source`` as its source/
    folder, an empty exchange."""
    course = Course(base / "course", base / "exchange", base / "homes")
    course.root.mkdir(parents=True)
    course.exchange.mkdir()
    course.exchange.chmod(0o777)  # nbgrader's exchange must be writable by everyone
    course.homes.mkdir()
    shutil.copytree(source, course.root / "source")
    (course.root / "nbgrader_config.py").write_text(COURSE_CONFIG.format(
        repo=str(ROOT), root=str(course.root), db=str(course.db), exchange=str(course.exchange),
        timeout=timeout))
    return course


def import_roster(course: Course, roster_csv: Path) -> str:
    """``nbgrader db student import roster.csv``, run in this process; its log."""
    import io
    import logging

    from nbgrader.apps.dbapp import DbStudentImportApp

    app = DbStudentImportApp()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    app.log.addHandler(handler)
    cwd = os.getcwd()
    try:
        os.chdir(course.root)  # nbgrader reads nbgrader_config.py from the working directory
        app.initialize([str(roster_csv)])
        app.start()
    finally:
        os.chdir(cwd)
        app.log.removeHandler(handler)
    return stream.getvalue()


def submission_text(case: Case, released: Path, rubric: Rubric) -> str:
    """What a participant of this case saves over the released notebook."""
    nb = nbformat.read(released, as_version=4)
    result = case.edit(nb, rubric)
    return result if isinstance(result, str) else nbformat.writes(result)


def feedback_text(html: str) -> str:
    """The words of a feedback page: tags dropped, entities decoded."""
    import html as html_lib

    without_tags = re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S))
    return html_lib.unescape(without_tags)


def read_export(path: Path) -> dict[str, dict]:
    """nbgrader's grades.csv as {student_id: row}."""
    with path.open(encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def dump(obj) -> str:
    return json.dumps(obj, indent=1, ensure_ascii=False, default=str)


# --- a small gradebook with known numbers, for the dashboard ---------------------------------

SAMPLE_ASSIGNMENTS = {
    # assignment: [(cell, kind, points)], in notebook order
    "01-models-of-mentoring": [("reflection_mentoring_model", "reflection", 4.0),
                               ("mentor_roles", "check", 1.0), ("mentoring_team", "check", 2.0)],
    "02-setting-expectations": [("reflection_first_meeting", "reflection", 3.0),
                                ("compact_purpose", "check", 1.0)],
    "03-feedback": [("reflection_feedback_moment", "reflection", 3.0), ("feedback_timing", "check", 1.0)],
}
SAMPLE_ROSTER = [
    ("rahmed", "Rania", "Ahmed", "rania.ahmed@example.org"),
    ("tbrennan", "Tom", "Brennan", "tom.brennan@example.org"),
    ("lhaddad", "ليلى", "حداد", "layla.haddad@example.org"),
    ("jsmith", "Jo <b>", "Smith & Co", "jo.smith@example.org"),  # markup in a name stays text
    ("nowens", "Nia", "Owens", ""),
    ("pkaur", "Preet", "Kaur", "preet.kaur@example.org"),
]
SAMPLE_SUBMISSIONS = {
    # (student, assignment): {cell: score, or None while it waits for grading by hand}
    ("rahmed", "01-models-of-mentoring"): {"reflection_mentoring_model": 4.0, "mentor_roles": 1.0,
                                           "mentoring_team": 2.0},
    ("tbrennan", "01-models-of-mentoring"): {"reflection_mentoring_model": 2.0, "mentor_roles": 0.0,
                                             "mentoring_team": 2.0},
    ("lhaddad", "01-models-of-mentoring"): {"reflection_mentoring_model": None, "mentor_roles": 1.0,
                                            "mentoring_team": 0.0},
    ("jsmith", "01-models-of-mentoring"): {"reflection_mentoring_model": 3.0, "mentor_roles": 1.0,
                                           "mentoring_team": 2.0},
    ("rahmed", "02-setting-expectations"): {"reflection_first_meeting": 3.0, "compact_purpose": 1.0},
    ("jsmith", "02-setting-expectations"): {"reflection_first_meeting": None, "compact_purpose": 0.0},
}


def build_sample_gradebook(path: Path) -> Path:
    """A gradebook made through nbgrader's API: three assignments, six participants, some
    submissions graded, some waiting, and nobody yet on 03-feedback."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{path}", COURSE_ID) as gb:
        for student_id, first, last, email in SAMPLE_ROSTER:
            gb.update_or_create_student(student_id, first_name=first, last_name=last, email=email or None)
        for assignment, cells in SAMPLE_ASSIGNMENTS.items():
            gb.update_or_create_assignment(assignment)
            gb.update_or_create_notebook(assignment, assignment)
            for name, kind, points in cells:
                gb.update_or_create_grade_cell(name, assignment, assignment, max_score=points,
                                               cell_type="markdown" if kind == "reflection" else "code")
                if kind == "reflection":
                    gb.update_or_create_solution_cell(name, assignment, assignment)
        for (student_id, assignment), scores in SAMPLE_SUBMISSIONS.items():
            gb.add_submission(assignment, student_id)
            for cell, score in scores.items():
                grade = gb.find_grade(cell, assignment, assignment, student_id)
                kind = dict((n, k) for n, k, _ in SAMPLE_ASSIGNMENTS[assignment])[cell]
                record_score(grade, score, by_hand=kind == "reflection")
        gb.db.commit()
    return path
