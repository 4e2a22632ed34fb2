"""nbgrader's own route, from .venv without activating it: generate_assignment and autograde give
the scores that ``course grade`` gives to the same submission."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "03_return_sequences"
ANSWERS = {  # ex1 right, ex2 wrong (a sequence out, not a vector), ex3 and ex4 left unanswered
    "ex1-seq2seq-flags": "seq2seq_flags = [True, True, True]",
    "ex2-seq2vec": (
        "classifier = keras.Sequential([keras.Input((None, 8)),\n"
        "    layers.LSTM(64, return_sequences=True), layers.LSTM(32, return_sequences=True),\n"
        "    layers.LSTM(16, return_sequences=True), layers.Dense(3, activation='softmax')])"
    ),
}


def nbgrader(course, *args):
    """Run .venv's nbgrader in ``course`` with a PATH that does not hold .venv/bin."""
    env = {**os.environ, "PATH": os.pathsep.join(["/usr/bin", "/bin"]), "COURSE_PROFILE": "smoke"}
    command = [str(Path(sys.executable).parent / "nbgrader"), *args, "--force"]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stderr


def submit(course):
    released = course / "release" / "ps1" / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in ANSWERS:
            cell.source = ANSWERS[grade_id]
    path = course / "submitted" / "alice" / "ps1" / f"{NOTEBOOK}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def autograde_scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK, "ps1", "alice")
        return {grade.name: float(grade.auto_score) for grade in notebook.grades}


def test_autograde_and_course_grade_give_the_same_scores(tmp_path):
    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", course / "source" / "ps1")
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n", encoding="utf-8"
    )
    nbgrader(course, "generate_assignment", "ps1")
    submission = submit(course)
    log = nbgrader(course, "autograde", "ps1")
    assert "Attribute 'checksum' for cell ex2-seq2vec-check has changed" in log  # see README
    course_grade = subprocess.run(
        [sys.executable, "-m", "course_utils", "grade", str(submission), "--json"],
        cwd=ROOT,
        env={**os.environ, "COURSE_PROFILE": "smoke"},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(course_grade.stdout)
    ours = {q["grade_id"]: float(q["earned"]) for q in report["questions"]}
    assert ours == autograde_scores(course)
    assert ours["ex1-seq2seq-flags-check"] == 1 and ours["ex2-seq2vec-check"] == 0
    failures = {q["grade_id"]: q["failure"] for q in report["questions"]}
    assert failures["ex4-per-step-dense-check"].startswith("not answered yet"), failures
