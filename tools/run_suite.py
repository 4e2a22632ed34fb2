"""The test suite in phases, each timed: lint (ruff, and mypy on the type hints), unit tests,
grader tests, answer variants, notebooks, browser.

Usage: python tools/run_suite.py [--phases NAME,NAME] [--workers N] [PYTEST_ARGS ...]

Runs every phase even when one fails, prints each phase's time and result, and exits 1 if any
failed. Tests run on ``--workers`` processes side by side (pytest-xdist; the number of CPU cores,
at most 2, by default); notebooks (and the answer variants) go one per worker at a time (``--dist loadfile``), so that a
notebook's cells share one kernel under nbval; in the browser phase each worker starts its own lab
server and browser.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LINTED = ["course_utils", "tests", "benchmarks", "tools", "site", "notebooks", "conftest.py"]
# The phases beside the unit tests are pytest markers (conftest.py): a test module says which
# phase it belongs to with `pytestmark = pytest.mark.grader`, say.
MARKED = ("grader", "variants", "browser")


def pytest(*args):
    return [sys.executable, "-m", "pytest", *args]


def phases(workers, extra):
    """{phase: [commands]} in the order they run."""
    unit = " and ".join(f"not {mark}" for mark in MARKED)
    by_test = ["-n", str(workers)] if workers > 1 else []
    by_file = ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []
    return {
        "lint": [
            [str(BIN / "ruff"), "check", *LINTED],
            [str(BIN / "ruff"), "format", "--check", *LINTED],
            # Type hints of the shared modules and the grading package ([tool.mypy] in pyproject).
            [sys.executable, "-m", "mypy"],
        ],
        "unit": [pytest("tests", "-m", unit, *by_test, *extra)],
        "grader": [pytest("tests", "-m", "grader", *by_test, *extra)],
        "variants": [pytest("tests", "-m", "variants", *by_file, *extra)],
        "notebooks": [pytest("notebooks", *by_file, *extra)],
        "browser": [pytest("tests", "-m", "browser", *by_test, *extra)],
    }


COUNTS = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


def run(command):
    """Run ``command``, echoing its output; return (exit status, {outcome: count})."""
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    last = ""
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.strip():
            last = line
    counts = {}
    if command[1:3] == ["-m", "pytest"]:
        for number, outcome in COUNTS.findall(last):
            outcome = "errors" if outcome.startswith("error") else outcome
            counts[outcome] = counts.get(outcome, 0) + int(number)
    return process.wait(), counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phases", help="comma-separated phases to run (default: all)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    options, extra = parser.parse_known_args(argv)
    plan = phases(options.workers, extra)
    chosen = options.phases.split(",") if options.phases else list(plan)
    unknown = set(chosen) - set(plan)
    if unknown:
        parser.error(
            f"unknown phase(s) {', '.join(sorted(unknown))}; choose from {', '.join(plan)}"
        )
    os.environ.setdefault("COURSE_PROFILE", "smoke")

    report, totals, started = [], {}, time.monotonic()
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        phase_start, ok = time.monotonic(), True
        for command in plan[name]:
            status, counts = run(command)
            ok = ok and status == 0
            for outcome, number in counts.items():
                totals[outcome] = totals.get(outcome, 0) + number
        report.append((name, time.monotonic() - phase_start, ok))

    print("\nphase        time   result")
    for name, seconds, ok in report:
        print(f"{name:<10} {seconds:6.0f} s  {'ok' if ok else 'FAILED'}")
    print(f"Total time of the suite: {time.monotonic() - started:.0f} s")
    if totals:
        failed = totals.get("failed", 0) + totals.get("errors", 0)
        summary = f"{totals.get('passed', 0)} passed, {failed} failed"
        print(f"suite: {summary}, {totals.get('skipped', 0)} skipped")
    return 0 if all(ok for _, _, ok in report) else 1


if __name__ == "__main__":
    sys.exit(main())
