"""nbgrader's cell metadata: the words the grader, the release, the tests and the benchmarks share.

A cell's ``metadata["nbgrader"]`` (schema 3) says what it is. An ANSWER cell (``solution``) is
written by the learner; a TEST cell (``grade`` and not ``solution``) earns its ``points``; each has
a ``grade_id``. The course adds ``metadata["course"]["hands_over"]``: the names an answer hands to
the checks. In a submission, any of these may be missing or of any JSON type.
"""

from collections.abc import Mapping
from typing import Any

Cell = Mapping[str, Any]  # a notebook cell, as nbformat reads it (a dict) or as JSON has it


def nbgrader(cell: Cell) -> dict[str, Any]:
    """The cell's nbgrader metadata (``{}`` when it has none)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell: Cell) -> str | None:
    """The cell's grade id, a string, or ``None`` (a submission's may be of any type)."""
    value = nbgrader(cell).get("grade_id")
    return value if isinstance(value, str) else None


def is_answer(cell: Cell) -> bool:
    """A code cell the learner writes: nbgrader's solution cell, graded or not."""
    return cell.get("cell_type") == "code" and bool(nbgrader(cell).get("solution"))


def is_test(cell: Cell) -> bool:
    """A code cell that earns points: nbgrader's grade cell that is not also a solution cell (a
    cell that is both is an answer, taken from the submission, never a test)."""
    meta = nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def points(cell: Cell) -> float:
    """The points a test cell is worth."""
    return float(nbgrader(cell).get("points", 0))


def hands_over(cell: Cell) -> list[str] | None:
    """The names an answer cell declares it hands to the checks, or ``None`` when it declares
    none (or not as a list of names)."""
    names = cell.get("metadata", {}).get("course", {}).get("hands_over")
    if isinstance(names, list) and all(isinstance(n, str) and n.isidentifier() for n in names):
        return names
    return None
