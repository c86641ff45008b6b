"""The ``mentorkit`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _validate(args: argparse.Namespace) -> int:
    from .content import check_file, content_files
    from .course import course_root

    if args.paths:
        files: list[Path] = []
        for raw in args.paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(p for p in path.rglob("*.y*ml") if ".ipynb_checkpoints" not in p.parts)
                files.extend(found)
            elif path.is_file():
                files.append(path)
            else:
                print(f"mentorkit validate: {raw}: no such file or folder", file=sys.stderr)
                return EXIT_USAGE
    else:
        root = course_root()
        files = content_files(root)
        if not files:
            print(f"mentorkit validate: no content files found under {root}", file=sys.stderr)
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
