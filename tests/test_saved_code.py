"""The code that answers a question is defined in its notebook, and the package keeps a copy.

A code cell tagged ``save`` starts with the line ``# saved in course_utils/<module>.py``; every
function, class and constant it defines must be, character for character, the same definition
in that module, which the other notebooks, the benchmarks and the tests import.
"""

import ast
import json
import re

import pytest

from tests.course_files import NOTEBOOK_PATHS, ROOT

HEADER = re.compile(r"# saved in (course_utils/[\w/]+\.py)\n")

# The answers that must live in their notebook (each notebook may save more).
REQUIRED = {
    "05_training_difficulties": {"input_gradient_norms"},
    "06_lstm_cell": {"lstm_step"},
    "09_sketchrnn_classification": {"sketch_dataset", "textbook_dataset"},
    "10_variable_length_and_unrolling": {"beams"},
    "11_distributed_training": {"train"},  # the replica step and the loop around it
}


def saved_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        if "save" in cell.get("metadata", {}).get("tags", []):
            yield index, "".join(cell["source"])


def definitions(source):
    """{name: source text} of the top-level definitions and assignments in ``source``."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        else:
            continue
        start = node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else None
        text = ast.get_source_segment(source, node)
        if start is not None:
            lines = source.splitlines()[start - 1 : node.end_lineno]
            text = "\n".join(lines)
        for name in names:
            found[name] = text
    return found


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_saved_cells_match_the_package(path):
    saved = set()
    for index, source in saved_cells(path):
        header = HEADER.match(source)
        assert header, f"cell {index}: a `save` cell starts with `# saved in course_utils/....py`"
        module = ROOT / header.group(1)
        assert module.exists(), f"cell {index}: {header.group(1)} does not exist"
        in_cell = definitions(source)
        assert in_cell, f"cell {index} is tagged `save` but defines nothing"
        in_module = definitions(module.read_text(encoding="utf-8"))
        for name, text in in_cell.items():
            assert name in in_module, f"cell {index}: `{name}` is not in {header.group(1)}"
            assert text == in_module[name], (
                f"cell {index}: `{name}` differs from its copy in {header.group(1)}; "
                "change both, or copy the notebook's definition into the module"
            )
        saved |= set(in_cell)
    missing = REQUIRED.get(path.stem, set()) - saved
    assert not missing, f"{path.name} must define {sorted(missing)} in a `save` cell"


def test_a_difference_is_caught(tmp_path):
    cell = "# saved in course_utils/figures.py\ndef new(**kwargs):\n    return None\n"
    module = definitions((ROOT / "course_utils/figures.py").read_text(encoding="utf-8"))
    assert definitions(cell)["new"] != module["new"]
