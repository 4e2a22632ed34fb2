"""The course in a real browser: JupyterLab in headless Debian Chromium, driven by Playwright.

Runs the widget of every notebook that has one (02 to 12) in JupyterLab, moves its controls and
checks what it shows against the pure functions behind it (or, where the view comes from a model
trained in the notebook, that it follows the controls in the pure function's form), and that its
figures have two image pixels per CSS pixel on a 2x display; then runs a student version of
notebook 03 with one exercise answered right, one wrong and two unanswered. A widget built from
literals runs with its notebook's setup cell only; a widget of a model trained in the notebook
runs after the whole notebook (nbval runs every notebook whole anyway). The server serves copies,
so JupyterLab's autosave never touches the committed notebooks. A screenshot of each widget is
saved under test-artifacts/.
"""

import ast
import builtins
import re
import shutil
import time

import matplotlib.pyplot as plt
import nbformat
import pytest

from course_utils.convolution.widget import build_stack, describe
from course_utils.distribution.parallelism import step_plan
from course_utils.gradients.widget import gradient_figure
from course_utils.grading.release import student_version
from course_utils.shapes.widget import layer_report, stack_report
from tests.lab_server import ROOT, LabServer

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
    folder = tmp_path_factory.mktemp("notebooks")
    for key, name in NOTEBOOKS.items():
        source = ROOT / "notebooks" / name
        if key in LITERAL_WIDGETS:
            nbformat.write(setup_and_widget(nbformat.read(source, 4)), folder / name)
        elif source.exists():
            shutil.copy(source, folder / name)
    nbformat.write(student_03(), folder / STUDENT_03)
    ARTIFACTS.mkdir(exist_ok=True)
    server = LabServer(notebook_dir=folder)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(lab):
    """A page on a 2x (high-density) display, as on most laptops and phones."""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
        yield page
        browser.close()


def setup_and_widget(nb):
    """``nb`` cut down to its setup cell (the first code cell) and the cell that shows its widget.

    Fails if the widget's cell reads a name that the setup cell does not define."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    setup = code[0]
    (widget,) = [
        cell for cell in code if any(WIDGET in out.get("data", {}) for out in cell.outputs)
    ]
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


STUDENT_03 = "03_student.ipynb"
# A learner's answers: ex1 right, ex3 wrong (a wrong answer in circulation), ex2 and ex4 not given.
ANSWERS_03 = {"ex1-seq2seq-flags": "seq2seq_flags = [True, True, True]",
              "ex3-repair": "repaired = [True, True, True, True]"}  # fmt: skip


def student_03():
    nb = student_version(nbformat.read(ROOT / "notebooks" / "03_return_sequences.ipynb", 4))
    for cell in nb.cells:
        answer = ANSWERS_03.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if answer and cell.metadata["nbgrader"].get("solution"):
            cell.source = answer
    return nb


def run_all(page, lab, notebook):
    """Open ``notebook``, clear its stored outputs, run every cell, and wait until all have run.

    The kernels of earlier notebooks are shut down first: one kernel at a time."""
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
    """Run All in notebook ``key`` ("02" ... "12"), or skip the test if it is not there yet."""
    if not (ROOT / "notebooks" / NOTEBOOKS[key]).exists():
        pytest.skip(f"notebook {key} is not there yet")
    run_all(page, lab, NOTEBOOKS[key])


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


def finish(page, box, name):
    """No widget failed to display; save a screenshot of the widget."""
    assert widget_errors(page) == []
    box.screenshot(path=ARTIFACTS / f"browser-{name}.png")


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


def test_a_student_version_runs_to_the_end_with_feedback(lab, page):
    """Run All goes past the unanswered exercises, which say "not answered yet" in one line; checks
    say ✓ or their message, without frames."""
    run_all(page, lab, STUDENT_03)
    checks = {
        cell.metadata["nbgrader"]["grade_id"]: index
        for index, cell in enumerate(student_03().cells)
        if cell.metadata.get("nbgrader", {}).get("grade")
    }
    cells = page.locator(".jp-Notebook .jp-Cell")
    playwright.expect(cells.nth(checks["ex1-seq2seq-flags-check"])).to_contain_text("✓")
    wrong = cells.nth(checks["ex3-repair-check"]).locator(".jp-OutputArea")
    playwright.expect(wrong).to_contain_text("AssertionError: the family of your stack is")
    assert "grading/__init__.py" not in wrong.inner_text() and "Traceback" not in wrong.inner_text()
    stub = "not answered yet: write your answer in place of `raise NotImplementedError()`"
    for check, name in (
        ("ex2-seq2vec-check", "classifier"),
        ("ex4-per-step-dense-check", "per_step_dense"),
    ):
        answer_cell, check_cell = cells.nth(checks[check] - 1), cells.nth(checks[check])
        for cell, says in (
            (answer_cell, stub),
            (check_cell, f"not answered yet: `{name}` is not defined"),
        ):
            shown = cell.locator(".jp-OutputArea")
            playwright.expect(shown).to_contain_text(says)
            assert "Traceback" not in shown.inner_text()
    page.screenshot(path=ARTIFACTS / "browser-03-student-version.png", full_page=False)
