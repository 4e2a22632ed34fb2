"""Widget figures are rendered at twice the resolution they are shown at (sharp on 2x displays)."""

import base64
import io

import matplotlib

matplotlib.use("Agg")

from IPython.core.formatters import DisplayFormatter  # noqa: E402
from PIL import Image  # noqa: E402

from course_utils import figures, widgets  # noqa: E402
from course_utils.gradients.widget import GradientExplorer  # noqa: E402


def pixel_width(png):
    """The width of ``png``: bytes, or base64 text as in a display bundle."""
    data = base64.b64decode(png) if isinstance(png, str) else bytes(png)
    return Image.open(io.BytesIO(data)).width


def test_a_figure_has_two_pixels_per_css_pixel_at_its_css_size():
    fig = figures.new(figsize=(4, 2))
    fig.subplots().plot([0, 1], [0, 1])
    png = widgets.figure_png(fig)
    shown = widgets.css_width(png)
    assert 0.8 * 4 * figures.DPI < shown <= 4 * figures.DPI  # about the figure's size at 90 dpi
    assert pixel_width(png) in (2 * shown, 2 * shown + 1)


def test_the_live_image_and_the_snapshot_are_shown_at_half_their_pixel_width():
    explorer = GradientExplorer(length=20)
    live = explorer.image.value
    assert 2 * int(explorer.image.width) in (pixel_width(live), pixel_width(live) - 1)
    data, metadata = DisplayFormatter().format(explorer)
    width = metadata["image/png"]["width"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert 2 * width in (pixel_width(data["image/png"]), pixel_width(data["image/png"]) - 1)
