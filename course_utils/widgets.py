"""The base of the course's widgets (ipywidgets 8); each topic's widget lives in its folder.

Every widget is an :class:`Explorer`, a thin view over its topic's pure functions. In JupyterLab
it is live; in a notebook opened without a front-end (GitHub, nbval, nbconvert) its output still
shows a static snapshot of its initial view, so the notebook reads well everywhere.

Figures are rendered at ``SCALE`` image pixels per CSS pixel and shown at their CSS size, both in
the live widget (:class:`FigureImage`) and in the snapshot, so that they stay sharp on
high-density displays, as :mod:`course_utils.figures` shows the figures that cells end with.
"""

import base64
from typing import TYPE_CHECKING, Any

import ipywidgets

from course_utils import figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SCALE = figures.SCALE  # image pixels per CSS pixel


class Explorer(ipywidgets.VBox):
    """A widget box whose display also carries a static snapshot of its current view.

    Subclasses implement :meth:`snapshot`, returning a dict of extra MIME data, typically
    ``{"text/plain": summary}`` plus ``{"image/png": figure_png(fig)}`` or ``{"text/html": ...}``.
    JupyterLab prefers the live widget; renderers without a widget manager fall back to the rest.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _show_whole_labels(self)

    def snapshot(self) -> dict[str, Any]:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live widget's data and the snapshot's, with the snapshot PNG's CSS width."""
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle.update(self.snapshot())
        if "image/png" not in bundle:
            return bundle, {}
        png = bundle["image/png"]
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        return bundle, {"image/png": {"width": css_width(png)}}


def _show_whole_labels(widget: object) -> None:
    """Give every control below ``widget`` room for its whole description: labels without a set
    width take the width of their text, and check boxes the width of their label."""
    for child in getattr(widget, "children", ()):
        _show_whole_labels(child)
    if not getattr(widget, "description", ""):
        return
    style = getattr(widget, "style", None)
    if style is not None and hasattr(style, "description_width") and not style.description_width:
        style.description_width = "initial"
    if isinstance(widget, ipywidgets.Checkbox) and not widget.layout.width:
        widget.layout.width = "auto"


def figure_png(fig: "Figure") -> bytes:
    """The PNG bytes of a matplotlib figure, ``SCALE`` times the resolution it is shown at."""
    return figures.png(fig, scale=SCALE)


def css_width(png: bytes) -> int:
    """The width in CSS pixels at which to show ``png`` (bytes from :func:`figure_png`)."""
    return figures.css_size(png)[0]


class FigureImage(ipywidgets.Image):
    """An image widget that shows PNGs from :func:`figure_png` at their CSS size."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="png", **kwargs)

    def show(self, png: bytes) -> None:
        """Show ``png``, bytes from :func:`figure_png`, in one update of the front-end."""
        with self.hold_sync():
            self.value = png
            self.width = str(css_width(png))
