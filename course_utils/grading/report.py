"""The report of a grading: a score per question, the reasons for each failure, and notes; as a
table that no text from a submission can forge, or as JSON.
"""

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from course_utils.grading import cells
from course_utils.grading.kernel import printable

if TYPE_CHECKING:
    from course_utils.grading.run import Outcome, _Cell


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
    questions: list[Question]
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(q.earned for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def to_json(self) -> str:
        data = asdict(self)
        data.update(submission=printable(self.submission), source=printable(self.source))
        data.update(score=self.score, max_score=self.max_score)
        return json.dumps(data, indent=2, ensure_ascii=False)

    def table(self, columns: int = TABLE_WIDTH) -> str:
        """The report as a table at most ``columns`` wide: one line per question and per note, so
        that no text from a submission can look like a row or a total."""
        width = min(max([len(q.grade_id) for q in self.questions] + [8]), columns // 2)
        lines = [
            _tail(self.submission, columns),
            _tail(f"graded against {self.source}", columns),
            "",
        ]
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


def _line(text: str, limit: int | None) -> str:
    """Learner text on one printable line at most ``limit`` columns wide (``…`` when clipped; a
    wide character, such as a full-width letter, takes two columns, a combining mark none)."""
    text = printable(" ".join(str(text).split()))
    if limit is None or _columns(text) <= limit:
        return text
    kept: list[str] = []
    width = 0
    for char in text:
        width += _columns(char)
        if width > limit - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _tail(text: str, limit: int) -> str:
    """A path on one line at most ``limit`` columns wide, clipped at its start (``…``), so that
    the file's name stays."""
    text = printable(" ".join(str(text).split()))
    if _columns(text) <= limit:
        return text
    kept: list[str] = []
    width = 1
    for char in reversed(text):
        width += _columns(char)
        if width > limit:
            break
        kept.append(char)
    return "…" + "".join(reversed(kept))


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _num(x: float) -> str:
    return f"{x:g}"


def score(
    plan: "Iterable[_Cell]",
    outcome: "Outcome",
    sources: Mapping[str | None, cells.Cell],
    stubbed: Mapping[str, str],
    deadline_hit: bool,
) -> list[Question]:
    """The questions of a run: each test of ``plan`` scored from ``outcome``, with the reason
    it failed (blamed on its answers when one of them went wrong)."""
    questions: list[Question] = []
    answers_seen: list[str] = []
    for cell in plan:
        if cell.role == "lesson":
            continue
        assert cell.grade_id is not None, "an exercise cell without a grade_id"
        if cell.role == "answer":
            answers_seen.append(cell.grade_id)
        elif cell.role == "test":
            run = outcome.tests.get(cell.grade_id)
            failure = "not run" if run is None else run.error
            if failure is not None:
                failure = _answer_reason(answers_seen, outcome, stubbed, deadline_hit) or failure
            if failure and failure.startswith("NotImplementedError"):  # a function still a stub
                failure = f"not answered yet: {failure}"
            points = cells.points(sources[cell.grade_id])
            questions.append(Question(cell.grade_id, points, 0.0 if failure else points, failure))
            answers_seen = []
    return questions


def _answer_reason(
    answers: Iterable[str], outcome: "Outcome", stubbed: Mapping[str, str], deadline_hit: bool
) -> str | None:
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


def _advice(error: str) -> str:
    """`` · advice`` for a known mistake in ``error``, else an empty string."""
    return "".join(f" · {advice}" for known, advice in ADVICE.items() if known in error)
