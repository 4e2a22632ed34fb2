"""The learner's workspace: the copies of the course's notebooks that `make lab` opens.

Usage: python tools/workspace.py prepare WORKSPACE [--source notebooks]
       python tools/workspace.py solution NOTEBOOK [EXERCISE] [--source notebooks]

A **learner copy** is the student version of a notebook (``course_utils.grading.release``: nbgrader's
preprocessors stub the solutions, remove the hidden tests and lock the checks) with the lesson's
outputs put back, so that its figures and results show before anything runs. Only the cells above
the first exercise get their outputs back: from the first answer or check cell on, an output could
give an answer away (a check's ✓ line, a lesson cell that uses an answer).

``prepare`` hands out a learner copy of every notebook that the workspace lacks, and never writes
over a notebook the learner has changed. It keeps a record, ``.handed_out.json`` in the workspace,
of every version it handed out: a fingerprint of each notebook's cells (types, sources, outputs). A
notebook whose fingerprint is in the record is the course's, unchanged; any other is the learner's.
When the course changes a notebook, an unchanged copy is replaced by the new version, and a changed
one is kept as it is with the new version beside it, as ``NAME.course-update.ipynb``; ``prepare``
says so each time until that file is deleted. A notebook that the learner deleted is handed out
afresh. It only reads the course's folder.

``solution`` prints one exercise's reference solution, for a learner who asks on purpose.
"""

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import nbformat

from course_utils.grading import cells
from course_utils.grading.release import student_version

ROOT = Path(__file__).resolve().parent.parent
RECORD = ".handed_out.json"
UPDATE_SUFFIX = ".course-update.ipynb"


def learner_copy(nb):
    """The student version of ``nb`` with the outputs of the cells above its first exercise."""
    copy = student_version(nb)
    exercise_cells = [
        i for i, cell in enumerate(nb.cells) if cells.is_answer(cell) or cells.is_test(cell)
    ]
    first_exercise = min(exercise_cells, default=len(nb.cells))
    for lesson, learner in zip(nb.cells[:first_exercise], copy.cells, strict=False):
        if lesson.get("id") != learner.get("id"):
            raise ValueError("the student version's cells are not the notebook's")
        if lesson.cell_type == "code":
            learner.outputs = lesson.outputs
            learner.execution_count = lesson.execution_count
    return copy


def fingerprint(nb):
    """A digest of what a learner can change in ``nb``: its cells' types, sources and outputs."""
    cells = [
        [
            cell.cell_type,
            cell.source,
            [
                {k: v for k, v in out.items() if k != "execution_count"}
                for out in cell.get("outputs", [])
            ],
        ]
        for cell in nb.cells
    ]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


def _fingerprint_of(path):
    """The fingerprint of the notebook at ``path``; None if it is missing or not a notebook."""
    try:
        return fingerprint(nbformat.read(path, as_version=4))
    except Exception:  # missing, half-written or not JSON: not a copy the course handed out
        return None


def _write(nb, path):
    """Write ``nb`` to ``path`` whole or not at all (a hidden partial file, then a rename)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        nbformat.write(nb, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def prepare(source, workspace):
    """Bring ``workspace`` up to date with the notebooks in ``source``; return what to tell the
    learner, one line each."""
    source, workspace = Path(source), Path(workspace)
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"{source} holds no notebooks.")
    workspace.mkdir(parents=True, exist_ok=True)
    record_path = workspace / RECORD
    try:
        record = json.loads(record_path.read_text())
    except (OSError, ValueError):  # none yet, or damaged: every notebook that differs is kept
        record = {}
    first_use = not record
    added, lines = [], []
    for path in notebooks:
        copy = learner_copy(nbformat.read(path, as_version=4))
        new = fingerprint(copy)
        known = record.setdefault(path.name, [])
        target = workspace / path.name
        update = workspace / (path.stem + UPDATE_SUFFIX)
        have = _fingerprint_of(target)
        if have is None and not target.exists():
            _write(copy, target)
            added.append(path.name)
        elif have == new:
            pass
        elif have in known:
            _write(copy, target)
            lines.append(
                f"{path.name}: updated to the course's new version (you had not changed it)."
            )
        elif new not in known:
            if update.exists() and _fingerprint_of(update) not in known:
                lines.append(
                    f"{path.name}: the course has a new version, but {update.name} holds changes "
                    "of yours: rename it, and the next `make lab` puts the new version there."
                )
                continue  # not recorded, so that it is offered again
            _write(copy, update)
            lines.append(
                f"{path.name}: the course has a new version; yours holds your changes, so it stays "
                f"as it is and the new version is beside it, as {update.name}."
            )
        elif update.exists():
            lines.append(
                f"{path.name}: the course's newer version is beside yours, as {update.name} "
                "(delete it once you have taken what you need)."
            )
        if new not in known:
            known.append(new)
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    if added and first_use:
        copies = "copy" if len(added) == 1 else "copies"
        lines.insert(0, f"Handed out {len(added)} learner {copies} of the course's notebooks.")
    elif added:
        lines.insert(0, f"Handed out (new in the course, or deleted by you): {', '.join(added)}.")
    return lines


def find_notebook(source, wanted):
    """The notebook of ``source`` that ``wanted`` names: "3", "03", "03_return", a file name or a
    path (a learner copy's or its course update's)."""
    name = Path(wanted).name
    number = re.match(r"\d+", name)
    prefix = f"{int(number.group()):02d}_" if number else name
    matches = [
        path for path in sorted(Path(source).glob("*.ipynb")) if path.name.startswith(prefix)
    ]
    if len(matches) != 1:
        known = ", ".join(path.stem for path in sorted(Path(source).glob("*.ipynb")))
        raise LookupError(f"no single notebook is {wanted!r}; the course has {known}.")
    return matches[0]


def solution(notebook, exercise):
    """(grade id, code): the reference solution of ``exercise`` ("ex2", "2" or a grade id) in the
    instructor's ``notebook``, without nbgrader's markers."""
    answers = {
        cells.grade_id(cell): cell.source
        for cell in nbformat.read(notebook, as_version=4).cells
        if cells.is_answer(cell)
    }
    wanted = f"ex{exercise}" if str(exercise).isdigit() else str(exercise)
    found = [grade_id for grade_id in answers if wanted in (grade_id, grade_id.split("-")[0])]
    if len(found) != 1:
        said = f"{notebook.name} has no exercise {exercise!r}" if exercise else "name an exercise"
        raise LookupError(f"{said}; {notebook.name} has {', '.join(answers)}.")
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    lines = answers[found[0]].splitlines()
    return found[0], "\n".join(line for line in lines if line.strip() not in markers)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=ROOT / "notebooks", help="the course's notebooks")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare", help="hand out and update learner copies").add_argument(
        "workspace"
    )
    asked = commands.add_parser("solution", help="print one exercise's reference solution")
    asked.add_argument("notebook", nargs="?", help='"03", "03_return_sequences.ipynb", a path...')
    asked.add_argument("exercise", nargs="?", help='"ex2", "2" or a grade id (none: list them)')
    args = parser.parse_args(argv)
    try:
        if args.command == "prepare":
            lines = prepare(args.source, args.workspace)
            print(
                f"Learner workspace: {args.workspace}/, your copies of the notebooks, without "
                "their solutions (`make solution NB=03 EX=ex1` prints one)."
            )
            for line in lines:
                print(f"  {line}")
            return 0
        if not args.notebook:
            raise LookupError("name a notebook and an exercise, e.g. `make solution NB=03 EX=ex2`.")
        notebook = find_notebook(args.source, args.notebook)
        grade_id, code = solution(notebook, args.exercise or "")
    except (LookupError, ValueError, OSError) as error:
        print(f"workspace {args.command}: {error}", file=sys.stderr)
        return 2
    print(f"# The reference solution of {grade_id}, in {notebook.name}:\n\n{code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
