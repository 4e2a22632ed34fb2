"""Which inputs one output of a Conv1D stack sees, drawn layer by layer.

Each row of dots is a sequence: the input at the bottom, each Conv1D layer's output above it.
The chosen output of the top layer is circled; the dots it depends on, in every layer below,
are filled, and lines join each of them to the kernel taps it reads. All positions come from
:func:`course_utils.shapes.inputs_seen` (checked against Keras in the tests).
"""

from course_utils import figures, shapes

SEEN, UNSEEN, TAP = "#d62728", "#c8c8c8", "#f4a6a6"


def conv_stack(layers, length, output_index, title=None):
    """Draw the stack ``layers`` (see :func:`course_utils.shapes.conv1d_stack_lengths`) on an
    input of ``length`` steps, highlighting what output ``output_index`` of the top layer sees."""
    layers = shapes._conv_layers(layers)
    lengths = (length, *shapes.conv1d_stack_lengths(length, layers))
    seen = shapes.inputs_seen(layers, length, output_index)  # validates output_index
    # Positions involved at each level: what the top output depends on through the layers above.
    involved = [
        set(shapes.inputs_seen(layers[level:], lengths[level], output_index))
        for level in range(len(layers))
    ] + [{output_index}]
    width = min(max(8, 0.22 * length + 3), figures.WIDTH)
    fig = figures.new(figsize=(width, 1.1 * len(lengths) + 1.2))
    ax = fig.add_subplot()
    for level, size in enumerate(lengths):
        # Stack outputs are drawn at the input positions they are aligned with (index × stride).
        step = 1
        for layer in layers[:level]:
            step *= layer.strides
        xs = [i * step for i in range(size)]
        colors = [SEEN if i in involved[level] else UNSEEN for i in range(size)]
        ax.scatter(xs, [level] * size, c=colors, s=40, zorder=3)
        if level:
            layer = layers[level - 1]
            below = step // layer.strides
            for j in involved[level]:
                for i in shapes.inputs_seen([layer], lengths[level - 1], j):
                    ax.plot([j * step, i * below], [level, level - 1], color=TAP, lw=1, zorder=1)
    top = len(lengths) - 1
    ax.scatter([output_index * step], [top], s=220, facecolors="none", edgecolors="black", lw=1.5)
    names = ["input"] + [
        f"Conv1D k={layer.kernel_size} s={layer.strides} d={layer.dilation_rate} {layer.padding}"
        for layer in layers
    ]
    ax.set_yticks(
        range(len(lengths)), [f"{n} ({s} steps)" for n, s in zip(names, lengths, strict=True)]
    )
    ax.set_ylim(-0.6, top + 0.6)
    ax.set_xlabel("time step of the input")
    ax.set_title(
        title
        or f"Output {output_index} of the top layer sees {len(seen)} inputs ({seen[0]}–{seen[-1]})"
        f"\nreceptive field of the stack: {shapes.receptive_field(layers)} input steps"
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig
