"""The course's one way to make and show a figure.

Every drawing, in the package and in a notebook, is a :class:`Figure` made with :func:`new`,
drawn on through its axes and returned. pyplot never holds it, so nothing is drawn twice and no
figure leaks when a widget redraws: a cell shows a figure by ending with it, and a widget shows
it with :func:`png`::

    fig = figures.new(figsize=(8, 3))
    ax = fig.subplots()
    ax.plot(losses)
    fig                                  # the cell's value: shown once, as a PNG
"""

import io

from matplotlib.figure import Figure as _MatplotlibFigure

DPI = 90  # CSS pixels per inch, in notebooks and widgets alike


class Figure(_MatplotlibFigure):
    """A matplotlib figure that Jupyter shows as a PNG when a cell ends with it."""

    def _repr_png_(self):
        return png(self)


def new(**kwargs):
    """A new :class:`Figure` (``figsize``, ``layout`` ... as for matplotlib's)."""
    return Figure(**kwargs)


def png(fig, scale=1):
    """The PNG bytes of ``fig``, at ``scale`` image pixels per CSS pixel."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", dpi=DPI * scale)
    return buffer.getvalue()
