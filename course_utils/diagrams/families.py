"""The four families of recurrent models, drawn as RNNs unrolled through time.

Each panel shows the cells (boxes) at successive time steps, the inputs fed in (below), the
outputs kept (above), and the state passed from one step to the next (arrows between boxes).
"""

import matplotlib.pyplot as plt

FAMILIES = ("sequence-to-sequence", "sequence-to-vector", "vector-to-sequence", "encoder–decoder")

_EXAMPLES = {
    "sequence-to-sequence": "e.g. a label per word (named-entity recognition)",
    "sequence-to-vector": "e.g. one sentiment per review",
    "vector-to-sequence": "e.g. a caption from an image vector",
    "encoder–decoder": "e.g. translation: read all, then write",
}


def _cell(ax, x, label, color):
    ax.add_patch(plt.Rectangle((x - 0.3, -0.3), 0.6, 0.6, facecolor=color, edgecolor="black"))
    ax.text(x, 0, label, ha="center", va="center", fontsize=8)


def _arrow(ax, start, end, style="-|>", dashed=False):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": style, "linestyle": "--" if dashed else "-", "color": "black"},
    )


def draw_family(ax, family, steps=4):
    """Draw one family on ``ax``: ``steps`` time steps (per part for the encoder–decoder)."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}.")
    if not isinstance(steps, int) or not 2 <= steps <= 8:
        raise ValueError(f"steps must be an integer from 2 to 8, got {steps!r}.")
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
        if t:
            _arrow(ax, (t - 0.7, 0), (t - 0.3, 0))
        step = t - steps if decoding else t
        feeds = {
            "sequence-to-sequence": True,
            "sequence-to-vector": True,
            "vector-to-sequence": t == 0,
            "encoder–decoder": not decoding,
        }[family]
        if feeds:
            _arrow(ax, (t, -1.0), (t, -0.3))
            ax.text(
                t,
                -1.15,
                "x" if family == "vector-to-sequence" else f"x({step})",
                ha="center",
                va="top",
            )
        keeps = {
            "sequence-to-sequence": True,
            "sequence-to-vector": t == n - 1,
            "vector-to-sequence": True,
            "encoder–decoder": decoding,
        }[family]
        if keeps:
            _arrow(ax, (t, 0.3), (t, 1.0))
            ax.text(
                t,
                1.1,
                "y" if family == "sequence-to-vector" else f"y({step})",
                ha="center",
                va="bottom",
            )
        if decoding and step > 0:
            _arrow(ax, (t - 1 + 0.15, 1.0), (t - 0.15, -0.3), dashed=True)
    ax.set_xlim(-0.8, n - 0.2)
    ax.set_ylim(-1.7, 1.7)
    ax.set_title(f"{family}\n{_EXAMPLES[family]}", fontsize=10)
    ax.set_xlabel("time step →")
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_aspect("equal")


def families_figure(steps=4):
    """All four families side by side, as a ``matplotlib.figure.Figure``."""
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6), width_ratios=[steps, steps, steps, 2 * steps])
    for ax, family in zip(axes, FAMILIES, strict=True):
        draw_family(ax, family, steps)
    fig.suptitle(
        "The four families of recurrent models, unrolled through time (dashed: previous output fed back)"
    )
    fig.tight_layout()
    return fig
