"""What grading costs next to running a notebook once, notebook by notebook (smoke profile).

Usage: python benchmarks/grading_cost.py [NOTEBOOK ...]   (default: every notebook)

For each notebook, side by side in one run: the time of one plain run of its reference solutions
in one kernel (nbclient, as a learner's Run All), the time of `course grade` on the same notebook,
which runs the lesson's cells in two kernels (answers, checks) at once and hands the answers over
between them, and the same grading without the sandbox (``COURSE_GRADE_SANDBOX=off``). Prints
the times and two ratios: grading over one run (the cost of keeping the checks apart) and
grading with the sandbox over grading without it (the cost of the sandbox and its bounds).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def plain_run(path):
    """Seconds to run ``path`` once in one fresh kernel."""
    nb = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(nb, timeout=600, kernel_name="python3").execute(cwd=str(ROOT / "notebooks"))
    return time.monotonic() - started


def graded_run(path, sandbox=True):
    """Seconds to grade ``path`` against itself, and its score out of the maximum."""
    env = {**os.environ, "COURSE_GRADE_SANDBOX": "on" if sandbox else "off"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "course_utils", "grade", str(path), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    return time.monotonic() - started, f"{report['score']:g}/{report['max_score']:g}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks to measure (default: all)")
    paths = [Path(p) for p in parser.parse_args().notebooks] or sorted(
        (ROOT / "notebooks").glob("*.ipynb")
    )
    os.environ["COURSE_PROFILE"] = "smoke"
    print(f"{'notebook':<32} {'one run':>8} {'graded':>8} {'no sandbox':>10} {'ratios':>13}  score")
    totals = [0.0, 0.0, 0.0]
    for path in paths:
        plain = plain_run(path)
        graded, score = graded_run(path)
        bare, _ = graded_run(path, sandbox=False)
        totals = [t + x for t, x in zip(totals, (plain, graded, bare), strict=True)]
        print(_row(path.stem, plain, graded, bare) + f"  {score}")
    print(_row("all", *totals))


def _row(name, plain, graded, bare):
    times = f"{plain:7.1f}s {graded:7.1f}s {bare:9.1f}s"
    return f"{name:<32} {times} {graded / plain:5.2f}× {graded / bare:5.2f}×"


if __name__ == "__main__":
    main()
