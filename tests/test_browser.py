"""The course in a real browser: JupyterLab in headless Debian Chromium, driven by Playwright.

Runs notebook 02 in JupyterLab, moves the shape explorer's controls, and checks that the output
shape it displays follows; then steps notebook 06's LSTM gate stepper; then runs a student version
of notebook 03 with one exercise answered right, one wrong and two unanswered. The server serves a copy of
the notebooks, so JupyterLab's autosave never touches the committed ones. A screenshot of each
notebook is saved under test-artifacts/.
"""

import re
import shutil
import time

import nbformat
import pytest

from course_utils.release import student_version
from course_utils.widgets.shapes import layer_report
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

if CHROMIUM is None:
    pytest.skip(
        "Debian's Chromium is not installed (`apt-get install chromium`; .ci/run installs it)",
        allow_module_level=True,
    )
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebooks")
    for name in ("02_rnn_input_output_shapes.ipynb", "06_lstm_cell.ipynb"):
        if (ROOT / "notebooks" / name).exists():
            shutil.copy(ROOT / "notebooks" / name, folder / name)
    nbformat.write(student_03(), folder / STUDENT_03)
    ARTIFACTS.mkdir(exist_ok=True)
    server = LabServer(notebook_dir=folder)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(lab):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


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
    """Open ``notebook``, clear its stored outputs, run every cell, and wait until all have run."""
    page.goto(f"{lab.url}/lab/tree/{notebook}?reset&token={lab.token}")  # reset: no restored tabs
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    kernel_dialog = page.get_by_role("button", name="Select", exact=True)
    try:
        kernel_dialog.click(timeout=5000)
    except playwright.TimeoutError:
        pass  # JupyterLab started the notebook's kernel without asking
    for menu, item in (("Edit", "Clear Outputs of All Cells"), ("Run", "Run All Cells")):
        page.get_by_role("menuitem", name=menu, exact=True).click()
        page.get_by_role("menuitem", name=item, exact=True).click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
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


def slider(page, label):
    return page.locator(
        ".widget-slider", has=page.locator("label", has_text=re.compile(f"^{label}$"))
    )


def set_slider(page, label, value):
    readout = slider(page, label).first.locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


def expect_report(page, **config):
    """The explorer shows (within 10 s) the lines the pure function computes for ``config``."""
    shown = page.locator(".widget-html-content", has_text="Output shape:").first
    for line in layer_report(**config)[0].splitlines():
        playwright.expect(shown).to_contain_text(line, timeout=10_000)
    return shown


def test_shape_explorer_follows_its_controls(lab, page):
    if not (ROOT / "notebooks" / "02_rnn_input_output_shapes.ipynb").exists():
        pytest.skip("notebook 02 is not there yet")
    run_all(page, lab, "02_rnn_input_output_shapes.ipynb")
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

    assert widget_errors(page) == []
    page.screenshot(path=ARTIFACTS / "browser-02-shape-explorer.png", full_page=False)


def test_lstm_gate_stepper_steps(lab, page):
    if not (ROOT / "notebooks" / "06_lstm_cell.ipynb").exists():
        pytest.skip("notebook 06 is not there yet")
    run_all(page, lab, "06_lstm_cell.ipynb")
    caption = page.locator(".widget-html-content caption", has_text="x(t):").first
    start = int(read_match(caption, r"t = (\d+) ·"))
    stepper = page.locator(".widget-vbox", has=caption).last
    diagram = stepper.locator("img").first
    playwright.expect(diagram).to_be_visible()
    before = diagram.get_attribute("src")

    set_slider(page, "t", start + 1)
    playwright.expect(caption).to_contain_text(f"t = {start + 1} ·", timeout=10_000)
    playwright.expect(diagram).not_to_have_attribute("src", before, timeout=10_000)

    assert widget_errors(page) == []
    stepper.screenshot(path=ARTIFACTS / "browser-06-gate-stepper.png")


def test_a_student_version_runs_to_the_end_with_feedback(lab, page):
    """Run All goes past the unanswered exercises; checks say ✓ or their message, without frames."""
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
    assert "grading.py" not in wrong.inner_text() and "Traceback" not in wrong.inner_text()
    unanswered = cells.nth(checks["ex4-per-step-dense-check"] - 1).locator(".jp-OutputArea")
    playwright.expect(unanswered).to_contain_text("NotImplementedError")
    page.screenshot(path=ARTIFACTS / "browser-03-student-version.png", full_page=False)
