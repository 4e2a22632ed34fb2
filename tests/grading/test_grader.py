"""`course grade` against broken and hostile submissions: each gets the score it deserves.

Most cases grade a small notebook built here, whose kernel needs no TensorFlow (a few seconds
each); one grades the real `notebooks/00_start_here.ipynb`. Exercise 1 is worth 1 point,
exercise 2 2 points and exercise 3 2 points: 5 in all.
"""

import copy
import json
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_utils import grading
from course_utils.grading import cells, grader, submission
from course_utils.grading.cli import main
from course_utils.grading.release import student_version
from course_utils.grading.report import TABLE_WIDTH, Question, Report
from course_utils.grading.submission import GradingError
from tests.course_files import NOTEBOOK_PATHS, ROOT
from tests.fixtures.tiny_course import answer_cell, check_cell, source_notebook

pytestmark = pytest.mark.grader


FULL = {"ex1": 1.0, "ex2": 2.0, "ex3": 2.0}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A notebooks folder holding the tiny source notebook; yields the folder."""
    folder = tmp_path_factory.mktemp("notebooks")
    nbformat.write(source_notebook(), folder / "tiny.ipynb")
    return folder


def _answers(nb, **replacements):
    """``nb`` with the answer cells named in ``replacements`` given new sources."""
    for cell in nb.cells:
        if cells.is_answer(cell) and cells.grade_id(cell) in replacements:
            cell.source = replacements[cells.grade_id(cell)]
    return nb


def _tests(nb, **replacements):
    for cell in nb.cells:
        if cells.is_test(cell) and cells.grade_id(cell) in replacements:
            cell.source = replacements[cells.grade_id(cell)]
    return nb


def _grade(course, tmp_path, nb, **kwargs):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    kwargs.setdefault("cell_timeout", 20)
    kwargs.setdefault("timeout", 120)
    return grader.grade(path, notebooks_dir=course, **kwargs)


def _earned(report):
    return {q.grade_id: q.earned for q in report.questions}


def _failure(report, grade_id):
    return next(q.failure for q in report.questions if q.grade_id == grade_id)


def reference():
    return source_notebook()


def untouched():
    return student_version(source_notebook())


def exception_in_answer():
    return _answers(reference(), **{"answer-ex1": "answer = 42 / 0"})


def sys_exit():
    return _answers(reference(), **{"answer-ex1": "import sys\nsys.exit(0)\nanswer = 42"})


def os_exit():
    return _answers(reference(), **{"answer-ex2": "import os\nos._exit(1)"})


def crashed_kernel():
    return _answers(reference(), **{"answer-ex3": "import ctypes\nctypes.string_at(0)"})


def edited_test_cell():
    nb = _answers(reference(), **{"answer-ex1": "answer = 41"})
    return _tests(nb, ex1="print('✓ the answer: correct')")


def deleted_test_cell():
    nb = _answers(reference(), **{"answer-ex1": "answer = 41"})
    nb.cells = [c for c in nb.cells if cells.grade_id(c) != "ex1"]
    return nb


def checks_patched_to_no_ops():
    patch = (
        "answer = 41\n"
        "from course_utils import grading as g\n"
        "for name in dir(g):\n"
        "    if name.startswith('check_'):\n"
        "        setattr(g, name, lambda *a, **k: print('✓ correct'))\n"
        "grading.check_equal = lambda *a, **k: None"
    )
    return _answers(reference(), **{"answer-ex1": patch})


def check_code_and_numpy_patched():
    patch = (
        "def double(x):\n    return 3 * x\n"
        "grading.check_array.__code__ = (lambda *a, **k: None).__code__\n"
        "grading.check_close.__code__ = (lambda *a, **k: None).__code__\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.isfinite = lambda x: np.ones(np.shape(x), bool)\n"
        "import math\nmath.isclose = lambda *a, **k: True"
    )
    return _answers(reference(), **{"answer-ex2": patch})


def _ast_transformer(*visits):
    methods = "".join(f"    def visit_{v}(self, node):\n        return None\n\n" for v in visits)
    return (
        'choice = "c"\nimport ast\n\n\n'
        f"class Strip(ast.NodeTransformer):\n{methods}\n"
        "get_ipython().ast_transformers.append(Strip())"
    )


def assert_stripped_by_ast_transformer():
    return _answers(reference(), **{"answer-ex3": _ast_transformer("Assert")})


def every_statement_stripped_by_ast_transformer():
    return _answers(reference(), **{"answer-ex3": _ast_transformer("Assert", "Expr")})


def errors_swallowed():
    patch = (
        'choice = "c"\n'
        "import builtins, sys\n"
        "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"
        "sys.excepthook = lambda *a: None\n"
        "builtins.AssertionError = Warning\n"
        "AssertionError = Warning\n"
        "get_ipython().showtraceback = lambda *a, **k: None"
    )
    return _answers(reference(), **{"answer-ex3": patch})


def always_equal_answer():
    patch = (
        "class Anything:\n"
        "    def __eq__(self, other):\n        return True\n\n"
        "    def __ne__(self, other):\n        return False\n\n"
        "    def __hash__(self):\n        return 0\n\n\n"
        "choice = Anything()"
    )
    return _answers(reference(), **{"answer-ex3": patch})


def gigantic_output():
    spam = "print('x' * 30_000_000)\nfor i in range(20_000):\n    print(i)\nanswer = 42"
    return _answers(reference(), **{"answer-ex1": spam})


def gigantic_output_in_a_test():
    loud = "def double(x):\n    print('y' * 3_000_000)\n    return 2 * x"
    return _answers(reference(), **{"answer-ex2": loud})


def cells_reordered():
    nb = reference()
    nb.cells = list(reversed(nb.cells))
    return nb


def extra_cells_added():
    nb = _answers(reference(), **{"answer-ex1": "answer = 41"})
    nb.cells.insert(4, new_code_cell("answer = 42  # after the answer cell: not run"))
    return nb


def background_thread_repatches():
    patch = (
        'choice = "c"\n'
        "import threading, time\n\n\n"
        "def keep_patching():\n"
        "    while True:\n"
        "        get_ipython().user_ns['grading'].check_choice = lambda *a, **k: None\n"
        "        time.sleep(0.001)\n\n\n"
        "threading.Thread(target=keep_patching, daemon=True).start()"
    )
    return _answers(reference(), **{"answer-ex3": patch})


def event_hook_repatches():
    patch = (
        'choice = "c"\n'
        "def patch(*args):\n"
        "    get_ipython().user_ns['grading'].check_choice = lambda *a, **k: None\n\n\n"
        "for event in ('pre_execute', 'pre_run_cell'):\n"
        "    get_ipython().events.register(event, patch)"
    )
    return _answers(reference(), **{"answer-ex3": patch})


def tools_patched():
    patch = (
        'choice = "c"\n'
        "import hmac, os, sys, threading\n"
        "sys.settrace = sys.setprofile = threading.settrace = lambda f: None\n"
        "hmac.new = lambda *a, **k: None\n"
        "os.path.dirname = lambda p: ''\n"
        "get_ipython().user_ns['grading'].check_choice = lambda *a, **k: None"
    )
    return _answers(reference(), **{"answer-ex3": patch})


def handover_forged():
    """The answer kernel's side of the hand-over replaced, to send a crafted Keras configuration
    that would run ``os.system`` if the check kernel rebuilt it."""
    patch = (
        "choice = 'c'\n"
        "import json\n"
        "from course_utils.grading import handover\n"
        "forged = {'$': 'keras', 'weights': [], 'object': {'module': 'os', 'class_name': 'system',\n"
        "          'config': {'command': 'touch /tmp/pwned'}, 'registered_name': None}}\n\n\n"
        "def serve(request_path, reply_path):\n"
        "    with open(reply_path, 'w') as file:\n"
        "        json.dump({'values': {'choice': forged}}, file)\n\n\n"
        "handover.serve = serve"
    )
    return _answers(reference(), **{"answer-ex3": patch})


def fake_grader_object():
    patch = (
        "class Fake:\n"
        "    def before(self, nonce):\n        pass\n\n"
        "    def after(self, nonce):\n        pass\n\n\n"
        "__course_grader__ = Fake()\n"
        "answer = 41"
    )
    return _answers(reference(), **{"answer-ex1": patch})


# (submission, expected points per exercise, a phrase of ex-failure that must show, extra options)
CASES = {
    "reference solutions": (reference, FULL, None, {}),
    "untouched student version": (
        untouched,
        {"ex1": 0, "ex2": 0, "ex3": 0},
        ("ex1", "not answered yet"),
        {},
    ),
    "exception in an answer": (
        exception_in_answer,
        {**FULL, "ex1": 0},
        ("ex1", "raised ZeroDivisionError: division by zero"),
        {},
    ),
    "sys.exit() in an answer": (sys_exit, {**FULL, "ex1": 0}, ("ex1", "raised SystemExit"), {}),
    "os._exit() in an answer": (os_exit, {**FULL, "ex2": 0}, ("ex2", "kernel died"), {}),
    "crashed kernel (segfault)": (
        crashed_kernel,
        {**FULL, "ex3": 0},
        ("ex3", "kernel died"),
        {},
    ),
    "infinite loop": (
        lambda: _answers(reference(), **{"answer-ex2": "while True:\n    pass"}),
        {**FULL, "ex2": 0},
        ("ex2", "time limit"),
        {"cell_timeout": 3},
    ),
    "infinite loop that ignores interrupts": (
        lambda: _answers(
            reference(),
            **{
                "answer-ex1": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    pass"
            },
        ),
        {**FULL, "ex1": 0},
        ("ex1", "time limit"),
        {"cell_timeout": 3},
    ),
    "the whole run past its time limit": (
        lambda: _answers(reference(), **{"answer-ex2": "import time\ntime.sleep(120)"}),
        {**FULL, "ex2": 0, "ex3": 0},
        ("ex3", "not run: the whole submission ran past its time limit"),
        {"cell_timeout": 100, "timeout": 15},
    ),
    "test cell edited to pass": (edited_test_cell, {**FULL, "ex1": 0}, None, {}),
    "test cell deleted": (deleted_test_cell, {**FULL, "ex1": 0}, None, {}),
    "checks monkey-patched to no-ops": (
        checks_patched_to_no_ops,
        {**FULL, "ex1": 0},
        ("ex1", "the answer is 41 but should be 42"),
        {},
    ),
    "check's code and numpy patched": (
        check_code_and_numpy_patched,
        {**FULL, "ex2": 0},
        ("ex2", "differs from the expected values"),
        {},
    ),
    "assert stripped by an AST transformer": (
        assert_stripped_by_ast_transformer,
        {**FULL, "ex3": 0},
        ("ex3", "c is the most common wrong choice"),
        {},
    ),
    "every statement stripped by an AST transformer": (
        every_statement_stripped_by_ast_transformer,
        {**FULL, "ex3": 0},
        ("ex3", "the answer's kernel gave no reply"),
        {},
    ),
    "errors swallowed, AssertionError redefined": (
        errors_swallowed,
        {**FULL, "ex3": 0},
        ("ex3", "AssertionError"),
        {},
    ),
    "an answer that equals anything": (always_equal_answer, {**FULL, "ex3": 0}, None, {}),
    "gigantic output": (gigantic_output, FULL, None, {}),
    "gigantic output while a test runs": (gigantic_output_in_a_test, FULL, None, {}),
    "cells reordered": (cells_reordered, FULL, None, {}),
    "cells added by the learner are not run": (
        extra_cells_added,
        {**FULL, "ex1": 0},
        None,
        {},
    ),
    "background thread re-patching the checks": (
        background_thread_repatches,
        {**FULL, "ex3": 0},
        ("ex3", "c is the most common wrong choice"),
        {},
    ),
    "IPython event hook re-patching the checks": (
        event_hook_repatches,
        {**FULL, "ex3": 0},
        ("ex3", "c is the most common wrong choice"),
        {},
    ),
    "hmac, trace functions and os.path patched": (
        tools_patched,
        {**FULL, "ex3": 0},
        ("ex3", "c is the most common wrong choice"),
        {},
    ),
    "the hand-over forged with a configuration that runs code": (
        handover_forged,
        {**FULL, "ex3": 0},
        ("ex3", "outside Keras"),
        {},
    ),
    "a fake grader object in the notebook's globals": (
        fake_grader_object,
        {**FULL, "ex1": 0},
        ("ex1", "the answer is 41 but should be 42"),
        {},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_hostile_submission_gets_the_score_it_deserves(case, course, tmp_path):
    make, expected, failure, options = CASES[case]
    started = time.monotonic()
    report = _grade(course, tmp_path, make(), **options)
    assert _earned(report) == expected, report.table()
    assert report.max_score == 5
    if "source" not in options:  # the report says why it chose the notebook it did
        why = re.fullmatch(
            r"the source shares (\d) of the submission's \1 exercise ids and its file name",
            report.notes[0],
        )
        assert why, report.notes
    if failure:
        grade_id, phrase = failure
        assert phrase in _failure(report, grade_id), report.table()
    assert time.monotonic() - started < 60, "the grader must never hang"


def test_a_different_notebook_earns_nothing_against_the_source_it_names(course, tmp_path):
    other = new_notebook(
        cells=[answer_cell("elsewhere", "x = 1", ["x"]), check_cell("other", "pass", 3)]
    )
    other.metadata["kernelspec"] = source_notebook().metadata["kernelspec"]
    report = _grade(course, tmp_path, other, source=course / "tiny.ipynb")
    assert _earned(report) == {"ex1": 0, "ex2": 0, "ex3": 0}
    assert any("another notebook" in note for note in report.notes)


def test_the_source_is_found_by_grade_ids_whatever_the_file_name(course, tmp_path):
    path = tmp_path / "my homework (final).ipynb"
    nbformat.write(reference(), path)
    found, why = submission.find_source(nbformat.read(path, as_version=4), path, course)
    assert found.name == "tiny.ipynb" and "6 of the submission's 6 exercise ids" in why


def test_a_submission_named_after_another_notebook_is_refused(tmp_path):
    """Its file name says one notebook, its exercises another: the instructor must choose."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(source_notebook(), folder / "tiny.ipynb")
    other = source_notebook()
    for cell in other.cells:
        meta = cell.metadata.get("nbgrader", {})
        if "grade_id" in meta:
            meta["grade_id"] = "other-" + meta["grade_id"]
    nbformat.write(other, folder / "03_other.ipynb")
    path = tmp_path / "03_other.ipynb"
    nbformat.write(reference(), path)  # the tiny notebook's exercises, under the other's name
    with pytest.raises(GradingError, match="file name of .*03_other.* --source"):
        submission.find_source(nbformat.read(path, as_version=4), path, folder)


def test_a_notebook_matching_no_source_cannot_be_graded(course, tmp_path):
    path = tmp_path / "unrelated.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), path)
    with pytest.raises(GradingError, match="matches no notebook"):
        grader.grade(path, notebooks_dir=course)


def _course(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "course_utils", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"cells": [', "is not a notebook: it is not valid notebook JSON."),
        ("[1, 2]", "is not a readable notebook: "),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, '
            '"cells": [{"cell_type": "code", "source": 5, "metadata": {}, "outputs": []}]}',
            "is not a notebook: its cells are malformed.",
        ),
    ],
    ids=["invalid JSON", "JSON but not a notebook", "malformed cells"],
)
def test_a_file_that_is_not_a_notebook_is_refused_in_one_line(
    content, message, course, tmp_path, capsys
):
    path = tmp_path / "tiny.ipynb"
    path.write_text(content, encoding="utf-8")
    assert main(["grade", str(path), "--notebooks-dir", str(course)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"course grade: {path} ") and err.strip().count("\n") == 0, err
    assert message in err


def test_grade_json_of_the_real_start_here_notebook_gives_full_marks():
    result = _course("grade", "notebooks/00_start_here.ipynb", "--json", "--profile", "smoke")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["score"] == report["max_score"] == 1
    assert [q["failure"] for q in report["questions"]] == [None]


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_notebook_is_in_nbgraders_format(path):
    """nbgrader's own schema validator (metadata schema 3: ids, points, locks, no duplicates).

    That the reference solutions pass their checks is proven by nbval, which runs every notebook.
    """
    from nbgrader.nbgraderformat import MetadataValidator

    MetadataValidator().validate_nb(nbformat.read(path, as_version=4))


def test_nbgrader_validate_accepts_a_course_notebook(tmp_path):
    """nbgrader itself, end to end, on the shortest notebook: it prints its "Success!" line."""
    nbgrader = Path(sys.executable).with_name("nbgrader")
    result = subprocess.run(
        [str(nbgrader), "validate", "--Execute.iopub_timeout=120", str(NOTEBOOK_PATHS[0])],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert "Success! Your notebook passes all the tests." in result.stdout, (
        result.stdout[-5000:] + result.stderr[-5000:]
    )


TRANSLATION = "translating an English sentence into a French one of another length"


def _families_answer(changes):
    """An answer to notebook 01's exercise 1: the textbook's matching (translation is
    sequence-to-sequence), with the items in ``changes`` answered otherwise."""
    answers = {
        "image captioning": "vector-to-sequence",
        "named-entity recognition": "sequence-to-sequence",
        "sentiment of a movie review": "sequence-to-vector",
        TRANSLATION: "sequence-to-sequence",
        "at every hour of a temperature series, forecasting the next hour": "sequence-to-sequence",
        "classifying a sketch from its strokes": "sequence-to-vector",
        "generating a melody from a style vector": "vector-to-sequence",
    }
    answers.update(changes)
    return f"answers = {answers!r}"


# Wrong answers in circulation (shared/QUESTIONS.md), each submitted as the answer to the exercise
# it corresponds to: (answer cell, wrong answer, test cell that must give 0 for it[, phrases its
# failure must hold]). A few notebooks whose smoke run is short stand for the rest; every other
# exercise must still earn full marks.
WRONG_ANSWERS = {
    "01_sequence_model_families": [
        # Q1: "image captioning is sequence-to-vector", "named-entity recognition is
        # sequence-to-vector"; and a translation taken for vector-to-sequence.
        (
            "ex1-families",
            _families_answer(
                {
                    "image captioning": "sequence-to-vector",
                    "named-entity recognition": "sequence-to-vector",
                    TRANSLATION: "vector-to-sequence",
                }
            ),
            "ex1-families-check",
            ("3 of 7 items are matched wrongly",),
        ),
    ],
    "02_rnn_input_output_shapes": [
        # Q2: "an RNN layer's output is always 3-D (batch, time steps, units)".
        (
            "ex2-return-state",
            "returned_shapes = [(8, 15, 32), (8, 32), (8, 32)]",
            "ex2-return-state-check",
        ),
    ],
    "03_return_sequences": [
        # Q3: "in a deep sequence-to-sequence RNN the last RNN layer has return_sequences=False".
        ("ex1-seq2seq-flags", "seq2seq_flags = [True, True, False]", "ex1-seq2seq-flags-check"),
        # Q3: "in a sequence-to-vector RNN all layers, including the last, return sequences".
        # And the course's module that the check asks, patched in the answer's kernel to say it
        # is right: the check kernel never sees the patch.
        (
            "ex3-repair",
            "repaired = [True, True, True, True]\n"
            "shapes.stack_shapes = lambda *a, **k: type(\n"
            "    'Result', (), {'error': None, 'kind': 'sequence-to-vector'}\n)()",
            "ex3-repair-check",
        ),
        (
            "ex2-seq2vec",
            "classifier = keras.Sequential([keras.Input((None, 8)), "
            "layers.LSTM(64, return_sequences=True), layers.LSTM(32, return_sequences=True), "
            "layers.LSTM(16, return_sequences=True), layers.Dense(3, activation='softmax')])",
            "ex2-seq2vec-check",
        ),
    ],
    "07_conv1d_with_rnns": [
        # Q7: "use 1D convolution layers pre-trained on image datasets" (so some other option is
        # taken for the one that is not a reason).
        ("ex4-reasons", 'not_a_reason = "e"', "ex4-reasons-check"),
        # The convolutional front without its ReLU.
        (
            "ex3-front-model",
            "front_model = keras.Sequential([keras.Input((200, 3)), "
            "keras.layers.Conv1D(16, kernel_size=4, strides=2), keras.layers.GRU(16), "
            "keras.layers.Dense(1)])",
            "ex3-front-model-check",
        ),
    ],
    "08_video_classification": [
        # Q8: a Conv3D's 5-D output flattened into one "time step" per pixel, not one per frame.
        (
            "ex2-repair",
            "repaired = keras.Sequential([keras.Input((12, 32, 32, 1)), "
            "layers.Conv3D(8, 3, padding='same', activation='relu'), layers.Reshape((-1, 8)), "
            "layers.LSTM(16), layers.Dense(4, activation='softmax')])",
            "ex2-repair-check",
        ),
    ],
    "09_sketchrnn_classification": [
        # Q9: "the sketches are 28×28 images with 10 classes": a CNN over bitmaps, told why.
        (
            "ex3-gru",
            "def make_gru_classifier():\n"
            "    return keras.Sequential([keras.Input((28, 28, 1)),\n"
            "        keras.layers.Conv2D(32, 3, activation='relu'), keras.layers.Flatten(),\n"
            "        keras.layers.Dense(10, activation='softmax')])",
            "ex3-gru-check",
            ("not a 28×28 image", "345 classes"),
        ),
    ],
    "11_distributed_training": [
        # 1st ed. Q6: "build the model in the scope, compile it anywhere" (the model built inside
        # strategy.scope() and compiled outside, the answer a forged flag once passed), the
        # placements now answered as data.
        (
            "ex5-mirrored-model",
            "where_to_run = {\n"
            "    'create the model (its layers and their weights)': 'inside',\n"
            "    'compile it with optimizer=\"adam\"': 'anywhere',\n"
            "    'build its tf.data pipeline': 'anywhere',\n"
            "    'call fit, then evaluate': 'anywhere',\n"
            "}",
            "ex5-mirrored-model-check",
            ("1 of 4 items are matched wrongly",),
        ),
    ],
    "10_variable_length_and_unrolling": [
        # 1st ed. Q5: bucketing by length but leaving the batches ragged (unpadded).
        (
            "ex3-bucketing",
            "def bucketed_batches(dataset):\n"
            "    def bucket(r):\n"
            "        return tf.reduce_sum(tf.cast(tf.shape(r)[0] >= tf.constant([12, 16, 20, 24]), "
            "tf.int64))\n"
            "\n"
            "    return dataset.group_by_window(bucket, lambda k, w: w.ragged_batch(16), "
            "window_size=16)",
            "ex3-bucketing-check",
        ),
    ],
}


@pytest.mark.parametrize(
    "stem", [s for s in WRONG_ANSWERS if (ROOT / "notebooks" / f"{s}.ipynb").exists()]
)
def test_wrong_answers_in_circulation_score_zero(stem, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    source = ROOT / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(source, as_version=4)
    _answers(nb, **{answer: wrong for answer, wrong, *_ in WRONG_ANSWERS[stem]})
    path = tmp_path / f"{stem}.ipynb"
    nbformat.write(nb, path)
    report = grader.grade(path, notebooks_dir=ROOT / "notebooks", cell_timeout=300, timeout=600)
    told = {test: said[0] if said else () for _, _, test, *said in WRONG_ANSWERS[stem]}
    for question in report.questions:
        wanted = 0 if question.grade_id in told else question.points
        assert question.earned == wanted, report.table()
        for phrase in told.get(question.grade_id, ()):
            assert phrase in question.failure, report.table()


# Right answers written otherwise than the reference solution, each submitted as the answer to
# its exercise: (answer cell, right answer). Every exercise must earn full marks.
RIGHT_ANSWERS = {
    "08_video_classification": [
        # TensorFlow's softmax as the activation: its configuration names a function of
        # `builtins`, which the hand-over reads as Keras' softmax.
        ("ex1-output-layer", "ucf_output = layers.Dense(101, activation=tf.nn.softmax)"),
    ],
    "01_sequence_model_families": [
        # Translation named by the way it is done: an encoder–decoder (the reference names the
        # task, sequence-to-sequence, as the textbook does).
        ("ex1-families", _families_answer({TRANSLATION: "encoder–decoder"})),
    ],
    "11_distributed_training": [
        # The placements built by code, in another order, typed with capitals and spaces.
        (
            "ex5-mirrored-model",
            "where_to_run = dict.fromkeys(\n"
            "    ['call fit, then evaluate', 'build its tf.data pipeline'], 'Anywhere'\n"
            ")\n"
            "where_to_run['compile it with optimizer=\"adam\"'] = ' INSIDE'\n"
            "where_to_run['create the model (its layers and their weights)'] = 'Inside '",
        ),
    ],
}


@pytest.mark.parametrize(
    "stem", [s for s in RIGHT_ANSWERS if (ROOT / "notebooks" / f"{s}.ipynb").exists()]
)
def test_right_answers_written_otherwise_earn_full_marks(stem, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    _answers(nb, **dict(RIGHT_ANSWERS[stem]))
    path = tmp_path / f"{stem}.ipynb"
    nbformat.write(nb, path)
    report = grader.grade(path, notebooks_dir=ROOT / "notebooks", cell_timeout=300, timeout=600)
    assert all(q.earned == q.points for q in report.questions), report.table()


@pytest.mark.parametrize(
    "changes, right",
    [
        ({}, True),  # the textbook's answer: translation is sequence-to-sequence
        ({TRANSLATION: "encoder–decoder"}, True),  # the way it is done
        ({TRANSLATION: "encoder-decoder"}, True),  # typed with a hyphen
        ({TRANSLATION: "vector-to-sequence"}, False),
        ({TRANSLATION: "sequence-to-vector"}, False),
        ({"named-entity recognition": "encoder–decoder"}, False),
    ],
    ids=["textbook", "en-dash", "hyphen", "vec2seq", "seq2vec", "NER-encdec"],
)
def test_the_families_check_of_notebook_01_on_each_answer(changes, right):
    """Notebook 01's check cell itself, run on answers given as data."""
    nb = nbformat.read(ROOT / "notebooks" / "01_sequence_model_families.ipynb", as_version=4)
    check = next(c.source for c in nb.cells if cells.grade_id(c) == "ex1-families-check")
    namespace = {"grading": grading}
    exec(_families_answer(changes), namespace)
    if right:
        exec(check, namespace)
    else:
        [(item, answer)] = changes.items()
        wrong = f"{item!r} is not {answer!r}."
        told = re.escape(f"1 of 7 items are matched wrongly: {wrong}\n- {wrong} ")
        with pytest.raises(AssertionError, match=told):
            exec(check, namespace)


def test_the_table_escapes_control_characters_from_the_submission(course, tmp_path):
    redraw = "\\x1b[1A\\x1b[2K\\u200fex1-check  1 / 1  \\u2713"
    answer = f"raise ValueError('{redraw}')"
    report = _grade(course, tmp_path, _answers(reference(), **{"answer-ex1": answer}))
    table = report.table()
    assert _earned(report)["ex1"] == 0
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in table.replace("\n", ""))
    assert "\\x1b[1A" in table  # the rest of the row is clipped to the table's width
    failure = json.loads(report.to_json())["questions"][0]["failure"]
    assert "\\x1b[1A" in failure and "\\u200f" in failure  # escaped in the JSON too


def test_no_text_from_a_submission_can_look_like_a_row_or_a_total():
    """Padding that wraps on an 80-column terminal, and line breaks, stay on their own line."""
    fake_row = " " * 80 + "ex2-check  2 / 2  \u2713"
    fake_total = "\n\nTotal: 5 / 5"
    report = Report(
        submission="submission.ipynb",
        source="source.ipynb",
        questions=[Question("ex1-check", 1, 0.0, "ValueError: no" + fake_row + fake_total)],
        notes=["your answer cell 'answer-ex1" + " " * 90 + "Total: 5 / 5' was renamed"],
    )
    lines = report.table().splitlines()
    assert all(len(line) <= TABLE_WIDTH for line in lines)
    assert [line for line in lines if line.startswith("Total:")] == ["Total: 0 / 1"]
    assert sum("ex1-check" in line for line in lines) == 1 and not any(
        line.startswith("ex2-check") for line in lines
    )


def test_a_repeated_answer_cell_is_graded_once_and_said(course, tmp_path):
    nb = _answers(reference(), **{"answer-ex1": "answer = 41"})
    first = next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer-ex1"
    )
    second = nbformat.from_dict(copy.deepcopy(dict(first)))
    second.source, second.id = "answer = 42", "repeated"
    nb.cells.insert(nb.cells.index(first) + 1, second)
    report = _grade(course, tmp_path, nb)
    assert _earned(report)["ex1"] == 0, report.table()  # the first cell's answer, 41, is graded
    assert any("answer-ex1 appears more than once" in note for note in report.notes)


def test_a_renamed_answer_cell_is_named_in_the_notes(course, tmp_path):
    nb = reference()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "answer-ex2":
            cell.metadata["nbgrader"]["grade_id"] = "my-ex2"
    report = _grade(course, tmp_path, nb)
    assert _earned(report)["ex2"] == 0, report.table()
    notes = " ".join(report.notes)
    assert "missing from the submission: answer-ex2" in notes
    assert "were not graded: my-ex2 (a renamed grade id?" in notes


def test_the_renamed_strategy_method_gets_advice(course, tmp_path):
    answer = "import types\ntypes.SimpleNamespace().experimental_run_v2(print)\nanswer = 42"
    report = _grade(course, tmp_path, _answers(reference(), **{"answer-ex1": answer}))
    assert _earned(report)["ex1"] == 0
    assert "renamed strategy.run in TensorFlow 2.2" in _failure(report, "ex1"), report.table()


def test_python_m_course_utils_exits_2_when_grading_cannot_run(tmp_path):
    missing = tmp_path / "missing.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "course_utils", "grade", str(missing)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("course grade: ") and done.stderr.strip().count("\n") == 0


def test_an_unexpected_fault_is_one_line_and_status_2(monkeypatch, capsys, tmp_path):
    def broken(*args, **kwargs):
        raise KeyError("a fault\nover two lines")

    monkeypatch.setattr(grader, "grade", broken)
    assert main(["grade", str(tmp_path / "any.ipynb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("course grade: could not finish (KeyError: ") and err.count("\n") == 1


def _set_first(cells, kind, key, value):
    """Give the first answer (or test) cell's nbgrader metadata ``key`` the raw JSON ``value``."""
    for cell in cells:
        meta = cell["metadata"].get("nbgrader", {})
        if (
            meta.get("solution")
            if kind == "answer"
            else meta.get("grade") and not meta.get("solution")
        ):
            meta[key] = value
            return


@pytest.mark.parametrize(
    "kind, key, value, expected",
    [
        ("test", "grade_id", ["ex1"], {"ex1": 1.0, "ex2": 2.0, "ex3": 2.0}),
        ("answer", "grade_id", 7, {"ex1": 0.0, "ex2": 2.0, "ex3": 2.0}),
        ("answer", "grade_id", "answer-ex1\nTotal: 5 / 5", {"ex1": 0.0, "ex2": 2.0, "ex3": 2.0}),
        ("test", "points", "lots", {"ex1": 1.0, "ex2": 2.0, "ex3": 2.0}),
    ],
    ids=["test id a list", "answer id a number", "answer id with a fake total", "points a string"],
)
def test_malformed_metadata_in_a_submission_is_graded_not_a_crash(
    kind, key, value, expected, course, tmp_path
):
    """The submission's metadata is any JSON: odd ids or points are noted or ignored, never a
    traceback (the source's metadata decides what is graded and for how many points)."""
    nb = json.loads(nbformat.writes(reference()))
    _set_first(nb["cells"], kind, key, value)
    path = tmp_path / "tiny.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    report = grader.grade(path, notebooks_dir=course, cell_timeout=20, timeout=120)
    assert _earned(report) == expected, report.table()
    assert all(len(line) <= TABLE_WIDTH for line in report.table().splitlines()[1:])


def test_a_patched_encoder_earns_nothing_for_notebook_11s_placements(tmp_path, monkeypatch):
    """Notebook 11's exercise 5 once trusted a flag that the answer kernel computed ("built under
    the strategy"), and a patched encoder forged it. Its answer is now data that the check kernel
    reads itself: an answer kernel whose encoder adds those claims to everything it sends still
    earns nothing for wrong placements. The patch, made in exercise 1's answer, provably runs:
    it also sends exercise 1's global batch of 256 as 255, which fails that check."""
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    forged_encoder = (
        "global_batch = 64 * 4\n"
        "steps_per_epoch = -(-100_000 // global_batch)\n"
        "from course_utils.grading import handover\n"
        "encode = handover.Encoder.encode\n\n\n"
        "def forged(self, value, depth=0):\n"
        "    if type(value) is int and value == 256:\n"
        "        value = 255\n"
        "    data = encode(self, value, depth)\n"
        "    if isinstance(data, dict):\n"
        "        data.update(distributed=True, optimizer_distributed=True, correct=True)\n"
        "    return data\n\n\n"
        "handover.Encoder.encode = forged"
    )
    wrong_placements = (
        "where_to_run = {\n"
        "    'create the model (its layers and their weights)': 'inside',\n"
        "    'compile it with optimizer=\"adam\"': 'anywhere',\n"
        "    'build its tf.data pipeline': 'anywhere',\n"
        "    'call fit, then evaluate': 'anywhere',\n"
        "}"
    )
    nb = nbformat.read(ROOT / "notebooks" / "11_distributed_training.ipynb", as_version=4)
    _answers(nb, **{"ex1-global-batch": forged_encoder, "ex5-mirrored-model": wrong_placements})
    path = tmp_path / "11_distributed_training.ipynb"
    nbformat.write(nb, path)
    report = grader.grade(path, notebooks_dir=ROOT / "notebooks", cell_timeout=300, timeout=600)
    earned = _earned(report)
    assert earned["ex5-mirrored-model-check"] == 0, report.table()
    assert "1 of 4 items are matched wrongly" in _failure(report, "ex5-mirrored-model-check")
    assert earned["ex1-global-batch-check"] == 0, report.table()  # the patch ran
    assert "the global batch size is 255" in _failure(report, "ex1-global-batch-check")
    others = [q for q in report.questions if q.grade_id not in ("ex1-global-batch-check",
              "ex5-mirrored-model-check")]  # fmt: skip
    assert others and all(q.earned == q.points for q in others), report.table()
