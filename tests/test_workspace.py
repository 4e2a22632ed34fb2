"""The learner's workspace (tools/workspace.py): learner copies without solutions but with the
lesson's outputs, handed out on first use, updated only where the learner changed nothing, and the
course's folder never written."""

import importlib.util
import json

import nbformat
import pytest
from nbformat.v4 import new_output

from tests.course_files import ROOT
from tests.fixtures.tiny_course import source_notebook

spec = importlib.util.spec_from_file_location("workspace", ROOT / "tools" / "workspace.py")
workspace = importlib.util.module_from_spec(spec)
spec.loader.exec_module(workspace)

NAME = "01_tiny.ipynb"
OFFER = "01_tiny.course-update.ipynb"


def tiny_notebook(title="A tiny notebook"):
    """The tiny course notebook with the outputs of a run: a lesson cell above the exercises, the
    lesson cell between two exercises, an answer and a check."""
    nb = source_notebook()
    nb.cells[0].source = f"# {title}"
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"  # as a saved notebook's, the same in every version
    ran = {1: "numbers ready\n", 2: "42\n", 3: "✓ the answer: correct\n", 5: "lesson between\n"}
    for index, text in ran.items():
        nb.cells[index].outputs = [new_output("stream", name="stdout", text=text)]
        nb.cells[index].execution_count = index
    return nb


@pytest.fixture
def course(tmp_path):
    """(course folder with the tiny notebook, an empty workspace path)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(tiny_notebook(), folder / NAME)
    return folder, tmp_path / "workspace"


def snapshot(folder):
    """Every file of ``folder`` with its bytes and modification time."""
    return {
        path.relative_to(folder): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def read(path):
    return nbformat.read(path, as_version=4)


def edit_answer(path, text="answer = 6 * 7  # mine"):
    """What a learner does: write an answer into the first answer cell, and save."""
    nb = read(path)
    nb.cells[2].source = text
    nbformat.write(nb, path)


def change_course(folder, title):
    nbformat.write(tiny_notebook(title), folder / NAME)


# --- the learner copy -----------------------------------------------------------------------------


def test_a_learner_copy_has_no_solutions_and_keeps_the_lessons_outputs():
    nb = tiny_notebook()
    copy = workspace.learner_copy(nb)
    assert copy.cells[2].source == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert "answer % 7" not in copy.cells[3].source and "HIDDEN" not in copy.cells[3].source
    assert copy.cells[1].outputs[0].text == "numbers ready\n" and copy.cells[1].execution_count == 1
    # From the first exercise on, outputs could give answers away: the answer's, the check's ✓,
    # and a lesson cell's between exercises (it could use an answer).
    assert [copy.cells[i].outputs for i in (2, 3, 5)] == [[], [], []]
    assert copy.cells[3].metadata["editable"] is False, "checks stay locked"
    assert "BEGIN SOLUTION" in nb.cells[2].source and nb.cells[2].outputs, "source left alone"


def test_every_course_notebook_has_a_learner_copy_without_solutions(tmp_path):
    """On the real course: no solution, no hidden test, no output from the first exercise on, and
    every output above it as the course has it."""
    lines = workspace.prepare(ROOT / "notebooks", tmp_path)
    sources = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert lines == [f"Handed out {len(sources)} learner copies of the course's notebooks."]
    for source in sources:
        text = (tmp_path / source.name).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, source.name
        course, copy = read(source), read(tmp_path / source.name)
        first = next(
            i for i, cell in enumerate(course.cells) if "nbgrader" in cell.metadata
        )  # the first answer cell: every notebook's exercises come after its lesson
        for mine, theirs in zip(copy.cells[:first], course.cells[:first], strict=True):
            assert mine.get("outputs") == theirs.get("outputs"), source.name
        assert all(not cell.get("outputs") for cell in copy.cells[first:]), source.name
        assert any(cell.get("outputs") for cell in copy.cells[:first]), source.name


# --- prepare ----------------------------------------------------------------------------------------


def test_first_use_hands_out_a_learner_copy_of_every_notebook(course):
    folder, work = course
    assert workspace.prepare(folder, work) == [
        "Handed out 1 learner copy of the course's notebooks."
    ]
    assert read(work / NAME) == workspace.learner_copy(tiny_notebook())
    assert workspace.prepare(folder, work) == [], "nothing to say when nothing changed"


def test_an_unchanged_copy_is_updated_to_the_courses_new_version(course):
    folder, work = course
    workspace.prepare(folder, work)
    change_course(folder, "Version 2")
    lines = workspace.prepare(folder, work)
    assert lines == [f"{NAME}: updated to the course's new version (you had not changed it)."]
    assert read(work / NAME).cells[0].source == "# Version 2"
    assert not (work / OFFER).exists()


def test_saving_without_a_change_leaves_a_copy_unchanged(course):
    """JupyterLab rewrites a notebook's metadata (kernel, language version) when it saves; that is
    no change of the learner's, and execution counts are not either."""
    folder, work = course
    workspace.prepare(folder, work)
    nb = read(work / NAME)
    nb.metadata["language_info"] = {"name": "python", "version": "3.99.0"}
    nb.cells[1].execution_count = 7
    nbformat.write(nb, work / NAME)
    change_course(folder, "Version 2")
    workspace.prepare(folder, work)
    assert read(work / NAME).cells[0].source == "# Version 2"


@pytest.mark.parametrize("change", ["an answer", "a run"])
def test_a_changed_copy_is_kept_and_the_new_version_offered_beside_it(course, change):
    folder, work = course
    workspace.prepare(folder, work)
    if change == "an answer":
        edit_answer(work / NAME)
    else:  # running the cells is a change too: the learner's outputs are theirs
        nb = read(work / NAME)
        nb.cells[2].outputs = [new_output("stream", name="stdout", text="ran\n")]
        nbformat.write(nb, work / NAME)
    mine = (work / NAME).read_bytes()

    change_course(folder, "Version 2")
    lines = workspace.prepare(folder, work)
    assert (work / NAME).read_bytes() == mine
    assert read(work / OFFER) == workspace.learner_copy(tiny_notebook("Version 2"))
    assert lines == [
        f"{NAME}: the course has a new version; yours holds your changes, so it stays as it is "
        f"and the new version is beside it, as {OFFER}."
    ]
    # Said again at every start while the new version waits beside the learner's.
    assert workspace.prepare(folder, work) == [
        f"{NAME}: the course's newer version is beside yours, as {OFFER} (delete it once you "
        "have taken what you need)."
    ]
    assert (work / NAME).read_bytes() == mine


def test_a_deleted_offer_is_not_made_again_until_the_course_changes_again(course):
    folder, work = course
    workspace.prepare(folder, work)
    edit_answer(work / NAME)
    change_course(folder, "Version 2")
    workspace.prepare(folder, work)
    (work / OFFER).unlink()
    assert workspace.prepare(folder, work) == [] and not (work / OFFER).exists()
    change_course(folder, "Version 3")
    workspace.prepare(folder, work)
    assert read(work / OFFER).cells[0].source == "# Version 3"


def test_an_offer_the_learner_changed_is_not_overwritten(course):
    folder, work = course
    workspace.prepare(folder, work)
    edit_answer(work / NAME)
    change_course(folder, "Version 2")
    workspace.prepare(folder, work)
    edit_answer(work / OFFER, "answer = 42")
    theirs = (work / OFFER).read_bytes()
    change_course(folder, "Version 3")
    lines = workspace.prepare(folder, work)
    assert (work / OFFER).read_bytes() == theirs
    assert lines == [
        f"{NAME}: the course has a new version, but {OFFER} holds changes of yours: rename it, "
        "and the next `make lab` puts the new version there."
    ]
    (work / OFFER).rename(work / "01_tiny.mine.ipynb")
    workspace.prepare(folder, work)
    assert read(work / OFFER).cells[0].source == "# Version 3"


def test_a_new_notebook_is_added_and_a_deleted_one_handed_out_afresh(course):
    folder, work = course
    workspace.prepare(folder, work)
    edit_answer(work / NAME)
    mine = (work / NAME).read_bytes()
    second = tiny_notebook("The second notebook")
    nbformat.write(second, folder / "02_second.ipynb")
    lines = workspace.prepare(folder, work)
    assert lines == ["Handed out (new in the course, or deleted by you): 02_second.ipynb."]
    assert read(work / "02_second.ipynb") == workspace.learner_copy(second)
    assert (work / NAME).read_bytes() == mine

    (work / NAME).unlink()
    workspace.prepare(folder, work)
    assert read(work / NAME) == workspace.learner_copy(tiny_notebook())


def test_without_a_record_a_notebook_that_differs_is_the_learners(course):
    """A damaged or deleted record must not turn the learner's notebooks into the course's."""
    folder, work = course
    workspace.prepare(folder, work)
    edit_answer(work / NAME)
    mine = (work / NAME).read_bytes()
    (work / workspace.RECORD).write_text("{not json")
    change_course(folder, "Version 2")
    workspace.prepare(folder, work)
    assert (work / NAME).read_bytes() == mine and (work / OFFER).exists()


def test_the_courses_folder_is_never_written(course):
    """Through first use, an offer, an addition, a reminder and a fresh copy."""
    folder, work = course

    def prepare_reading_only():
        before = snapshot(folder)
        workspace.prepare(folder, work)
        assert snapshot(folder) == before

    prepare_reading_only()
    edit_answer(work / NAME)
    change_course(folder, "Version 2")
    prepare_reading_only()
    nbformat.write(tiny_notebook("Other"), folder / "02_other.ipynb")
    prepare_reading_only()
    (work / "02_other.ipynb").unlink()
    prepare_reading_only()
    assert sorted(path.name for path in folder.iterdir()) == [NAME, "02_other.ipynb"]


def test_the_record_lists_each_version_handed_out(course):
    folder, work = course
    workspace.prepare(folder, work)
    change_course(folder, "Version 2")
    workspace.prepare(folder, work)
    record = json.loads((work / workspace.RECORD).read_text())
    versions = [workspace.fingerprint(workspace.learner_copy(tiny_notebook(t))) for t in
                ("A tiny notebook", "Version 2")]  # fmt: skip
    assert record == {NAME: versions}


def test_a_folder_without_notebooks_is_refused(tmp_path):
    with pytest.raises(ValueError, match="holds no notebooks"):
        workspace.prepare(tmp_path, tmp_path / "workspace")


# --- a solution, on purpose -------------------------------------------------------------------------


@pytest.mark.parametrize("named", ["3", "03", "03_return", "workspace/03_return_sequences.ipynb",
                                   "03_return_sequences.course-update.ipynb"])  # fmt: skip
def test_a_notebook_is_found_by_number_name_or_path(named):
    found = workspace.find_notebook(ROOT / "notebooks", named)
    assert found == ROOT / "notebooks" / "03_return_sequences.ipynb"


def test_a_solution_is_printed_without_nbgraders_markers(capsys):
    for exercise in ("2", "ex2", "ex2-seq2vec"):
        assert workspace.main(["solution", "03", exercise]) == 0
        out = capsys.readouterr().out
        assert out.startswith("# The reference solution of ex2-seq2vec, in 03_return_sequences")
        assert "classifier = keras.Sequential(" in out and "SOLUTION" not in out


def test_a_function_answer_keeps_its_definition(tmp_path):
    nbformat.write(tiny_notebook(), tmp_path / NAME)
    nb = read(tmp_path / NAME)
    nb.cells[
        4
    ].source = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    nbformat.write(nb, tmp_path / NAME)
    assert workspace.solution(tmp_path / NAME, "answer-ex2") == (
        "answer-ex2",
        "def double(x):\n    return 2 * x",
    )


@pytest.mark.parametrize(
    "args, says",
    [
        (["solution", "03", "ex9"], "has no exercise 'ex9'; 03_return_sequences.ipynb has ex1-"),
        (["solution", "03"], "name an exercise; 03_return_sequences.ipynb has ex1-seq2seq-flags"),
        (["solution", "99", "1"], "no single notebook is '99'; the course has 00_start_here"),
        (["solution"], "name a notebook and an exercise, e.g. `make solution NB=03 EX=ex2`"),
    ],
)
def test_a_solution_that_cannot_be_found_says_what_to_ask(args, says, capsys):
    assert workspace.main(args) == 2
    assert says in capsys.readouterr().err
