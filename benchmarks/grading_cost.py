"""What grading costs next to running a notebook once, notebook by notebook (smoke profile).

Usage: python benchmarks/grading_cost.py [NOTEBOOK ...]   (default: every notebook)

For each notebook, side by side in one run: the time of one plain run of its reference solutions
in one kernel (nbclient, as a learner's Run All), and the time of `course grade` on the same
notebook, which runs the lesson's cells in two kernels (answers, checks) at once and hands the
answers over between them. Prints both and their ratio, the cost of keeping the checks apart.
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


def graded_run(path):
    """Seconds to grade ``path`` against itself, and its score out of the maximum."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "course_utils", "grade", str(path), "--json"],
        cwd=ROOT,
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
    print(f"{'notebook':<40} {'one run':>8} {'grading':>8} {'ratio':>6}  score")
    total_plain = total_graded = 0.0
    for path in paths:
        plain = plain_run(path)
        graded, score = graded_run(path)
        total_plain, total_graded = total_plain + plain, total_graded + graded
        print(f"{path.stem:<40} {plain:7.1f}s {graded:7.1f}s {graded / plain:5.2f}×  {score}")
    print(
        f"{'all':<40} {total_plain:7.1f}s {total_graded:7.1f}s {total_graded / total_plain:5.2f}×"
    )


if __name__ == "__main__":
    main()
