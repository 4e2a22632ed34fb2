"""LSTM and GRU cells drawn as matplotlib figures, with paths that can be highlighted.

:func:`lstm_cell` draws both states (long-term c along the top, short-term h along the bottom),
the four layers f, i, g, o side by side, all fed by the same x(t) and h(t-1), the element-wise
products (⊗) and sum (⊕), and the tanh applied to c(t). :func:`gru_cell` draws the GRU the same
way. Both accept ``highlight``, a set of path names (see ``LSTM_PATHS`` and ``GRU_PATHS``) drawn
in full colour while the others fade, and ``values``, numbers written next to the gates; the
gate stepper uses both. Every artist of a path carries the gid ``"<cell>:<path>"``.
"""

from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Ellipse, FancyBboxPatch, Patch

from course_utils import figures

COLORS = {
    "c": "#e6891f",
    "h": "#3a3a3a",
    "forget": "#d62728",
    "input": "#2ca02c",
    "candidate": "#9467bd",
    "output": "#1f77b4",
    "update": "#d62728",
    "reset": "#2ca02c",
}
LSTM_PATHS = ("c", "h", "forget", "input", "candidate", "output")
GRU_PATHS = ("h", "update", "reset", "candidate")
FADED = 0.18
LABEL_FADED = 0.55  # the opacity of a faded path's label


class _Canvas:
    """Drawing helpers that tag each artist with its path and fade paths not highlighted."""

    def __init__(self, ax, cell, highlight):
        self.ax, self.cell = ax, cell
        self.highlight = None if highlight is None else set(highlight)

    def _style(self, path):
        on = self.highlight is None or path in self.highlight
        bold = self.highlight is not None and on
        return (1.0 if on else FADED), bold

    def line(self, points, path, width=2.0, arrow=False):
        alpha, bold = self._style(path)
        xs, ys = zip(*points, strict=True)
        color = COLORS[path]
        (artist,) = self.ax.plot(
            xs, ys, color=color, lw=width * (1.8 if bold else 1), alpha=alpha, zorder=2
        )
        artist.set_gid(f"{self.cell}:{path}")
        if arrow:
            (x0, y0), (x1, y1) = points[-2], points[-1]
            head = self.ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0 + 0.8 * (x1 - x0), y0 + 0.8 * (y1 - y0)),
                arrowprops={"arrowstyle": "-|>", "color": color, "alpha": alpha, "lw": width},
                zorder=3,
            )
            head.set_gid(f"{self.cell}:{path}")
            head.set_alpha(alpha)
        return artist

    def layer(self, xy, activation, path):
        alpha, bold = self._style(path)
        x, y = xy
        box = FancyBboxPatch(
            (x - 0.5, y - 0.35),
            1.0,
            0.7,
            boxstyle="round,pad=0.05",
            facecolor=COLORS[path],
            edgecolor="black",
            lw=2.0 if bold else 0.8,
            alpha=alpha,
            zorder=4,
        )
        box.set_gid(f"{self.cell}:{path}")
        self.ax.add_patch(box)
        self.ax.text(x, y, activation, ha="center", va="center", color="white", fontsize=12,
                     fontweight="bold", alpha=alpha, zorder=5)  # fmt: skip

    def op(self, xy, symbol, path):
        alpha, _ = self._style(path)
        circle = Circle(xy, 0.3, facecolor="#fff5c2", edgecolor="black", alpha=alpha, zorder=4)
        circle.set_gid(f"{self.cell}:{path}")
        self.ax.add_patch(circle)
        self.ax.text(*xy, symbol, ha="center", va="center", fontsize=14, alpha=alpha, zorder=5)

    def tanh(self, xy, path):
        alpha, _ = self._style(path)
        shape = Ellipse(xy, 1.0, 0.6, facecolor="#fff5c2", edgecolor="black", alpha=alpha, zorder=4)
        shape.set_gid(f"{self.cell}:{path}")
        self.ax.add_patch(shape)
        self.ax.text(*xy, "tanh", ha="center", va="center", alpha=alpha, zorder=5)

    def label(self, xy, text, path=None, **kwargs):
        # A faded path's label stays legible: its value still counts.
        alpha = 1.0 if path is None else max(self._style(path)[0], LABEL_FADED)
        kwargs = {"ha": "center", "va": "center", "fontsize": 12, **kwargs}
        return self.ax.text(*xy, text, alpha=alpha, zorder=6, **kwargs)


def _check_highlight(highlight, allowed):
    if highlight is None:
        return None
    if isinstance(highlight, str):
        raise TypeError(f"highlight must be a set of path names such as {{{allowed[0]!r}}}.")
    unknown = set(highlight) - set(allowed)
    if unknown:
        raise ValueError(f"unknown path(s) {sorted(unknown)}; the paths are {', '.join(allowed)}.")
    return set(highlight)


def _frame(title, legend=True):
    """The figure and the axes of a cell's diagram; without the legend (and the line on where the
    inputs enter), the figure is shorter."""
    fig = figures.new(figsize=(9, 7.2 if legend else 4.9), layout="constrained")
    ax = fig.add_subplot()
    ax.set(xlim=(-0.3, 13.4), ylim=(-0.6, 7.4), aspect="equal", title=title)
    if legend:
        ax.set_xlabel(
            "x(t) and h(t-1) enter at the bottom and left; states and outputs leave right"
        )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    body = FancyBboxPatch((1.5, 0.5), 9.1, 6.5, boxstyle="round,pad=0.1", facecolor="#f2f2f2",
                          edgecolor="#999999", zorder=0)  # fmt: skip
    ax.add_patch(body)
    return fig, ax


def _values_text(values, name):
    return "" if values is None or name not in values else f"\n{values[name]:.2f}"


def _operations_handle():
    """The legend entry for the element-wise operations drawn in both cells."""
    return Line2D([], [], ls="", marker="o", mfc="#fff5c2", mec="black", ms=12,
                  label="⊗ element-wise product, ⊕ element-wise sum")  # fmt: skip


_BUS_Y, _GATE_Y, _MIX_Y, _C_Y = 1.4, 3.2, 4.7, 6.2  # the rows of the LSTM diagram
_GATE_X = {"forget": 3.0, "input": 4.6, "candidate": 6.6, "output": 8.2}


def _lstm_states(d):
    """c along the top, with the tanh that reads it; h(t-1) and x(t) on the bus below."""
    d.line([(0.0, _C_Y), (2.7, _C_Y)], "c", width=4)
    d.line([(3.3, _C_Y), (5.3, _C_Y)], "c", width=4)
    d.line([(5.9, _C_Y), (13.0, _C_Y)], "c", width=4, arrow=True)
    d.line([(9.4, _C_Y), (9.4, _MIX_Y + 0.3)], "c", width=2)
    d.line([(9.4, _MIX_Y - 0.3), (9.4, _GATE_Y + 0.3)], "c", width=2)
    d.tanh((9.4, _MIX_Y), "c")
    d.line([(0.0, _BUS_Y), (_GATE_X["output"], _BUS_Y)], "h", width=2.5)
    d.line([(2.2, -0.4), (2.2, _BUS_Y)], "h", width=2.5)
    d.ax.plot([2.2], [_BUS_Y], "o", color=COLORS["h"], ms=6, zorder=3)


def _lstm_layers(d):
    """The four layers side by side, all fed by the same bus."""
    for path, x in _GATE_X.items():
        d.line([(x, _BUS_Y), (x, _GATE_Y - 0.35)], path, arrow=True)
    d.layer((_GATE_X["forget"], _GATE_Y), "σ", "forget")
    d.layer((_GATE_X["input"], _GATE_Y), "σ", "input")
    d.layer((_GATE_X["candidate"], _GATE_Y), "tanh", "candidate")
    d.layer((_GATE_X["output"], _GATE_Y), "σ", "output")


def _lstm_operations(d):
    """f ⊗ c(t-1), plus i ⊗ g; then o ⊗ tanh(c(t)), which leaves as h(t) and y(t)."""
    d.line([(3.0, _GATE_Y + 0.35), (3.0, _C_Y - 0.3)], "forget", arrow=True)
    d.op((3.0, _C_Y), "⊗", "forget")
    d.line([(4.6, _GATE_Y + 0.35), (4.6, _MIX_Y), (5.3, _MIX_Y)], "input", arrow=True)
    d.line([(6.6, _GATE_Y + 0.35), (6.6, _MIX_Y), (5.9, _MIX_Y)], "candidate", arrow=True)
    d.op((5.6, _MIX_Y), "⊗", "input")
    d.line([(5.6, _MIX_Y + 0.3), (5.6, _C_Y - 0.3)], "input", arrow=True)
    d.op((5.6, _C_Y), "⊕", "input")
    d.line([(8.7, _GATE_Y), (9.1, _GATE_Y)], "output", arrow=True)
    d.op((9.4, _GATE_Y), "⊗", "output")
    d.line([(9.7, _GATE_Y), (13.0, _GATE_Y)], "output", width=2.5, arrow=True)
    d.line([(9.4, _GATE_Y - 0.3), (9.4, _BUS_Y), (13.0, _BUS_Y)], "output", width=2.5, arrow=True)


def _lstm_labels(d, values):
    """The states' and gates' names, with ``values`` written under the gates'."""
    d.label((0.1, _C_Y + 0.35), "c(t-1)", "c", ha="left")
    d.label((12.9, _C_Y + 0.35), "c(t)", "c", ha="right")
    d.label((0.1, _BUS_Y + 0.35), "h(t-1)", "h", ha="left")
    d.label((2.55, -0.35), "x(t)", "h", ha="left")
    d.label((12.9, _GATE_Y + 0.35), "y(t)", "output", ha="right")
    d.label((12.9, _BUS_Y + 0.35), "h(t)", "output", ha="right")
    names = {"forget": "f", "input": "i", "candidate": "g", "output": "o"}
    for path, x in _GATE_X.items():
        text = f"{names[path]}(t){_values_text(values, names[path])}"
        d.label((x + 0.12, _GATE_Y - 0.75), text, path, ha="left", va="top")


def _legend(fig, entries):
    """The legend under a cell: ``entries`` are (path, label, line width or None for a patch)."""
    handles = [
        Patch(color=COLORS[path], label=label)
        if width is None
        else Line2D([], [], color=COLORS[path], lw=width, label=label)
        for path, label, width in entries
    ]
    handles.append(_operations_handle())
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False)


_LSTM_LEGEND = (
    ("c", "long-term state c", 4),
    ("h", "short-term state h, input x", 2.5),
    ("forget", "forget gate f: σ layer, acts on c(t-1)", None),
    ("input", "input gate i: σ layer, scales g", None),
    ("candidate", "candidate g: tanh layer", None),
    ("output", "output gate o: σ layer, scales tanh(c(t))", None),
)
_GRU_LEGEND = (
    ("h", "the only state h (= output y)", 4),
    ("update", "update gate z: σ layer, share of h(t-1) kept", None),
    ("reset", "reset gate r: σ layer, scales h(t-1) for g", None),
    ("candidate", "candidate g: tanh layer", None),
)


def lstm_cell(
    highlight=None,
    values=None,
    title="The LSTM cell: two states, four layers in parallel",
    legend=True,
):
    """Draw the LSTM cell. ``highlight``: paths from ``LSTM_PATHS`` to emphasise;
    ``values``: {"f", "i", "g", "o"} → number written under the gate's name; ``legend=False``
    leaves out the legend, for a shorter figure."""
    highlight = _check_highlight(highlight, LSTM_PATHS)
    fig, ax = _frame(title, legend)
    d = _Canvas(ax, "lstm", highlight)
    _lstm_states(d)
    _lstm_layers(d)
    _lstm_operations(d)
    _lstm_labels(d, values)
    if legend:
        _legend(fig, _LSTM_LEGEND)
    return fig


def gru_cell(highlight=None, values=None, title="The GRU cell: one state, two gates"):
    """Draw the GRU cell (Keras' convention h(t) = z ⊗ h(t-1) + (1 − z) ⊗ g). ``highlight``:
    paths from ``GRU_PATHS``; ``values``: {"z", "r", "g"} → number written under the name."""
    highlight = _check_highlight(highlight, GRU_PATHS)
    fig, ax = _frame(title)
    d = _Canvas(ax, "gru", highlight)
    bus_y, gate_y, mix_y, h_y = 1.4, 3.2, 5.0, 6.2
    # The single state h along the top: kept (⊗ z) plus the new candidate ((1 − z) ⊗ g).
    d.line([(0.0, h_y), (2.9, h_y)], "h", width=4)
    d.line([(3.5, h_y), (8.1, h_y)], "h", width=4)
    d.line([(8.7, h_y), (13.0, h_y)], "h", width=4, arrow=True)
    d.line([(1.0, h_y), (1.0, bus_y), (4.6, bus_y)], "h", width=2.5)
    d.line([(1.8, -0.4), (1.8, bus_y)], "h", width=2.5)
    ax.plot([1.8], [bus_y], "o", color=COLORS["h"], ms=6, zorder=3)
    d.line([(1.8, 0.4), (7.4, 0.4), (7.4, gate_y - 0.35)], "candidate", arrow=True)
    ax.plot([1.8], [0.4], "o", color=COLORS["h"], ms=6, zorder=3)
    # Gates r and z read x(t) and h(t-1).
    d.line([(3.2, bus_y), (3.2, gate_y - 0.35)], "reset", arrow=True)
    d.line([(4.6, bus_y), (4.6, gate_y - 0.35)], "update", arrow=True)
    d.layer((3.2, gate_y), "σ", "reset")
    d.layer((4.6, gate_y), "σ", "update")
    # r ⊗ h(t-1) feeds the candidate g with x(t).
    d.line([(3.2, gate_y + 0.35), (3.2, 4.1), (5.9, 4.1), (5.9, gate_y + 0.3)], "reset", arrow=True)
    d.line([(1.0, 2.3), (5.9, 2.3), (5.9, gate_y - 0.3)], "h", width=2.5, arrow=True)
    ax.plot([1.0], [2.3], "o", color=COLORS["h"], ms=6, zorder=3)
    d.op((5.9, gate_y), "⊗", "reset")
    d.line([(6.2, gate_y), (6.9, gate_y)], "reset", arrow=True)
    d.layer((7.4, gate_y), "tanh", "candidate")
    # z ⊗ h(t-1) and (1 − z) ⊗ g, summed.
    d.line(
        [(4.6, gate_y + 0.35), (4.6, mix_y), (3.2, mix_y), (3.2, h_y - 0.3)], "update", arrow=True
    )
    d.line([(4.6, mix_y), (6.0, mix_y)], "update")
    d.label((6.4, mix_y), "1−", "update", fontsize=12,
            bbox={"boxstyle": "round", "fc": "#fff5c2", "ec": "black"})  # fmt: skip
    d.line([(6.8, mix_y), (8.1, mix_y)], "update", arrow=True)
    d.op((3.2, h_y), "⊗", "update")
    d.line(
        [(7.4, gate_y + 0.35), (7.4, 4.2), (8.4, 4.2), (8.4, mix_y - 0.3)], "candidate", arrow=True
    )
    d.op((8.4, mix_y), "⊗", "candidate")
    d.line([(8.4, mix_y + 0.3), (8.4, h_y - 0.3)], "candidate", arrow=True)
    d.op((8.4, h_y), "⊕", "candidate")
    d.line([(9.8, h_y), (9.8, 2.2), (13.0, 2.2)], "h", width=2.5, arrow=True)
    d.label((0.1, h_y + 0.35), "h(t-1)", "h", ha="left")
    d.label((2.15, -0.35), "x(t)", "h", ha="left")
    d.label((12.9, h_y + 0.35), "h(t)", "h", ha="right")
    d.label((12.9, 2.55), "y(t)", "h", ha="right")
    for path, x, name in (("reset", 3.2, "r"), ("update", 4.6, "z"), ("candidate", 7.4, "g")):
        text = f"{name}(t){_values_text(values, name)}"
        d.label((x + 0.58, gate_y - 0.4), text, path, ha="left", va="top")
    _legend(fig, _GRU_LEGEND)
    return fig
