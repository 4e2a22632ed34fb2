"""Widget figures are rendered at twice the resolution they are shown at (sharp on 2x displays)."""

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from IPython.core.formatters import DisplayFormatter  # noqa: E402
from PIL import Image  # noqa: E402

from course_utils import widgets  # noqa: E402
from course_utils.gradients.widget import GradientExplorer  # noqa: E402


def pixel_width(png):
    return Image.open(io.BytesIO(base64.b64decode(png))).width


def test_a_figure_has_two_pixels_per_css_pixel_at_its_css_size():
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1], [0, 1])
    png = widgets.figure_png(fig)
    plt.close(fig)
    shown = widgets.css_width(png)
    assert 0.8 * 4 * widgets.DPI < shown <= 4 * widgets.DPI  # about the figure's size at 90 dpi
    assert pixel_width(png) in (2 * shown, 2 * shown + 1)


def test_the_live_image_and_the_snapshot_are_shown_at_half_their_pixel_width():
    explorer = GradientExplorer(length=20)
    live = base64.b64encode(explorer.image.value).decode("ascii")
    assert 2 * int(explorer.image.width) in (pixel_width(live), pixel_width(live) - 1)
    data, metadata = DisplayFormatter().format(explorer)
    width = metadata["image/png"]["width"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert 2 * width in (pixel_width(data["image/png"]), pixel_width(data["image/png"]) - 1)
