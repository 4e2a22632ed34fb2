"""Drawing stroke-3 sketches: cumulative sums of the offsets, a new line after every pen lift."""

import numpy as np

from course_utils import figures
from course_utils.sketches.data import to_strokes


def draw_sketch(ax, sketch, title="", color="black", from_origin=False):
    """Draw one stroke-3 sketch on ``ax`` (y pointing down, as it was drawn on screen).

    ``from_origin=True`` for the tutorial's ink (see :func:`~course_utils.sketches.data.to_strokes`).
    """
    for stroke in to_strokes(sketch, from_origin):
        ax.plot(stroke[:, 0], stroke[:, 1], "-", color=color, linewidth=1.5)
        ax.plot(*stroke[0], "o", color=color, markersize=2)
    ax.set_aspect("equal", adjustable="datalim")
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=figures.TEXT_PT)


def sketch_grid(sketches, titles, columns=5, suptitle="Sketches", from_origin=False):
    """A grid of sketches with one title each (a title can hold a line break); returns the
    figure, at most as wide as the notebook's output (``figures.WIDTH``)."""
    if len(sketches) != len(titles):
        raise ValueError(f"{len(sketches)} sketches but {len(titles)} titles: give one title each.")
    if not len(sketches):
        raise ValueError("sketch_grid needs at least one sketch.")
    rows = -(-len(sketches) // columns)
    lines = max(str(title).count("\n") + 1 for title in titles)
    width = min(1.7 * columns, figures.WIDTH)
    fig = figures.new(figsize=(width, (width / columns + 0.25 * lines) * rows + 0.6))
    axes = fig.subplots(rows, columns, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(sketches):
            draw_sketch(ax, sketches[i], titles[i], from_origin=from_origin)
        else:
            ax.axis("off")
    fig.suptitle(suptitle)
    fig.supxlabel("x (right)")
    fig.supylabel("y (down)")
    fig.tight_layout()
    return fig


def length_histogram(lengths, crop=None, title="Points per sketch"):
    """Histogram of sketch lengths, with the crop length marked; returns the figure."""
    lengths = np.asarray(lengths)
    fig = figures.new(figsize=(7, 3))
    ax = fig.subplots()
    ax.hist(lengths, bins=50, color="tab:blue")
    if crop is not None:
        ax.axvline(crop, color="tab:red", linestyle="--", label=f"crop at {crop} points")
        ax.legend()
    ax.set(title=title, xlabel="points in the sketch", ylabel="sketches")
    return fig
