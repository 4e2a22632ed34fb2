"""Student versions of the course notebooks, made with nbgrader's own preprocessors.

A student version has every solution region replaced by nbgrader's stub (``# YOUR CODE HERE`` then
``raise NotImplementedError()``), hidden tests removed, outputs cleared and test cells locked, just
as ``nbgrader generate_assignment`` makes them, but with no nbgrader database or course directory.
Its answer and check cells are also tagged ``raises-exception``, and so are the lesson cells that
read an answer's names, so that Run All in JupyterLab goes on past an unanswered exercise instead
of stopping there.
"""

import ast
import copy
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)

from course_utils.grading import cells

if TYPE_CHECKING:
    from nbformat import NotebookNode

# The order of nbgrader's generate_assignment, less the steps that need its database.
_STEPS = (
    LockCells,
    ClearSolutions,
    ClearOutput,
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
)


def student_version(nb: "NotebookNode") -> "NotebookNode":
    """Return the student version of the notebook ``nb`` (which is left unchanged)."""
    resources: dict[str, Any] = {}
    nb = copy.deepcopy(nb)
    for step in _STEPS:
        try:
            nb, resources = step().preprocess(nb, resources)
        except RuntimeError as error:  # nbgrader's word for a malformed solution or test region
            raise ValueError(f"{step.__name__}: {error}") from None
    answers: set[str] = set()  # the names that the answers so far hand over
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        exercise = cells.is_answer(cell) or cells.is_test(cell)
        if (exercise or _reads(cell, answers)) and "raises-exception" not in tags:
            cell.metadata["tags"] = [*tags, "raises-exception"]
        if cells.is_answer(cell):
            answers.update(cells.hands_over(cell) or [])
    return nb


def _reads(cell: "NotebookNode", names: set[str]) -> bool:
    """Whether the code cell ``cell`` reads one of ``names``."""
    if cell.cell_type != "code" or not names:
        return False
    try:
        tree = ast.parse(TransformerManager().transform_cell(cell.source))
    except SyntaxError:
        return False
    return any(
        isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in names
        for n in ast.walk(tree)
    )


def release(
    notebooks: Iterable[str | os.PathLike[str]], out_dir: str | os.PathLike[str]
) -> list[Path]:
    """Write the student version of each notebook path in ``notebooks`` into ``out_dir``.

    Returns the paths written. Refuses to write over a source notebook.
    """
    out_dir = Path(out_dir)
    paths = [Path(p) for p in notebooks]
    if not paths:
        raise ValueError("No notebooks to release: name some, or put them in notebooks/.")
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"{path} is not a notebook file (.ipynb).")
        if path.parent.resolve() == out_dir.resolve():
            raise ValueError(
                f"--out {out_dir} is where {path.name} lives: choose another folder, "
                "so that the solutions are not overwritten."
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            student = student_version(nb)
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from None
        target = out_dir / path.name
        nbformat.write(student, target)
        written.append(target)
    return written
