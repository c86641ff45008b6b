"""The cohort report on a large cohort: ``mentorkit report`` over the exports of
2,000 participants (before and after, as the self-assessment app writes them,
plus a few bad files), against a baseline that only reads and parses the same
files as JSON, measured side by side in one run.

    python benchmarks/cohort.py                  # 2,000 participants
    python benchmarks/cohort.py --participants 200
    python benchmarks/cohort.py --participants 3600 --bad-share 0.1   # 4,000 files, 10% bad

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


BAD_FILES = (  # kinds of file a facilitator's folder collects besides good exports
    ("empty.json", ""),
    ("broken.json", '{"format": "mentorkit-self'),
    ("notes.txt", "see you on Tuesday"),
    ("wrong.csv", "name,score\nA,3\n"),
    ("other.json", '{"format": "mentorkit-network", "format_version": 1, "people": []}'),
)


@cache
def cohort_folder(participants: int = PARTICIPANTS, bad_share: float = 0.0) -> Path:
    """A folder of exports written with the app's own export functions (seeded),
    with ``bad_share`` of its files ones that cannot be used (each one noted in
    the report, the case that once made the report's cost grow quadratically)."""
    from mentorkit import assessment

    instrument = assessment.load("competencies")
    folder = Path(tempfile.mkdtemp(prefix="mentorkit-cohort-bench-"))
    rng = random.Random(2026)
    bad = round(participants * bad_share / (1 - bad_share)) if bad_share else 0
    for number in range(1, bad + 1):
        name, text = BAD_FILES[number % len(BAD_FILES)]
        stem, suffix = name.split(".")
        (folder / f"{stem}-{number:05d}.{suffix}").write_text(text, encoding="utf-8")
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


# -- 4,000 files, one in ten unusable: the report against reading, and its growth --------
#: files in the large folder (90% good exports, 10% that cannot be used)
FILES, BAD_SHARE = 4000, 0.10
BAD_SUBJECT, BAD_BASELINE = "mentorkit report, 4,000 files", "reading them (read_export)"
#: the report may cost this many times reading the same files with its own reader (about
#: 2.4 on the reference machine; it was some 50 when every note rewrote every file name,
#: 107 s against 2.1 s)
BAD_TARGET = 4.0
GROWTH_SUBJECT, GROWTH_BASELINE = "report on 4,000 files", "report on 2,000 files"
#: twice the files should take about twice as long: 2 is linear, 4 quadratic
GROWTH_TARGET = 2.6


def bad_folder(files: int = FILES) -> Path:
    return cohort_folder(round(files * (1 - BAD_SHARE)), BAD_SHARE)


def read_seconds(folder: Path) -> float:
    """Only reading: every file through the report's own reader, in one process."""
    code = ("import pathlib, sys\n"
            "from mentorkit import assessment, cohort\n"
            "instrument = assessment.load('competencies')\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).iterdir()):\n"
            "    try: cohort.read_export(p, p.name, instrument)\n"
            "    except assessment.ExportError: pass\n")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True)
    return time.perf_counter() - start


def measure_bad(which: str) -> float:
    folder = bad_folder()
    return report_seconds(folder) if which == BAD_SUBJECT else read_seconds(folder)


def measure_growth(which: str) -> float:
    return report_seconds(bad_folder(FILES if which == GROWTH_SUBJECT else FILES // 2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=PARTICIPANTS)
    parser.add_argument("--bad-share", type=float, default=0.0,
                        help="share of files that cannot be used (e.g. 0.1)")
    args = parser.parse_args()
    folder = cohort_folder(args.participants, args.bad_share)
    baseline_seconds(folder)  # warm the file cache
    got, base = report_seconds(folder), baseline_seconds(folder)
    verdict = "within" if got < TARGET_SECONDS else "OVER"
    print(f"{args.participants} participants, {sum(1 for _ in folder.iterdir())} files")
    print(f"{SUBJECT}: {got:.2f} s ({verdict} the {TARGET_SECONDS:.0f} s target)")
    print(f"{BASELINE}: {base:.2f} s; ratio {got / base:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
