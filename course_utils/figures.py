"""The course's one way to make and show a figure.

Every drawing, in the package and in a notebook, is a :class:`Figure` made with :func:`new`,
drawn on through its axes and returned. pyplot never holds it, so nothing is drawn twice and no
figure leaks when a widget redraws: a cell shows a figure by ending with it, and a widget shows
it with :func:`png`::

    fig = figures.new(figsize=(8, 3))
    ax = fig.subplots()
    ax.plot(losses)
    fig                                  # the cell's value: shown once, as a PNG

A figure is drawn at ``SCALE`` image pixels per CSS pixel and shown at its CSS size (``DPI`` CSS
pixels per inch), in a cell's output as in a widget, so that it is sharp on high-density displays.
So that a learner reads it as easily as the prose around it, a figure is at most ``WIDTH``
inches wide (JupyterLab shrinks a wider one to its output area, and its text with it), and its
text is at least as large as the notebook's body text: importing this module sets matplotlib's
default font size to ``TEXT_PT`` points, and drawings give no text a smaller size.
"""

import io
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.figure import Figure as _MatplotlibFigure
from matplotlib.text import Text

if TYPE_CHECKING:
    from IPython.core.formatters import DisplayFormatter

DPI = 90  # CSS pixels per inch, in notebooks and widgets alike
SCALE = 2  # image pixels per CSS pixel: sharp on high-density (2x) displays
BODY_TEXT_PX = 14  # JupyterLab's body text (--jp-content-font-size1), in CSS pixels
TEXT_PT = BODY_TEXT_PX * 72 / DPI  # 11.2 points: a figure's smallest text, as large as the body's
# The widest figure: 900 CSS pixels, within JupyterLab's output area (968 CSS pixels in a
# 1400-pixel window with the file browser open).
WIDTH = 10  # inches

matplotlib.rcParams["font.size"] = TEXT_PT  # titles ("large") are 1.2 times as large


class Figure(_MatplotlibFigure):
    """A matplotlib figure that Jupyter shows as a PNG, at its CSS size, when a cell ends with it."""

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        """The PNG at ``SCALE`` image pixels per CSS pixel, and the CSS size to show it at."""
        data = png(self)
        width, height = css_size(data)
        return data, {"width": width, "height": height}


def show_in(display_formatter: "DisplayFormatter") -> None:
    """Make ``display_formatter`` (IPython's) show a course figure with :meth:`Figure._repr_png_`,
    and as a PNG only.

    A printer registered for matplotlib's ``Figure`` class would otherwise take precedence over the
    method: music21, imported in a notebook, sets the inline backend's "retina" format, which draws
    figures at matplotlib's 100 dpi instead of the course's 90, 11 % wider than they were made.
    Printers registered for this subclass come first, and matplotlib's backends never remove them.
    """
    formatters = display_formatter.formatters
    formatters["image/png"].for_type(Figure, Figure._repr_png_)
    for mime in _OTHER_FIGURE_FORMATS:  # those matplotlib's inline backend can be set to
        if mime in formatters:
            formatters[mime].for_type(Figure, _no_output)


_OTHER_FIGURE_FORMATS = ("image/jpeg", "image/svg+xml", "application/pdf")


def _no_output(fig: Figure) -> None:
    return None


def _show_in_ipython() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # no IPython: nothing shows figures but png()
        return
    shell = get_ipython()
    if shell is not None:
        show_in(shell.display_formatter)


def new(**kwargs: Any) -> Figure:
    """A new :class:`Figure` (``figsize``, ``layout`` ... as for matplotlib's)."""
    return Figure(**kwargs)


def png(fig: _MatplotlibFigure, scale: int = SCALE) -> bytes:
    """The PNG bytes of ``fig``, at ``scale`` image pixels per CSS pixel."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", dpi=DPI * scale)
    return buffer.getvalue()


def css_size(png: bytes, scale: int = SCALE) -> tuple[int, int]:
    """(width, height) in CSS pixels at which to show ``png``, bytes from :func:`png`."""
    width, height = (
        int.from_bytes(png[i : i + 4], "big") for i in (16, 20)
    )  # IHDR, after the signature
    return width // scale, height // scale


def text_sizes(fig: _MatplotlibFigure) -> list[float]:
    """The font sizes, in CSS pixels, of the texts that ``fig`` shows (tick labels included)."""
    fig.draw_without_rendering()  # makes the tick labels
    return [
        text.get_fontproperties().get_size_in_points() * DPI / 72  # what get_fontsize() returns
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]


_show_in_ipython()
