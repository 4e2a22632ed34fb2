"""Test-wide settings: the smoke profile unless told otherwise.

No matplotlib backend is forced here: nbval's kernels inherit this environment and must keep
Jupyter's inline backend, or figures would vanish from the outputs they compare.
"""

import os

os.environ.setdefault("COURSE_PROFILE", "smoke")

# The suite's phases beside the unit tests (tools/run_suite.py selects them with -m).
PHASES = {
    "grader": "grades whole submissions in sandboxed kernels (the grader phase)",
    "variants": "runs a notebook's answer variants in one kernel (the variants phase)",
    "browser": "drives JupyterLab in Chromium (the browser phase)",
}


def pytest_configure(config):
    for name, what in PHASES.items():
        config.addinivalue_line("markers", f"{name}: {what}")
