"""The course's nbgrader assignments as forms: what each asks, the learner's
working copy, their answers, checking, and (in a cohort) nbgrader's exchange.
Nothing here draws; ``mentorkit.ui.assignments`` does.

Where a learner's answers live
------------------------------
The answers are written into the nbgrader notebook itself, so autograde, the
Formgrader and feedback see an ordinary submission:

- in a cohort, the copy nbgrader fetched (``Exchange.assignment_dir``/<id>/<id>.ipynb,
  ``~/assignments`` on the course's hub);
- learning alone, a copy of ``release/<id>/<id>.ipynb`` made once, the first time
  the learner opens the assignment, under the learner's store:
  ``$MENTORKIT_HOME/assignments/<id>/<id>.ipynb``. It is never overwritten, so a
  course update (a new ``release/``) or a server restart keeps the answers.

The release is never written to.

What the form shows comes from the notebook's cell metadata, written by the
author in ``source/`` and carried into the release by ``nbgrader
generate_assignment``: an answer cell's ``metadata.mentorkit`` holds
``{"kind": "one" | "several", "variable": "q1", "choices": [{"key": "A", "text": ...}]}``;
a reflection (a graded markdown answer cell) holds ``{"kind": "reflection", "title": ...}``.
"""

from __future__ import annotations

import ast
import hashlib
import html as html_lib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .course import course_root
from .store import default_home

BLANK_TEXT = "YOUR ANSWER HERE"
ONE, SEVERAL, REFLECTION = "one", "several", "reflection"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CHOICE_LINE = re.compile(r"^\s*- \*\*([A-H])\.\*\* .*$")
SOLUTION = re.compile(r"^[ \t]*#+[ \t]*BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*#+[ \t]*END SOLUTION", re.S | re.M)
HIDDEN = re.compile(r"#+[ \t]*BEGIN HIDDEN TESTS[ \t]*\n(.*?)#+[ \t]*END HIDDEN TESTS", re.S)
ID = re.compile(r"^[0-9]{2}[a-z]?-[a-z0-9-]+$")


class AssignmentError(Exception):
    """A problem with an assignment, phrased for a learner."""


# -- where things are ---------------------------------------------------------------------------
def released_ids(root: Path | None = None) -> list[str]:
    """The assignments in ``release/``: ``<id>/<id>.ipynb``."""
    root = Path(root) if root else course_root()
    return sorted(p.parent.name for p in (root / "release").glob("*/*.ipynb")
                  if p.stem == p.parent.name and ID.match(p.stem))


def _checked_id(assignment_id: str) -> str:
    if not isinstance(assignment_id, str) or not ID.match(assignment_id):
        raise AssignmentError(f"There is no assignment called {assignment_id!r}.")
    return assignment_id


def release_path(assignment_id: str, root: Path | None = None) -> Path:
    root = Path(root) if root else course_root()
    return root / "release" / _checked_id(assignment_id) / f"{assignment_id}.ipynb"


def source_path(assignment_id: str, root: Path | None = None) -> Path:
    root = Path(root) if root else course_root()
    return root / "source" / _checked_id(assignment_id) / f"{assignment_id}.ipynb"


def self_paced_path(assignment_id: str) -> Path:
    """The learner's own copy when learning alone (it may not exist yet)."""
    return default_home() / "assignments" / _checked_id(assignment_id) / f"{assignment_id}.ipynb"


def fetched_path(assignment_id: str, config=None) -> Path | None:
    """Where nbgrader fetches this assignment for a cohort participant (None outside a cohort)."""
    config = config if config is not None else nbgrader_config()
    if not in_cohort(config):
        return None
    return _assignment_dir(config) / _checked_id(assignment_id) / f"{assignment_id}.ipynb"


def working_copy(assignment_id: str) -> Path | None:
    """The learner's copy: a fetched cohort copy if there is one, else the self-paced copy;
    None when the learner has neither yet."""
    try:
        fetched = fetched_path(assignment_id)
    except Exception:  # an unreadable nbgrader config must not hide the self-paced copy
        fetched = None
    for path in (fetched, self_paced_path(assignment_id)):
        if path is not None and path.is_file():
            return path
    return None


def start_self_paced(assignment_id: str, root: Path | None = None) -> Path:
    """The self-paced copy, copied from the release the first time; never overwritten."""
    target = self_paced_path(assignment_id)
    if target.is_file():
        return target
    released = release_path(assignment_id, root)
    if not released.is_file():
        raise AssignmentError(f"The assignment {assignment_id} is not in this course.")
    target.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(target, released.read_text(encoding="utf-8"))
    return target


def pristine_path(assignment_id: str, root: Path | None = None) -> Path | None:
    """The assignment as released: ``release/`` in the course, else (on a hub, where
    participants have no release/) the copy nbgrader's exchange hands out."""
    released = release_path(assignment_id, root)
    if released.is_file():
        return released
    try:
        config = nbgrader_config()
        if not in_cohort(config):
            return None
        exchange_root = Path(config.get("Exchange", {}).get("root", DEFAULT_EXCHANGE))
        course_id = config.CourseDirectory.course_id
    except Exception:
        return None
    outbound = exchange_root / course_id / "outbound" / assignment_id / f"{assignment_id}.ipynb"
    return outbound if outbound.is_file() else None


def has_answers(assignment_id: str, root: Path | None = None) -> bool:
    """Whether the learner's working copy differs from the pristine release in at least one
    answer cell (False when there is no working copy, or no release to compare with)."""
    copy = working_copy(assignment_id)
    released = pristine_path(assignment_id, root)
    if copy is None or released is None:
        return False
    if copy.resolve() == released.resolve():
        return False
    try:
        blank = answer_sources(released)
        mine = answer_sources(copy)
    except (OSError, ValueError):
        return False
    return any(answer_written(mine[g], blank[g]) for g in blank if g in mine)


def answer_written(mine: str, blank: str) -> bool:
    """Whether an answer cell's source differs from the blank it was released with
    (an emptied reflection counts as blank, like the untouched placeholder)."""
    return _normal(mine) != _normal(blank)


def _normal(text: str) -> str:
    text = text.strip()
    return "" if text == BLANK_TEXT else text


def answer_sources(path: Path) -> dict[str, str]:
    """``{grade_id: source}`` of every answer cell of a notebook."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    found = {}
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            found[meta["grade_id"]] = _text(cell.get("source", ""))
    return found


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


# -- the form -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    key: str
    text: str


@dataclass(frozen=True)
class Question:
    """One thing to answer: a knowledge check (one or several choices) or a reflection."""

    grade_id: str
    kind: str
    title: str
    prompt: str  # markdown, choice lines removed
    points: float
    variable: str = ""
    choices: tuple[Choice, ...] = ()
    test_id: str = ""  # the visible check cell that follows a knowledge check


@dataclass
class Form:
    assignment_id: str
    title: str
    intro: str  # markdown
    questions: list[Question]

    def question(self, grade_id: str) -> Question:
        return next(q for q in self.questions if q.grade_id == grade_id)

    @property
    def checks(self) -> list[Question]:
        return [q for q in self.questions if q.kind != REFLECTION]

    @property
    def reflections(self) -> list[Question]:
        return [q for q in self.questions if q.kind == REFLECTION]


def read_form(path: Path, assignment_id: str | None = None) -> Form:
    """The questions of an assignment notebook, in order, from its cell metadata."""
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
        cells = notebook["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AssignmentError(f"The notebook {Path(path).name} could not be read ({exc}).") from exc
    title, intro, questions = "", "", []
    for index, cell in enumerate(cells):
        source = _text(cell.get("source"))
        meta = cell.get("metadata", {})
        grading = meta.get("nbgrader", {})
        if not title and cell.get("cell_type") == "markdown" and source.startswith("# "):
            title = source.splitlines()[0][2:].strip()
            intro = "\n".join(source.splitlines()[1:]).strip()
        form_meta = meta.get("mentorkit") or {}
        if not grading.get("solution") or not grading.get("grade_id"):
            continue
        before = _text(cells[index - 1].get("source")) if index else ""
        heading = before.splitlines()[0].lstrip("# ").strip() if before.strip() else ""
        prompt = "\n".join(line for line in before.splitlines()[1:] if not CHOICE_LINE.match(line)).strip()
        if cell.get("cell_type") == "markdown":
            questions.append(Question(grading["grade_id"], REFLECTION, form_meta.get("title") or heading,
                                      prompt, float(grading.get("points") or 0)))
            continue
        kind = form_meta.get("kind")
        if kind not in (ONE, SEVERAL) or not form_meta.get("choices"):
            continue  # an answer cell the form cannot show: JupyterLab still can
        test = cells[index + 1] if index + 1 < len(cells) else {}
        test_meta = test.get("metadata", {}).get("nbgrader", {})
        points = float(test_meta.get("points") or 0) if test_meta.get("grade") else 0.0
        questions.append(Question(
            grading["grade_id"], kind, heading.split(" (")[0], prompt, points,
            form_meta.get("variable") or grading["grade_id"].split("_")[0],
            tuple(Choice(c["key"], c["text"]) for c in form_meta["choices"]),
            test_meta.get("grade_id", "") if test_meta.get("grade") else ""))
    return Form(assignment_id or Path(path).stem, title or Path(path).stem, intro, questions)


def parse_answer(source: str, variable: str):
    """The value the answer cell leaves in ``variable`` (a letter, a list of letters), or None
    when the cell has no readable answer (a hand edit in the wrong form, say)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    value = None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == variable):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = None
    return value


def answer_source(question: Question, value, template: str = "") -> str:
    """The answer cell's new source: the release's comment lines, then ``q1 = "B"``."""
    comments = [line for line in template.splitlines() if line.lstrip().startswith("#")]
    if question.kind == SEVERAL:
        letters = sorted({str(v) for v in (value or [])})
        line = f"{question.variable} = {json.dumps(letters)}"
    else:
        line = f"{question.variable} = {json.dumps(str(value or ''))}"
    return "\n".join([*comments, line])


# -- answers, saved into the notebook -------------------------------------------------------------
@dataclass
class SaveResult:
    saved: bool
    message: str
    conflicts: list[str] = field(default_factory=list)  # titles of questions changed elsewhere too


class Answers:
    """The learner's answers in one working copy, saved into it atomically.

    The notebook is re-read before every save: cells changed on disk since this
    object last read or wrote them (in JupyterLab, say) are kept, unless the learner
    also changed the same answer here; then the answer typed here is written and the
    other one is kept in a file beside the notebook, and the result says so."""

    def __init__(self, path: Path, form: Form | None = None):
        self.path = Path(path)
        self.form = form or read_form(self.path)
        self._base = answer_sources(self.path)
        self._mine: dict[str, str] = {}

    def _source(self, grade_id: str) -> str:
        return self._mine.get(grade_id, self._base.get(grade_id, ""))

    def value(self, grade_id: str):
        """The answer now: a letter, a list of letters, or a reflection's text ("" or []
        when there is none the form can show)."""
        question = self.form.question(grade_id)
        source = self._source(grade_id)
        if question.kind == REFLECTION:
            return "" if source.strip() == BLANK_TEXT else source
        keys = {c.key for c in question.choices}
        value = parse_answer(source, question.variable)
        if question.kind == SEVERAL:
            letters = [str(v).strip().upper() for v in value] if isinstance(value, (list, tuple)) else []
            return [v for v in letters if v in keys]
        letter = value.strip().upper() if isinstance(value, str) else ""
        return letter if letter in keys else ""

    def unreadable(self, grade_id: str) -> bool:
        """A knowledge check whose cell holds an answer the form cannot show (a hand edit in
        the wrong form, such as `q1 = B` or `q3 = "A, C"`)."""
        question = self.form.question(grade_id)
        if question.kind == REFLECTION:
            return False
        value = parse_answer(self._source(grade_id), question.variable)
        keys = {c.key for c in question.choices}
        if question.kind == SEVERAL:
            return not (isinstance(value, (list, tuple))
                        and all(isinstance(v, str) and v.strip().upper() in keys for v in value))
        return not (isinstance(value, str) and (value.strip() == "" or value.strip().upper() in keys))

    def set(self, grade_id: str, value) -> None:
        question = self.form.question(grade_id)
        if question.kind == REFLECTION:
            text = str(value or "")
            self._mine[grade_id] = text if text.strip() else BLANK_TEXT
        else:
            self._mine[grade_id] = answer_source(question, value, self._base.get(grade_id, ""))

    @property
    def dirty(self) -> bool:
        return any(self._mine[g] != self._base.get(g) for g in self._mine)

    def save(self) -> SaveResult:
        """Write the answers changed here into the notebook on disk, atomically."""
        try:
            text = self.path.read_text(encoding="utf-8")
            notebook = json.loads(text)
        except (OSError, ValueError) as exc:
            return SaveResult(False, f"Not saved: your notebook could not be read ({exc}). "
                                     "Your answers are still on this page.")
        conflicts, kept = [], []
        for cell in notebook.get("cells", []):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id not in self._mine or not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                continue
            on_disk, base, mine = _text(cell.get("source")), self._base.get(grade_id), self._mine[grade_id]
            if mine == base:
                continue  # not changed here: what is on disk stands
            if on_disk != base and on_disk != mine:
                conflicts.append(self.form.question(grade_id).title)
                kept.append(f"--- {self.form.question(grade_id).title} ---\n{on_disk}\n")
            cell["source"] = mine
        if kept:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = self.path.with_name(f"{self.path.stem}.other-answers-{stamp}.txt")
            _atomic_write(aside, "\n".join(kept))
        try:
            _atomic_write(self.path, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        except OSError as exc:
            return SaveResult(False, f"Not saved: {exc}. Your answers are still on this page.")
        self._base = answer_sources(self.path)
        self._mine = {}
        when = datetime.now().strftime("%H:%M:%S")
        if conflicts:
            return SaveResult(True, f"Saved at {when}. {', '.join(conflicts)} had also been changed in "
                                    f"JupyterLab; the answer on this page was kept and the other one was "
                                    f"put in {aside.name} beside your notebook.", conflicts)
        return SaveResult(True, f"Saved at {when}.")


def _atomic_write(path: Path, text: str) -> None:
    """Write a file so that it is either the old or the new text, never half of one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- checking -----------------------------------------------------------------------------------
@dataclass
class CheckResult:
    problems: list[str]  # plain sentences, one per problem, in the order of the questions
    marks: dict[str, tuple[bool, str]] = field(default_factory=dict)  # grade_id -> (right, why)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(path: Path, form: Form | None = None, key: dict | None = None) -> CheckResult:
    """Run nbgrader's validation (the code behind JupyterLab's Validate button) on the saved
    notebook and say in plain words what is missing or malformed. With an answer ``key``
    (learning alone), also say which knowledge checks are right, and why."""
    path = Path(path)
    form = form or read_form(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return CheckResult([f"Your notebook could not be read ({exc})."])
    by_source = {_text(c.get("source")).strip(): c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                 for c in notebook.get("cells", [])}
    try:
        results = validate(path)
    except AssignmentError as exc:
        return CheckResult([str(exc)])
    problems: dict[str, str] = {}
    if results.get("changed") or results.get("type_changed"):
        problems["_locked"] = ("Some cells that must stay as they are were changed (in JupyterLab, perhaps). "
                               "Ask your facilitator, or start again from a fresh copy.")
    for failure in results.get("failed", []):
        grade_id = by_source.get(failure["source"].strip())
        lines = ANSI.sub("", failure.get("raw_error", "")).strip().splitlines()
        last = lines[-1] if lines else ""
        message = last.split(": ", 1)[1] if last.startswith(("AssertionError: ", "NameError: ")) else last
        for question in form.questions:
            if grade_id in (question.test_id, question.grade_id, f"{question.grade_id}_written"):
                if question.kind == REFLECTION:
                    problems[question.grade_id] = (f"{question.title} is still empty: "
                                                   "write your answer in its box.")
                elif not _answered(notebook, question):
                    problems[question.grade_id] = f"{question.title} has no answer yet."
                else:
                    problems[question.grade_id] = (f"{question.title}: the answer is not in a form that "
                                                   f"can be marked ({message}). Choose again on this page.")
                break
        else:
            problems.setdefault(f"_other{len(problems)}", message or "A check did not pass.")
    order = {q.grade_id: i for i, q in enumerate(form.questions)}
    ordered = [problems[k] for k in sorted(problems, key=lambda k: order.get(k, -1))]
    marks = mark(path, form, key) if key else {}
    return CheckResult(ordered, marks)


VALIDATE = """
import json, logging, sys
from nbgrader.validator import Validator
log = logging.getLogger("mentorkit-validate")
log.addHandler(logging.NullHandler())
log.propagate = False
print(json.dumps(Validator(log=log).validate(sys.argv[1])))
"""


def validate(path: Path, timeout: float = 300) -> dict:
    """nbgrader's Validator on a notebook, run in a separate process so that its kernel's
    messages never reach the page; its results as a dict."""
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-c", VALIDATE, str(path)], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise AssignmentError("Checking took too long and was stopped. Try again in a minute.") from exc
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError) as exc:
        tail = done.stderr.strip().splitlines()[-1:] or ["no answer"]
        raise AssignmentError(f"Your notebook could not be checked ({tail[0]}).") from exc


def _answered(notebook: dict, question: Question) -> bool:
    for cell in notebook.get("cells", []):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == question.grade_id:
            value = parse_answer(_text(cell.get("source")), question.variable)
            return bool(value)
    return False


# -- learning alone: the answer key from source/ ------------------------------------------------
def answer_key(assignment_id: str, root: Path | None = None) -> dict[str, tuple[object, str]] | None:
    """``{grade_id: (right answer, why)}`` read from ``source/`` (the instructor's version),
    or None when the course has no source/ (a cohort hub gives it to facilitators only).

    The right answer is what the solution region leaves in the variable; *why* is the
    ``# Why:`` comment in the solution region if the author wrote one, else the hint of
    the hidden test ("see the section ...")."""
    path = source_path(assignment_id, root)
    if not path.is_file():
        return None
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    cells, key = notebook.get("cells", []), {}
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {})
        grading = meta.get("nbgrader", {})
        form_meta = meta.get("mentorkit") or {}
        if cell.get("cell_type") != "code" or not grading.get("solution") or not form_meta.get("variable"):
            continue
        solution = "\n".join(SOLUTION.findall(_text(cell.get("source"))))
        why = " ".join(line.split("Why:", 1)[1].strip() for line in solution.splitlines()
                       if line.lstrip().startswith("#") and "Why:" in line)
        if not why and index + 1 < len(cells):
            why = _hint(_text(cells[index + 1].get("source")))
        key[grading["grade_id"]] = (parse_answer(solution, form_meta["variable"]), why)
    return key


def _hint(test_source: str) -> str:
    """The message of the hidden assertion, less its first sentence ("q1 is not right yet.")."""
    for block in HIDDEN.findall(test_source):
        try:
            tree = ast.parse(block)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert) and isinstance(node.msg, ast.Constant):
                text = str(node.msg.value)
                return text.split(". ", 1)[1] if text.startswith("q") and ". " in text else text
    return ""


def _same(value, right) -> bool:
    if isinstance(right, (list, tuple)):
        return isinstance(value, (list, tuple)) and {str(v).strip().upper() for v in value} == \
            {str(r).upper() for r in right}
    return isinstance(value, str) and value.strip().upper() == str(right).upper()


def mark(path: Path, form: Form, key: dict) -> dict[str, tuple[bool, str]]:
    """Which knowledge checks in the notebook at ``path`` are right, with the reason."""
    sources = answer_sources(path)
    marks = {}
    for question in form.checks:
        if question.grade_id not in key:
            continue
        right, why = key[question.grade_id]
        value = parse_answer(sources.get(question.grade_id, ""), question.variable)
        if value:
            marks[question.grade_id] = (_same(value, right), why)
    return marks


# -- a cohort: nbgrader's exchange ------------------------------------------------------------------
CONFIG_FILES = ("nbgrader_config.py", "nbgrader_config.json")
DEFAULT_EXCHANGE = "/usr/local/share/nbgrader/exchange"  # nbgrader's own default for Exchange.root


def nbgrader_config():
    """The participant's nbgrader configuration, read from the places nbgrader's Assignments
    tab reads (the working directory, then the Jupyter config path; the first one found for a
    setting wins). Read with traitlets alone: importing nbgrader costs seconds, which a
    self-paced learner's page never needs to spend."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    config = Config()
    for folder in reversed([os.getcwd(), *jupyter_config_path()]):
        for name, loader in zip(CONFIG_FILES, (PyFileConfigLoader, JSONFileConfigLoader), strict=True):
            if os.path.isfile(os.path.join(folder, name)):
                try:
                    config.merge(loader(name, path=folder).load_config())
                except Exception:  # a broken file is nbgrader's to report; the page carries on
                    continue
    return config


def in_cohort(config) -> bool:
    """A cohort participant's nbgrader configuration names the course and an exchange that
    exists (or another kind of exchange); a self-paced learner has neither."""
    if not config.get("CourseDirectory", {}).get("course_id"):
        return False
    if "ExchangeFactory" in config:
        return True
    return Path(config.get("Exchange", {}).get("root", DEFAULT_EXCHANGE)).is_dir()


def _assignment_dir(config) -> Path:
    configured = config.get("Exchange", {}).get("assignment_dir")
    return Path(configured).expanduser() if configured else Path.home()


def _exchange(kind: str, config, assignment_id: str | None = None):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config

    config = Config(config)
    config.Exchange.assignment_dir = str(_assignment_dir(config))
    if assignment_id:
        config.CourseDirectory.assignment_id = assignment_id
    if kind == "List" and assignment_id is None:
        config.CourseDirectory.assignment_id = ""
    log = _quiet()
    coursedir = CourseDirectory(config=config, log=log)
    factory = ExchangeFactory(config=config, log=log)
    return getattr(factory, kind)(coursedir=coursedir, authenticator=Authenticator(config=config, log=log),
                                  config=config, log=log)


def _quiet():
    """A logger that prints nothing: nbgrader's messages must not appear in the page."""
    import logging

    log = logging.getLogger("mentorkit.nbgrader")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    log.propagate = False
    return log


@dataclass
class CohortAssignment:
    assignment_id: str
    status: str  # "released", "fetched", "submitted"
    submitted_at: str = ""  # the last submission's timestamp
    feedback_ready: bool = False
    feedback_fetched: bool = False


def cohort_assignments(config=None) -> list[CohortAssignment]:
    """What the exchange holds for this participant, through nbgrader's ExchangeList."""
    from nbgrader.exchange import ExchangeError

    config = config if config is not None else nbgrader_config()
    try:
        released = _exchange("List", config).start()
        cached = _exchange("List", _with(config, "ExchangeList", "cached", True)).start()
    except ExchangeError as exc:
        raise AssignmentError("The course's assignment exchange could not be reached. "
                              "Tell your facilitator.") from exc
    found: dict[str, CohortAssignment] = {}
    for info in released:
        found[info["assignment_id"]] = CohortAssignment(info["assignment_id"], info["status"])
    for info in cached:
        item = found.setdefault(info["assignment_id"], CohortAssignment(info["assignment_id"], "fetched"))
        submissions = sorted(info.get("submissions", []), key=lambda s: s["timestamp"])
        if submissions:
            last = submissions[-1]
            item.status, item.submitted_at = "submitted", last["timestamp"]
            notebooks = last.get("notebooks", [])
            item.feedback_ready = any(n.get("has_exchange_feedback") for n in notebooks)
            item.feedback_fetched = any(n.get("has_local_feedback") for n in notebooks)
    return sorted(found.values(), key=lambda a: a.assignment_id)


def _with(config, section: str, trait: str, value):
    from traitlets.config import Config

    copied = Config(config)
    copied[section][trait] = value
    return copied


def fetch(assignment_id: str, config=None) -> Path:
    """Fetch a released assignment through nbgrader's exchange (once); the notebook's path."""
    config = config if config is not None else nbgrader_config()
    target = fetched_path(assignment_id, config)
    if target is not None and target.is_file():
        return target  # fetching again would refuse, and must never replace answers
    try:
        _exchange("FetchAssignment", config, assignment_id).start()
    except Exception as exc:
        raise AssignmentError(f"{assignment_id} could not be fetched from the course ({exc}).") from exc
    return fetched_path(assignment_id, config)


def submit(assignment_id: str, config=None) -> str:
    """Submit the fetched copy through nbgrader's exchange; the submission's time, as shown."""
    config = config if config is not None else nbgrader_config()
    try:
        submitter = _exchange("Submit", config, assignment_id)
        submitter.start()
    except Exception as exc:
        raise AssignmentError(f"{assignment_id} could not be submitted ({exc}). Your answers are "
                              "safe in your copy; try again, or tell your facilitator.") from exc
    return str(getattr(submitter, "timestamp", "") or datetime.now().isoformat(timespec="seconds"))


def fetch_feedback(assignment_id: str, config=None) -> list[Path]:
    """Fetch released feedback through nbgrader's exchange; the feedback pages, newest last."""
    config = config if config is not None else nbgrader_config()
    try:
        _exchange("FetchFeedback", config, assignment_id).start()
    except Exception as exc:
        raise AssignmentError(f"The feedback for {assignment_id} could not be fetched ({exc}).") from exc
    folder = _assignment_dir(config) / assignment_id / "feedback"
    return sorted(folder.glob("*/*.html"))


# -- feedback, read from nbgrader's feedback page --------------------------------------------------
SCORE_ROW = re.compile(r'<a href="#([^"]+)">[^<]*</a>\s*\(Score:\s*([-\d.]+)\s*/\s*([-\d.]+)\)')
TOTAL = re.compile(r"\(Score:\s*([-\d.]+)\s*/\s*([-\d.]+)\)")


@dataclass
class Feedback:
    score: float
    max_score: float
    checks: list[tuple[str, bool, str]]  # (title, right, explanation)
    reflections: list[tuple[str, float, float, str]]  # (title, score, points, comment)


def read_feedback(html: str, form: Form) -> Feedback:
    """The scores and comments of nbgrader's feedback page, question by question."""
    from .feedback import HIDDEN_FAILED

    total = TOTAL.search(html)
    scores = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in SCORE_ROW.finditer(html)}
    checks, reflections = [], []
    for question in form.questions:
        if question.kind == REFLECTION:
            score, points = scores.get(question.grade_id, (0.0, question.points))
            reflections.append((question.title, score, points, _comment(html, question.grade_id)))
            continue
        score, points = scores.get(question.test_id, (0.0, question.points))
        right = points > 0 and score >= points
        why = ""
        if not right:
            section = _section(html, question.test_id)
            found = re.search(re.escape(HIDDEN_FAILED) + r"\s*([^<\n]*)", section)
            why = html_lib.unescape(found.group(1)).strip() if found else ""
            why = re.sub(r"^q\d+ is not right yet\.\s*", "", why)
        checks.append((question.title, right, why))
    return Feedback(float(total.group(1)) if total else 0.0, float(total.group(2)) if total else 0.0,
                    checks, reflections)


def _section(html: str, grade_id: str) -> str:
    """The part of the feedback page about one cell (nbgrader anchors each graded cell)."""
    start = html.find(f'<a name="{grade_id}"></a>')
    if start < 0:
        return ""
    end = html.find("<a name=", start + 1)
    return html[start:end if end > 0 else len(html)]


def _comment(html: str, grade_id: str) -> str:
    found = re.search(r"<b>Comments:</b>(.*?)</div>", _section(html, grade_id), re.S)
    if not found:
        return ""
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
