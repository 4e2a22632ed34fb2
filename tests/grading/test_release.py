"""`course release`: student versions made with nbgrader's preprocessors."""

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils.grading.cli import main
from course_utils.grading.release import release, student_version
from tests.course_files import NOTEBOOK_PATHS
from tests.fixtures.tiny_course import source_notebook

pytestmark = pytest.mark.grader


def _by_id(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def test_solutions_become_nbgraders_stub():
    student = _by_id(student_version(source_notebook()))
    assert student["answer-ex1"].source == "# YOUR CODE HERE\nraise NotImplementedError()"


def test_hidden_tests_are_removed_and_visible_tests_kept():
    student = _by_id(student_version(source_notebook()))
    assert "HIDDEN" not in student["ex1"].source and "answer % 7" not in student["ex1"].source
    assert "grading.check_equal(answer, 42" in student["ex1"].source


def test_test_cells_are_locked_and_answers_undeletable():
    student = _by_id(student_version(source_notebook()))
    assert student["ex2"].metadata["editable"] is False
    assert student["ex2"].metadata["deletable"] is False
    assert student["answer-ex2"].metadata["deletable"] is False
    assert student["answer-ex2"].metadata.get("editable", True) is True


def test_outputs_are_cleared_and_the_source_is_left_alone():
    nb = source_notebook()
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hello")]
    nb.cells[1].execution_count = 1
    student = student_version(nb)
    assert student.cells[1].outputs == [] and student.cells[1].execution_count is None
    assert nb.cells[1].outputs and "BEGIN SOLUTION" in nb.cells[2].source


def test_an_unclosed_solution_region_is_a_clear_error():
    nb = source_notebook()
    nb.cells[2].source = "### BEGIN SOLUTION\nanswer = 42"
    with pytest.raises(ValueError, match="ClearSolutions: no end solution statement found"):
        student_version(nb)


def test_a_student_version_runs_top_to_bottom_with_feedback(tmp_path):
    """Unanswered exercises fail their checks, each with one line: "not answered yet" for a stub;
    for a check that meets the answer's missing name, outside JupyterLab (which names the notebook
    it runs), both possible causes, the answer not written or the cells above not run. The cells
    that do not depend on them still run, since answer and check cells are tagged
    raises-exception (as Run All in JupyterLab honours)."""
    nb = student_version(source_notebook())
    NotebookClient(
        nb, allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        next((o.ename for o in c.outputs if o.output_type == "error"), None)
        for c in nb.cells
        if c.cell_type == "code"
    ]
    unanswered, failed = "NotImplementedError", "NameError"
    assert errors == [None, unanswered, failed, unanswered, None, failed, unanswered, failed]
    shown = [o.traceback for c in nb.cells for o in c.get("outputs", []) if "traceback" in o]
    told = ("not answered yet", "if it is your answer's name, write the answer cell above")
    assert all(len(lines) == 1 and any(t in lines[0] for t in told) for lines in shown), shown
    lesson = nb.cells[5]
    assert lesson.outputs[0].text == "a lesson cell runs between exercises\n"
    assert "tags" not in lesson.metadata, "only answer and check cells are tagged"


def test_a_lesson_cell_reading_an_unanswered_answer_says_so_and_run_all_goes_on(
    tmp_path, monkeypatch
):
    """Tagged raises-exception like the exercise cells, a lesson cell that reads an answer's name
    lets Run All go on; in a kernel that knows its notebook (JupyterLab names it in
    JPY_SESSION_NAME) it says in one line which answer to write."""
    nb = source_notebook()
    nb.cells[4:4] = [
        nbformat.v4.new_markdown_cell("## With your answer"),
        nbformat.v4.new_code_cell("print('twice the answer:', 2 * answer)"),
    ]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(student_version(nb), path)
    student = nbformat.read(path, as_version=4)
    lesson = student.cells[5]
    assert lesson.metadata["tags"] == ["raises-exception"]
    assert "tags" not in student.cells[7].metadata, "a lesson cell that reads no answer is not"
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    NotebookClient(
        student, allow_errors=False, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    assert [o.traceback for o in lesson.outputs] == [
        [
            "\x1b[0;31mnot answered yet\x1b[0m: `answer` is your answer to the exercise “A tiny "
            "notebook for the grader's tests”: write it, run it, then this cell."
        ]
    ]
    assert student.cells[7].outputs[0].text == "a lesson cell runs between exercises\n"


def test_release_refuses_to_write_over_the_solutions(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(source_notebook(), path)
    with pytest.raises(ValueError, match="choose another folder"):
        release([path], tmp_path)


def test_course_release_writes_every_notebook(tmp_path, capsys):
    assert main(["release", "--out", str(tmp_path / "student")]) == 0
    written = sorted((tmp_path / "student").glob("*.ipynb"))
    assert [p.name for p in written] == [p.name for p in NOTEBOOK_PATHS]
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path.name
    assert capsys.readouterr().out.count("wrote ") == len(NOTEBOOK_PATHS)


def test_course_release_reports_a_missing_notebook_in_one_line(tmp_path, capsys):
    assert main(["release", str(tmp_path / "nope.ipynb"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"course release: {tmp_path / 'nope.ipynb'} is not a notebook file (.ipynb)."
    )
