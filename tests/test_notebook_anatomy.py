"""Every notebook follows the course anatomy (CONTRIBUTING.md: adding a notebook, an exercise)."""

import re

import pytest

from course_utils.course_map import NOTEBOOKS, QUESTIONS
from tests.course_files import NOTEBOOK_DIR, NOTEBOOK_PATHS, ROOT, read, tags

PRESENT = NOTEBOOK_PATHS
MAP = {nb.filename: nb for nb in NOTEBOOKS}


def _source(cell):
    return "".join(cell["source"])


def _plain(text):
    """Markdown to comparable text: no quote markers, backticks or emphasis; single spaces."""
    text = re.sub(r"^\s*>\s?", "", text, flags=re.M)
    text = re.sub(r"[`*_]", "", text)
    return " ".join(text.split())


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]


def test_there_are_notebooks():
    assert PRESENT, "notebooks/ has no notebooks"


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_notebook_is_on_the_course_map(path):
    assert path.name in MAP, f"{path.name} is not in course_utils.course_map.NOTEBOOKS"


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_title_quotes_the_questions(path):
    first = read(path)["cells"][0]
    assert first["cell_type"] == "markdown" and _source(first).lstrip().startswith("# "), (
        "the first cell must be a markdown title"
    )
    text = _plain(_source(first))
    for ref in MAP[path.name].questions:
        assert _plain(QUESTIONS[ref]) in text, f"the title cell must quote {ref} exactly"


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_setup_cell(path):
    first_code = _source(_code_cells(read(path))[0])
    assert "from course_utils import" in first_code
    assert "config.describe()" in first_code and "set_seeds()" in first_code


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_every_code_cell_is_executed_without_unexpected_errors(path):
    for i, cell in enumerate(_code_cells(read(path))):
        assert cell.get("execution_count") is not None, f"code cell {i} was not executed"
        if "raises-exception" not in tags(cell):
            errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
            assert not errors, f"code cell {i} stores an error but is not tagged raises-exception"


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_few_cells_ignore_their_output(path):
    code = _code_cells(read(path))
    ignored = [c for c in code if "nbval-ignore-output" in tags(c)]
    assert len(ignored) * 4 <= len(code), (
        f"{len(ignored)} of {len(code)} code cells ignore their output"
    )


@pytest.mark.parametrize(
    "path", [p for p in PRESENT if not p.name.startswith("00")], ids=lambda p: p.stem
)
def test_graded_exercises(path):
    cells = _code_cells(read(path))
    graded = [c for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]
    assert len(graded) >= 2, "a notebook needs at least two graded test cells"
    for cell in graded:
        meta = cell["metadata"]["nbgrader"]
        assert meta.get("grade_id") and meta.get("points", 0) > 0 and meta.get("locked"), meta
        assert "grading." in _source(cell), "a test cell calls course_utils.grading checks"


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_solution_cells_are_delimited(path):
    for cell in read(path)["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            src = _source(cell)
            assert "### BEGIN SOLUTION" in src and "### END SOLUTION" in src, meta.get("grade_id")


def test_start_here_links_every_notebook_that_exists():
    start = NOTEBOOK_DIR / "00_start_here.ipynb"
    text = "".join(_source(c) for c in read(start)["cells"] if c["cell_type"] == "markdown")
    for nb in NOTEBOOKS[1:]:
        linked = f"]({nb.filename})" in text
        exists = (NOTEBOOK_DIR / nb.filename).exists()
        assert linked == exists, f"00_start_here must link {nb.filename} if and only if it exists"


def test_readme_lists_the_course_map():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        assert nb.stem in readme, f"README.md's course map lacks {nb.stem}"


EXERCISE_HEADING = re.compile(r"^#+\s*Exercise\s+\w+\s*\((\d+)\s+points?\)", re.M)


def _exercises(nb):
    """[(heading, points in the heading, points in the metadata of its graded cells)]."""
    found = []
    for cell in nb["cells"]:
        heading = (
            EXERCISE_HEADING.search(_source(cell)) if cell["cell_type"] == "markdown" else None
        )
        if heading:
            found.append([heading.group(0), int(heading.group(1)), 0])
        elif cell["cell_type"] == "markdown" and _source(cell).lstrip().startswith("## "):
            found.append([None, 0, 0])  # a new section: later cells belong to no exercise
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and found:
            found[-1][2] += meta.get("points", 0)
    return [tuple(row) for row in found if row[0]]


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_each_exercise_heading_gives_the_points_the_grader_awards(path):
    nb = read(path)
    exercises = _exercises(nb)
    graded = sum(
        c["metadata"]["nbgrader"].get("points", 0)
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
    )
    assert sum(metadata for _, _, metadata in exercises) == graded, (
        "a graded cell stands outside every '### Exercise N (k points)' heading"
    )
    for heading, stated, metadata in exercises:
        assert stated == metadata, f"{heading!r} but its graded cells give {metadata} point(s)"
