"""nbgrader's own route, from .venv without activating it: generate_assignment and autograde give
the scores that ``course grade`` gives to an honest submission, and not to one whose answer
patches the checks, since autograde runs answers and checks in one kernel."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course_utils.grading import cells
from tests.course_files import ROOT

pytestmark = pytest.mark.grader

NOTEBOOK = "03_return_sequences"
WRONG_CLASSIFIER = (  # a sequence out, not a vector
    "classifier = keras.Sequential([keras.Input((None, 8)),\n"
    "    layers.LSTM(64, return_sequences=True), layers.LSTM(32, return_sequences=True),\n"
    "    layers.LSTM(16, return_sequences=True), layers.Dense(3, activation='softmax')])"
)
ANSWERS = {  # ex1 right, ex2 wrong, ex3 and ex4 left unanswered
    "ex1-seq2seq-flags": "seq2seq_flags = [True, True, True]",
    "ex2-seq2vec": WRONG_CLASSIFIER,
}
PATCHING = {  # ex1 right, and its cell turns every check of its kernel into one that passes
    "ex1-seq2seq-flags": (
        "seq2seq_flags = [True, True, True]\n"
        "for name in dir(grading):\n"
        "    if name.startswith('check_'):\n"
        "        setattr(grading, name, lambda *args, **kwargs: None)"
    ),
    "ex2-seq2vec": WRONG_CLASSIFIER,
    "ex3-repair": "repaired = [True, True, True, True]",  # a sequence out, not a vector
    "ex4-per-step-dense": (  # the bias left out
        "def per_step_dense(sequence, kernel, bias):\n    return sequence @ kernel"
    ),
}


def nbgrader(course, *args):
    """Run .venv's nbgrader in ``course`` with a PATH that does not hold .venv/bin."""
    env = {**os.environ, "PATH": os.pathsep.join(["/usr/bin", "/bin"]), "COURSE_PROFILE": "smoke"}
    command = [str(Path(sys.executable).parent / "nbgrader"), *args, "--force"]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stderr


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course whose assignment ps1 is notebook 03, generated once for this file."""
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", course / "source" / "ps1")
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n", encoding="utf-8"
    )
    nbgrader(course, "generate_assignment", "ps1")
    return course


def submit(course, student, answers):
    """The released notebook with ``answers`` in its answer cells, as ``student``'s submission."""
    released = course / "release" / "ps1" / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        if cells.grade_id(cell) in answers:
            cell.source = answers[cells.grade_id(cell)]
    path = course / "submitted" / student / "ps1" / f"{NOTEBOOK}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def autograde(course, student):
    """``nbgrader autograde`` on ``student``'s submission: its log and {grade id: score}."""
    log = nbgrader(course, "autograde", "ps1", f"--student={student}")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK, "ps1", student)
        return log, {grade.name: float(grade.auto_score) for grade in notebook.grades}


def course_grade(submission):
    """``course grade --json`` on ``submission``: {grade id: score} and {grade id: failure}."""
    done = subprocess.run(
        [sys.executable, "-m", "course_utils", "grade", str(submission), "--json"],
        cwd=ROOT,
        env={**os.environ, "COURSE_PROFILE": "smoke"},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    questions = json.loads(done.stdout)["questions"]
    return (
        {q["grade_id"]: float(q["earned"]) for q in questions},
        {q["grade_id"]: q["failure"] for q in questions},
    )


def test_autograde_and_course_grade_give_the_same_scores(course):
    submission = submit(course, "alice", ANSWERS)
    log, theirs = autograde(course, "alice")
    assert "Attribute 'checksum' for cell ex2-seq2vec-check has changed" in log  # see README
    ours, failures = course_grade(submission)
    assert ours == theirs
    assert ours["ex1-seq2seq-flags-check"] == 1 and ours["ex2-seq2vec-check"] == 0
    assert failures["ex4-per-step-dense-check"].startswith("not answered yet"), failures


def test_an_answer_that_patches_the_checks_passes_autograde_but_not_course_grade(course):
    """Made from the released notebook, check cells untouched: autograde runs the instructor's
    checks, but in the kernel whose ``grading`` the first answer emptied."""
    submission = submit(course, "mallory", PATCHING)
    _, theirs = autograde(course, "mallory")
    assert theirs == {  # one kernel: the patched checks pass every wrong answer
        "ex1-seq2seq-flags-check": 1,
        "ex2-seq2vec-check": 1,
        "ex3-repair-check": 1,
        "ex4-per-step-dense-check": 1,
    }
    ours, failures = course_grade(submission)
    assert ours == {  # two kernels: the patch stays in the answer kernel
        "ex1-seq2seq-flags-check": 1,
        "ex2-seq2vec-check": 0,
        "ex3-repair-check": 0,
        "ex4-per-step-dense-check": 0,
    }
    for grade_id in ["ex2-seq2vec-check", "ex3-repair-check", "ex4-per-step-dense-check"]:
        assert failures[grade_id].startswith("AssertionError"), failures
