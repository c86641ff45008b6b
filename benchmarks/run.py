"""Course benchmarks: every figure is a ratio against a baseline measured in
the same run, side by side, so that a slow or busy machine does not mislead.

    python benchmarks/run.py            # all rows (includes a full `make test`)
    python benchmarks/run.py --quick    # skip the rows that run the whole suite
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import autograde  # benchmarks/autograde.py: nbgrader autograde against nbconvert --execute
import cohort  # benchmarks/cohort.py: the cohort report against reading the files, and its growth
import pages  # benchmarks/pages.py: every learner page, as make start serves it, against an empty notebook
import selfassess  # benchmarks/selfassess.py: the self-assessment apps against an empty notebook, in Voila

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def import_time(module: str) -> float:
    """Seconds to import ``module`` in a fresh interpreter (start-up excluded)."""
    code = (f"import time; t = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - t)")
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip())


def run_time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def side_by_side(measure, subject, baseline, repeats: int) -> tuple[float, float]:
    """Median of ``repeats`` interleaved runs of subject and baseline."""
    measure(subject), measure(baseline)  # warm the file cache for both
    subjects, baselines = [], []
    for _ in range(repeats):
        subjects.append(measure(subject))
        baselines.append(measure(baseline))
    return statistics.median(subjects), statistics.median(baselines)


ROWS = [
    # (label, measure, subject, baseline label, baseline, repeats, target, quick)
    ("import mentorkit", import_time, "mentorkit", "import ipywidgets", "ipywidgets", 15, 1.2, True),
    ("import the scenario player", import_time, "mentorkit.ui.scenario_player",
     "import ipywidgets", "ipywidgets", 15, None, True),
    ("mentorkit validate (all content)", run_time, [str(Path(PY).parent / "mentorkit"), "validate", "-q"],
     "python -c pass", [PY, "-c", "pass"], 5, None, True),
    ("autograde per submission (30)", autograde.per_submission, autograde.SUBJECT,
     autograde.BASELINE, autograde.BASELINE, 1, autograde.TARGET, False),
    ("self-assessment app to first input", selfassess.measure, selfassess.SLOWEST,
     "empty notebook in Voila", selfassess.EMPTY, 5, selfassess.TARGET, True),
    ("learner page to first widget", pages.measure, pages.SLOWEST,
     "empty notebook, cold kernel", pages.EMPTY, 3, pages.PAGE_TARGET, True),
    ("next lesson to first widget", pages.measure, pages.NEXT,
     "empty notebook, cold kernel", pages.EMPTY, 3, pages.NEXT_TARGET, True),
    ("cohort report, 2,000 participants", cohort.measure, cohort.SUBJECT,
     cohort.BASELINE, cohort.BASELINE, 1, None, True),
    ("cohort report, 4,000 files, 10% bad", cohort.measure_bad, cohort.BAD_SUBJECT,
     cohort.BAD_BASELINE, cohort.BAD_BASELINE, 3, cohort.BAD_TARGET, True),
    ("cohort report growth, 4,000/2,000", cohort.measure_growth, cohort.GROWTH_SUBJECT,
     cohort.GROWTH_BASELINE, cohort.GROWTH_BASELINE, 3, cohort.GROWTH_TARGET, True),
    ("make test (wall time)", run_time, ["make", "test"],
     "pytest --collect-only", [PY, "-m", "pytest", "--collect-only", "-q"], 1, None, False),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip rows that run the whole suite")
    args = parser.parse_args()
    header = f"{'figure':36} {'baseline':24} {'subject s':>10} {'baseline s':>10} {'ratio':>7} {'target':>7}"
    print(header)
    print("-" * len(header))
    missed = 0
    for label, measure, subject, base_label, baseline, repeats, target, quick in ROWS:
        if args.quick and not quick:
            continue
        got, base = side_by_side(measure, subject, baseline, repeats)
        ratio = got / base if base else float("inf")
        flag = ""
        if target is not None and ratio > target:
            flag, missed = " (over target)", missed + 1
        shown_target = f"{target:.2f}" if target is not None else "-"
        print(f"{label:36} {base_label:24} {got:10.3f} {base:10.3f} {ratio:7.2f} {shown_target:>7}{flag}",
              flush=True)
    mem = pages.memory()
    flag = " (over target)" if mem["participant"] > pages.MEMORY_TARGET_MIB else ""
    missed += bool(flag)
    print(f"\nmemory (make start): server {mem['server']:.0f} MiB, one open page's kernel "
          f"{mem['kernel']:.0f} MiB, the next lesson run ahead and the spare {mem['waiting']:.0f} MiB, "
          f"one participant {mem['participant']:.0f} MiB "
          f"(target {pages.MEMORY_TARGET_MIB} MiB){flag}", flush=True)
    print(f"\n{missed} figure(s) over target" if missed else "\nall figures within target")
    if not args.quick:
        # a cohort arriving at once on the course's JupyterHub: its own table
        print("\nJupyterHub (benchmarks/hub.py)", flush=True)
        subprocess.run([PY, str(ROOT / "benchmarks" / "hub.py"), "--students", "20"], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
