"""Answer variants: other right answers and plausible wrong ones, run through an exercise's real
answer and check cells, after the lesson cells they need.

A notebook's module lists its variants by answer cell and calls :func:`variants_test`::

    VARIANTS = {
        "ex2-seq2vec": [
            Right("functional API", "inputs = keras.Input((None, 8))\\n..."),
            Wrong("no softmax", "classifier = ...", says=["probabilit"]),
        ],
    }
    test_variant = variants_test("03_return_sequences", VARIANTS)

The notebook runs once, in the smoke profile, in one kernel. At each answer cell with variants,
each variant runs in its place, followed by the cells up to the exercise's last check cell (its
checks and the lesson cells between them); then the reference answer and those cells run, so the
lesson goes on as written. A right variant must pass every check cell; a wrong one must fail a
check cell with an ``AssertionError`` whose message holds every phrase of ``says``.
"""

import copy
import os
from dataclasses import dataclass, field

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_utils.grading import cells
from tests.course_files import NOTEBOOK_DIR

CELL_TIMEOUT = 600


@dataclass(frozen=True)
class Right:
    """A right answer written otherwise than the reference solution."""

    name: str
    source: str


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer and phrases its failure message must hold."""

    name: str
    source: str
    says: list = field(default_factory=list)


@dataclass
class Outcome:
    """What the check cells said: ``failed`` is ``None`` when all passed, else the failing cell's
    grade id (or "answer" / "lesson"), with the error's type and message."""

    failed: str | None = None
    error: str = ""
    message: str = ""


def exercises(nb):
    """{answer grade id: (answer cell index, [indices of the cells after it, up to its last
    check cell])} for every answer cell of ``nb``."""
    answers = [i for i, c in enumerate(nb.cells) if cells.is_answer(c)]
    found = {}
    for n, i in enumerate(answers):
        end = answers[n + 1] if n + 1 < len(answers) else len(nb.cells)
        tests = [j for j in range(i + 1, end) if cells.is_test(nb.cells[j])]
        last = tests[-1] if tests else i
        found[cells.grade_id(nb.cells[i])] = (i, list(range(i + 1, last + 1)))
    return found


def _run(client, cell, index):
    """Run ``cell``; return ``None``, or (error type, message) when it fails."""
    try:
        client.execute_cell(cell, index)
    except CellExecutionError as error:
        return error.ename, error.evalue
    return None


def _try(client, nb, source, index, after):
    """Run ``source`` as the answer cell at ``index``, then the cells ``after`` it."""
    failure = _run(client, nbformat.v4.new_code_cell(source), index)
    if failure:
        return Outcome("answer", *failure)
    for j in after:
        cell = nb.cells[j]
        failure = _run(client, nbformat.v4.new_code_cell(cell.source), j)
        if failure:
            where = cells.grade_id(cell) if cells.is_test(cell) else "lesson"
            return Outcome(where, *failure)
    return Outcome()


_OUTCOMES = {}


def outcomes(stem, variants):
    """{(answer grade id, variant name): Outcome}, plus (grade id, "reference") for each answer
    with variants; the notebook runs once per test session."""
    if stem in _OUTCOMES:
        return _OUTCOMES[stem]
    nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    run = copy.deepcopy(nb)  # the client writes each cell it runs into its notebook
    found = exercises(nb)
    starts = {found[g][0]: g for g in variants if g in found}
    client = NotebookClient(
        run,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    results = {}
    env = {**os.environ, "COURSE_PROFILE": "smoke"}
    with client.setup_kernel(env=env):
        index = 0
        while index < len(nb.cells):
            cell = nb.cells[index]
            if index in starts:
                grade_id = starts[index]
                after = found[grade_id][1]
                for variant in variants[grade_id]:
                    results[grade_id, variant.name] = _try(client, nb, variant.source, index, after)
                results[grade_id, "reference"] = _try(client, nb, cell.source, index, after)
                index = after[-1] + 1 if after else index + 1
                continue
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
            index += 1
    _OUTCOMES[stem] = results
    return results


def variants_test(stem, variants):
    """A test, one case per variant and one per exercise's reference answer."""
    cases = [(g, v) for g, listed in variants.items() for v in [*listed, None]]
    ids = [f"{g}-{v.name if v else 'reference'}" for g, v in cases]

    @pytest.mark.variants
    @pytest.mark.parametrize("grade_id, variant", cases, ids=ids)
    def test(grade_id, variant):
        outcome = outcomes(stem, variants)[grade_id, variant.name if variant else "reference"]
        said = f"{outcome.failed}: {outcome.error}: {outcome.message}"
        if not isinstance(variant, Wrong):
            assert outcome.failed is None, said
            return
        assert outcome.failed not in (None, "answer", "lesson"), said
        assert outcome.error == "AssertionError", said
        for phrase in variant.says:
            assert phrase in outcome.message, said

    return test
