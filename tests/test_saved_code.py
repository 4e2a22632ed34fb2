"""The code that answers a question is defined in its notebook, and the package keeps a copy.

A code cell tagged ``save`` starts with the line ``# saved in course_utils/<module>.py``; the
module keeps its definitions between two marker lines, written by ``make lesson-code``
(tools/lesson_code.py) with the imports they need. These tests make the modules again in memory
and compare them with the files, so a cell edited without ``make lesson-code`` fails here.
"""

import ast
import importlib.util
import json
import re
import shutil

import pytest

from tests.course_files import NOTEBOOK_PATHS, ROOT

spec = importlib.util.spec_from_file_location("lesson_code", ROOT / "tools" / "lesson_code.py")
lesson_code = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lesson_code)

# The answers that must live in their notebook (each notebook may save more).
REQUIRED = {
    "05_training_difficulties": {"input_gradient_norms"},
    "06_lstm_cell": {"lstm_step"},
    "09_sketchrnn_classification": {"sketch_dataset", "textbook_dataset"},
    "10_variable_length_and_unrolling": {"beams"},
    "11_distributed_training": {"train"},  # the replica step and the loop around it
}
MODULES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in (ROOT / "course_utils").rglob("*.py")
    if lesson_code.BEGIN in path.read_text(encoding="utf-8")
)
SPHINX_ROLE = re.compile(r":(?:py:)?[a-z]+:`")


@pytest.fixture(scope="module")
def made():
    """{module: (its file's text, the text its saved cells make)}, and the cells of each module."""
    return lesson_code.regenerate()


@pytest.mark.parametrize("module", MODULES)
def test_the_module_is_what_its_saved_cells_make(made, module):
    modules, cells = made
    current, generated = modules[module]
    if current != generated:
        problems = [p for p in lesson_code.differences() if p.startswith(f"{module}:")]
        pytest.fail("\n".join([*problems, "Run `make lesson-code` and commit the module."]))
    assert cells[module], f"{module} has the lesson-code markers but no `save` cell names it"


def test_every_module_a_notebook_saves_into_has_its_markers(made):
    assert set(made[0]) == set(MODULES)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_the_answers_live_in_their_notebook(path):
    saved = {name for cell in lesson_code.saved_cells(path) for name in cell.names}
    missing = REQUIRED.get(path.stem, set()) - saved
    assert not missing, f"{path.name} must define {sorted(missing)} in a `save` cell"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_saved_cells_read_as_lesson_code(path):
    """No import inside a function (the notebook's import cells bring every name) and no Sphinx
    role (``:func:`name```, which reads as noise in a notebook): write ````name```` instead."""
    for cell in lesson_code.saved_cells(path):
        for node in ast.walk(ast.parse(cell.body)):
            assert not isinstance(node, ast.Import | ast.ImportFrom), (
                f"{cell.label}: line {node.lineno + 1} imports inside a definition; import in "
                "the notebook's import cells instead (make lesson-code copies what it uses)"
            )
        role = SPHINX_ROLE.search(cell.body)
        assert not role, f"{cell.label}: `{role.group()}` is a Sphinx role; write ``name``"


def _copy(tmp_path, stem):
    """A copy of notebook ``stem`` in tmp_path: (its path, its JSON)."""
    copy = tmp_path / f"{stem}.ipynb"
    shutil.copy(ROOT / "notebooks" / copy.name, copy)
    return copy, json.loads(copy.read_text(encoding="utf-8"))


def _cell_defining(notebook, name):
    return next(c for c in lesson_code.saved_cells(notebook) if name in c.names)


def _save(path, nb):
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def test_a_changed_cell_is_detected_and_named(tmp_path, capsys):
    path, nb = _copy(tmp_path, "10_variable_length_and_unrolling")
    assert lesson_code.differences([path]) == []  # the copy makes the committed module
    cell = _cell_defining(path, "_best_extensions")
    source = "".join(nb["cells"][cell.index]["source"])
    changed = source.replace('kind="stable"', 'kind="quicksort"')
    assert changed != source
    nb["cells"][cell.index]["source"] = changed
    _save(path, nb)

    problems = lesson_code.differences([path])
    assert len(problems) == 1
    assert problems[0].startswith("course_utils/seq2seq/decoding.py: ")
    assert f"{path.name} cell {cell.index} " in problems[0] and "`_first_beams`" in problems[0]
    assert lesson_code.main(["--check", str(path)]) == 1
    assert f"cell {cell.index}" in capsys.readouterr().out
    current, generated = lesson_code.regenerate([path])[0]["course_utils/seq2seq/decoding.py"]
    assert 'kind="quicksort"' in generated and 'kind="quicksort"' not in current


def _first_save_cell(nb):
    return next(c for c in nb["cells"] if "save" in c.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize(
    "header, message",
    [
        ("# kept in course_utils/cells/__init__.py", "does not start with the line"),
        ("# saved in course_utils/cells/nowhere.py", "course_utils/cells/nowhere.py, which does"),
    ],
)
def test_a_save_cell_must_name_a_module_that_exists(tmp_path, capsys, header, message):
    path, nb = _copy(tmp_path, "06_lstm_cell")
    cell = _first_save_cell(nb)
    source = "".join(cell["source"])
    cell["source"] = header + source[source.index("\n") :]
    _save(path, nb)
    with pytest.raises(lesson_code.LessonCodeError, match=message) as error:
        lesson_code.saved_cells(path)
    assert f"{path.name} cell " in str(error.value)
    assert lesson_code.main(["--check", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_name_neither_imported_nor_defined_is_refused(tmp_path):
    path, nb = _copy(tmp_path, "06_lstm_cell")
    cell = _first_save_cell(nb)
    cell["source"] = "".join(cell["source"]).replace("gate_blocks(z, 4, units)", "blocks(z)")
    _save(path, nb)
    with pytest.raises(lesson_code.LessonCodeError, match="uses `blocks`, which"):
        lesson_code.regenerate([path])


def test_a_saved_cell_holds_definitions_only(tmp_path):
    path, nb = _copy(tmp_path, "06_lstm_cell")
    cell = _first_save_cell(nb)
    cell["source"] = "".join(cell["source"]) + "\nprint(lstm_step)\n"
    _save(path, nb)
    with pytest.raises(lesson_code.LessonCodeError, match="something other than definitions"):
        lesson_code.saved_cells(path)


def test_the_module_imports_what_the_cells_use_as_the_notebook_imports_it(made):
    """replica_loop.py's imports all come from notebook 11's import cells."""
    generated = made[0]["course_utils/distribution/replica_loop.py"][1]
    imports = [line for line in generated.splitlines() if line.startswith(("import ", "from "))]
    assert imports == [
        "import keras",
        "import numpy as np",
        "import tensorflow as tf",
        "from course_utils.distribution.multiworker import LEARNING_RATE, build_model, training_data",
        "from course_utils.validation import positive_int",
    ]
