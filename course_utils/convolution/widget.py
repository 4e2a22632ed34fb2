"""The receptive-field explorer: build a Conv1D stack, pick an output, see which inputs it sees.

The logic is in :mod:`course_utils.shapes` (lengths, receptive field, inputs seen) and
:func:`course_utils.convolution.figures.conv_stack` (the drawing); :func:`build_stack` and
:func:`describe` below turn the controls into a stack and a summary.
"""

import html

import ipywidgets as w

from course_utils import shapes
from course_utils.convolution.figures import conv_stack
from course_utils.validation import positive_int
from course_utils.widgets import Explorer, FigureImage, figure_png

_INVALID_STYLE = "border-left: 4px solid #d62728; background: #fdecea; padding: 6px 10px"


def build_stack(n_layers, kernel_size, strides=1, dilation=1, padding="causal"):
    """A list of ``n_layers`` :class:`~course_utils.shapes.Conv1DLayer` with the same settings,
    except that ``dilation="doubling"`` gives dilation rates 1, 2, 4, ... (as in WaveNet)."""
    n_layers = positive_int("n_layers", n_layers)
    if dilation == "doubling":
        rates = [2**i for i in range(n_layers)]
    elif isinstance(dilation, int) and not isinstance(dilation, bool):
        rates = [dilation] * n_layers
    else:
        raise ValueError(f"dilation must be a positive integer or 'doubling', got {dilation!r}.")
    return [shapes.Conv1DLayer(kernel_size, strides, rate, padding) for rate in rates]


def describe(layers, length, output_index):
    """A few lines: the lengths through the stack, the receptive field, the inputs seen."""
    lengths = shapes.conv1d_stack_lengths(length, layers)
    seen = shapes.inputs_seen(layers, length, output_index)
    causal = all(layer.padding == "causal" for layer in layers)
    last = f"; none after step {output_index * _total_stride(layers)}" if causal else ""
    return "\n".join(
        [
            f"lengths: {' → '.join(map(str, (length, *lengths)))}",
            f"receptive field: {shapes.receptive_field(layers)} input steps",
            f"output {output_index} sees {len(seen)} inputs: {_ranges(seen)}{last}",
        ]
    )


def _total_stride(layers):
    total = 1
    for layer in layers:
        total *= layer.strides
    return total


def _ranges(indices):
    """(0, 1, 2, 5, 7, 8) → '0–2, 5, 7–8'."""
    parts, start = [], None
    for k, i in enumerate(indices):
        if start is None:
            start = i
        if k + 1 == len(indices) or indices[k + 1] != i + 1:
            parts.append(str(i) if i == start else f"{start}–{i}")
            start = None
    return ", ".join(parts)


class ReceptiveFieldExplorer(Explorer):
    """Sliders for the stack (layers, kernel size, stride, dilation, padding), the input length
    and the output to inspect; shows the drawing and the summary."""

    def __init__(self, n_layers=4, kernel_size=2, strides=1, dilation="doubling",
                 padding="causal", length=32):  # fmt: skip
        self.controls = {
            "n_layers": w.IntSlider(value=n_layers, min=1, max=6, description="layers"),
            "kernel_size": w.IntSlider(value=kernel_size, min=1, max=5, description="kernel"),
            "strides": w.IntSlider(value=strides, min=1, max=3, description="stride"),
            "dilation": w.Dropdown(
                options=[1, 2, 3, "doubling"], value=dilation, description="dilation"
            ),  # fmt: skip
            "padding": w.Dropdown(options=shapes.PADDINGS, value=padding, description="padding"),
            "length": w.IntSlider(value=length, min=4, max=64, description="input steps"),
        }
        self.output_index = w.IntSlider(value=0, min=0, max=0, description="output")
        self.message, self.image = w.HTML(), FigureImage()
        for control in (*self.controls.values(), self.output_index):
            control.observe(lambda _: self._update(), names="value")
        boxes = list(self.controls.values())
        super().__init__(
            [
                w.HBox(boxes[:3]),
                w.HBox([*boxes[3:], self.output_index]),
                self.message,
                self.image,
            ]
        )
        self._update(last=True)

    def _state(self):
        """The stack, length and output index chosen, or a ValueError saying what is wrong."""
        values = {name: control.value for name, control in self.controls.items()}
        length = values.pop("length")
        layers = build_stack(**values)
        top = shapes.conv1d_stack_lengths(length, layers)[-1]
        return layers, length, top

    def _update(self, last=False):
        if getattr(self, "_busy", False):
            return
        self._busy = True
        try:
            self._redraw(last)
        finally:
            self._busy = False

    def _redraw(self, last):
        try:
            layers, length, top = self._state()
        except ValueError as error:
            # No drawing rather than an empty image, which a browser shows as a broken one.
            self.message.value = (
                f'<div style="{_INVALID_STYLE}"><b>Not a valid stack:</b> '
                f"{html.escape(str(error))}<br>Change a control to draw a stack again.</div>"
            )
            self.image.layout.display = "none"
            self.output_index.disabled = True
            return
        self.image.layout.display = None
        self.output_index.disabled = False
        with self.output_index.hold_trait_notifications():
            self.output_index.max = top - 1
            if last:
                self.output_index.value = top - 1
        index = self.output_index.value
        self.message.value = "<pre>" + describe(layers, length, index) + "</pre>"
        self.image.show(figure_png(conv_stack(layers, length, index)))

    def snapshot(self):
        try:
            layers, length, _ = self._state()
        except ValueError as error:
            return {"text/plain": f"Not a valid stack: {error}"}
        index = self.output_index.value
        text = describe(layers, length, index)
        return {"text/plain": text, "image/png": figure_png(conv_stack(layers, length, index))}
