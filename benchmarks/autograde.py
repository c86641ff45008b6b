"""Autograding cost per submission: `nbgrader autograde` over a cohort of
submissions against `jupyter nbconvert --execute` of the same notebooks, both
as one command over the whole cohort, measured side by side in one run.

    python benchmarks/autograde.py            # 30 submissions
    python benchmarks/autograde.py --quick    # 10 submissions

The difference is what grading adds to running the notebooks: nbgrader's
sanitising pass, putting back the real tests, and writing scores to the
gradebook. `benchmarks/run.py` prints this as one row of `make bench`."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COHORT = 30
QUICK_COHORT = 10
TARGET = 1.5
SUBJECT, BASELINE = "nbgrader autograde", "nbconvert --execute"


@cache
def cohort(size: int = COHORT, source: Path = ROOT / "source") -> Path:
    """A temporary course with ``size`` collected submissions of the first lesson assignment
    the test cohort uses (a mix of perfect, partial and untouched notebooks)."""
    sys.path.insert(0, str(ROOT))
    from tests.cohort_fixtures import (
        ASSIGNMENT,
        ROSTER,
        cohort_cases,
        make_course,
        read_rubric,
        submission_text,
    )

    notebook = source / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    if not notebook.is_file():
        raise SystemExit(f"No assignment to grade: {notebook} does not exist.")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"  # nbgrader calls `alembic`
    base = Path(tempfile.mkdtemp(prefix="mentorkit-bench-autograde-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    course = make_course(base, source, timeout=30)
    api = course.api()
    for step in (api.generate_assignment, api.release_assignment):
        result = step(ASSIGNMENT)
        if not result["success"]:
            raise RuntimeError(result.get("error"))
    rubric = read_rubric(course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    cases = cohort_cases()
    kinds = [cases[name] for name in ("perfect", "partial", "emoji", "reflections-only", "unmodified")]
    template = course.fetch(ROSTER[0].id)
    for i in range(size):
        student = f"participant{i + 1:02d}"
        notebook = course.fetch(student)
        notebook.write_text(submission_text(kinds[i % len(kinds)], template, rubric), encoding="utf-8")
        course.submit(student)
    result = api.collect(ASSIGNMENT)
    if not result["success"]:
        raise RuntimeError(result.get("error"))
    return course.root


def _run(argv: list[str], cwd: Path) -> None:
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}  # same cells run in both
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def per_submission(which: str, size: int = COHORT) -> float:
    """Seconds per submission to autograde the cohort (``SUBJECT``) or to execute it (``BASELINE``)."""
    root = cohort(size)
    from tests.cohort_fixtures import ASSIGNMENT  # importable once cohort() has run

    notebooks = sorted(str(p) for p in (root / "submitted").glob(f"*/{ASSIGNMENT}/*.ipynb"))
    start = time.perf_counter()
    if which == SUBJECT:
        _run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], root)
    else:
        out = root / "executed"
        shutil.rmtree(out, ignore_errors=True)
        _run([str(BIN / "jupyter"), "nbconvert", "--execute", "--allow-errors", "--to", "notebook",
              "--ExecutePreprocessor.timeout=30", f"--output-dir={out}", *notebooks], root)
    return (time.perf_counter() - start) / len(notebooks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"a cohort of {QUICK_COHORT}, not {COHORT}")
    args = parser.parse_args()
    size = QUICK_COHORT if args.quick else COHORT
    sys.path.insert(0, str(Path(__file__).parent))
    from run import side_by_side

    got, base = side_by_side(lambda which: per_submission(which, size), SUBJECT, BASELINE, repeats=1)
    ratio = got / base
    label = f"autograde per submission ({size})"
    header = f"{'figure':36} {'baseline':24} {'subject s':>10} {'baseline s':>10} {'ratio':>7} {'target':>7}"
    print(header)
    print("-" * len(header))
    flag = " (over target)" if ratio > TARGET else ""
    print(f"{label:36} {BASELINE:24} {got:10.3f} {base:10.3f} {ratio:7.2f} {TARGET:7.2f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
