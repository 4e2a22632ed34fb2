"""Grade a submitted notebook against its source, the instructor's version in ``notebooks/``.

The graded run is built from the SOURCE notebook: its cells, in its order, with each answer cell
(nbgrader ``solution`` cell) taken from the submission by ``grade_id``. Test cells therefore come
from the source, hidden tests included, whatever the submission did to them (edited, deleted,
moved), and cells the learner added are not run. An answer missing from the submission is graded
as unanswered (nbgrader's stub, which raises ``NotImplementedError``).

Two fresh kernels run it side by side. The ANSWER kernel runs the lesson's cells and the answers,
inside a sandbox where the machine allows it (:mod:`course_utils.grading.sandbox`). The CHECK
kernel runs the lesson's cells and the test cells, and never runs learner code: after each answer
it receives the names that exercise declares, as data (:mod:`course_utils.grading.handover`), and
calls to the learner's functions run in the answer kernel. So nothing an answer does to its own
kernel (patches, hooks, threads, objects that lie) can reach a check. Each kernel imports its own
copy of ``course_utils``; the course's files are put back if an answer changed them, and every
process the grading started is ended before the report exists.

If an answer loses a kernel (a crash, past the time limit), it is replaced by the stub and the
notebook run again, so that the other answers are still graded. A test earns its points when it
runs to its end without raising.
"""

import json
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbformat.reader import NotJSONError
from nbgrader.utils import is_grade, is_solution

import course_utils
from course_utils.grading import channel, processes, sandbox
from course_utils.grading.kernel import (
    Kernel,
    KernelLost,
    KernelStartError,
    environment,
    printable,
)
from course_utils.grading.release import student_version
from course_utils.grading.snapshot import Snapshot

PACKAGE_DIR = Path(course_utils.__file__).resolve().parent
WORK_ROOT = Path(tempfile.gettempdir()) / "course-grading"  # every grading's folder is in it
MAX_NOTEBOOK_BYTES = 100_000_000


class GradingError(Exception):
    """Grading could not run; the message says why in one line."""


@dataclass
class Question:
    """One test cell's result: ``failure`` is the first line of what went wrong, or ``None``."""

    grade_id: str
    points: float
    earned: float
    failure: str | None


TABLE_WIDTH = 80  # characters a line of the report's table: a terminal's width


@dataclass
class Report:
    """A graded submission: its questions, in the source's order, and notes for the grader."""

    submission: str
    source: str
    questions: list
    notes: list = field(default_factory=list)

    @property
    def score(self):
        return sum(q.earned for q in self.questions)

    @property
    def max_score(self):
        return sum(q.points for q in self.questions)

    def to_json(self):
        data = asdict(self)
        data.update(score=self.score, max_score=self.max_score)
        return json.dumps(data, indent=2, ensure_ascii=False)

    def table(self, columns=TABLE_WIDTH):
        """The report as a table of at most ``columns`` characters a line: one line per question
        and per note, so that no text from a submission can look like a row or a total."""
        width = min(max([len(q.grade_id) for q in self.questions] + [8]), columns // 2)
        lines = [_line(f"{self.submission}, graded against {self.source}", None), ""]
        lines.append(f"{'question':<{width}}  {'points':>9}  result")
        for q in self.questions:
            row = (
                f"{_line(q.grade_id, width):<{width}}  {_num(q.earned):>4} / {_num(q.points):<2}  "
            )
            result = "✓" if q.failure is None else _line(f"✗ {q.failure}", columns - len(row))
            lines.append(row + result)
        lines += ["", f"Total: {_num(self.score)} / {_num(self.max_score)}"]
        lines += [_line(f"Note: {note}", columns) for note in self.notes]
        return "\n".join(lines)


def _line(text, limit):
    """Learner text on one printable line of at most ``limit`` characters (``…`` when clipped)."""
    text = printable(" ".join(str(text).split()))
    return text if limit is None or len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def _num(x):
    return f"{x:g}"


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_answer(cell):
    """A code cell the learner writes: nbgrader's solution cell, graded or not."""
    return cell.cell_type == "code" and bool(is_solution(cell))


def _is_test(cell):
    """A code cell that earns points: nbgrader's grade cell that is not also a solution cell
    (a cell that is both is an answer, taken from the submission, never a test)."""
    return cell.cell_type == "code" and bool(is_grade(cell)) and not is_solution(cell)


def load_notebook(path):
    """Read a notebook, or raise :class:`GradingError` saying why it cannot be read."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise GradingError(
            f"{path} is {path.stat().st_size / 1e6:.0f} MB, more than a notebook should be: "
            "clear its outputs (Edit > Clear Outputs of All Cells) and save it again."
        )
    try:
        with warnings.catch_warnings():  # nbformat's warnings about old or odd files
            warnings.simplefilter("ignore")
            nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise GradingError(f"{path} does not exist.") from None
    except (NotJSONError, json.JSONDecodeError, UnicodeDecodeError):
        raise GradingError(f"{path} is not a notebook: it is not valid notebook JSON.") from None
    except Exception as error:  # nbformat raises many kinds on a file that is not a notebook
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GradingError(f"{path} is not a readable notebook: {reason}") from None
    cells = nb.get("cells")
    if not isinstance(cells, list) or not all(_well_formed(c) for c in cells):
        raise GradingError(f"{path} is not a notebook: its cells are malformed.")
    return nb


def _well_formed(cell):
    return (
        isinstance(cell, dict)
        and cell.get("cell_type") in ("code", "markdown", "raw")
        and isinstance(cell.get("source"), str)
        and isinstance(cell.get("metadata", {}), dict)
        and isinstance(cell.get("metadata", {}).get("nbgrader", {}), dict)
    )


def _grade_ids(nb):
    return {_meta(c)["grade_id"] for c in nb.cells if isinstance(_meta(c).get("grade_id"), str)}


def _source_grade_ids(path):
    """The grade_ids of a course notebook, read without nbformat's (slow) validation."""
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return set()
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
    return {i for i in ids if isinstance(i, str)}


def find_source(submission, path, notebooks_dir):
    """The source notebook for ``submission`` and why it was chosen: the one in ``notebooks_dir``
    sharing the most ``grade_id``s with it (the same file name breaks ties, or decides when none
    are shared). A submission named after one notebook whose exercises are another's is refused."""
    ids = _grade_ids(submission)
    best, best_key = None, (0, False)
    for candidate in sorted(Path(notebooks_dir).glob("*.ipynb")):
        key = (len(ids & _source_grade_ids(candidate)), candidate.name == Path(path).name)
        if key > best_key:
            best, best_key = candidate, key
    if best is None:
        raise GradingError(
            f"{Path(path).name} matches no notebook in {notebooks_dir}: it has none of their "
            "exercise cells (grade_id) and none has its file name; name it with --source."
        )
    named = Path(notebooks_dir) / Path(path).name
    if named.is_file() and best != named:
        raise GradingError(
            f"{Path(path).name} has the file name of {named} but the exercise cells of {best}: "
            "name the notebook to grade against with --source."
        )
    shared, same_name = best_key
    reasons = [f"{shared} of the submission's {len(ids)} exercise ids"] if shared else []
    reasons += ["its file name"] if same_name else []
    return best, f"the source shares {' and '.join(reasons)}"


def _hands_over(cell):
    """The names an answer cell hands to the checks, as its exercise declares them."""
    names = cell.metadata.get("course", {}).get("hands_over")
    if not (
        isinstance(names, list) and all(isinstance(n, str) and n.isidentifier() for n in names)
    ):
        grade_id = _meta(cell).get("grade_id")
        raise GradingError(
            f"answer cell {grade_id} does not declare what it hands to the checks: give it the "
            'metadata "course": {"hands_over": [names it defines]}.'
        )
    return names


@dataclass
class _Cell:
    role: str  # "lesson", "answer" or "test"
    source: str
    grade_id: str | None = None
    names: list = field(default_factory=list)  # what an answer hands over


def _plan(source, answers, stubs, stubbed):
    """The graded run's cells, in the source's order, up to its last test cell: the source's own
    cells, except each answer, taken from the submission (or the stub)."""
    cells = []
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        grade_id = _meta(cell).get("grade_id")
        if _is_answer(cell):
            chosen = stubs[grade_id] if grade_id in stubbed else answers.get(grade_id)
            code = stubs[grade_id] if chosen is None else chosen
            cells.append(_Cell("answer", code, grade_id, _hands_over(cell)))
        elif _is_test(cell):
            cells.append(_Cell("test", cell.source, grade_id))
        else:
            cells.append(_Cell("lesson", cell.source))
    last_test = max(i for i, c in enumerate(cells) if c.role == "test")
    return cells[: last_test + 1]


@dataclass
class _Outcome:
    """What a run did: each answer's and test's run, and why an answer's values did not reach
    the checks."""

    answers: dict = field(default_factory=dict)
    tests: dict = field(default_factory=dict)
    not_handed: dict = field(default_factory=dict)


class _Lost(Exception):
    """A kernel was lost because of answer ``culprit`` (``None``: before any answer ran)."""

    def __init__(self, culprit, reason, index, outcome):
        super().__init__(reason)
        self.culprit, self.reason, self.index, self.outcome = culprit, reason, index, outcome


def _score(cells, outcome, sources, stubbed, deadline_hit):
    questions, answers_seen = [], []
    for cell in cells:
        if cell.role == "answer":
            answers_seen.append(cell.grade_id)
        elif cell.role == "test":
            run = outcome.tests.get(cell.grade_id)
            failure = "not run" if run is None else run.error
            if failure is not None:
                failure = _answer_reason(answers_seen, outcome, stubbed, deadline_hit) or failure
            if failure and failure.startswith("NotImplementedError"):  # a function still a stub
                failure = f"not answered yet: {failure}"
            points = float(_meta(sources[cell.grade_id]).get("points", 0))
            questions.append(Question(cell.grade_id, points, 0.0 if failure else points, failure))
            answers_seen = []
    return questions


def _answer_reason(answers, outcome, stubbed, deadline_hit):
    """What went wrong in the answers a failed test checks, if anything did."""
    for grade_id in answers:
        run = outcome.answers.get(grade_id)
        if grade_id in stubbed:
            return f"your answer {grade_id!r} was not graded: {stubbed[grade_id]}"
        if run is None and deadline_hit:
            return "not run: the whole submission ran past its time limit"
        if run is not None and run.error and run.error.startswith("NotImplementedError"):
            return f"not answered yet: {grade_id!r} still raises NotImplementedError"
        if run is not None and run.error:
            return f"your answer {grade_id!r} raised {run.error}{_advice(run.error)}"
        if outcome.not_handed.get(grade_id):
            return f"your answer {grade_id!r}: {outcome.not_handed[grade_id]}"
    return None


# Errors that answers in circulation raise, and what to write instead.
ADVICE = {
    "attribute 'experimental_run_v2'": "strategy.experimental_run_v2 was renamed strategy.run "
    "in TensorFlow 2.2: call strategy.run(step, args=(...))",
}


def _advice(error):
    """`` · advice`` for a known mistake in ``error``, else an empty string."""
    return "".join(f" · {advice}" for known, advice in ADVICE.items() if known in error)


def grade(
    submission_path, *, source=None, notebooks_dir="notebooks", cell_timeout=300, timeout=1800
):
    """Grade the notebook at ``submission_path``; return a :class:`Report`.

    ``source`` is the instructor's notebook (found in ``notebooks_dir`` when ``None``);
    ``cell_timeout`` and ``timeout`` are the limits, in seconds, for one cell and the whole run.
    Raises :class:`GradingError` when grading cannot run.
    """
    submission = load_notebook(submission_path)
    chosen = []
    if source:
        source_path = Path(source)
    else:
        source_path, why = find_source(submission, submission_path, notebooks_dir)
        chosen.append(why)
    source_nb = load_notebook(source_path)
    tests = [c for c in source_nb.cells if _is_test(c)]
    if not tests:
        raise GradingError(f"{source_path} has no test cells, so there is nothing to grade.")
    try:
        stubs = {
            _meta(c)["grade_id"]: c.source
            for c in student_version(source_nb).cells
            if _is_answer(c)
        }
    except ValueError as error:
        raise GradingError(f"{source_path} is not in nbgrader's format: {error}") from None
    answers, notes = _collect_answers(submission, source_nb)
    notes = chosen + notes
    for cell in source_nb.cells:
        if _is_answer(cell):
            _hands_over(cell)  # every answer declares its hand-over, before anything runs
    # Without the sandbox an answer can write the course's files: they are put back after it.
    folders = [] if sandbox.available() else [PACKAGE_DIR, Path(notebooks_dir), source_path.parent]
    protected = Snapshot(folders)
    processes.become_subreaper()
    try:
        WORK_ROOT.mkdir(mode=0o700, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="course-grade-", dir=WORK_ROOT) as work:
            run = _Grading(source_nb, answers, stubs, Path(work), (cell_timeout, timeout))
            cells, outcome, stubbed, deadline_hit = run.until_it_ends()
    finally:
        processes.end_descendants()  # detached children too: nothing outlives the grading
        notes += protected.restore()
    if not sandbox.available():
        notes.append(sandbox.FALLBACK_NOTE)
    sources = {_meta(c)["grade_id"]: c for c in tests}
    questions = _score(cells, outcome, sources, stubbed, deadline_hit)
    return Report(str(submission_path), str(source_path), questions, notes)


class _Grading:
    """The graded run: answers in one kernel (sandboxed where possible), checks in another."""

    def __init__(self, source_nb, answers, stubs, work, limits):
        self.source_nb, self.answers, self.stubs = source_nb, answers, stubs
        self.work = work
        self.cell_timeout, self.deadline = limits[0], time.monotonic() + limits[1]
        self.runs = 0

    def until_it_ends(self):
        """Run; an answer that loses a kernel (a crash, past its time limit) is replaced by the
        stub and the notebook run again, until a run ends or the deadline passes.

        Returns the cells and outcome of the run to score (the furthest one when the deadline
        passed), the answers replaced by the stub with why, and whether the deadline passed.
        """
        stubbed = self.stubbed = {}
        furthest = None
        while True:
            cells = _plan(self.source_nb, self.answers, self.stubs, stubbed)
            try:
                return cells, self._once(cells), stubbed, False
            except KernelStartError as error:
                raise GradingError(str(error)) from None
            except _Lost as lost:
                deadline_hit = lost.reason == _WHOLE_RUN or time.monotonic() >= self.deadline
                if furthest is None or lost.index > furthest[0]:
                    blamed = (
                        {lost.culprit: lost.reason} if lost.culprit and not deadline_hit else {}
                    )
                    furthest = (lost.index, cells, lost.outcome, {**stubbed, **blamed})
                if deadline_hit:
                    return (*furthest[1:], True)
                if lost.culprit is None:
                    raise GradingError(
                        f"the graded run failed at its code cell {lost.index}, before any "
                        f"answer of the submission ran: {lost.reason}."
                    ) from None
                stubbed[lost.culprit] = lost.reason

    def _once(self, cells):
        self.runs += 1
        folder = self.work / f"run-{self.runs}"
        answer_dir, check_dir = folder / "answer", folder / "check"
        answer_lib, check_lib = _private_copy(answer_dir / "lib"), _private_copy(check_dir / "lib")
        outcome, kernels = _Outcome(), []
        try:
            answer, reply = _start_answer(answer_dir, answer_lib, kernels)
            check = _start_check(check_dir, check_lib, kernels)
            relay = _Relay(answer, reply, self.cell_timeout)
            for index, cell in enumerate(cells):
                self._cell(index, cell, answer, check, relay, outcome, cells)
            return outcome
        finally:
            for kernel in kernels:
                kernel.shutdown()

    def _cell(self, index, cell, answer, check, relay, outcome, cells):
        """Run one cell: a lesson cell in both kernels at once, an answer in the answer kernel
        (then its names are handed to the check kernel), a test in the check kernel."""

        def lost(reason, culprit=None):
            culprit = culprit or _culprit(cells, index, self.stubbed)
            return _Lost(culprit, reason, index, outcome)

        def limit():
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise lost(_WHOLE_RUN)
            return min(self.cell_timeout, left)

        def finish(kernel, on_input=None):
            try:
                result = kernel.wait(on_input)
            except KernelLost as error:
                whole = time.monotonic() >= self.deadline - 0.5  # the deadline was the limit
                raise lost(_WHOLE_RUN if whole else error.reason) from None
            if relay.lost:
                raise lost(relay.lost, relay.lost_owner)
            return result

        relay.owner = cell.grade_id if cell.role == "answer" else None
        if cell.role == "lesson":
            answer.start(cell.source, timeout=limit())
            check.start(cell.source, timeout=limit(), allow_stdin=True)
            finish(check, relay)
            if answer.pending:  # unless the relay waited for it
                finish(answer)
        elif cell.role == "answer":
            answer.start(cell.source, timeout=limit())
            outcome.answers[cell.grade_id] = finish(answer)
            relay.not_handed = []
            check.start(_receive(cell), timeout=limit(), allow_stdin=True)
            result = finish(check, relay)
            if result.error or relay.not_handed:
                outcome.not_handed[cell.grade_id] = "; ".join(relay.not_handed) or result.error
        else:
            check.start(cell.source, timeout=limit(), allow_stdin=True)
            outcome.tests[cell.grade_id] = finish(check, relay)


_WHOLE_RUN = "the time limit of the whole run was reached"


def _receive(cell):
    return (
        f"__import__('course_utils.grading.handover', fromlist=['receive']).receive({cell.names!r})"
    )


def _start_answer(folder, lib, kernels):
    """The answer kernel, in the sandbox where there is one, and the path of its reply file."""
    channel, scratch = folder / "k", folder / "tmp"
    channel.mkdir(parents=True)
    reply = channel / "reply.json"
    reply.touch(mode=0o600)
    prefix = sandbox.prefix(channel, lib)
    user = sandbox.kernel_user() if prefix else None
    if user is not None:
        os.chown(reply, *user)
    if not prefix:
        scratch.mkdir()
    env = sandbox.environment(lib, "/tmp" if prefix else scratch)
    kernels.append(Kernel(channel, env=env, prefix=prefix, user=user))
    return kernels[-1], reply


def _start_check(folder, lib, kernels):
    """The check kernel, whose writable places (temporary files, caches) are all in ``folder``."""
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    own = {"TMPDIR": "tmp", "MPLCONFIGDIR": "mpl", "IPYTHONDIR": "ipython"}
    env = environment(lib, {name: str(folder / sub) for name, sub in own.items()})
    kernels.append(Kernel(folder, env=env))
    return kernels[-1]


class _Relay:
    """Answers the check kernel's requests by running them in the answer kernel."""

    def __init__(self, answer, reply, cell_timeout):
        self.answer, self.reply, self.cell_timeout = answer, reply, cell_timeout
        self.owner, self.owners = None, {}  # function handle -> the answer that handed it over
        self.lost = self.lost_owner = None
        self.not_handed = []

    def __call__(self, prompt, left):
        try:
            request = json.loads(prompt)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            return _error("ValueError", "the grader received a request it cannot read")
        owner = self.owner if request.get("op") == "receive" else self.owners.get(request.get("id"))
        if self.lost:
            return _error("RuntimeError", "the answer's kernel is gone")
        try:
            if self.answer.pending:  # the lesson cell both kernels run: the answer's ends first
                self.answer.wait()
        except KernelLost as error:
            self.lost = error.reason
            return _error("RuntimeError", f"the answer's kernel was lost: {error.reason}")
        try:
            channel.clear(self.reply)
        except channel.BadReply as error:
            return self._failed("RuntimeError", f"the answer's kernel: {error}")
        try:
            run = self.answer.run(
                "__import__('course_utils.grading.handover', fromlist=['serve'])"
                f".serve({prompt!r}, {str(self.reply)!r})",
                timeout=max(1, min(self.cell_timeout, left)),
            )
        except KernelLost as error:
            self.lost, self.lost_owner = error.reason, owner
            return _error("RuntimeError", f"the answer's kernel was lost: {error.reason}")
        try:
            text, reply = channel.read(self.reply)
        except channel.BadReply as error:
            said = f" ({run.error})" if run.error else ""
            return self._failed("RuntimeError", f"the answer's kernel: {error}{said}")
        self.not_handed += [printable(e)[:500] for e in reply.get("errors", {}).values()]
        for handle in _function_handles(reply):
            self.owners[handle] = owner
        return text

    def _failed(self, kind, message):
        """An error reply, remembered as the reason the answer's values did not arrive."""
        self.not_handed.append(message)
        return _error(kind, message)


def _error(kind, message):
    return json.dumps({"error": [kind, message], "values": {}})


def _function_handles(data):
    """The function handles in a reply (so that a call is blamed on the answer it came from)."""
    stack, found = [data], []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("$") == "function" and isinstance(item.get("id"), int):
                found.append(item["id"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _private_copy(lib):
    """Copy ``course_utils`` into the folder ``lib`` for a kernel to import; return ``lib``."""
    shutil.copytree(PACKAGE_DIR, lib / "course_utils", ignore=shutil.ignore_patterns("__pycache__"))
    return lib


def _culprit(cells, index, stubbed):
    """The last answer at or before cell ``index`` that is not yet replaced by the stub."""
    for cell in reversed(cells[: index + 1]):
        if cell.role == "answer" and cell.grade_id not in stubbed:
            return cell.grade_id
    return None


def _collect_answers(submission, source_nb):
    """The submission's answer cells by grade_id, and notes on what differs from the source."""
    answers, repeated = {}, []
    for cell in submission.cells:
        grade_id = _meta(cell).get("grade_id")
        if _is_answer(cell) and isinstance(grade_id, str):
            if grade_id in answers:
                repeated.append(grade_id)
            else:
                answers[grade_id] = cell.source
    wanted = [_meta(c)["grade_id"] for c in source_nb.cells if _is_answer(c)]
    missing = [g for g in wanted if g not in answers]
    unknown = [printable(g) for g in answers if g not in wanted]  # the submission's own text
    notes = _answer_cell_notes(wanted, missing, unknown, [printable(g) for g in repeated])
    sub_tests = {
        _meta(c)["grade_id"]: c.source
        for c in submission.cells
        if _is_test(c) and isinstance(_meta(c).get("grade_id"), str)  # a submission's ids: any JSON
    }
    for cell in source_nb.cells:
        if _is_test(cell):
            grade_id = _meta(cell)["grade_id"]
            mine = sub_tests.get(grade_id)
            student = student_test_source(cell)
            if mine is None and len(missing) < len(wanted):
                notes.append(f"test cell {grade_id} was missing; the original was run")
            elif mine is not None and mine.strip() not in (cell.source.strip(), student.strip()):
                notes.append(f"test cell {grade_id} was edited; the original was run")
    return answers, notes


def _answer_cell_notes(wanted, missing, unknown, repeated):
    """Notes on answer cells missing, renamed (an id the notebook does not have) or repeated."""
    if missing and len(missing) == len(wanted):
        return ["the submission has none of this notebook's answer cells (another notebook?)"]
    notes = []
    if missing:
        notes.append(f"answer cells missing from the submission: {', '.join(missing)}")
    if unknown:
        notes.append(
            f"answer cells with ids this notebook does not have were not graded: "
            f"{', '.join(unknown)} (a renamed grade id? keep the ids as handed out)"
        )
    for grade_id in dict.fromkeys(repeated):
        notes.append(f"answer cell {grade_id} appears more than once: only the first was graded")
    return notes


def student_test_source(cell):
    """A test cell as the student version shows it (hidden tests removed)."""
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {
        "language": "python",
        "name": "python3",
        "display_name": "Python 3",
    }
    return student_version(nb).cells[0].source
