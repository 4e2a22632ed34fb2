"""The four families of recurrent models, drawn as RNNs unrolled through time, wired as the toy
models of notebook 01 are.

Each panel shows the cells (boxes) at successive time steps, the inputs fed in (below), the
outputs kept (above), and the state passed from one step to the next (arrows between boxes). The
vector-to-sequence RNN reads the same vector ``x`` at every step (``RepeatVector``); the
encoder–decoder's decoder is one too, reading the encoder's last output ``v`` at every step.
"""

from matplotlib.patches import Rectangle

from course_utils import figures
from course_utils.validation import integer

FAMILIES = ("sequence-to-sequence", "sequence-to-vector", "vector-to-sequence", "encoder–decoder")

_EXAMPLES = {
    "sequence-to-sequence": "e.g. a label per word\n(named-entity recognition)",
    "sequence-to-vector": "e.g. one sentiment\nper review",
    "vector-to-sequence": "e.g. a caption from\nan image vector",
    "encoder–decoder": "e.g. translation: read all, then write",
}
_HALF = 0.36  # half the side of a cell's box, in time steps


def _cell(ax, x, label, color):
    ax.add_patch(
        Rectangle((x - _HALF, -_HALF), 2 * _HALF, 2 * _HALF, facecolor=color, edgecolor="black")
    )
    ax.text(x, 0, label, ha="center", va="center")


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": "black"})


def _input(ax, t, label):
    _arrow(ax, (t, -1.0), (t, -_HALF))
    ax.text(t, -1.1, label, ha="center", va="top")


def _output(ax, t, label):
    _arrow(ax, (t, _HALF), (t, 1.0))
    ax.text(t, 1.1, label, ha="center", va="bottom")


def draw_family(ax, family, steps=4):
    """Draw one family on ``ax``: ``steps`` time steps (per part for the encoder–decoder)."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}.")
    integer("steps", steps, 2, 8)
    encoder = family == "encoder–decoder"
    n = 2 * steps if encoder else steps
    for t in range(n):
        decoding = encoder and t >= steps
        _cell(
            ax,
            t,
            "dec" if decoding else ("enc" if encoder else "RNN"),
            "#f6c28b" if decoding else "#9ecae1",
        )
        if t and t != steps * encoder:  # the decoder starts from a fresh state
            _arrow(ax, (t - 1 + _HALF, 0), (t - _HALF, 0))
        step = t - steps if decoding else t
        if decoding or family == "vector-to-sequence":
            _input(ax, t, "v" if decoding else "x")
        else:
            _input(ax, t, f"x({step})")
        if encoder and t == steps - 1:
            _output(ax, t, "v")
        elif family != "sequence-to-vector" and (decoding or not encoder):
            _output(ax, t, f"y({step})")
        elif family == "sequence-to-vector" and t == n - 1:
            _output(ax, t, "y")
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(-1.6, 1.6)
    ax.set_title(f"{family}\n{_EXAMPLES[family]}")
    ax.set_xlabel("time step →")
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_aspect("equal")


def families_figure(steps=4):
    """The three plain families side by side, the encoder–decoder (twice as long) below them with
    a key beside it, as a :class:`~course_utils.figures.Figure` as wide as the notebook's output."""
    fig = figures.new(figsize=(figures.WIDTH, 6.6), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.15)  # inches between the rows
    grid = fig.add_gridspec(2, 3)
    axes = [fig.add_subplot(grid[0, column]) for column in range(3)]
    axes.append(fig.add_subplot(grid[1, :2]))
    for ax, family in zip(axes, FAMILIES, strict=True):
        draw_family(ax, family, steps)
    key = fig.add_subplot(grid[1, 2])
    key.axis("off")
    key.text(
        0.05,
        0.5,
        "boxes: the cell at each\ntime step\n→ between boxes: the state\npassed to the next step\n"
        "v: the encoder's last\noutput, fed to the decoder\nat every step",
        va="center",
        linespacing=1.5,
        transform=key.transAxes,
    )
    fig.suptitle("The four families of recurrent models, unrolled through time")
    return fig
