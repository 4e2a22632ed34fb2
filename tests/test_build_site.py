"""The site's pages are the learner's notebooks: no solution, no hidden test, no output of an answer,
the lesson's outputs kept, each widget's snapshot labelled; the home page links every notebook."""

import importlib.util

import nbformat
import pytest

from course_utils.course_map import NOTEBOOKS
from tests.course_files import NOTEBOOK_DIR, ROOT

spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


def solution_lines(nb):
    """The lines of the solution regions that appear nowhere else in ``nb``."""
    inside, outside = set(), set()
    for cell in nb.cells:
        solution = False
        for line in cell.source.splitlines():
            stripped = line.strip()
            if "BEGIN SOLUTION" in stripped or "BEGIN HIDDEN TESTS" in stripped:
                solution = True
            elif "END SOLUTION" in stripped or "END HIDDEN TESTS" in stripped:
                solution = False
            elif len(stripped) > 12:
                (inside if solution else outside).add(stripped)
    return inside - outside


@pytest.fixture(scope="module", params=[nb.filename for nb in NOTEBOOKS], ids=lambda n: n[:2])
def pages(request):
    nb = nbformat.read(NOTEBOOK_DIR / request.param, as_version=4)
    return nb, build_site.learner_page(nb)


def test_no_solution_or_hidden_test_reaches_a_page(pages):
    nb, page = pages
    text = nbformat.writes(page)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    on_page = {line.strip() for cell in page.cells for line in cell.source.splitlines()}
    leaked = solution_lines(nb) & on_page
    assert not leaked, f"solution lines on the page: {sorted(leaked)[:3]}"


def test_answers_checks_and_their_readers_lose_their_outputs(pages):
    nb, page = pages
    for cell in page.cells:
        if build_site.cells.is_answer(cell) or build_site.cells.is_test(cell):
            assert not cell.get("outputs"), cell.source[:60]


def test_lesson_outputs_are_kept(pages):
    nb, page = pages
    kept = sum(bool(c.get("outputs")) for c in page.cells if c.cell_type == "code")
    lesson = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and c.get("outputs")
        and not (build_site.cells.is_answer(c) or build_site.cells.is_test(c))
    ]
    assert kept >= len(lesson) * 0.8, f"{kept} cells with outputs of {len(lesson)} lesson cells"


def test_every_widget_shows_a_labelled_snapshot(pages):
    nb, page = pages
    widgets = sum(
        build_site.WIDGET_VIEW in output.get("data", {})
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )
    labels = [c.source for c in page.cells if "A snapshot of a live widget" in c.source]
    assert len(labels) == widgets
    assert build_site.WIDGET_VIEW not in nbformat.writes(page)
    assert "widgets" not in page.metadata
    for label in labels:
        assert "make lab" in label


def test_a_snapshot_label_names_the_widgets_controls():
    nb = nbformat.read(NOTEBOOK_DIR / "04_forecasting_seven_days.ipynb", as_version=4)
    labels = [c.source for c in build_site.learner_page(nb).cells if "snapshot" in c.source]
    assert "the *window* slider" in labels[0]


def test_the_home_page_links_every_notebook_in_course_order():
    home = build_site.home_page((ROOT / "README.md").read_text(encoding="utf-8"))
    links = [f"]({nb.filename})" for nb in NOTEBOOKS]
    positions = [home.find(link) for link in links]
    assert -1 not in positions, [link for link, p in zip(links, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "make lab" in home and "make test" in home
    toctree = home.split("```{toctree}")[1].split("```")[0]  # it orders previous and next
    assert [line for line in toctree.splitlines() if line[:1].isdigit()] == [
        nb.stem for nb in NOTEBOOKS
    ]
