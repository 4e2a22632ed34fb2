"""Grade a submitted notebook against its source, the instructor's version in ``notebooks/``.

The graded run is built from the SOURCE notebook: its cells, in its order, with each answer cell
(nbgrader ``solution`` cell) taken from the submission by ``grade_id``. Test cells therefore come
from the source, hidden tests included, whatever the submission did to them (edited, deleted,
moved), and cells the learner added are not run. An answer missing from the submission is graded
as unanswered (nbgrader's stub, which raises ``NotImplementedError``).

The run happens in a fresh kernel (:mod:`course_utils.grading.kernel`) that imports a private copy
of ``course_utils``, so that an answer that rewrites the package's files changes only this
grading's copy; the guard (:mod:`course_utils.grading.guard`) protects every test cell. If an answer
kills the kernel or runs past the time limit, that answer is replaced by the stub and the notebook
is run again, so that the other answers are still graded. A test earns its points when it runs to
its end without raising.
"""

import ast
import builtins
import hmac
import json
import os
import secrets
import shutil
import tempfile
import time
import unicodedata
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbformat.reader import NotJSONError
from nbgrader.utils import is_grade, is_solution

import course_utils
from course_utils.grading.guard import PREFIX
from course_utils.grading.kernel import KernelLost, KernelStartError, run_cells
from course_utils.grading.release import student_version

PACKAGE_DIR = Path(course_utils.__file__).resolve().parent
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

    def table(self):
        width = max([len(q.grade_id) for q in self.questions] + [8])
        lines = [f"{printable(self.submission)}, graded against {printable(self.source)}", ""]
        lines.append(f"{'question':<{width}}  {'points':>9}  result")
        for q in self.questions:
            result = "✓" if q.failure is None else f"✗ {printable(q.failure)}"
            lines.append(
                f"{printable(q.grade_id):<{width}}  {_num(q.earned):>4} / {_num(q.points):<2}  "
                f"{result}"
            )
        lines += ["", f"Total: {_num(self.score)} / {_num(self.max_score)}"]
        lines += [f"Note: {printable(note)}" for note in self.notes]
        return "\n".join(lines)


def printable(text):
    """``text`` with every control or format character escaped (``\\x1b``), so that text from a
    submission cannot move the terminal's cursor or recolour the table."""
    return "".join(
        c if unicodedata.category(c) not in ("Cc", "Cf") else c.encode("unicode_escape").decode()
        for c in str(text)
    )


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
    """The source notebook for ``submission``: the one in ``notebooks_dir`` sharing the most
    ``grade_id``s with it (the same file name breaks ties, or decides when none are shared)."""
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
    return best


def _builtin_names_bound(cells):
    """Builtin names (such as ``input``) that the source's own cells assign, so kept by the guard."""
    from IPython.core.inputtransformer2 import TransformerManager

    names = set()
    for cell in cells:
        try:
            tree = ast.parse(TransformerManager().transform_cell(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return sorted(names & set(dir(builtins)))


@dataclass
class _Plan:
    """The graded run: its notebook and, for each of its cells, the role and grade_id."""

    nb: object
    roles: list
    nonces: dict


def _assemble(source, answers, stubs, stubbed, secret_path):
    nb = nbformat.v4.new_notebook(metadata=source.metadata)
    roles, nonces = [], {}

    def add(src, role, grade_id=None):
        nb.cells.append(nbformat.v4.new_code_cell(src))
        roles.append((role, grade_id))

    add(
        "from course_utils.grading import guard as __course_guard\n"
        f"__course_grader__ = __course_guard.install({str(secret_path)!r})\n"
        "del __course_guard",
        "guard-install",
    )
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        grade_id = _meta(cell).get("grade_id")
        if _is_answer(cell):
            chosen = stubs[grade_id] if grade_id in stubbed else answers.get(grade_id)
            add(stubs[grade_id] if chosen is None else chosen, "answer", grade_id)
        elif _is_test(cell):
            nonce = nonces[grade_id] = secrets.token_hex(8)
            add(f"__course_grader__.before({nonce!r})", "guard", grade_id)
            add(f"{cell.source}\n__course_grader__.after({nonce!r})", "test", grade_id)
        else:
            add(cell.source, "cell")
    return _Plan(nb, roles, nonces)


def _signed_lines(outputs, secret):
    """The guard's lines in ``outputs`` whose signature is right: {(kind, nonce): status}."""
    found = {}
    for out in outputs:
        if out.get("output_type") != "stream":
            continue
        for line in out.get("text", "").splitlines():
            if not line.startswith(PREFIX):
                continue
            parts = line[len(PREFIX) :].rsplit(":", 1)
            if len(parts) != 2 or parts[0].count(":") < 2:
                continue
            kind, nonce, status = parts[0].split(":", 2)
            mac = hmac.new(secret, parts[0].encode(), "sha256").hexdigest()
            if hmac.compare_digest(mac, parts[1]):
                found[(kind, nonce)] = status
    return found


def _private_copy(lib):
    """Copy ``course_utils`` into the folder ``lib`` for the kernel to import; return the copy."""
    copy = lib / "course_utils"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _package_files(copy):
    """The files the kernel loads the guard and the checks from (a run must not change them):
    the private copy's and, in case an answer finds them, the installed package's."""
    names = ("grading/__init__.py", "grading/guard.py")
    return {
        p: p.read_bytes() for folder in (copy, PACKAGE_DIR) for p in (folder / n for n in names)
    }


def _put_back(files):
    """Restore the package's files if the run changed them; say whether it had to."""
    changed = False
    for path, data in files.items():
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            changed = True
    return changed


def _score(plan, runs, sources, secret, stubbed, deadline_hit):
    ran = {run.index: run for run in runs}
    signed = {}
    for run in runs:
        signed.update(_signed_lines(run.outputs, secret))
    questions, notes, answers_seen = [], [], []
    for index, (role, grade_id) in enumerate(plan.roles):
        if role == "answer":
            answers_seen.append((grade_id, ran.get(index)))
        elif role == "test":
            nonce = plan.nonces[grade_id]
            before = signed.get(("before", nonce), "")
            if before.startswith("restored "):
                notes.append(f"before {grade_id}, the grader {before} (changed by the notebook)")
            failure = _test_failure(ran.get(index), before, ("after", nonce) in signed)
            if failure is not None:
                failure = _answer_reason(answers_seen, stubbed, deadline_hit) or failure
            points = float(_meta(sources[grade_id]).get("points", 0))
            questions.append(Question(grade_id, points, 0.0 if failure else points, failure))
            answers_seen = []
    return questions, notes


def _test_failure(run, before, after):
    """Why a test cell earns nothing, or ``None`` when it ran to its end under the guard."""
    if run is None:
        return "not run"
    if not before:
        return "the grader's guard could not run before this test (the kernel was tampered with)"
    if before != "ok" and not before.startswith("restored "):
        return before
    if run.error is not None:
        return run.error
    if not after:
        return "the test did not run to its end (the kernel was tampered with)"
    return None


def _answer_reason(answers, stubbed, deadline_hit):
    """What went wrong in the answers a failed test checks, if anything did."""
    for grade_id, run in answers:
        if grade_id in stubbed:
            return f"your answer {grade_id!r} was not graded: {stubbed[grade_id]}"
        if run is None and deadline_hit:
            return "not run: the whole submission ran past its time limit"
        if run is not None and run.error and run.error.startswith("NotImplementedError"):
            return f"not answered yet: {grade_id!r} still raises NotImplementedError"
        if run is not None and run.error:
            return f"your answer {grade_id!r} raised {run.error}{_advice(run.error)}"
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
    source_path = (
        Path(source) if source else find_source(submission, submission_path, notebooks_dir)
    )
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
    keep = _builtin_names_bound(
        [c for c in source_nb.cells if c.cell_type == "code" and not _is_answer(c)]
    )
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="course-grade-") as work:
        files = _package_files(_private_copy(Path(work) / "lib"))
        limits = (cell_timeout, deadline)
        plan, runs, secret, stubbed, deadline_hit = _run(
            source_nb, answers, stubs, keep, files, work, limits, notes
        )
    if not runs or runs[0].error:
        reason = runs[0].error if runs else "it did not run"
        raise GradingError(f"the grader's guard could not start in the kernel: {reason}.")
    sources = {_meta(c)["grade_id"]: c for c in tests}
    questions, guard_notes = _score(plan, runs, sources, secret.encode(), stubbed, deadline_hit)
    return Report(str(submission_path), str(source_path), questions, notes + guard_notes)


def _run(source_nb, answers, stubs, keep, files, work, limits, notes):
    """Run the graded notebook; an answer that kills the kernel or runs past its time limit is
    replaced by the stub and the notebook run again, until a run ends or the deadline passes.

    Returns the plan, cell runs and secret of the run to score (the one that got furthest when
    the deadline passed), the answers replaced by the stub with why, and whether the deadline
    passed.
    """
    cell_timeout, deadline = limits
    stubbed, furthest = {}, None
    while True:
        secret = secrets.token_hex(32)
        settings = Path(work) / f"guard-{secrets.token_hex(4)}.json"
        _write_guard_settings(settings, secret, files, keep)
        plan = _assemble(source_nb, answers, stubs, stubbed, settings)
        try:
            runs = run_cells(
                plan.nb,
                cwd=work,
                cell_timeout=cell_timeout,
                deadline=deadline,
                keep_prefix=PREFIX,
                env=_kernel_env(Path(work) / "lib"),
            )
            return plan, runs, secret, stubbed, False
        except KernelStartError as error:
            raise GradingError(str(error)) from None
        except KernelLost as lost:
            culprit = _culprit(plan, lost.index, stubbed)
            if furthest is None or len(lost.runs) > len(furthest[1]):
                blamed = {culprit: lost.reason} if culprit and not lost.deadline_reached else {}
                furthest = (plan, lost.runs, secret, {**stubbed, **blamed})
            if lost.deadline_reached or time.monotonic() >= deadline:
                return (*furthest, True)
            if culprit is None:
                raise GradingError(
                    f"the graded run failed at its code cell {lost.index}, before any answer "
                    f"of the submission ran: {lost.reason}."
                ) from None
            stubbed[culprit] = lost.reason
        finally:
            if _put_back(files):
                notes.append(
                    "the submission changed course_utils' grading files; they were put back"
                )


def _kernel_env(lib):
    """This process's environment, with ``lib`` (the private copy) first on the import path."""
    paths = [str(lib), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _write_guard_settings(path, secret, files, keep):
    """The file the guard reads (and deletes) in the kernel: only this process and it know it."""
    grading_path = Path(path).parent / "lib" / "course_utils" / "grading" / "__init__.py"
    settings = {
        "secret": secret,
        "grading_source": files[grading_path].decode("utf-8"),
        "grading_path": str(grading_path),
        "keep_names": keep,
    }
    path.touch(mode=0o600)
    path.write_text(json.dumps(settings), encoding="utf-8")


def _culprit(plan, index, stubbed):
    """The last answer at or before cell ``index`` that is not yet replaced by the stub."""
    for role, grade_id in reversed(plan.roles[: index + 1]):
        if role == "answer" and grade_id not in stubbed:
            return grade_id
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
    notes = _answer_cell_notes(wanted, missing, [g for g in answers if g not in wanted], repeated)
    sub_tests = {_meta(c).get("grade_id"): c.source for c in submission.cells if _is_test(c)}
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
