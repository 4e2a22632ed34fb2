"""Where `make test`'s time goes, and what running notebooks side by side saves.

Usage: python benchmarks/suite_time.py [--skip-serial]

Runs the whole suite once as `make test` does (each phase timed, notebooks on two workers), then
the notebook phase alone on one worker, and prints both with the ratio. Goal: the whole suite in
at most 11 minutes on a 2-core machine without AVX-512 (`TF_ENABLE_ONEDNN_OPTS=0` gives such a
machine's kernels on one with AVX-512).
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHASE_LINE = re.compile(r"^(\w+)\s+(\d+) s  (ok|FAILED)$", re.M)


def run_suite(*args):
    """{phase: seconds} from one run of tools/run_suite.py with ``args``."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_suite.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    phases = {name: int(seconds) for name, seconds, _ in PHASE_LINE.findall(result.stdout)}
    if not phases:
        raise SystemExit(f"the suite printed no phase times:\n{result.stdout[-3000:]}")
    return phases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-serial", action="store_true", help="skip the one-worker run")
    options = parser.parse_args()

    suite = run_suite()
    print("phase        seconds")
    for name, seconds in suite.items():
        print(f"{name:<10} {seconds:8d}")
    print(f"{'total':<10} {sum(suite.values()):8d}  (goal: ≤ 660 s on 2 cores without AVX-512)")
    if not options.skip_serial:
        serial = run_suite("--phases", "notebooks", "--workers", "1")["notebooks"]
        parallel = suite["notebooks"]
        print(
            f"notebooks: {serial} s on one worker, {parallel} s on two: "
            f"{serial / max(parallel, 1):.2f}× faster side by side"
        )


if __name__ == "__main__":
    main()
