"""One line for an unanswered exercise, an error shown on purpose, a name defined by a cell above
(after a restart) and an interrupt; other errors, a learner's typo among them, keep their
traceback."""

import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from jupyter_client.manager import start_new_kernel

from course_utils import feedback
from tests.course_files import ROOT

RED, PLAIN = "\x1b[0;31m", "\x1b[0m"
NOT_ANSWERED = f"{RED}not answered yet{PLAIN}: "


@pytest.fixture
def shell(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shell = InteractiveShell.instance()
    shell.shown = []
    shell._showtraceback = lambda etype, evalue, stb: shell.shown.append(stb)
    feedback.install(shell)
    shell.run_cell("from course_utils import grading")
    return shell


def run(shell, code, error):
    result = shell.run_cell(code)
    assert isinstance(result.error_in_exec, error)  # the cell still fails, as graders expect
    return shell.shown[-1]


def test_the_answer_stub_says_what_to_do(shell):
    shown = run(shell, "# YOUR CODE HERE\nraise NotImplementedError()", NotImplementedError)
    assert shown == [NOT_ANSWERED + feedback.STUB_HINT]


def test_a_check_calling_a_stubbed_function_says_the_same(shell):
    shell.run_cell("def twice(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    shown = run(shell, "grading.check_equal(twice(2), 4, what='twice(2)')", NotImplementedError)
    assert shown == [NOT_ANSWERED + feedback.STUB_HINT]


def test_a_check_meeting_an_unknown_name_says_both_causes_not_unanswered(shell):
    """Where the notebook is not known, the name may be the answer's or the lesson's."""
    code = "grading.check_equal(list(my_flags), [True], what='the flags')"
    shown = run(shell, code, NameError)
    assert len(shown) == 1 and "not answered yet" not in shown[0]
    assert (
        "name 'my_flags' is not defined: if it is your answer's name, write the answer"
        in (shown[0])
    )
    assert shown[0].endswith(feedback.RUN_ABOVE)


@pytest.mark.parametrize(
    "code, error",
    [
        ("total = undefined_name + 1", NameError),  # a typo in a learner's own cell
        ("raise NotImplementedError('later')", NotImplementedError),
        ("import json\njson.loads(None, cls=undefined_name)", NameError),
        ("1 / 0", ZeroDivisionError),
    ],
)
def test_other_errors_keep_their_traceback(shell, code, error):
    shown = run(shell, code, error)
    assert len(shown) > 2 and not any("not answered yet" in line for line in shown)


# An error shown on purpose.


def test_an_error_shown_on_purpose_is_one_line_and_says_so(shell):
    shown = run(shell, "with grading.expect_error():\n    int('seven')", ValueError)
    expected = f"{RED}ValueError{PLAIN}: invalid literal for int() with base 10: 'seven'"
    assert shown == [expected, feedback.ON_PURPOSE]


def test_its_traceback_is_there_on_request(shell):
    run(shell, "with grading.expect_error():\n    int('seven')", ValueError)
    shell.run_cell("%tb")
    full = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(shell.shown[-1]))
    assert "Traceback" in full and "----> 2     int('seven')" in full


def test_a_keras_layer_error_shows_its_message_not_the_call_context(shell):
    """Keras wraps a layer's error in "Exception encountered when calling ... " and the arguments
    received; the message proper, which Keras prints in bold, is the line to show."""
    code = (
        "import keras, numpy as np\n"
        "class Broken(keras.layers.Layer):\n"
        "    def call(self, x):\n"
        "        raise ValueError('the window is too short')\n"
        "with grading.expect_error():\n"
        "    Broken()(np.zeros((2, 3), 'float32'))"
    )
    shown = run(shell, code, ValueError)
    assert shown == [f"{RED}ValueError{PLAIN}: the window is too short", feedback.ON_PURPOSE]


def test_code_that_no_longer_fails_fails_the_cell(shell):
    shown = run(shell, "with grading.expect_error():\n    int('7')", AssertionError)
    assert len(shown) == 1 and "should fail, to show an error, but it ran without one" in shown[0]


def test_a_failed_check_shown_on_purpose_keeps_its_own_line(shell):
    code = "with grading.expect_error():\n    grading.check_equal(3, 4, what='the count')"
    shown = run(shell, code, AssertionError)
    assert shown[0] == f"{RED}AssertionError{PLAIN}: the count is 3 but should be 4."


def test_an_interrupt_inside_it_is_an_interrupt(shell):
    shown = run(
        shell, "with grading.expect_error():\n    raise KeyboardInterrupt", KeyboardInterrupt
    )
    assert len(shown) == 1 and shown[0].startswith(f"{RED}interrupted{PLAIN}")


# A name that a cell above defines, after a restart: the kernel knows the notebook when JupyterLab
# names it in JPY_SESSION_NAME.


def _notebook(tmp_path, monkeypatch, *cells):
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if isinstance(cell, str) and cell.startswith("#"):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell))
        elif isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_code_cell(cell))
        else:  # an answer cell: (source, names it hands over)
            answer = nbformat.v4.new_code_cell(cell[0])
            answer.metadata = {
                "nbgrader": {"solution": True, "grade": False, "grade_id": "ex1"},
                "course": {"hands_over": cell[1]},
            }
            nb.cells.append(answer)
    path = tmp_path / "lesson.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    return path


LESSON = (
    "# A lesson",
    "## Setup",
    "import numpy as lesson_np\nrate_of_lesson = 3",
    "## Using it",
    "print(rate_of_lesson * 2)",
    "grading.check_equal(rate_of_lesson, 3, what='the rate')",
    "print(lesson_np.pi > 3)",
)


@pytest.mark.parametrize("running", [4, 5, 6])
def test_a_name_from_a_cell_above_says_which_cell_to_run(shell, tmp_path, monkeypatch, running):
    _notebook(tmp_path, monkeypatch, *LESSON)
    shown = run(shell, LESSON[running], NameError)
    name = "lesson_np" if running == 6 else "rate_of_lesson"
    assert shown == [
        f"{RED}NameError{PLAIN}: name '{name}' is not defined: it is defined by the lesson cell "
        "under “Setup” that starts `import numpy as lesson_np`; run the cells above first: "
        "Run ▸ Run All Above Selected Cell."
    ]


def test_jupyterlab_may_name_the_notebook_relative_to_its_root(shell, tmp_path, monkeypatch):
    path = _notebook(tmp_path, monkeypatch, *LESSON)
    monkeypatch.chdir(tmp_path)  # a kernel runs in its notebook's folder
    monkeypatch.setenv("JPY_SESSION_NAME", f"course/{path.name}")
    shown = run(shell, LESSON[4], NameError)
    assert len(shown) == 1 and "the lesson cell under “Setup”" in shown[0]


def test_a_typo_in_an_answer_keeps_its_traceback(shell, tmp_path, monkeypatch):
    _notebook(tmp_path, monkeypatch, *LESSON, "## Exercise 1", ("rate_x2 = rate_of_lessn * 2", []))
    shown = run(shell, "rate_x2 = rate_of_lessn * 2", NameError)
    assert len(shown) > 2 and "rate_of_lessn" in "\n".join(shown)


def test_a_name_defined_only_below_keeps_its_traceback(shell, tmp_path, monkeypatch):
    _notebook(tmp_path, monkeypatch, "## One", "print(later_name)", "## Two", "later_name = 1")
    shown = run(shell, "print(later_name)", NameError)
    assert len(shown) > 2


def test_a_cell_edited_since_the_save_still_finds_the_name(shell, tmp_path, monkeypatch):
    _notebook(tmp_path, monkeypatch, *LESSON)
    shown = run(shell, "print(rate_of_lesson * 4)", NameError)
    assert len(shown) == 1 and "the lesson cell under “Setup”" in shown[0]


ANSWERED = ("## Exercise 4: the reversed labels", ("flipped_labels = [1, 0]", ["flipped_labels"]))
STUBBED = (ANSWERED[0], ("# YOUR CODE HERE\nraise NotImplementedError()", ["flipped_labels"]))
USE = ("## With your labels", "print(len(flipped_labels))")


def test_a_lesson_cell_reading_an_unanswered_answer_says_not_answered(shell, tmp_path, monkeypatch):
    _notebook(tmp_path, monkeypatch, *STUBBED, *USE)
    shown = run(shell, USE[1], NameError)
    assert shown == [
        NOT_ANSWERED + "`flipped_labels` is your answer to the exercise “Exercise 4: the "
        "reversed labels”: write it, run it, then this cell."
    ]


def test_an_answer_not_run_since_a_restart_says_to_run_the_cells_above(
    shell, tmp_path, monkeypatch
):
    _notebook(tmp_path, monkeypatch, *ANSWERED, *USE)
    shown = run(shell, USE[1], NameError)
    assert len(shown) == 1 and "defined by the answer cell under “Exercise 4" in shown[0]
    assert shown[0].endswith(feedback.RUN_ABOVE)


def test_a_notebook_that_cannot_be_read_keeps_the_traceback(shell, tmp_path, monkeypatch):
    path = _notebook(tmp_path, monkeypatch, *LESSON)
    path.write_text("{not json", encoding="utf-8")
    shown = run(shell, LESSON[4], NameError)
    assert len(shown) > 2


def test_a_restarted_kernel_explains_a_name_from_its_first_cell(tmp_path):
    """A kernel of the course's environment loads feedback.py as it starts (make installs
    tools/ipython_kernel_config.py into .venv), so a learner who restarts it and runs a cell of
    the middle of a notebook, before the setup cell, is told which cell to run."""
    installed = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    assert installed.is_file(), "make venv-check installs it; run make test"
    assert installed.read_text() == (ROOT / "tools" / "ipython_kernel_config.py").read_text()
    path = tmp_path / "lesson.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(c) if c.startswith("#") else nbformat.v4.new_code_cell(c)
        for c in LESSON
    ]
    nbformat.write(nb, path)
    env = {**os.environ, "JPY_SESSION_NAME": str(path)}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    try:
        reply = client.execute_interactive(LESSON[4], timeout=60, output_hook=lambda m: None)
        assert reply["content"]["ename"] == "NameError"
        assert reply["content"]["traceback"] == [
            f"{RED}NameError{PLAIN}: name 'rate_of_lesson' is not defined: it is defined by the "
            "lesson cell under “Setup” that starts `import numpy as lesson_np`; run the cells "
            "above first: Run ▸ Run All Above Selected Cell."
        ]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# An interrupt.


def test_an_interrupt_is_one_line_that_says_where(shell):
    shown = run(shell, "steps = 0\nraise KeyboardInterrupt", KeyboardInterrupt)
    assert shown == [
        f"{RED}interrupted{PLAIN}: the cell stopped at `raise KeyboardInterrupt`; "
        "`%tb` shows the full traceback."
    ]


FIT = """\
import numpy as np, keras
x = np.zeros((4096, 30, 4), "float32")
model = keras.Sequential([keras.Input((30, 4)), keras.layers.LSTM(32), keras.layers.Dense(1)])
model.compile("adam", "mse")
print("fitting", flush=True)
model.fit(x, x[:, 0, :1], epochs=1000, batch_size=32, verbose=0)
"""


def test_interrupting_a_keras_fit_in_a_kernel_shows_one_line(tmp_path):
    """Kernel ▸ Interrupt during a fit: the kernel stops inside TensorFlow's code, and shows one
    line saying where the cell stopped, instead of TensorFlow's frames."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        setup = client.execute_interactive("from course_utils import grading", timeout=120)
        assert setup["content"]["status"] == "ok"
        msg_id = client.execute(FIT)
        errors, deadline = [], time.monotonic() + 300
        while time.monotonic() < deadline:
            msg = client.get_iopub_msg(timeout=300)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream" and "fitting" in msg["content"]["text"]:
                time.sleep(5)  # well into the fit
                manager.interrupt_kernel()
            elif msg["msg_type"] == "error":
                errors.append(msg["content"])
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert [e["ename"] for e in errors] == ["KeyboardInterrupt"], errors
        assert errors[0]["traceback"] == [
            f"{RED}interrupted{PLAIN}: the cell stopped at "
            "`model.fit(x, x[:, 0, :1], epochs=1000, batch_size=32, verbose=0)`; "
            "`%tb` shows the full traceback."
        ]
        again = client.execute_interactive("print(len(model.weights))", timeout=60)
        assert again["content"]["status"] == "ok"  # the kernel lives on
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
