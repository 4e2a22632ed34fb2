"""Running a graded notebook: the answers in one kernel (sandboxed where possible), the checks in
another, and the relay that hands the answers' values, as data, from the first to the second.
"""

import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import course_utils
from course_utils.grading import cells, channel, sandbox
from course_utils.grading.kernel import (
    CellRun,
    Kernel,
    KernelLost,
    KernelStartError,
    environment,
    printable,
)
from course_utils.grading.submission import GradingError

if TYPE_CHECKING:
    from nbformat import NotebookNode

PACKAGE_DIR = Path(course_utils.__file__).resolve().parent
# Both kernels run the lesson on the CPU, so that its cells compute the same in each (the sandbox
# holds no GPU device, and a GPU would make the other kernel's profile `full`).
SAME_DEVICE = {"CUDA_VISIBLE_DEVICES": ""}


@dataclass
class _Cell:
    role: str  # "lesson", "answer" or "test"
    source: str
    grade_id: str | None = None
    names: list[str] = field(default_factory=list)  # what an answer hands over


def plan(
    source: "NotebookNode",
    answers: Mapping[str, str],
    stubs: Mapping[str | None, str],
    stubbed: Mapping[str, str],
) -> list[_Cell]:
    """The graded run's cells, in the source's order, up to its last test cell: the source's own
    cells, except each answer, taken from the submission (or the stub)."""
    planned: list[_Cell] = []
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cells.grade_id(cell)
        if cells.is_answer(cell):
            names = cells.hands_over(cell)
            # The grader refuses a source whose answers lack either (stubs, check_hand_overs).
            assert grade_id is not None and names is not None, "an answer without id or names"
            chosen = stubs[grade_id] if grade_id in stubbed else answers.get(grade_id)
            code = stubs[grade_id] if chosen is None else chosen
            planned.append(_Cell("answer", code, grade_id, names))
        elif cells.is_test(cell):
            planned.append(_Cell("test", cell.source, grade_id))
        else:
            planned.append(_Cell("lesson", cell.source))
    last_test = max(i for i, c in enumerate(planned) if c.role == "test")
    return planned[: last_test + 1]


@dataclass
class Outcome:
    """What a run did: each answer's and test's run, and why an answer's values did not reach
    the checks."""

    answers: dict[str | None, CellRun] = field(default_factory=dict)
    tests: dict[str | None, CellRun] = field(default_factory=dict)
    not_handed: dict[str | None, str | None] = field(default_factory=dict)


class _Lost(Exception):
    """A kernel was lost because of answer ``culprit`` (``None``: before any answer ran)."""

    def __init__(self, culprit: str | None, reason: str, index: int, outcome: Outcome) -> None:
        super().__init__(reason)
        self.culprit, self.reason, self.index, self.outcome = culprit, reason, index, outcome


class Grading:
    """The graded run: answers in one kernel (sandboxed where possible), checks in another."""

    def __init__(
        self,
        source_nb: "NotebookNode",
        answers: Mapping[str, str],
        stubs: Mapping[str | None, str],
        work: Path,
        limits: tuple[float, float],
        profile: str | None = None,
    ) -> None:
        self.source_nb, self.answers, self.stubs = source_nb, answers, stubs
        self.work = work
        # Both kernels' settings: the grader's own, and the profile asked for, if any.
        self.settings = {**SAME_DEVICE, **({"COURSE_PROFILE": profile} if profile else {})}
        self.cell_timeout, self.deadline = limits[0], time.monotonic() + limits[1]
        self.runs = 0

    def until_it_ends(self) -> tuple[list[_Cell], Outcome, dict[str, str], bool]:
        """Run; an answer that loses a kernel (a crash, past its time limit) is replaced by the
        stub and the notebook run again, until a run ends or the deadline passes.

        Returns the cells and outcome of the run to score (the furthest one when the deadline
        passed), the answers replaced by the stub with why, and whether the deadline passed.
        """
        stubbed: dict[str, str] = {}
        self.stubbed = stubbed
        furthest: tuple[int, list[_Cell], Outcome, dict[str, str]] | None = None
        while True:
            planned = plan(self.source_nb, self.answers, self.stubs, stubbed)
            try:
                return planned, self._once(planned), stubbed, False
            except KernelStartError as error:
                raise GradingError(str(error)) from None
            except _Lost as lost:
                deadline_hit = lost.reason == _WHOLE_RUN or time.monotonic() >= self.deadline
                if furthest is None or lost.index > furthest[0]:
                    blamed = (
                        {lost.culprit: lost.reason} if lost.culprit and not deadline_hit else {}
                    )
                    furthest = (lost.index, planned, lost.outcome, {**stubbed, **blamed})
                if deadline_hit:
                    return (*furthest[1:], True)
                if lost.culprit is None:
                    raise GradingError(
                        f"the graded run failed at its code cell {lost.index}, before any "
                        f"answer of the submission ran: {lost.reason}."
                    ) from None
                stubbed[lost.culprit] = lost.reason

    def _once(self, planned: list[_Cell]) -> Outcome:
        self.runs += 1
        folder = self.work / f"run-{self.runs}"
        answer_dir, check_dir = folder / "answer", folder / "check"
        answer_lib, check_lib = _private_copy(answer_dir / "lib"), _private_copy(check_dir / "lib")
        outcome = Outcome()
        kernels: list[Kernel] = []
        try:
            answer, reply = _start_answer(answer_dir, answer_lib, kernels, self.settings)
            check = _start_check(check_dir, check_lib, kernels, self.settings)
            relay = _Relay(answer, reply, self.cell_timeout)
            for index, cell in enumerate(planned):
                self._cell(index, cell, answer, check, relay, outcome, planned)
            return outcome
        finally:
            for kernel in kernels:
                kernel.shutdown()

    def _cell(
        self,
        index: int,
        cell: _Cell,
        answer: Kernel,
        check: Kernel,
        relay: "_Relay",
        outcome: Outcome,
        planned: list[_Cell],
    ) -> None:
        """Run one cell: a lesson cell in both kernels at once, an answer in the answer kernel
        (then its names are handed to the check kernel), a test in the check kernel."""

        def lost(reason: str, culprit: str | None = None) -> _Lost:
            culprit = culprit or _culprit(planned, index, self.stubbed)
            return _Lost(culprit, reason, index, outcome)

        def limit() -> float:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise lost(_WHOLE_RUN)
            return min(self.cell_timeout, left)

        def finish(kernel: Kernel, on_input: "_Relay | None" = None) -> CellRun:
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


def _receive(cell: _Cell) -> str:
    return (
        f"__import__('course_utils.grading.handover', fromlist=['receive']).receive({cell.names!r})"
    )


def _start_answer(
    folder: Path, lib: Path, kernels: list[Kernel], settings: Mapping[str, str]
) -> tuple[Kernel, Path]:
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
    env = {**sandbox.environment(lib, "/tmp" if prefix else scratch), **settings}
    kernels.append(Kernel(channel, env=env, prefix=prefix, user=user))
    return kernels[-1], reply


def _start_check(
    folder: Path, lib: Path, kernels: list[Kernel], settings: Mapping[str, str]
) -> Kernel:
    """The check kernel, whose writable places (temporary files, caches) are all in ``folder``."""
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    own = {"TMPDIR": "tmp", "MPLCONFIGDIR": "mpl", "IPYTHONDIR": "ipython"}
    env = environment(lib, {**settings, **{name: str(folder / sub) for name, sub in own.items()}})
    kernels.append(Kernel(folder, env=env, prefix=sandbox.memory_bound()))
    return kernels[-1]


class _Relay:
    """Answers the check kernel's requests by running them in the answer kernel."""

    def __init__(self, answer: Kernel, reply: Path, cell_timeout: float) -> None:
        self.answer, self.reply, self.cell_timeout = answer, reply, cell_timeout
        self.owner: str | None = None  # the answer running
        # function handle -> the answer that handed it over
        self.owners: dict[object, str | None] = {}
        self.lost: str | None = None
        self.lost_owner: str | None = None
        self.not_handed: list[str] = []

    def __call__(self, prompt: str, left: float) -> str:
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
            return self._failed("RuntimeError", f"the answer's kernel {error}")
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
            return self._failed("RuntimeError", f"the answer's kernel {error}{said}")
        self.not_handed += [printable(e)[:500] for e in reply.get("errors", {}).values()]
        for handle in _function_handles(reply):
            self.owners[handle] = owner
        return text

    def _failed(self, kind: str, message: str) -> str:
        """An error reply, remembered as the reason the answer's values did not arrive."""
        self.not_handed.append(message)
        return _error(kind, message)


def _error(kind: str, message: str) -> str:
    return json.dumps({"error": [kind, message], "values": {}})


def _function_handles(data: object) -> list[int]:
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


def _private_copy(lib: Path) -> Path:
    """Copy ``course_utils`` into the folder ``lib`` for a kernel to import; return ``lib``."""
    shutil.copytree(PACKAGE_DIR, lib / "course_utils", ignore=shutil.ignore_patterns("__pycache__"))
    return lib


def _culprit(planned: list[_Cell], index: int, stubbed: Mapping[str, str]) -> str | None:
    """The last answer at or before cell ``index`` that is not yet replaced by the stub."""
    for cell in reversed(planned[: index + 1]):
        if cell.role == "answer" and cell.grade_id not in stubbed:
            return cell.grade_id
    return None
