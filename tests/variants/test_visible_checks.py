"""Visible checks keep the answer to themselves: the part of a check cell a learner sees holds no
expected value written out (a number, a shape, a choice, a matching, a model's output shape), only a sealed digest
(``grading.Sealed``) or a value the lesson computes. Hidden tests may hold anything."""

import ast

import nbformat
import pytest

from course_utils.grading import cells
from tests.course_files import NOTEBOOK_PATHS

HIDDEN = "### BEGIN HIDDEN TESTS"
COMPARED = {"check_equal", "check_shape", "check_choice", "check_close", "check_array"}


def _written_out(node, assigned):
    """``node`` is a value written out in the cell: constants, and containers or arithmetic of
    them, names included when the cell assigns them such a value."""
    if isinstance(node, ast.Name) and node.id in assigned:
        return _written_out(assigned[node.id], assigned)
    if isinstance(node, ast.Constant):
        return node.value is not None
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_written_out(e, assigned) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(_written_out(v, assigned) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _written_out(node.left, assigned) and _written_out(node.right, assigned)
    if isinstance(node, ast.UnaryOp):
        return _written_out(node.operand, assigned)
    return False


def written_out_answers(source):
    """The checks of ``source`` (a check cell's visible part) whose expected value is written
    out, as "check_name(line N)"."""
    tree = ast.parse(source)
    assigned = {
        target.id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        expected = (
            node.args[1] if len(node.args) > 1 and name in COMPARED | {"check_matching"} else None
        )
        expected = next((k.value for k in node.keywords if k.arg == "expected"), expected)
        shape = next((k.value for k in node.keywords if k.arg == "output_shape"), None)
        if any(v is not None and _written_out(v, assigned) for v in (expected, shape)):
            found.append(f"{name}(line {node.lineno})")
    return found


def visible_checks():
    for path in NOTEBOOK_PATHS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cells.is_test(cell):
                yield path.stem, cells.grade_id(cell), cell.source.split(HIDDEN)[0]


def test_the_scanner_finds_what_a_learner_can_read_off():
    assert written_out_answers("grading.check_equal(n, 960)") == ["check_equal(line 1)"]
    assert written_out_answers("grading.check_shape(s, (64, None, 3))") != []
    assert written_out_answers("e = {'a': 'x'}\ngrading.check_matching(m, e)") != []
    assert written_out_answers("grading.check_equal(n, 4 * 3 * 16 + 16)") != []
    assert written_out_answers("grading.check_any_length(m, (1,), output_shape=(None, 7))") != []
    assert written_out_answers('grading.check_equal(n, grading.Sealed("ab12"))') == []
    assert written_out_answers("grading.check_array(x[..., 0], temperatures)") == []
    assert (
        written_out_answers("e = {'a': grading.Sealed('1f')}\ngrading.check_matching(m, e)") == []
    )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem[:2])
def test_no_visible_check_holds_its_expected_value(path):
    found = [
        f"{grade_id}: {', '.join(checks)}"
        for stem, grade_id, source in visible_checks()
        if stem == path.stem and (checks := written_out_answers(source))
    ]
    assert not found, "expected values a learner can read off (use grading.seal):\n" + "\n".join(
        found
    )
