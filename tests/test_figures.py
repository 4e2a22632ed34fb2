"""Figures a learner can read. A figure that a cell ends with is shown like a widget's: drawn at
two image pixels per CSS pixel, with the CSS size to show it at, so that it is sharp on
high-density (2x) displays. Every drawing of the package fits JupyterLab's output area (so it is
not shrunk) and writes no text smaller than the notebook's body text; no legend covers data."""

import base64
import io

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.formatters import DisplayFormatter  # noqa: E402
from PIL import Image  # noqa: E402

from course_utils import families, figures, shapes  # noqa: E402
from course_utils.cells import figures as cell_diagrams  # noqa: E402
from course_utils.chorales import music  # noqa: E402
from course_utils.convolution.figures import conv_stack  # noqa: E402
from course_utils.distribution.parallelism import step_plan  # noqa: E402
from course_utils.distribution.widget import step_plan_figure  # noqa: E402
from course_utils.forecasting.widget import forecast_figure  # noqa: E402
from course_utils.gradients.widget import gradient_figure  # noqa: E402
from course_utils.sketches import doodles  # noqa: E402
from course_utils.sketches import figures as sketch_figures  # noqa: E402
from course_utils.sketches.widget import crop_view  # noqa: E402
from course_utils.videos import figures as video_figures  # noqa: E402


def test_a_cell_ending_with_a_figure_shows_it_at_twice_its_css_resolution():
    fig = figures.new(figsize=(4, 2))
    fig.subplots().plot([0, 1], [0, 1])
    data, metadata = DisplayFormatter().format(fig)
    png = data["image/png"]  # bytes, or base64 text once in a display message
    image = Image.open(io.BytesIO(base64.b64decode(png) if isinstance(png, str) else png))
    shown = metadata["image/png"]
    assert 0.8 * 4 * figures.DPI < shown["width"] <= 4 * figures.DPI  # about 4 in at 90 dpi
    assert 0.8 * 2 * figures.DPI < shown["height"] <= 2 * figures.DPI
    assert image.width in (2 * shown["width"], 2 * shown["width"] + 1)
    assert image.height in (2 * shown["height"], 2 * shown["height"] + 1)


def _clip(frames=12, size=16):
    return np.random.default_rng(0).uniform(size=(frames, size, size))


def _chorale(steps=48):
    notes = np.array([72, 67, 60, 48]) + np.random.default_rng(0).integers(-3, 4, size=(steps, 4))
    return notes.astype(int)


def _forecasts():
    rng = np.random.default_rng(0)
    inputs, truth = 15 + rng.normal(size=(4, 56)), 15 + rng.normal(size=(4, 7))
    names = ["naive", "linear", "sequence-to-vector", "sequence-to-sequence", "encoder–decoder"]
    return inputs, truth, {name: truth + rng.normal(size=truth.shape) for name in names}


def _sketches(n):
    inks, labels = doodles.generate(n, seed=0)
    return inks, [doodles.SYNTHETIC_CLASSES[label] for label in labels]


# Every drawing of the package, with inputs like the notebooks' (the widest they draw).
DRAWINGS = {
    "01 families": lambda: families.families_figure(),
    "06 LSTM cell": lambda: cell_diagrams.lstm_cell(),
    "06 GRU cell": lambda: cell_diagrams.gru_cell(),
    "06 gate stepper": lambda: cell_diagrams.lstm_cell(
        highlight={"c", "forget"},
        values={"f": 0.73, "i": 0.51, "g": 0.13, "o": 0.51},
        title="t = 12 (marker) · mean of all units · c(t-1) = +0.00 → c(t) = +0.06 · h(t) = +0.03",
        legend=False,
    ),
    "07 strided stack": lambda: conv_stack([shapes.Conv1DLayer(4, strides=2)] * 2, 48, 5),
    "07 explorer, longest input": lambda: conv_stack(
        [shapes.Conv1DLayer(5, dilation_rate=2**i, padding="causal") for i in range(6)], 64, 63
    ),
    "09 sketch grid": lambda: sketch_figures.sketch_grid(*_sketches(16), columns=8),
    "09 misclassified": lambda: sketch_figures.sketch_grid(
        _sketches(10)[0], ["smiley face\n→ television"] * 10, columns=5
    ),
    "09 lengths": lambda: sketch_figures.length_histogram(np.arange(20, 200), crop=100),
    "09 explorer": lambda: crop_view(
        _sketches(1)[0][0], 20, "television", np.full(20, 0.05), doodles.SYNTHETIC_CLASSES[:20]
    )[0],
    "08 frames": lambda: video_figures.frame_strip(
        [_clip(), _clip()], row_labels=["approach and back", "receding"]
    ),
    "08 explorer": lambda: video_figures.prefix_view(
        _clip(), np.full((12, 4), 0.25), 5, ["approaching", "receding", "approach and back", "x"]
    ),
    "04 explorer": lambda: forecast_figure(*_forecasts(), 0),
    "05 explorer": lambda: gradient_figure("tanh", 100, 1.0)[0],
    "11 explorer": lambda: step_plan_figure(step_plan(100_000, 4, 32, 40, 64, 2)),
    "12 piano roll": lambda: music.piano_roll(
        _chorale(), title="bwv10.7.mxl, continued", generated_from=16
    ),  # fmt: skip
}


@pytest.mark.parametrize("name", DRAWINGS)
def test_every_drawing_fits_the_notebook_and_its_text_is_as_large_as_the_body_text(name):
    """At most WIDTH inches (900 CSS pixels) wide, so that JupyterLab shows it at its natural size,
    and no text smaller than the notebook's body text (14 CSS pixels)."""
    fig = DRAWINGS[name]()
    width, _ = figures.css_size(figures.png(fig))
    assert width <= figures.WIDTH * figures.DPI, f"{width} CSS pixels wide"
    assert min(figures.text_sizes(fig)) >= figures.BODY_TEXT_PX - 1e-9


def test_text_sizes_are_measured_in_css_pixels_tick_labels_included():
    fig = figures.new(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title", fontsize=18)  # 18 pt = 22.5 CSS pixels at 90 dpi
    ax.tick_params(labelsize=8)  # 10 CSS pixels: too small, and found
    sizes = figures.text_sizes(fig)
    assert max(sizes) == pytest.approx(22.5) and min(sizes) == pytest.approx(10)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: forecast_figure(*_forecasts(), 1),
        lambda: music.piano_roll(_chorale(), title="a chorale", generated_from=16),
    ],
    ids=["04 forecast", "12 piano roll"],
)
def test_a_legend_never_covers_the_data(draw):
    """The legend sits beside the plot, and the piano roll's "generated →" above every note."""
    fig = draw()
    fig.draw_without_rendering()
    (ax,) = fig.axes
    assert not ax.get_legend().get_window_extent().overlaps(ax.get_window_extent())
    for label in ax.texts:  # "generated →", in data coordinates
        (_, bottom), _ = ax.transData.inverted().transform(label.get_window_extent())
        assert bottom > _chorale().max() + 0.4  # the top of the highest note's bar


def test_a_course_figure_stays_a_2x_png_when_a_library_sets_matplotlibs_retina_format():
    """music21, imported in a notebook, registers IPython's "retina" printer for matplotlib's
    figures, which would draw course figures at 100 dpi (11 % wider) and ignore their method."""
    from IPython.core.pylabtools import select_figure_formats  # what %config InlineBackend does

    class Shell:
        display_formatter = DisplayFormatter()

    shell = Shell()
    figures.show_in(shell.display_formatter)
    select_figure_formats(shell, {"retina", "svg"})
    fig = figures.new(figsize=(4, 2))
    fig.subplots().plot([0, 1], [0, 1])
    data, metadata = shell.display_formatter.format(fig)
    assert "image/svg+xml" not in data
    assert metadata["image/png"]["width"] == figures.css_size(figures.png(fig))[0]
    assert metadata["image/png"]["width"] <= 4 * figures.DPI
