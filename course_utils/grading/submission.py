"""Reading a submission: the notebook, the instructor's notebook it is graded against, and its
answers, with notes on what differs from that source. Nothing here runs learner code.
"""

import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
from nbformat.reader import NotJSONError

from course_utils.grading import cells
from course_utils.grading.kernel import printable
from course_utils.grading.release import student_version

if TYPE_CHECKING:
    from nbformat import NotebookNode


class GradingError(Exception):
    """Grading could not run; the message says why in one line."""


MAX_NOTEBOOK_BYTES = 100_000_000


def load_notebook(path: str | os.PathLike[str]) -> "NotebookNode":
    """Read a notebook, or raise :class:`GradingError` saying why it cannot be read."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise GradingError(
            f"{path} is {path.stat().st_size / 1e6:.0f} MB, more than a notebook should be: "
            "clear its outputs (Edit > Clear Outputs of All Cells) and save it again."
        )
    try:
        with warnings.catch_warnings():  # nbformat's warnings about old or odd files
            warnings.simplefilter("ignore")
            nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise GradingError(f"{path} does not exist.") from None
    except (NotJSONError, json.JSONDecodeError, UnicodeDecodeError):
        raise GradingError(f"{path} is not a notebook: it is not valid notebook JSON.") from None
    except Exception as error:  # nbformat raises many kinds on a file that is not a notebook
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GradingError(f"{path} is not a readable notebook: {reason}") from None
    cells = nb.get("cells")
    if not isinstance(cells, list) or not all(_well_formed(c) for c in cells):
        raise GradingError(f"{path} is not a notebook: its cells are malformed.")
    return nb


def _well_formed(cell: object) -> bool:
    return (
        isinstance(cell, dict)
        and cell.get("cell_type") in ("code", "markdown", "raw")
        and isinstance(cell.get("source"), str)
        and isinstance(cell.get("metadata", {}), dict)
        and isinstance(cell.get("metadata", {}).get("nbgrader", {}), dict)
    )


def _grade_ids(nb: "NotebookNode") -> set[str]:
    return {i for i in map(cells.grade_id, nb.cells) if i is not None}


def _source_grade_ids(path: str | os.PathLike[str]) -> set[str]:
    """The grade_ids of a course notebook, read without nbformat's (slow) validation."""
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return set()
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
    return {i for i in ids if isinstance(i, str)}


def find_source(
    submission: "NotebookNode", path: str | os.PathLike[str], notebooks_dir: str | os.PathLike[str]
) -> tuple[Path, str]:
    """The source notebook for ``submission`` and why it was chosen: the one in ``notebooks_dir``
    sharing the most ``grade_id``s with it (the same file name breaks ties, or decides when none
    are shared). A submission named after one notebook whose exercises are another's is refused."""
    ids = _grade_ids(submission)
    best, best_key = None, (0, False)
    for candidate in sorted(Path(notebooks_dir).glob("*.ipynb")):
        key = (len(ids & _source_grade_ids(candidate)), candidate.name == Path(path).name)
        if key > best_key:
            best, best_key = candidate, key
    if best is None:
        raise GradingError(
            f"{Path(path).name} matches no notebook in {notebooks_dir}: it has none of their "
            "exercise cells (grade_id) and none has its file name; name it with --source."
        )
    named = Path(notebooks_dir) / Path(path).name
    if named.is_file() and best != named:
        raise GradingError(
            f"{Path(path).name} has the file name of {named} but the exercise cells of {best}: "
            "name the notebook to grade against with --source."
        )
    shared, same_name = best_key
    reasons = [f"{shared} of the submission's {len(ids)} exercise ids"] if shared else []
    reasons += ["its file name"] if same_name else []
    return best, f"the source shares {' and '.join(reasons)}"


def check_hand_overs(source_nb: "NotebookNode") -> None:
    """Raise :class:`GradingError` unless every answer cell of the source declares what it hands
    to the checks."""
    for cell in source_nb.cells:
        if cells.is_answer(cell) and cells.hands_over(cell) is None:
            raise GradingError(
                f"answer cell {cells.grade_id(cell)} does not declare what it hands to the "
                'checks: give it the metadata "course": {"hands_over": [names it defines]}.'
            )


def stubs(source_nb: "NotebookNode", source_path: str | os.PathLike[str]) -> dict[str | None, str]:
    """Each answer cell's stub in the student version (nbgrader's), by grade_id."""
    try:
        student = student_version(source_nb)
    except ValueError as error:
        raise GradingError(f"{source_path} is not in nbgrader's format: {error}") from None
    return {cells.grade_id(c): c.source for c in student.cells if cells.is_answer(c)}


def collect_answers(
    submission: "NotebookNode", source_nb: "NotebookNode"
) -> tuple[dict[str, str], list[str]]:
    """The submission's answer cells by grade_id, and notes on what differs from the source."""
    answers: dict[str, str] = {}
    repeated: list[str] = []
    for cell in submission.cells:
        grade_id = cells.grade_id(cell)
        if cells.is_answer(cell) and grade_id is not None:
            if grade_id in answers:
                repeated.append(grade_id)
            else:
                # a lone surrogate (in a comment, say) could not be sent to a kernel: escaped
                answers[grade_id] = cell.source.encode("utf-8", "backslashreplace").decode()
    answer_ids = (cells.grade_id(c) for c in source_nb.cells if cells.is_answer(c))
    wanted = [g for g in answer_ids if g is not None]  # all of them, in nbgrader's format
    missing = [g for g in wanted if g not in answers]
    unknown = [printable(g) for g in answers if g not in wanted]  # the submission's own text
    notes = _answer_cell_notes(wanted, missing, unknown, [printable(g) for g in repeated])
    sub_tests = {
        cells.grade_id(c): c.source
        for c in submission.cells
        if cells.is_test(c) and cells.grade_id(c) is not None  # a submission's ids: any JSON
    }
    for cell in source_nb.cells:
        if cells.is_test(cell):
            grade_id = cells.grade_id(cell)
            mine = sub_tests.get(grade_id)
            student = student_test_source(cell)
            if mine is None and len(missing) < len(wanted):
                notes.append(f"test cell {grade_id} was missing; the original was run")
            elif mine is not None and mine.strip() not in (cell.source.strip(), student.strip()):
                notes.append(f"test cell {grade_id} was edited; the original was run")
    return answers, notes


def _answer_cell_notes(
    wanted: list[str], missing: list[str], unknown: list[str], repeated: list[str]
) -> list[str]:
    """Notes on answer cells missing, renamed (an id the notebook does not have) or repeated."""
    if missing and len(missing) == len(wanted):
        return ["the submission has none of this notebook's answer cells (another notebook?)"]
    notes = []
    if missing:
        notes.append(f"answer cells missing from the submission: {', '.join(missing)}")
    if unknown:
        notes.append(
            f"answer cells with ids this notebook does not have were not graded: "
            f"{', '.join(unknown)} (a renamed grade id? keep the ids as handed out)"
        )
    for grade_id in dict.fromkeys(repeated):
        notes.append(f"answer cell {grade_id} appears more than once: only the first was graded")
    return notes


def student_test_source(cell: "NotebookNode") -> str:
    """A test cell as the student version shows it (hidden tests removed)."""
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {
        "language": "python",
        "name": "python3",
        "display_name": "Python 3",
    }
    return student_version(nb).cells[0].source
