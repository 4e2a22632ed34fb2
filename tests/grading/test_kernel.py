"""The grader's kernel driver judges a cell by the kernel's reply, and learner text comes back
printable."""

import pytest

from course_utils.grading.kernel import Kernel, environment, printable


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    running = Kernel(tmp_path_factory.mktemp("kernel"), env=environment("."))
    yield running
    running.shutdown()


def test_a_cell_that_runs_has_no_error(kernel):
    assert kernel.run("x = 1", timeout=30).error is None


def test_an_error_is_its_name_and_first_line(kernel):
    assert kernel.run("1 / 0", timeout=30).error == "ZeroDivisionError: division by zero"


def test_an_error_the_kernel_cannot_send_is_still_an_error(kernel):
    """ipykernel cannot encode a lone surrogate: no error message arrives, only a reply whose
    status is "error"."""
    error = kernel.run("raise ValueError('\\ud800')", timeout=30).error
    assert error is not None and error.isprintable()
    error.encode("utf-8")  # and it can be printed or stored


def test_learner_text_is_printable_and_encodable():
    text = printable("a\x1b[2J\u200b\ud800b")
    assert text == "a\\x1b[2J\\u200b\\ud800b"
    text.encode("utf-8")
