"""Shape widgets: the shape explorer (one recurrent layer) and the stack explorer (up to four).

Both are thin views over :mod:`course_utils.shapes`; the HTML they show comes from the pure
functions :func:`layer_report` and :func:`stack_report`, which the tests check without a browser.
"""

import html

import ipywidgets as w

from course_utils import shapes
from course_utils.widgets import Explorer

_BOX = "font-family: monospace; line-height: 1.5; padding: 4px 8px"


def _fmt(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def tensor_svg(named_shapes, height=70):
    """A small SVG: one block per tensor, a rectangle per dimension sized by log-ish scale.

    ``named_shapes`` is a list of ``(name, shape)``; ``None`` dimensions are drawn dashed.
    """
    x, parts = 8, []
    for name, shape in named_shapes:
        parts.append(
            f'<text x="{x}" y="12" font-size="11" font-family="sans-serif">{html.escape(name)}</text>'
        )
        for size in shape:
            width = 34 if size is None else 18 + min(size, 256) ** 0.5 * 3
            dash = ' stroke-dasharray="4 2"' if size is None else ""
            parts.append(
                f'<rect x="{x}" y="20" width="{width:.0f}" height="{height - 40}" fill="#deebf7" '
                f'stroke="#3182bd"{dash}/><text x="{x + width / 2:.0f}" y="{height - 8}" '
                f'font-size="11" text-anchor="middle" font-family="monospace">{size}</text>'
            )
            x += width + 3
        x += 18
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{x}" height="{height}">{"".join(parts)}</svg>'


def layer_report(
    batch, steps, features, units, cell, return_sequences, return_state, bidirectional
):
    """The explorer's view of one layer: ``(plain text, HTML)``.

    The HTML holds the line ``Output shape: (...)``, the state shapes, the parameter count with
    its formula, and :func:`tensor_svg` of input, output and states.
    """
    result = shapes.recurrent_shapes(
        cell, units, (batch, steps, features), return_sequences, return_state, bidirectional
    )
    layer = f"{cell}({units}, return_sequences={return_sequences}, return_state={return_state})"
    if bidirectional:
        layer = f"Bidirectional({layer})"
    lines = [
        f"Layer: {layer}",
        f"Input shape: {_fmt((batch, steps, features))}",
        f"Output shape: {_fmt(result.output)}",
    ]
    if result.states:
        names = {"LSTM": ["h", "c"]}.get(cell, ["h"])
        if bidirectional:
            names = [f"{n} forward" for n in names] + [f"{n} backward" for n in names]
        lines.append(
            "States: "
            + ", ".join(f"{n} {_fmt(s)}" for n, s in zip(names, result.states, strict=True))
        )
    lines.append(f"Parameters: {shapes.param_formula(cell, features, units, bidirectional)}")
    tensors = [("input", (batch, steps, features)), ("output", result.output)]
    tensors += [(f"state {i + 1}", s) for i, s in enumerate(result.states)]
    body = "<br>".join(html.escape(line) for line in lines)
    return "\n".join(lines), f'<div style="{_BOX}">{body}</div>{tensor_svg(tensors)}'


def stack_report(input_shape, layers):
    """The stack explorer's view: ``(plain text, HTML)`` with the shape after each layer, or the error."""
    result = shapes.stack_shapes(input_shape, layers)
    lines = [f"Input: {_fmt(input_shape)}"]
    for i, layer in enumerate(result.outputs):
        spec = shapes.StackLayer(*layers[i]) if isinstance(layers[i], tuple) else layers[i]
        lines.append(
            f"Layer {i + 1}: {spec.cell}({spec.units}, return_sequences={spec.return_sequences}) "
            f"→ {_fmt(layer)}"
        )
    if result.ok:
        verdict = f"This stack is {result.kind}."
        color = "#e5f5e0"
    else:
        verdict = f"Error at layer {result.failed_layer + 1}: {result.error}"
        color = "#fde0dd"
    text = "\n".join([*lines, verdict])
    rows = "<br>".join(html.escape(line) for line in lines)
    return text, (
        f'<div style="{_BOX}">{rows}</div>'
        f'<div style="{_BOX}; background: {color}; max-width: 48em">{html.escape(verdict)}</div>'
    )


class ShapeExplorer(Explorer):
    """Controls for one recurrent layer → its output and state shapes and its parameter count."""

    def __init__(self, batch=32, steps=20, features=8, units=64, cell="LSTM"):
        style = {"description_width": "9em"}
        slider = dict(style=style, continuous_update=True)
        self.batch = w.IntSlider(batch, 1, 256, description="batch size", **slider)
        self.steps = w.IntSlider(steps, 1, 200, description="time steps", **slider)
        self.variable = w.Checkbox(False, description="variable time steps (None)", style=style)
        self.features = w.IntSlider(features, 1, 128, description="features", **slider)
        self.units = w.IntSlider(units, 1, 256, description="units", **slider)
        self.cell = w.ToggleButtons(
            options=shapes.CELLS, value=cell, description="cell", style=style
        )
        self.return_sequences = w.Checkbox(False, description="return_sequences", style=style)
        self.return_state = w.Checkbox(False, description="return_state", style=style)
        self.bidirectional = w.Checkbox(False, description="bidirectional", style=style)
        self.output = w.HTML()
        self.text = ""
        controls = [self.batch, self.steps, self.variable, self.features, self.units, self.cell,
                    self.return_sequences, self.return_state, self.bidirectional]  # fmt: skip
        for control in controls:
            control.observe(self.update, names="value")
        super().__init__([*controls, self.output])
        self.update()

    def update(self, change=None):
        self.steps.disabled = self.variable.value
        self.text, self.output.value = layer_report(
            self.batch.value,
            None if self.variable.value else self.steps.value,
            self.features.value,
            self.units.value,
            self.cell.value,
            self.return_sequences.value,
            self.return_state.value,
            self.bidirectional.value,
        )

    def snapshot(self):
        return {"text/plain": self.text, "text/html": self.output.value}


class StackExplorer(Explorer):
    """Up to four recurrent layers, each with its own ``return_sequences`` → shapes or the error."""

    def __init__(
        self, n_layers=2, steps=20, features=8, return_sequences=(True, False, False, False)
    ):
        style = {"description_width": "9em"}
        self.n_layers = w.IntSlider(n_layers, 1, 4, description="layers", style=style)
        self.steps = w.IntSlider(steps, 1, 200, description="time steps", style=style)
        self.features = w.IntSlider(features, 1, 128, description="features", style=style)
        self.rows, self.cells, self.units, self.toggles = [], [], [], []
        for i in range(4):
            self.cells.append(w.Dropdown(options=shapes.CELLS, value="LSTM", description=f"layer {i + 1} cell",
                                         style=style, layout=w.Layout(width="18em")))  # fmt: skip
            self.units.append(
                w.IntSlider(32, 1, 256, description=f"layer {i + 1} units", style=style)
            )
            self.toggles.append(
                w.Checkbox(return_sequences[i], description=f"layer {i + 1} return_sequences")
            )
            self.rows.append(w.HBox([self.cells[i], self.units[i], self.toggles[i]]))
        self.output = w.HTML()
        self.text = ""
        for control in [
            self.n_layers,
            self.steps,
            self.features,
            *self.cells,
            *self.units,
            *self.toggles,
        ]:
            control.observe(self.update, names="value")
        super().__init__([self.n_layers, self.steps, self.features, *self.rows, self.output])
        self.update()

    def layers(self):
        """The active layers as ``(cell, units, return_sequences)`` tuples."""
        n = self.n_layers.value
        return [
            (c.value, u.value, t.value)
            for c, u, t in zip(self.cells, self.units, self.toggles, strict=True)
        ][:n]

    def update(self, change=None):
        for i, row in enumerate(self.rows):
            row.layout.display = "" if i < self.n_layers.value else "none"
        self.text, self.output.value = stack_report(
            (None, self.steps.value, self.features.value), self.layers()
        )

    def snapshot(self):
        return {"text/plain": self.text, "text/html": self.output.value}
