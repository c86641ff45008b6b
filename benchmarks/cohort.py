"""The cohort report on a large cohort: ``mentorkit report`` over the exports of
2,000 participants (before and after, as the self-assessment app writes them,
plus a few bad files), against a baseline that only reads and parses the same
files as JSON, measured side by side in one run.

    python benchmarks/cohort.py                  # 2,000 participants
    python benchmarks/cohort.py --participants 200

The report should take under 30 s on the course's reference machine (2 cores).
`benchmarks/run.py` prints this as one row of `make bench`."""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PARTICIPANTS = 2000
TARGET_SECONDS = 30.0
SUBJECT, BASELINE = "mentorkit report", "json.load of every file"


@cache
def cohort_folder(participants: int = PARTICIPANTS) -> Path:
    """A folder of exports written with the app's own export functions (seeded)."""
    from mentorkit import assessment

    instrument = assessment.load("competencies")
    folder = Path(tempfile.mkdtemp(prefix="mentorkit-cohort-bench-"))
    rng = random.Random(2026)
    for number in range(1, participants + 1):
        results = []
        base = rng.randint(2, 5)
        for timepoint, shift in (("pre", 0), ("post", 1)):
            if timepoint == "post" and number % 10 == 0:
                continue  # one in ten has not sent the after file yet
            answers = instrument.new_answers(timepoint)
            for item in instrument.items:
                answers.set(item.id, max(1, min(7, base + shift + rng.randint(-1, 1))))
            results.append(answers)
        writer = assessment.export_csv if number % 3 == 0 else assessment.export_json
        suffix = "csv" if number % 3 == 0 else "json"
        (folder / f"participant-{number:05d}.{suffix}").write_text(
            writer(instrument, results, participant=f"C{number:05d}"), encoding="utf-8")
    (folder / "empty.json").write_text("")
    (folder / "broken.json").write_text('{"format": "mentorkit-self')
    return folder


def report_seconds(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "mentorkit"), "report", str(folder), "--out", str(folder.parent / "bench.html"),
                    "--no-progress"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def baseline_seconds(folder: Path) -> float:
    code = ("import json, pathlib, sys\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).iterdir()):\n"
            "    try: json.loads(p.read_text())\n"
            "    except ValueError: pass\n")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True)
    return time.perf_counter() - start


def measure(which: str, participants: int = PARTICIPANTS) -> float:
    folder = cohort_folder(participants)
    return report_seconds(folder) if which == SUBJECT else baseline_seconds(folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=PARTICIPANTS)
    args = parser.parse_args()
    folder = cohort_folder(args.participants)
    baseline_seconds(folder)  # warm the file cache
    got, base = report_seconds(folder), baseline_seconds(folder)
    verdict = "within" if got < TARGET_SECONDS else "OVER"
    print(f"{args.participants} participants, {sum(1 for _ in folder.iterdir())} files")
    print(f"{SUBJECT}: {got:.2f} s ({verdict} the {TARGET_SECONDS:.0f} s target)")
    print(f"{BASELINE}: {base:.2f} s; ratio {got / base:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
