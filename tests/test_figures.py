"""A figure that a cell ends with is shown like a widget's: drawn at two image pixels per CSS
pixel, with the CSS size to show it at, so that it is sharp on high-density (2x) displays."""

import base64
import io

import matplotlib

matplotlib.use("Agg")

from IPython.core.formatters import DisplayFormatter  # noqa: E402
from PIL import Image  # noqa: E402

from course_utils import figures  # noqa: E402


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
