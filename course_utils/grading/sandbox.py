"""The answer kernel's sandbox: bubblewrap (Debian's ``bubblewrap`` package), where it runs.

Inside, the answer's code sees the whole file system read-only, except its own folder (where
``TMPDIR`` points); the folders given as hidden (the instructor's notebooks, the grading's own
folder) are replaced by empty ones; it has no network, sees no other process (its own PID namespace) and dies with the grader.
So it can neither read the reference solutions, nor change the course's files or the Python
environment, nor reach the check kernel or the grader. It still runs as the grader's user and
shares the machine's CPU and memory: the grader's time limits bound the time, nothing bounds
the memory. Where bubblewrap is missing or cannot create namespaces (some containers), the
grader runs the answer kernel without it and says so in the report's notes.
"""

import functools
import os
import shutil
import subprocess

DISABLE = "COURSE_GRADE_SANDBOX"  # set to "off" to grade without the sandbox


def _base(writable, hidden):
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--unshare-all", "--die-with-parent", "--new-session"]  # fmt: skip
    for folder in hidden:
        argv += ["--tmpfs", str(folder)]
    for folder in writable:
        argv += ["--bind", str(folder), str(folder)]
    return argv


@functools.cache
def available():
    """Whether a bubblewrap sandbox can start here (and is not turned off)."""
    if os.environ.get(DISABLE, "").lower() in ("off", "0", "no") or not shutil.which("bwrap"):
        return False
    try:
        probe = subprocess.run([*_base([], []), "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def prefix(writable, hidden):
    """The command line that runs a program in the sandbox, or ``[]`` when none is available.
    ``writable`` folders stay writable (the kernel's own); ``hidden`` folders look empty."""
    if not available():
        return []
    # A Jupyter kernel watches its parent's process id, which it cannot see from its own PID
    # namespace; --die-with-parent ends it with the grader instead.
    unset = ["--unsetenv", "JPY_PARENT_PID"]
    return [*_base(writable, [h for h in hidden if os.path.isdir(h)]), *unset, "--"]


FALLBACK_NOTE = (
    "the answers ran without a sandbox (bubblewrap is missing or cannot run here): the checks "
    "still ran in a kernel of their own, but the answers could read and write what this user can"
)
