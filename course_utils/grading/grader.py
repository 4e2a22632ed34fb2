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

Its pieces: :mod:`~course_utils.grading.submission` reads the submission and chooses the source,
:mod:`~course_utils.grading.run` runs the two kernels, :mod:`~course_utils.grading.report` scores
and prints; :mod:`~course_utils.grading.cells` names nbgrader's cell metadata for all of them.
"""

import os
import tempfile
from pathlib import Path

from course_utils.grading import cells, processes, run, sandbox, submission
from course_utils.grading.report import Report, score
from course_utils.grading.snapshot import Snapshot
from course_utils.grading.submission import GradingError

WORK_ROOT = Path(tempfile.gettempdir()) / "course-grading"  # every grading's folder is in it


def grade(
    submission_path: str | os.PathLike[str],
    *,
    source: str | os.PathLike[str] | None = None,
    notebooks_dir: str | os.PathLike[str] = "notebooks",
    cell_timeout: float = 300,
    timeout: float = 1800,
    profile: str | None = None,
) -> Report:
    """Grade the notebook at ``submission_path``; return a :class:`Report`.

    ``source`` is the instructor's notebook (found in ``notebooks_dir`` when ``None``);
    ``cell_timeout`` and ``timeout`` are the limits, in seconds, for one cell and the whole run;
    ``profile`` the kernels' COURSE_PROFILE (by default, this process's).
    Raises :class:`GradingError` when grading cannot run.
    """
    submitted = submission.load_notebook(submission_path)
    notes: list[str] = []
    if source:
        source_path = Path(source)
    else:
        source_path, why = submission.find_source(submitted, submission_path, notebooks_dir)
        notes.append(why)
    source_nb = submission.load_notebook(source_path)
    tests = [c for c in source_nb.cells if cells.is_test(c)]
    if not tests:
        raise GradingError(f"{source_path} has no test cells, so there is nothing to grade.")
    stubs = submission.stubs(source_nb, source_path)
    answers, differences = submission.collect_answers(submitted, source_nb)
    notes += differences
    submission.check_hand_overs(source_nb)  # before anything runs
    # Without the sandbox an answer can write the course's files: they are put back after it.
    course = [run.PACKAGE_DIR, Path(notebooks_dir), source_path.parent]
    folders = [] if sandbox.available() else course
    protected = Snapshot(folders)
    processes.become_subreaper()
    try:
        WORK_ROOT.mkdir(mode=0o700, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="course-grade-", dir=WORK_ROOT) as work:
            limits = (cell_timeout, timeout)
            grading = run.Grading(source_nb, answers, stubs, Path(work), limits, profile)
            plan, outcome, stubbed, deadline_hit = grading.until_it_ends()
    finally:
        processes.end_descendants()  # detached children too: nothing outlives the grading
        notes += protected.restore()
    if not sandbox.available():
        notes.append(sandbox.fallback_note())
    sources = {cells.grade_id(c): c for c in tests}
    questions = score(plan, outcome, sources, stubbed, deadline_hit)
    return Report(str(submission_path), str(source_path), questions, notes)
