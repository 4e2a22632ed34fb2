"""The ``course`` command (also ``python -m course_utils``): release student versions, grade.

    course release [NOTEBOOK ...] --out DIR
    course grade SUBMISSION.ipynb [--json] [--source NOTEBOOK]

``grade`` exits with 0 whenever grading ran, whatever the score, and with 2 and a one-line message
when it could not run (an unreadable file, no matching source notebook, a broken source).
"""

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from course_utils import config

REPO_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _notebooks_dir(given: str | None) -> Path:
    if given:
        return Path(given)
    here = Path("notebooks")
    return here if here.is_dir() else REPO_NOTEBOOKS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description="Student versions and grading for the sequence-models course."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser(
        "release",
        help="write student versions (solutions stubbed, hidden tests removed, outputs cleared)",
    )
    release.add_argument("notebooks", nargs="*", help="notebooks to release (default: all)")
    release.add_argument("--out", required=True, help="folder to write the student versions to")
    release.add_argument("--notebooks-dir", help="the course's notebooks (default: notebooks/)")
    grade = commands.add_parser("grade", help="grade a submitted notebook")
    grade.add_argument("submission", help="the submitted .ipynb")
    grade.add_argument("--json", action="store_true", help="print the results as JSON")
    grade.add_argument("--source", help="the instructor's notebook (default: found in notebooks/)")
    grade.add_argument("--notebooks-dir", help="the course's notebooks (default: notebooks/)")
    grade.add_argument(
        "--profile",
        choices=config.PROFILES,
        help="the graded run's profile (default: COURSE_PROFILE, else as the setup cell decides)",
    )
    grade.add_argument(
        "--cell-timeout", type=float, default=300, help="seconds one cell may run (300)"
    )
    grade.add_argument("--timeout", type=float, default=1800, help="seconds for everything (1800)")
    return parser


def _release(args: argparse.Namespace) -> None:
    from course_utils.grading.release import release

    paths = args.notebooks or sorted(_notebooks_dir(args.notebooks_dir).glob("*.ipynb"))
    for path in release(paths, args.out):
        print(f"wrote {path}")


def _grade(args: argparse.Namespace) -> None:
    from course_utils.grading.grader import grade

    report = grade(
        args.submission,
        source=args.source,
        notebooks_dir=_notebooks_dir(args.notebooks_dir),
        cell_timeout=args.cell_timeout,
        timeout=args.timeout,
        profile=args.profile,
    )
    print(report.to_json() if args.json else report.table())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``course`` command; returns the exit status."""
    from course_utils.grading.kernel import first_line, printable
    from course_utils.grading.submission import GradingError

    args = _parser().parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show ✓ gets \u2713
        cast(io.TextIOWrapper, stream).reconfigure(
            errors="backslashreplace"
        )  # as Python opens them
    try:
        (_release if args.command == "release" else _grade)(args)
    except (GradingError, ValueError, OSError) as error:
        print(f"course {args.command}: {printable(error)}", file=sys.stderr)
        return 2
    except Exception as error:  # a fault of the course's own: still one line and status 2
        message = f"{type(error).__name__}: {printable(first_line(error))}"
        print(f"course {args.command}: could not finish ({message})", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
