"""Ending every process a grading started, detached ones too, before its report is written.

The grader becomes a "child subreaper" (Linux): a process that an answer starts and detaches
(double fork, ``setsid``) is re-parented to the grader instead of to ``init``, so it stays among
the grader's descendants, where :func:`end_descendants` finds and kills it.
"""

import ctypes
import os
import signal

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt the orphans of this process's descendants; return whether the system allowed it."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict[int, int]:
    """Each process's parent, by process id."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue
        parents[int(entry)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    return parents


def descendants() -> set[int]:
    """The process ids of this process's descendants."""
    parents, frontier = _parents(), {os.getpid()}
    found: set[int] = set()
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def end_descendants(rounds: int = 100) -> int:
    """Kill every descendant of this process and reap it; return how many were killed."""
    if not os.path.isdir("/proc"):
        return 0
    killed = set()
    for _ in range(rounds):
        alive = descendants()
        if not alive:
            break
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except ProcessLookupError:
                pass
        _reap()
    return len(killed)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
