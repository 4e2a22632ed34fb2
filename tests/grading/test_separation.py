"""Answers that attack the checks from their own kernel, the machine or the report: none of them
earns a point it does not deserve, changes a later grading or rewrites the report.

The checks run in a kernel of their own that receives the answers as data, so each class of
attack below reaches nothing: rebinding the notebook's globals or patching modules (course or
third-party), hooks of every kind, the grader's machinery, objects that lie, files of the course,
and processes left behind. They run in the tiny course of ``tests/fixtures``, whose kernel needs
no TensorFlow, and once with the sandbox turned off, where the grader must still hold. (A course
module patched in a real notebook, 03's ``shapes``, is among the wrong answers of
``test_grader.py``.)
"""

import json
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from course_utils.grading import cells, grader, run, sandbox
from tests.course_files import ROOT
from tests.fixtures.tiny_course import source_notebook

pytestmark = pytest.mark.grader

FULL = {"ex1": 1.0, "ex2": 2.0, "ex3": 2.0}


def _submission(tmp_path, **answers):
    nb = source_notebook()
    for cell in nb.cells:
        if cells.grade_id(cell) in answers:
            cell.source = answers[cells.grade_id(cell)]
    path = tmp_path / "submission" / "tiny.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


def _earned(path, course):
    report = grader.grade(path, notebooks_dir=course, cell_timeout=20, timeout=120)
    return {q.grade_id: q.earned for q in report.questions}, report


PATCH_CHECKS = (
    "def _patch(*args):\n"
    "    import sys\n"
    "    for name in list(sys.modules):\n"
    "        if name.startswith('course_utils.grading'):\n"
    "            module = sys.modules[name]\n"
    "            for attr in dir(module):\n"
    "                if attr.startswith('check_'):\n"
    "                    setattr(module, attr, lambda *a, **k: None)\n"
    "    globals()['grading'] = sys.modules['course_utils.grading']\n"
    "    return None\n"
)

# Each attacking answer is wrong and tries to pass anyway.
ATTACKS = {
    "a notebook global the check reads, changed in place": {
        "answer-ex2": "def double(x):\n    return 3 * x\n\n\nnumbers[:] = [0, 2 / 3, 4 / 3]",
    },
    "a third-party module patched (numpy)": {
        "answer-ex2": "def double(x):\n    return 3 * x\n\n\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.asarray = lambda x, *a, **k: __import__('numpy').array([0.0, 2.0, 4.0])",
    },
    "a fake module in sys.modules": {  # the last exercise: it breaks the answer's own kernel
        "answer-ex3": "import sys, types\nchoice = 'c'\n"
        "fake = types.ModuleType('course_utils.grading')\n"
        "fake.check_choice = lambda *a, **k: None\n"
        "sys.modules['course_utils.grading'] = fake\n"
        "grading = fake",
    },
    "an audit hook": {
        "answer-ex1": f"answer = 41\n{PATCH_CHECKS}\nimport sys\n"
        "sys.addaudithook(lambda event, args: _patch() if event == 'exec' else None)",
    },
    "a garbage-collector callback": {
        "answer-ex1": f"answer = 41\n{PATCH_CHECKS}\nimport gc\n"
        "gc.callbacks.append(lambda phase, info: _patch())\ngc.set_threshold(1)",
    },
    "a timer signal": {
        "answer-ex1": f"answer = 41\n{PATCH_CHECKS}\nimport signal\n"
        "signal.signal(signal.SIGALRM, lambda *a: _patch())\n"
        "signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)",
    },
    "a signal the answer sends itself, from a child process": {
        "answer-ex1": f"answer = 41\n{PATCH_CHECKS}\nimport os, signal, time\n"
        "signal.signal(signal.SIGUSR2, lambda *a: _patch())\n"
        "kernel = os.getpid()\n"
        "if os.fork() == 0:\n"
        "    while True:\n        os.kill(kernel, signal.SIGUSR2)\n        time.sleep(0.001)",
    },
    "a low-level _thread": {
        "answer-ex1": f"answer = 41\n{PATCH_CHECKS}\nimport _thread, time\n\n\n"
        "def _loop():\n    while True:\n        _patch()\n        time.sleep(0.0005)\n\n\n"
        "_thread.start_new_thread(_loop, ())",
    },
    "an exception whose message cannot be encoded (a lone surrogate)": {
        "answer-ex2": "def double(x):\n    raise ValueError('\\ud800')",
    },
    "a check kernel told to raise what it cannot report": {
        "answer-ex2": "def double(x):\n    raise KeyboardInterrupt('\\ud800 \\x1b[2J')",
    },
    "an object with lying dunder methods": {
        "answer-ex1": "class Liar(int):\n"
        "    def __eq__(self, other):\n        return True\n\n"
        "    __hash__ = int.__hash__\n\n"
        "    def __mod__(self, other):\n        return 0\n\n"
        "    def __repr__(self):\n        return '42'\n\n\n"
        "answer = Liar(41)",
    },
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_from_the_answers_kernel_reaches_no_check(attack, mode, course, tmp_path):
    path = _submission(tmp_path, **ATTACKS[attack])
    earned, report = _earned(path, course)
    attacked = {"answer-ex1": "ex1", "answer-ex2": "ex2", "answer-ex3": "ex3"}
    expected = {**FULL, **{attacked[a]: 0.0 for a in ATTACKS[attack]}}
    assert earned == expected, report.table()


def test_the_answers_kernel_holds_nothing_of_the_grader(course, tmp_path):
    """No guard, no secret, no check: there is nothing in the answer's kernel to read or forge."""
    probe = (
        "import sys\n"
        "found = [n for n in sys.modules if n.startswith('course_utils.grading.')]\n"
        "found += [n for n in globals() if n.startswith('__course')]\n"
        "answer = 42 if not found else 41"
    )
    earned, report = _earned(_submission(tmp_path, **{"answer-ex1": probe}), course)
    assert earned == FULL, report.table()


def test_a_lying_object_is_told_it_is_not_data(course, tmp_path):
    liar = "class Liar:\n    def __eq__(self, other):\n        return True\n\n\nanswer = Liar()"
    earned, report = _earned(_submission(tmp_path, **{"answer-ex1": liar}), course)
    failure = report.questions[0].failure
    assert earned["ex1"] == 0 and "answer cannot be handed to the checks" in failure, failure
    assert "Liar, not data" in failure


def _rewrite_course(course, package):
    """An answer that rewrites the installed checks and the instructor's notebook (ex1's test
    becomes ``pass``), and plants a module in the package, for the gradings after it."""
    return (
        "import json, pathlib\nanswer = 41\n"
        f"course, package = pathlib.Path({str(course)!r}), pathlib.Path({str(package)!r})\n"
        "for step in (\n"
        "    lambda: (package / 'grading' / 'planted.py').write_text('x = 1'),\n"
        "    lambda: (package / 'grading' / '__init__.py').write_text(\n"
        "        (package / 'grading' / '__init__.py').read_text()\n"
        "        + '\\ndef check_equal(*a, **k):\\n    pass\\n'),\n"
        "    lambda: [p.write_text(p.read_text().replace('grading.check_equal(answer, 42', "
        "'(answer, 42')) for p in course.glob('*.ipynb')],\n"
        "):\n"
        "    try:\n        step()\n    except OSError:\n        pass"
    )


def test_one_grading_cannot_change_the_next(mode, course, tmp_path, monkeypatch):
    # The grader's package is a copy here, so that gradings that run at the same time in other
    # tests never see this one's changes.
    package = tmp_path / "installed" / "course_utils"
    shutil.copytree(run.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(run, "PACKAGE_DIR", package)
    before = {p: p.read_bytes() for p in package.rglob("*.py")}
    notebook_before = (course / "tiny.ipynb").read_bytes()
    first, report = _earned(
        _submission(tmp_path, **{"answer-ex1": _rewrite_course(course, package)}), course
    )
    assert first["ex1"] == 0, report.table()
    assert {p: p.read_bytes() for p in package.rglob("*.py")} == before
    assert (course / "tiny.ipynb").read_bytes() == notebook_before
    if mode == "no sandbox":
        assert any("were put back" in note for note in report.notes), report.notes
    wrong = {"answer-ex1": "answer = 41", "answer-ex2": "def double(x):\n    return x",
             "answer-ex3": "choice = 'a'"}  # fmt: skip
    later, report = _earned(_submission(tmp_path, **wrong), course)
    assert later == {"ex1": 0, "ex2": 0, "ex3": 0}, report.table()


def test_an_answer_cannot_read_the_reference_solutions_in_the_sandbox(course, tmp_path):
    if not sandbox.available():
        pytest.skip("bubblewrap cannot run on this machine")
    copy_the_solution = (
        "import json, pathlib\n"
        f"cells = json.loads(pathlib.Path({str(course / 'tiny.ipynb')!r}).read_text())['cells']\n"
        "exec(next(''.join(c['source']) for c in cells if 'answer = ' in ''.join(c['source'])))"
    )
    earned, report = _earned(_submission(tmp_path, **{"answer-ex1": copy_the_solution}), course)
    assert earned["ex1"] == 0, report.table()
    assert "FileNotFoundError" in report.questions[0].failure


def test_the_check_kernel_is_out_of_the_answers_reach_in_the_sandbox(course, tmp_path):
    """Its connection file (the key to run code in it) sits beside the answer kernel's folder, as
    do those of other gradings running at the same time."""
    if not sandbox.available():
        pytest.skip("bubblewrap cannot run on this machine")
    probe = (
        "import glob, os\n"
        "found = glob.glob('../../../*/*/*/connection.json')  # this grading's and others'\n"
        "answer = 42 if [f for f in found if not os.path.samefile(f, 'connection.json')] == [] "
        "else 41"
    )
    earned, report = _earned(_submission(tmp_path, **{"answer-ex1": probe}), course)
    assert earned["ex1"] == 1, report.table()


FORGER = """import os, time
answer = 41
grader = os.getppid()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        try:
            out = open(f"/proc/{grader}/fd/1", "w")
        except OSError:
            out = None
        while os.path.exists(f"/proc/{grader}"):
            time.sleep(0.05)
        for write in (lambda: open(REPORT, "w").write("forged"), lambda: out.write("forged")):
            try:
                write()
            except Exception:
                pass
    os._exit(0)
"""


def test_a_detached_child_cannot_rewrite_the_report(mode, course, tmp_path):
    report = tmp_path / "report.json"
    code = FORGER.replace("REPORT", repr(str(report)))
    path = _submission(tmp_path, **{"answer-ex1": code})
    with report.open("w") as out:
        subprocess.run(
            [sys.executable, "-m", "course_utils", "grade", str(path), "--json",
             "--notebooks-dir", str(course)],
            stdout=out, cwd=ROOT, timeout=300, check=True,
        )  # fmt: skip
    written = report.read_text()
    time.sleep(3)  # a child that outlived the grader would write now
    assert report.read_text() == written
    assert json.loads(written)["score"] == 4
