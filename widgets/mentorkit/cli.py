"""The ``mentorkit`` command."""

from __future__ import annotations

import argparse
import stat
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _validate(args: argparse.Namespace) -> int:
    from .content import check_file, content_files
    from .course import course_root

    skipped: list[Path] = []
    if args.paths:
        files: list[Path] = []
        for raw in args.paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(p for p in path.rglob("*.y*ml") if ".ipynb_checkpoints" not in p.parts)
                files.extend(p for p in found if _regular(p))
                skipped.extend(p for p in found if not _regular(p))
            elif _regular(path):
                files.append(path)
            elif path.exists():
                skipped.append(path)
            else:
                print(f"mentorkit validate: {raw}: no such file or folder", file=sys.stderr)
                return EXIT_USAGE
    else:
        root = course_root()
        files = content_files(root)
        if not files:
            print(f"mentorkit validate: no content files found under {root}", file=sys.stderr)
            return EXIT_USAGE
    for path in skipped:
        print(f"mentorkit validate: {path}: skipped, not a regular file (a pipe, device or folder)",
              file=sys.stderr)
    if not files and skipped:
        print("mentorkit validate: no content files to check", file=sys.stderr)
        return EXIT_USAGE
    problems = []
    for file in files:
        problems.extend(check_file(file))
    for problem in problems:
        print(problem)
    bad = len({p.file for p in problems})
    if problems:
        print(f"{len(problems)} problem(s) in {bad} of {len(files)} file(s)", file=sys.stderr)
        return EXIT_INVALID
    if not args.quiet:
        print(f"{len(files)} file(s) valid", file=sys.stderr)
    return EXIT_OK


def _regular(path: Path) -> bool:
    """A regular file (never a pipe, which would make a reader wait forever)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


class ProgressBar:
    """``Reading exports [#####-----] 1000/2000`` on one line of stderr."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // max(total, 1)
        if filled == self.shown and done != total:
            return  # redraw only when the bar grows
        self.shown = filled
        bar = "#" * filled + "-" * (self.width - filled)
        end = "\n" if done == total else ""
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}{end}")
        self.stream.flush()


def _report(args: argparse.Namespace) -> int:
    from . import assessment
    from .content import ContentError

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"mentorkit report: {args.folder}: no such folder", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        print(f"mentorkit report: --out {args.out}: the folder {out.parent} does not exist", file=sys.stderr)
        return EXIT_USAGE
    try:
        instrument = assessment.load(args.instrument)
    except ContentError as exc:
        print(f"mentorkit report: instrument {args.instrument!r}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    from . import cohort
    from .report import read_grades, report_html

    show = args.progress if args.progress is not None else sys.stderr.isatty()
    found = cohort.read_folder(folder, instrument, progress=ProgressBar("Reading exports") if show else None)
    grades, grades_note = read_grades(args.gradebook)
    out.write_text(report_html(found, grades=grades, grades_note=grades_note), encoding="utf-8")
    for note in found.notes:
        print(f"{folder / note.file}: {note.outcome}: {note.why}", file=sys.stderr)
    label = instrument.timepoint_label
    for missing in cohort.missing_timepoints(found):
        who = f"participant code {missing.code}" if missing.code else f"{folder / missing.file} (no code)"
        print(f"to remind: {who}: no answers for {', '.join(label(t).lower() for t in missing.missing)}",
              file=sys.stderr)
    if grades is None:
        print(grades_note, file=sys.stderr)
    not_used = sum(1 for note in found.notes if note.outcome == cohort.NOT_USED)
    print(f"{out}: {len(found.participants)} participant(s), {len(found.paired())} with before and after; "
          f"{found.files_read} file(s) read, {not_used} not used (listed in the report)", file=sys.stderr)
    return EXIT_OK


def _rubrics(args: argparse.Namespace) -> int:
    from .course import course_root
    from .rubrics import RubricError, assignment_ids, write_sheets

    root = course_root()
    known = assignment_ids(root)
    if not known:
        print(f"mentorkit rubrics: no assignments in {root / 'source'} (the sheets are made from "
              "the instructor's notebooks there)", file=sys.stderr)
        return EXIT_USAGE
    unknown = [a for a in args.assignments if a not in known]
    if unknown:
        print(f"mentorkit rubrics: no such assignment in source/: {', '.join(unknown)} "
              f"(known: {', '.join(known)})", file=sys.stderr)
        return EXIT_USAGE
    try:
        made = write_sheets(Path(args.out) if args.out else None, args.assignments or None, root)
    except (RubricError, OSError) as exc:
        print(f"mentorkit rubrics: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for sheet in made:
        print(sheet.path)
    print(f"{len(made)} rubric sheet(s) written; open index.html in {made[0].path.parent} in a browser "
          "(print it from there if you like)", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorkit", description="Tools for the mentorkit course."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = sub.add_parser(
        "validate",
        help="check scenario and self-assessment files",
        description="Check content files (YAML) against their schemas and rules. "
        "With no PATH, checks all content in the course. "
        "Exit status: 0 all valid, 1 problems found, 2 usage error.",
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    validate.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    validate.set_defaults(func=_validate)
    report = sub.add_parser(
        "report",
        help="cohort report: change across timepoints from participants' self-assessment exports",
        description="Read every self-assessment export (CSV or JSON) in FOLDER, match each "
        "participant's answers at each timepoint (before, after, looking back, follow-up), and write "
        "an HTML report. Files that cannot be used are listed in the report with the reason; the "
        "participant codes with a missing timepoint are printed here, for reminders. "
        "Exit status: 0 report written, 2 usage error.",
    )
    report.add_argument("folder", metavar="FOLDER", help="the folder of exported files")
    report.add_argument("--out", default="report.html", help="the HTML file to write (default: report.html)")
    report.add_argument("--instrument", default="competencies",
                        help="the self-assessment the files are for (default: competencies)")
    report.add_argument("--gradebook", default=None, metavar="PATH",
                        help="nbgrader's gradebook.db, for the knowledge checks the cohort found "
                             "hardest (default: $MENTORKIT_GRADEBOOK, else the course's gradebook.db "
                             "when there is one)")
    report.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar (default: when the terminal is interactive)")
    report.set_defaults(func=_report)
    rubrics = sub.add_parser(
        "rubrics",
        help="rubric sheets for grading: one HTML page per assignment, made from source/",
        description="Write a read-only rubric sheet (questions, right answers and why, points, "
        "mark schemes) for each assignment in source/, and an index, so grading never opens "
        "source/ in JupyterLab. The sheets hold the answers: keep them from participants. "
        "Exit status: 0 written, 1 a notebook could not be read, 2 usage error.",
    )
    rubrics.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                         help="assignments to make sheets for (default: all in source/)")
    rubrics.add_argument("--out", help="the folder to write to (default: rubrics/ in the course folder)")
    rubrics.set_defaults(func=_rubrics)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
