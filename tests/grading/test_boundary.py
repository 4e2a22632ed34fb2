"""Answers that attack the sandbox's boundary, the grader's channel or its parsing: each one is
closed, as root (as CI and many graders' containers run) and as an unprivileged user (`.ci/run`
runs this file a second time as ``nobody``).

The sandbox shows the answer only what it needs (no repository, history, home folder or other
submission), starts it with a scrubbed environment, as an unprivileged user without capabilities,
with bounded memory and disk; the grader reads the answer kernel's reply from a file it created,
never following a link or waiting on a pipe, and parses it within bounds. Like
``test_separation.py``, these run in the tiny course of ``tests/fixtures``.
"""

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from course_utils.grading import cells, channel, grader, report, sandbox
from course_utils.grading.cli import main as course_main
from tests.grading.test_separation import ROOT, _earned, _submission

FULL = {"ex1": 1.0, "ex2": 2.0, "ex3": 2.0}


@pytest.fixture
def boxed():
    if not sandbox.available():
        pytest.skip("bubblewrap cannot run on this machine")


def test_the_sandbox_runs_wherever_bubblewrap_does():
    """Wherever a plain bubblewrap sandbox starts, the answer kernel's starts too (the checkout
    and its environment may sit under /tmp, as in CI, which the sandbox's own /tmp covers)."""
    plain = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-all", "true"]
    if os.environ.get(sandbox.DISABLE) or not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed here, or turned off")
    if subprocess.run(plain, capture_output=True).returncode != 0:
        pytest.skip("bubblewrap cannot create namespaces here")
    sandbox.available.cache_clear()
    assert sandbox.available()


def _probe(condition):
    """An answer to ex1 that is right only when ``condition`` holds in the answer's kernel."""
    return f"import os, pathlib, resource, subprocess, sys\nanswer = 42 if ({condition}) else 41"


def test_the_repository_its_history_and_other_folders_are_not_there(boxed, course, tmp_path):
    other = tmp_path / "another-submission.ipynb"
    other.write_text("{}")
    home = Path.home() / f".course-boundary-test-{uuid.uuid4().hex}"
    home.write_text("the grader's own file")
    try:
        hidden = [ROOT / ".git", ROOT / "notebooks", ROOT / "README.md", course, other, home]
        seen = " or ".join(f"pathlib.Path({str(p)!r}).exists()" for p in hidden)
        history = f"['git', '-C', {str(ROOT)!r}, 'log', '-1']"
        probe = _probe(f"not ({seen}) and subprocess.run({history}).returncode != 0")
        earned, report = _earned(_submission(tmp_path, **{"answer-ex1": probe}), course)
    finally:
        home.unlink()
    assert earned["ex1"] == 1, report.table()


def test_the_answer_kernel_has_no_privilege_and_cannot_remount(boxed, course, tmp_path):
    unprivileged = (
        "os.getuid() != 0 and int(pathlib.Path('/proc/self/status').read_text()"
        ".split('CapEff:')[1].split()[0], 16) == 0"
    )
    remount = "subprocess.run(['mount', '-o', 'remount,rw', '/'], capture_output=True).returncode"
    package = "pathlib.Path(sys.modules['course_utils'].__file__)"
    writable = f"os.access({package}, os.W_OK) or os.access({package}.parent, os.W_OK)"
    earned, report = _earned(_submission(tmp_path, **{"answer-ex1": _probe(
        f"{unprivileged} and {remount} != 0 and not ({writable})"
    )}), course)  # fmt: skip
    assert earned["ex1"] == 1, report.table()


# The grader's token is not passed on; the kernel runs on the CPU, as the check kernel does.
GRADER_ENV_GONE = "'GRADER_TOKEN' not in os.environ and os.environ['CUDA_VISIBLE_DEVICES'] == ''"


def test_the_grader_s_environment_stays_the_grader_s(mode, course, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_TOKEN", "secret")
    earned, report = _earned(
        _submission(tmp_path, **{"answer-ex1": _probe(GRADER_ENV_GONE)}), course
    )
    assert earned["ex1"] == 1, report.table()
    unboxed = [note for note in report.notes if "without a sandbox" in note]
    assert bool(unboxed) == (mode == "no sandbox"), report.notes


def test_memory_and_disk_are_bounded(boxed, course, tmp_path):
    probe = (
        "import mmap, os, resource\n"
        f"try:\n    mmap.mmap(-1, {sandbox.MEMORY + 1})\n    bounded = False\n"
        "except OSError:  # ENOMEM: more than the address space allowed\n    bounded = True\n"
        "disk = os.statvfs('/tmp')\n"
        f"bounded = bounded and disk.f_blocks * disk.f_frsize <= {sandbox.DISK}\n"
        f"bounded = bounded and 0 < resource.getrlimit(resource.RLIMIT_FSIZE)[0] <= {sandbox.DISK}\n"
        "answer = 42 if bounded else 41"
    )
    earned, report = _earned(_submission(tmp_path, **{"answer-ex1": probe}), course)
    assert earned["ex1"] == 1, report.table()


# Answers that take over the answer kernel's side of the channel (its reply file): the grader
# must follow no link, wait on no pipe and survive any reply, failing only that exercise.
REPLACE_REPLY = """import os
from ipykernel.connect import get_connection_file
reply = os.path.join(os.path.dirname(get_connection_file()), 'reply.json')
for name in ('reply.json', 'request.json'):
    path = os.path.join(os.path.dirname(reply), name)
    try:
        os.unlink(path)
    except OSError:
        pass
    try:
        (MAKE)(path)
    except OSError:
        pass
def double(x):
    return 2 * x
"""

MALFORMED_REPLY = """def double(x):
    return 2 * x


from course_utils.grading import handover


def serve(request, reply_path):
    with open(reply_path, 'wb') as file:
        file.write(REPLY)


handover.serve = serve
"""


@pytest.mark.parametrize(
    "make",
    [
        "lambda path: os.symlink(VICTIM, path)",
        "lambda path: os.symlink('/proc/self/pagemap', path)",
        "os.mkfifo",
        "os.mkdir",
    ],
    ids=["link to a file of the grader's", "link to /proc/self/pagemap", "a FIFO", "a folder"],
)
def test_the_grader_follows_no_link_of_the_answer(mode, course, tmp_path, make):
    victim = tmp_path / "instructor.txt"
    victim.write_text("the instructor's file")
    victim.chmod(0o666)  # writable by anyone: only the grader's own care protects it
    code = REPLACE_REPLY.replace("MAKE", make.replace("VICTIM", repr(str(victim))))
    earned, report = _earned(_submission(tmp_path, **{"answer-ex2": code}), course)
    assert victim.read_text() == "the instructor's file"
    assert earned["ex1"] == 1, report.table()
    if earned["ex2"] == 0:  # the reply file was replaced (without the sandbox, or unprivileged)
        assert "reply file" in report.questions[1].failure, report.table()


@pytest.mark.parametrize(
    "reply",
    [
        b'{"values": {}, "errors": [1, 2]}',
        b'{"values": [], "errors": {}}',
        b'{"value": 1, "error": "boom"}',
        b"\xff\xfe not text",
        "b'[' * 200_000 + b']' * 200_000",
        "b'[' + b'[],' * 12_000_000 + b'[]]'",
    ],
    ids=[
        "errors a list",
        "values a list",
        "error a string",
        "not UTF-8",
        "200,000 deep",
        "36 MB of lists",
    ],  # fmt: skip
)
def test_a_malformed_reply_fails_its_exercise_not_the_grading(mode, course, tmp_path, reply):
    code = MALFORMED_REPLY.replace("REPLY", repr(reply) if isinstance(reply, bytes) else reply)
    earned, report = _earned(_submission(tmp_path, **{"answer-ex2": code}), course)
    # serve stays replaced: the hand-over of ex3's answer fails too
    assert earned == {"ex1": 1.0, "ex2": 0.0, "ex3": 0.0}, report.table()
    assert "the answer's kernel" in report.questions[1].failure, report.table()


def test_the_channel_reads_only_a_bounded_regular_file(tmp_path):
    path = tmp_path / "reply.json"
    path.write_text(json.dumps({"values": {"x": [1, 2]}, "errors": {}}))
    assert channel.read(path)[1] == {"values": {"x": [1, 2]}, "errors": {}}
    path.write_bytes(b" " * (channel.MAX_BYTES + 1))
    with pytest.raises(channel.BadReply, match="larger than"):
        channel.read(path)
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(channel.BadReply, match="cannot be opened"):
        channel.clear(path)


def test_learner_text_in_ids_cannot_break_the_report(mode, course, tmp_path):
    """A renamed answer id holding a lone surrogate and a terminal escape: a note, never a crash
    of the table or of the JSON report."""
    path = _submission(tmp_path)
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "answer-ex3":
            cell["metadata"]["nbgrader"]["grade_id"] = "ex3\ud800\x1b[2J"
    path.write_text(json.dumps(nb))
    report = grader.grade(path, notebooks_dir=course, cell_timeout=20, timeout=120)
    table, data = report.table(), report.to_json()
    table.encode("utf-8")
    data.encode("utf-8")
    assert "\x1b" not in table + data and "ex3\\ud" in table
    assert any("ex3\\ud800\\x1b[2J" in note for note in json.loads(data)["notes"])
    assert json.loads(data)["score"] == 3


# What an answer's kernel can send the grader through Jupyter's own channels, or make the check
# kernel build: the grading still ends with a report, within its bounds.
KERNEL_MESSAGES = {
    "a status message without a state": (
        "k = get_ipython().kernel\n"
        "k.session.send(k.iopub_socket, 'status', {}, parent=k.get_parent())"
    ),
    "an error message of 80 MB": "raise ValueError('x' * 80_000_000)",
    "a lone surrogate in the source": "pass  # \ud800",
}


@pytest.mark.parametrize("sent", KERNEL_MESSAGES.values(), ids=KERNEL_MESSAGES.keys())
def test_what_the_answer_kernel_sends_cannot_stop_the_grading(mode, course, tmp_path, sent):
    code = f"def double(x):\n    return 2 * x\n\n\n{sent}"
    nb = json.loads(_submission(tmp_path).read_text())
    for cell in nb["cells"]:
        if cells.grade_id(cell) == "answer-ex2":
            cell["source"] = code
    path = tmp_path / "submission" / "tiny.ipynb"
    path.write_text(json.dumps(nb))  # \ud800 escaped in the JSON, as a notebook may hold it
    earned, report = _earned(path, course)
    assert earned["ex1"] == 1 and earned["ex3"] == 2, report.table()


def test_a_huge_keras_object_handed_over_is_refused_by_the_check_kernel(mode, course, tmp_path):
    """A 1 KB configuration of a Dense layer of 2.5 billion weights: the check kernel, which
    rebuilds it, is bounded like the answer kernel, so the exercise fails and the machine lives."""
    dense = {
        "module": "keras.layers", "class_name": "Dense", "registered_name": None,
        "config": {"name": "dense", "units": 50_000, "dtype": "float32"},
        "build_config": {"input_shape": [None, 50_000]},
    }  # fmt: skip
    forged = {"values": {"answer": {"$": "keras", "object": dense, "weights": []}}, "errors": {}}
    code = MALFORMED_REPLY.replace("REPLY", repr(json.dumps(forged).encode()))
    code = code.replace("def double(x):\n    return 2 * x", "answer = 42")
    path = _submission(tmp_path, **{"answer-ex1": code})
    report = grader.grade(path, notebooks_dir=course, cell_timeout=180, timeout=400)  # imports TF
    assert report.questions[0].earned == 0, report.table()
    assert "could not be rebuilt" in report.questions[0].failure, report.table()
    assert "Keras' own layers and activations only" in report.questions[0].failure, report.table()


def test_no_text_of_a_submission_is_wider_than_the_table():
    """Full-width letters take two columns: a note of 80 of them, clipped by characters, would
    wrap and show its 'Total' on a line of its own."""
    fake = "\uff38" * 31 + "Total: 5 / 5" + "\u2800" * 19
    questions = [report.Question("ex1-check", 1, 0.0, fake * 3)]
    table = report.Report("ｓｕｂ" * 40 + ".ipynb", "notebooks/x.ipynb", questions, [fake * 2])
    assert all(report._columns(line) <= report.TABLE_WIDTH for line in table.table().splitlines())


def test_the_json_report_survives_a_file_name_that_is_not_text(course, tmp_path, capsys):
    path = _submission(tmp_path)
    odd = path.with_name("tiny\udcff.ipynb")  # the byte 0xff in the file's name
    path.rename(odd)
    status = course_main(["grade", str(odd), "--json", "--notebooks-dir", str(course), "--source",
                   str(course / "tiny.ipynb"), "--cell-timeout", "20"])  # fmt: skip
    assert status == 0
    assert json.loads(capsys.readouterr().out)["submission"].endswith("tiny\\udcff.ipynb")
