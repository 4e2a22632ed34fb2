"""Fixtures of the grader's hostile tests (``test_separation.py``, ``test_boundary.py``)."""

import nbformat
import pytest

from course_utils.grading import sandbox
from tests.fixtures.tiny_course import source_notebook


@pytest.fixture(params=["sandbox", "no sandbox"])
def mode(request, monkeypatch):
    """Each test runs with the sandbox (where this machine has one) and without it."""
    if request.param == "no sandbox":
        monkeypatch.setenv(sandbox.DISABLE, "off")
    elif not sandbox.available():
        pytest.skip("bubblewrap cannot run on this machine")
    sandbox.available.cache_clear()
    yield request.param
    sandbox.available.cache_clear()


@pytest.fixture
def course(tmp_path):
    """A notebooks folder of its own (some answers here try to rewrite it)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(source_notebook(), folder / "tiny.ipynb")
    return folder
