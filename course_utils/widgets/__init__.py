"""Interactive views (ipywidgets 8) over the pure functions in ``shapes``, ``cells`` and ``diagrams``.

One module per topic. Every widget is an :class:`Explorer`: in JupyterLab it is live; in a
notebook opened without a front-end (GitHub, nbval, nbconvert) its output still shows a static
snapshot of its initial view, so the notebook reads well everywhere.
"""

import base64
import io

import ipywidgets


class Explorer(ipywidgets.VBox):
    """A widget box whose display also carries a static snapshot of its current view.

    Subclasses implement :meth:`snapshot`, returning a dict of extra MIME data, typically
    ``{"text/plain": summary}`` plus ``{"image/png": figure_png(fig)}`` or ``{"text/html": ...}``.
    JupyterLab prefers the live widget; renderers without a widget manager fall back to the rest.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _show_whole_labels(self)

    def snapshot(self):
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle.update(self.snapshot())
        return bundle


def _show_whole_labels(widget):
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


def figure_png(fig):
    """A matplotlib figure as base64 PNG text, for a MIME bundle."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
