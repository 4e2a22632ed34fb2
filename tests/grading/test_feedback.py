"""An unanswered exercise fails with one line that says so; other errors keep their traceback."""

import pytest
from IPython.core.interactiveshell import InteractiveShell

from course_utils.grading import unanswered

NOT_ANSWERED = "\x1b[0;31mnot answered yet\x1b[0m: "


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.shown = []
    shell._showtraceback = lambda etype, evalue, stb: shell.shown.append(stb)
    unanswered.install(shell)
    shell.run_cell("from course_utils import grading")
    return shell


def run(shell, code, error):
    result = shell.run_cell(code)
    assert isinstance(result.error_in_exec, error)  # the cell still fails, as graders expect
    return shell.shown[-1]


def test_the_answer_stub_says_what_to_do(shell):
    shown = run(shell, "# YOUR CODE HERE\nraise NotImplementedError()", NotImplementedError)
    assert shown == [NOT_ANSWERED + unanswered.STUB_HINT]


def test_a_check_calling_a_stubbed_function_says_the_same(shell):
    shell.run_cell("def twice(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    shown = run(shell, "grading.check_equal(twice(2), 4, what='twice(2)')", NotImplementedError)
    assert shown == [NOT_ANSWERED + unanswered.STUB_HINT]


def test_a_check_of_an_undefined_answer_names_it(shell):
    code = "grading.check_equal(list(my_flags), [True], what='the flags')"
    shown = run(shell, code, NameError)
    assert len(shown) == 1 and shown[0].startswith(NOT_ANSWERED + "`my_flags` is not defined")


@pytest.mark.parametrize(
    "code, error",
    [
        ("total = undefined_name + 1", NameError),  # a typo in a learner's own cell
        ("raise NotImplementedError('later')", NotImplementedError),
        ("import json\njson.loads(None, cls=undefined_name)", NameError),
    ],
)
def test_other_errors_keep_their_traceback(shell, code, error):
    shown = run(shell, code, error)
    assert len(shown) > 1 and not any("not answered yet" in line for line in shown)
