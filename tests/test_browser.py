"""The course in a real browser: JupyterLab in headless Debian Chromium, driven by Playwright.

Follows the learner: `make lab` on a fresh workspace, whose learner copies show no solution but
the lesson's outputs; a learner types answers into notebook 03's copy (one right, one wrong, two
left unanswered), runs it to the end with feedback, and finds the answers again after a second
`make lab` (and a second server on the same folder refused meanwhile); `make lab INSTRUCTOR=1`
shows the solutions. Then runs the widget of every notebook that has one (02 to 12), moves its
controls and checks what it shows against the pure functions behind it (or, where the view comes
from a model trained in the notebook, that it follows the controls in the pure function's form),
and that its figures have two image pixels per CSS pixel on a 2x display. The learner copies'
static figures are checked too: two image pixels per CSS pixel, shown at their natural width
(not shrunk to the output area), and, for notebook 01's families figure, text at least as large
as the notebook's body text. Each widget runs in a
notebook cut from its learner copy: a widget built from literals with its notebook's setup cell
only; a widget of a model trained in the notebook after the lesson up to it. Servers serve
temporary workspaces, so JupyterLab's autosave never touches the repository. A screenshot of each
widget and of the learner's notebook is saved under test-artifacts/.
"""

import ast
import builtins
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import time

import matplotlib.pyplot as plt
import nbformat
import pytest

from course_utils import families, figures
from course_utils.cells.widget import threshold_note
from course_utils.convolution.widget import build_stack, describe
from course_utils.distribution.parallelism import step_plan
from course_utils.gradients.widget import gradient_figure
from course_utils.shapes.widget import layer_report, stack_report
from tests.lab_server import ROOT, LabServer, free_port

pytestmark = pytest.mark.browser

spec = importlib.util.spec_from_file_location("lab_guard", ROOT / "tools" / "lab_guard.py")
lab_guard = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lab_guard)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
# Flags for a closed network: no background requests, no first-run or sync services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOKS = {
    "02": "02_rnn_input_output_shapes.ipynb",
    "03": "03_return_sequences.ipynb",
    "04": "04_forecasting_seven_days.ipynb",
    "05": "05_training_difficulties.ipynb",
    "06": "06_lstm_cell.ipynb",
    "07": "07_conv1d_with_rnns.ipynb",
    "08": "08_video_classification.ipynb",
    "09": "09_sketchrnn_classification.ipynb",
    "10": "10_variable_length_and_unrolling.ipynb",
    "11": "11_distributed_training.ipynb",
    "12": "12_bach_chorales.ipynb",
}
# Every notebook whose committed outputs show a figure: each drawn by the course's figures, at 2x
# and as wide as the output area at most.
STATIC_FIGURES = {
    path.name[:2]: path.name
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if '"image/png"' in path.read_text(encoding="utf-8")
}
# Widgets built from literals alone: their notebook's setup cell and their own cell are enough.
LITERAL_WIDGETS = {"02", "03", "05", "07", "11"}

WIDGET = "application/vnd.jupyter.widget-view+json"

if CHROMIUM is None:
    pytest.skip(
        "Debian's Chromium is not installed (`apt-get install chromium`; .ci/run installs it)",
        allow_module_level=True,
    )
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a fresh workspace, plus one notebook per widget cut from its learner copy."""
    ARTIFACTS.mkdir(exist_ok=True)
    server = LabServer(workspace=tmp_path_factory.mktemp("workspace"))
    for key, name in NOTEBOOKS.items():
        copy = server.workspace / name
        if copy.exists():
            cut = widget_notebook(key, nbformat.read(copy, 4))
            nbformat.write(cut, server.workspace / widget_file(key))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page():
    """A page on a 2x (high-density) display, as on most laptops and phones."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
        yield page
        browser.close()


def widget_file(key):
    return f"widget-{key}.ipynb"


def widget_notebook(key, nb):
    """The learner copy ``nb`` cut down to what notebook ``key``'s widget needs."""
    if key in LITERAL_WIDGETS:
        return setup_and_widget(nb)
    nb.cells = nb.cells[: nb.cells.index(widget_cell(nb)) + 1]  # the lesson up to the widget
    return nb


def widget_cell(nb):
    """The code cell whose stored output is a widget (the learner copy keeps it)."""
    (cell,) = [
        cell
        for cell in nb.cells
        if cell.cell_type == "code" and any(WIDGET in out.get("data", {}) for out in cell.outputs)
    ]
    return cell


def setup_and_widget(nb):
    """``nb`` cut down to its setup cell (the first code cell) and the cell that shows its widget.

    Fails if the widget's cell reads a name that the setup cell does not define."""
    setup, widget = [cell for cell in nb.cells if cell.cell_type == "code"][0], widget_cell(nb)
    defined = names(setup.source, ast.Store) | names(widget.source, ast.Store) | set(dir(builtins))
    missing = names(widget.source, ast.Load) - defined
    assert not missing, f"the widget's cell needs {sorted(missing)}: run the whole notebook"
    nb.cells = [setup, widget]
    return nb


def names(source, context):
    """The names that ``source`` reads (``ast.Load``) or binds (``ast.Store``, imports included)."""
    tree = ast.parse(source)
    found = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}
    if context is ast.Store:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return found


LEARNER_03 = "03_return_sequences.ipynb"
# A learner's answers: ex1 right, ex3 wrong (a wrong answer in circulation), ex2 and ex4 not given.
ANSWERS_03 = {"ex1-seq2seq-flags": "seq2seq_flags = [True, True, True]",
              "ex3-repair": "repaired = [True, True, True, True]"}  # fmt: skip


def grade_ids(nb):
    """{grade id: index of its cell} of the nbgrader cells of ``nb``."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: index
        for index, cell in enumerate(nb.cells)
        if "nbgrader" in cell.metadata
    }


def open_page(page, lab, notebook):
    """Open ``notebook`` and wait until its kernel has started. The kernels of earlier notebooks
    are shut down first: one kernel at a time."""
    lab.shut_down_kernels()
    page.goto(f"{lab.url}/lab/tree/{notebook}?reset&token={lab.token}")  # reset: no restored tabs
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    kernel_dialog = page.get_by_role("button", name="Select", exact=True)
    deadline = time.monotonic() + 60
    while not lab.kernels():  # until JupyterLab starts the notebook's kernel, asking or not
        if kernel_dialog.is_visible():
            kernel_dialog.click()
        assert time.monotonic() < deadline, "JupyterLab started no kernel within 60 s"
        time.sleep(0.2)


def run_all(page, lab, notebook=None):
    """Open ``notebook`` (unless it is open already), clear its stored outputs, run every cell, and
    wait until all have run."""
    if notebook is not None:
        open_page(page, lab, notebook)
    for menu, item in (("Edit", "Clear Outputs of All Cells"), ("Run", "Run All Cells")):
        page.get_by_role("menuitem", name=menu, exact=True).click()
        page.get_by_role("menuitem", name=item, exact=True).click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        polling=500,  # ms: every animation frame would keep the browser busy
        timeout=300_000,
    )


def type_into(page, cell, text):
    """Replace the code of ``cell`` (a locator) with ``text``, as a learner would type it."""
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)  # no key events: no brackets closed for us


def saved_sources(path, timeout=30.0):
    """{grade id: source} of the notebook at ``path`` once it holds ANSWERS_03 (JupyterLab saves
    in the background)."""
    deadline = time.monotonic() + timeout
    while True:
        nb = nbformat.read(path, 4)
        sources = {grade: nb.cells[index].source for grade, index in grade_ids(nb).items()}
        if all(sources[grade] == answer for grade, answer in ANSWERS_03.items()):
            return sources
        assert time.monotonic() < deadline, f"the answers were not saved: {sources}"
        time.sleep(0.5)


def read_match(locator, pattern, timeout=10.0):
    """The first group of ``pattern`` in the locator's text, polling while widgets re-render."""
    deadline = time.monotonic() + timeout
    while True:
        match = re.search(pattern, locator.text_content() or "")
        if match or time.monotonic() > deadline:
            assert match, f"{pattern!r} not found in {locator.text_content()!r}"
            return match.group(1)
        time.sleep(0.2)


def widget_errors(page):
    text = page.locator("body").inner_text()
    return [m for m in ("Error displaying widget", "model not found") if m in text]


def control(page, kind, label):
    """The widget of ``kind`` ("slider", "dropdown", ...) whose description is ``label``."""
    name = page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator(f".widget-{kind}", has=name).first


def set_slider(page, label, value):
    readout = control(page, "slider", label).locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


def expect_report(page, **config):
    """The explorer shows (within 10 s) the lines the pure function computes for ``config``."""
    shown = page.locator(".widget-html-content", has_text="Output shape:").first
    expect_lines(shown, layer_report(**config)[0])
    return shown


def open_notebook(page, lab, key):
    """Run All in the widget notebook of ``key`` ("02" ... "12"), or skip the test if the course
    has no such notebook yet."""
    if not (lab.workspace / widget_file(key)).exists():
        pytest.skip(f"notebook {key} is not there yet")
    run_all(page, lab, widget_file(key))


def select(page, label, option):
    control(page, "dropdown", label).locator("select").select_option(label=str(option))


def explorer(page, part):
    """The output that holds the widget containing ``part``."""
    return page.locator(".jp-OutputArea-output", has=part).last


def expect_lines(locator, text):
    """``locator`` shows (within 10 s) every line of ``text``."""
    for line in text.splitlines():
        playwright.expect(locator).to_contain_text(line, timeout=10_000)


def redraws(image, move):
    """Make ``move`` and wait until ``image`` shows the figure it brings (one move at a time, so
    that a figure the widget is still drawing for an earlier move does not count)."""
    before = image.get_attribute("src")
    move()
    playwright.expect(image).not_to_have_attribute("src", before, timeout=60_000)


def assert_sharp(image):
    """The figure has at least two image pixels per CSS pixel, as a 2x display needs."""
    playwright.expect(image).to_be_visible()
    natural, shown = image.evaluate("img => [img.naturalWidth, img.clientWidth]")
    assert shown > 0 and natural >= 2 * shown, f"{natural} image pixels on {shown} CSS pixels"


def image_sizes(image):
    """{natural: image pixels, shown: CSS pixels, width: the width the output asks for} of a
    figure, once it is scrolled into view and loaded."""
    image.scroll_into_view_if_needed()
    playwright.expect(image).to_be_visible()
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    return image.evaluate(
        "img => ({natural: img.naturalWidth, shown: img.getBoundingClientRect().width,"
        " width: Number(img.getAttribute('width'))})"
    )


def body_text_px(page):
    """The font size, in CSS pixels, of the notebook's body text (a markdown paragraph)."""
    paragraph = page.locator(".jp-RenderedMarkdown p").first
    return float(paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)"))


def finish(page, box, name):
    """No widget failed to display; save a screenshot of the widget."""
    assert widget_errors(page) == []
    box.screenshot(path=ARTIFACTS / f"browser-{name}.png")


@pytest.mark.parametrize("key", STATIC_FIGURES)
def test_static_figures_are_sharp_and_shown_at_their_natural_width(lab, page, key):
    """Every figure that a lesson cell shows in a learner copy (before anything runs) carries two
    image pixels per CSS pixel and is shown at the width it was drawn for: the output area does
    not shrink it, and its text with it."""
    open_page(page, lab, STATIC_FIGURES[key])
    copy = nbformat.read(lab.workspace / STATIC_FIGURES[key], 4)
    count = sum(
        "image/png" in out.get("data", {}) for cell in copy.cells for out in cell.get("outputs", [])
    )
    images = page.locator(".jp-Notebook .jp-RenderedImage img")
    # JupyterLab renders a notebook's cells a few at a time: wait for all its figures.
    playwright.expect(images).to_have_count(count, timeout=60_000)
    for index in range(count):
        sizes = image_sizes(images.nth(index))
        assert sizes["width"] > 0 and sizes["natural"] >= 2 * sizes["width"], sizes
        assert sizes["shown"] == pytest.approx(sizes["width"], abs=0.5), f"shrunk: {sizes}"
    if key == "01":
        families_figure_text_is_as_large_as_the_body_text(page)
    page.screenshot(path=ARTIFACTS / f"browser-{key}-static-figures.png")


def families_figure_text_is_as_large_as_the_body_text(page):
    """Notebook 01's families figure, as the learner sees it: its smallest text, the drawing's
    font size in CSS pixels times the scale it is shown at, is at least the body text's size."""
    fig = families.families_figure()  # the drawing that the committed output shows
    png = figures.png(fig)
    cell = page.locator(".jp-Notebook .jp-CodeCell", has_text="families.families_figure()").first
    image = cell.locator(".jp-RenderedImage img")
    sizes = image_sizes(image)
    assert sizes["natural"] == pytest.approx(figures.css_size(png)[0] * 2, abs=4), (
        "the committed output is not the current drawing: make outputs NB=notebooks/"
        + STATIC_FIGURES["01"]
    )
    scale = sizes["shown"] / (sizes["natural"] / figures.SCALE)  # 1 unless the browser shrank it
    smallest = min(figures.text_sizes(fig)) * scale
    assert smallest >= body_text_px(page) - 0.01, (
        f"{smallest:.1f} px text, body {body_text_px(page)}"
    )
    image.screenshot(path=ARTIFACTS / "browser-01-families-figure.png")


def test_shape_explorer_follows_its_controls(lab, page):
    open_notebook(page, lab, "02")
    config = dict(batch=32, steps=20, features=8, units=64, cell="LSTM", return_sequences=False,
                  return_state=False, bidirectional=False)  # fmt: skip
    shown = expect_report(page, **config)
    playwright.expect(shown).to_contain_text("Output shape: (32, 64)")

    page.get_by_label("return_sequences", exact=True).first.check()
    config["return_sequences"] = True
    playwright.expect(expect_report(page, **config)).to_contain_text("Output shape: (32, 20, 64)")

    set_slider(page, "units", 100)
    config["units"] = 100
    expect_report(page, **config)

    page.get_by_role("button", name="GRU", exact=True).first.click()
    page.get_by_label("bidirectional", exact=True).first.check()
    config.update(cell="GRU", bidirectional=True)
    playwright.expect(expect_report(page, **config)).to_contain_text("Output shape: (32, 20, 200)")

    finish(page, explorer(page, shown), "02-shape-explorer")


def test_stack_explorer_follows_its_controls(lab, page):
    open_notebook(page, lab, "03")
    layers = [("LSTM", 32, True), ("LSTM", 32, False), ("LSTM", 32, False)]
    shown = page.locator(".widget-html-content", has_text="Input: (None,").first
    expect_lines(shown, stack_report((None, 20, 8), layers)[0])

    page.get_by_label("layer 2 return_sequences", exact=True).first.check()
    select(page, "layer 3 cell", "GRU")
    set_slider(page, "layer 3 units", 16)
    layers[1:] = [("LSTM", 32, True), ("GRU", 16, False)]
    expect_lines(shown, stack_report((None, 20, 8), layers)[0])
    finish(page, explorer(page, shown), "03-stack-explorer")


def test_forecast_explorer_redraws_for_another_window(lab, page):
    open_notebook(page, lab, "04")
    window = control(page, "slider", "window")
    box = explorer(page, window)
    chart = box.locator("img").first
    assert_sharp(chart)

    redraws(chart, lambda: set_slider(page, "window", 1))
    playwright.expect(window.locator(".widget-readout")).to_have_text("1")
    finish(page, box, "04-forecast-explorer")


def gradient_summary(activation, length, gain):
    fig, summary = gradient_figure(activation, length, gain)
    plt.close(fig)
    return summary


def test_gradient_explorer_follows_its_controls(lab, page):
    open_notebook(page, lab, "05")
    summary = page.locator(".widget-label", has_text=re.compile(r", \d+ steps, gain ")).first
    playwright.expect(summary).to_have_text(gradient_summary("tanh", 100, 1.0))
    box = explorer(page, summary)
    chart = box.locator("img").first
    assert_sharp(chart)

    redraws(chart, lambda: select(page, "activation", "relu"))
    playwright.expect(summary).to_have_text(gradient_summary("relu", 100, 1.0))
    redraws(chart, lambda: set_slider(page, "gain", 1.5))
    playwright.expect(summary).to_have_text(gradient_summary("relu", 100, 1.5))
    finish(page, box, "05-gradient-explorer")


def test_lstm_gate_stepper_steps(lab, page):
    open_notebook(page, lab, "06")
    caption = page.locator(".widget-html-content caption", has_text="x(t):").first
    start = int(read_match(caption, r"t = (\d+) ·"))
    stepper = page.locator(".widget-vbox", has=caption).last
    diagram = stepper.locator("img").first
    assert_sharp(diagram)

    redraws(diagram, lambda: set_slider(page, "t", start + 1))
    playwright.expect(caption).to_contain_text(f"t = {start + 1} ·", timeout=10_000)
    playwright.expect(stepper).to_contain_text(threshold_note(0.5))  # what "highlighted" means
    # The whole stepper (controls, diagram, table) fits in the notebook's view of a 1000-px window.
    stepper.scroll_into_view_if_needed()
    view = page.locator(".jp-NotebookPanel-notebook").first.bounding_box()["height"]
    height = stepper.bounding_box()["height"]
    assert height <= view, f"the stepper is {height:.0f} px tall, the notebook shows {view:.0f} px"
    finish(page, stepper, "06-gate-stepper")


def test_receptive_field_explorer_follows_its_controls(lab, page):
    open_notebook(page, lab, "07")
    shown = page.locator(".widget-html-content", has_text="receptive field:").first
    expect_lines(shown, describe(build_stack(4, 2, dilation="doubling"), 32, 31))
    box = explorer(page, shown)
    drawing = box.locator("img").first
    assert_sharp(drawing)

    redraws(drawing, lambda: set_slider(page, "kernel", 3))
    expect_lines(shown, describe(build_stack(4, 3, dilation="doubling"), 32, 31))
    redraws(drawing, lambda: set_slider(page, "output", 10))
    expect_lines(shown, describe(build_stack(4, 3, dilation="doubling"), 32, 10))
    finish(page, box, "07-receptive-field-explorer")

    # Strides with dilations 1, 2, 4, 8: no such stack. A message, and no (broken) image.
    stack = explorer(page, control(page, "slider", "stride"))  # found by a control that stays
    drawing = stack.locator("img").first
    set_slider(page, "stride", 2)
    message = stack.locator(".widget-html-content", has_text="Not a valid stack:").first
    playwright.expect(message).to_contain_text("strides > 1 together with dilation_rate > 1")
    playwright.expect(drawing).to_be_hidden()
    stack.screenshot(path=ARTIFACTS / "browser-07-receptive-field-explorer-invalid.png")
    set_slider(page, "stride", 1)
    playwright.expect(drawing).to_be_visible()
    expect_lines(shown, describe(build_stack(4, 3, dilation="doubling"), 32, 10))
    assert_sharp(drawing)


def test_clip_explorer_follows_its_controls(lab, page):
    """The model is trained in the notebook: the line must follow the sliders in summary's form."""
    open_notebook(page, lab, "08")
    line = page.locator(".widget-label", has_text=re.compile(r"^clip \d+ · after")).first
    start = int(read_match(line, r"^clip (\d+) ·"))
    frames = int(read_match(line, r"after \d+ of (\d+) frames"))
    box = explorer(page, line)
    view = box.locator("img").first
    assert_sharp(view)

    clip = 1 if start == 0 else 0
    redraws(view, lambda: set_slider(page, "frames seen", 2))
    redraws(view, lambda: set_slider(page, "clip", clip))
    playwright.expect(line).to_have_text(
        re.compile(rf"^clip {clip} · after 2 of {frames} frames: .+ \(\d+%\) · true class: .+ "
                   r"\((right|wrong)\)$"), timeout=30_000)  # fmt: skip
    finish(page, box, "08-clip-explorer")


def test_sketch_explorer_redraws_for_another_crop_and_class(lab, page):
    open_notebook(page, lab, "09")
    box = explorer(page, control(page, "slider", "crop at"))
    view = box.locator("img").first
    assert_sharp(view)

    redraws(view, lambda: set_slider(page, "crop at", 10))
    classes = control(page, "dropdown", "class").locator("select")
    redraws(view, lambda: classes.select_option(index=1))
    finish(page, box, "09-sketch-explorer")


def test_beam_explorer_follows_its_controls(lab, page):
    """The decoder is trained in the notebook: the table must follow the sliders in beam_table's
    form, one line per beam."""
    open_notebook(page, lab, "10")
    table = page.locator(".widget-html-content pre", has_text="expected").first
    playwright.expect(table).to_contain_text("beam 3 ")
    source = read_match(table, r"^input +(.+)")

    set_slider(page, "beam width", 2)
    playwright.expect(table).not_to_contain_text("beam 3", timeout=60_000)
    assert len(re.findall(r"\nbeam \d +.+ p = \d\.\d{3} [✓✗]", table.text_content())) == 2
    index = int(read_match(control(page, "slider", "input").locator(".widget-readout"), r"(\d+)"))
    set_slider(page, "input", 1 if index == 0 else 0)
    playwright.expect(table).not_to_contain_text(f"input    {source}\n", timeout=60_000)
    finish(page, explorer(page, table), "10-beam-explorer")


def test_step_plan_explorer_follows_its_sliders(lab, page):
    open_notebook(page, lab, "11")
    shown = page.locator(".widget-html-content pre", has_text="global batch").first
    settings = dict(replicas=2, per_replica_batch=32, time_steps=40, units=32, layers=2)
    expect_lines(shown, step_plan(100_000, **settings).summary())
    box = explorer(page, shown)
    chart = box.locator("img").first
    assert_sharp(chart)

    redraws(chart, lambda: set_slider(page, "replicas", 4))
    redraws(chart, lambda: set_slider(page, "units", 64))
    settings.update(replicas=4, units=64)
    expect_lines(shown, step_plan(100_000, **settings).summary())
    finish(page, box, "11-step-plan-explorer")


def test_chorale_explorer_follows_its_controls(lab, page):
    """The model is trained in the notebook: the line must follow the temperature in describe's
    form."""
    open_notebook(page, lab, "12")
    line = page.locator(".widget-label", has_text=re.compile(r"seed steps \+ \d+ generated")).first
    playwright.expect(line).to_contain_text("generated steps (sampled at temperature 0.8);")
    box = explorer(page, line)
    roll = box.locator("img").first
    assert_sharp(roll)

    redraws(roll, lambda: set_slider(page, "temperature", 0))
    playwright.expect(line).to_contain_text("generated steps (greedy);")
    playwright.expect(box.locator("audio")).to_have_count(1)
    finish(page, box, "12-chorale-explorer")


def test_the_learner_answers_in_the_workspace_and_a_second_make_lab_keeps_the_answers(
    page, tmp_path
):
    """make lab hands out learner copies (no solution, the lesson's outputs shown before anything
    runs); a learner types two answers into notebook 03, and Run All goes past the unanswered
    exercises, which say "not answered yet" in one line, while checks say ✓ or their message,
    without frames. A second make lab on the same folder is refused while the first runs; after
    it stops, the next make lab keeps the learner's notebook as it is."""
    work = tmp_path / "workspace"
    course = nbformat.read(ROOT / "notebooks" / LEARNER_03, 4)
    lesson_line = next(
        out.text.splitlines()[0]
        for cell in course.cells[: min(grade_ids(course).values())]
        for out in cell.get("outputs", [])
        if out.output_type == "stream"
    )
    first = LabServer(workspace=work)
    try:
        course_notebooks = len(list((ROOT / "notebooks").glob("*.ipynb")))
        assert f"Handed out {course_notebooks} learner copies" in first.output()

        again = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"WORKSPACE={work}",
             f"LAB_ARGS=--port={free_port()} --no-browser"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )  # fmt: skip
        try:
            out, err = again.communicate(timeout=120)
        except subprocess.TimeoutExpired:  # a second server started: stop it, and fail
            os.killpg(again.pid, signal.SIGTERM)
            raise
        assert again.returncode != 0, out
        assert f"already running on {work.resolve()}/, at {first.url}/lab" in err
        assert first.token not in out + err

        open_page(page, first, LEARNER_03)
        notebook = page.locator(".jp-Notebook")
        playwright.expect(notebook).to_contain_text(lesson_line)  # before running anything
        cells = page.locator(".jp-Notebook .jp-Cell")
        checks = grade_ids(nbformat.read(work / LEARNER_03, 4))
        for grade_id, answer in ANSWERS_03.items():
            cell = cells.nth(checks[grade_id])
            cell.scroll_into_view_if_needed()
            playwright.expect(cell).to_contain_text("raise NotImplementedError()")
            type_into(page, cell, answer)
        assert "BEGIN SOLUTION" not in notebook.text_content()

        run_all(page, first)
        playwright.expect(cells.nth(checks["ex1-seq2seq-flags-check"])).to_contain_text("✓")
        wrong = cells.nth(checks["ex3-repair-check"]).locator(".jp-OutputArea")
        playwright.expect(wrong).to_contain_text("AssertionError: the family of your stack is")
        assert "grading/__init__.py" not in wrong.inner_text()
        assert "Traceback" not in wrong.inner_text()
        stub = "not answered yet: write your answer in place of `raise NotImplementedError()`"
        for check, name in (
            ("ex2-seq2vec-check", "classifier"),
            ("ex4-per-step-dense-check", "per_step_dense"),
        ):
            answer_cell, check_cell = cells.nth(checks[check] - 1), cells.nth(checks[check])
            for cell, says in (
                (answer_cell, stub),
                (check_cell, f"not answered yet: `{name}` is your answer to the exercise"),
            ):
                shown = cell.locator(".jp-OutputArea")
                playwright.expect(shown).to_contain_text(says)
                assert "Traceback" not in shown.inner_text()
        page.screenshot(path=ARTIFACTS / "browser-03-learner-copy.png", full_page=False)
        page.keyboard.press("Control+s")
        mine = saved_sources(work / LEARNER_03)
    finally:
        first.stop()

    second = LabServer(workspace=work)
    try:
        assert "Handed out" not in second.output() and "updated" not in second.output()
        assert saved_sources(work / LEARNER_03) == mine
        assert not (work / "03_return_sequences.course-update.ipynb").exists()
        open_page(page, second, LEARNER_03)
        answered = page.locator(".jp-Notebook .jp-Cell").nth(checks["ex1-seq2seq-flags"])
        answered.scroll_into_view_if_needed()
        playwright.expect(answered).to_contain_text(ANSWERS_03["ex1-seq2seq-flags"])
    finally:
        second.stop()


def test_the_instructors_lab_shows_the_solutions(page):
    """make lab INSTRUCTOR=1 serves notebooks/ with nbgrader on; opening a notebook changes no
    notebook there (JupyterLab's checkpoint folder, which git ignores, is removed afterwards)."""
    if lab_guard.serving(ROOT / "notebooks"):
        pytest.skip("an instructor's lab already serves notebooks/ (make lab INSTRUCTOR=1)")
    course = ROOT / "notebooks" / LEARNER_03
    checkpoints = course.parent / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    before = (course.stat().st_mtime_ns, sorted(course.parent.glob("*.ipynb")))
    lab = LabServer(instructor=True)
    try:
        assert "nbgrader" in lab.output().lower()
        open_page(page, lab, LEARNER_03)
        answer = page.locator(".jp-Notebook .jp-Cell").nth(
            grade_ids(nbformat.read(course, 4))["ex2-seq2vec"]
        )
        answer.scroll_into_view_if_needed()
        playwright.expect(answer).to_contain_text("### BEGIN SOLUTION")
        playwright.expect(answer).to_contain_text("layers.LSTM(64, return_sequences=True)")
        lab.shut_down_kernels()
    finally:
        lab.stop()
        if not had_checkpoints:
            shutil.rmtree(checkpoints, ignore_errors=True)
    assert (course.stat().st_mtime_ns, sorted(course.parent.glob("*.ipynb"))) == before
