"""The gate stepper: walk an LSTM through a sequence one time step at a time.

For the chosen step t (and one unit, or the mean over units) it shows x(t), h(t-1) and c(t-1),
the values of the four layers f, i, g, o, the new states c(t) and h(t), and the cell diagram
with the active paths highlighted. The numbers come from :func:`course_utils.cells.run`, which
reproduces the Keras layer exactly; the functions below are the widget's logic, tested without
a browser.
"""

import html

import ipywidgets as w
import numpy as np

from course_utils import cells
from course_utils.cells import figures as cell_diagrams
from course_utils.validation import fraction
from course_utils.widgets import Explorer, FigureImage, figure_png

QUANTITIES = ("h(t-1)", "c(t-1)", "f", "i", "g", "o", "c(t)", "h(t)")


MEAN = "mean"  # the diagram dropdown's value for "mean of all units"


def step_values(trace, t, unit=None, sample=0):
    """The quantities of step ``t`` of an LSTM :class:`~course_utils.cells.Trace`, for one
    ``unit`` (an index) or, with ``unit=None``, averaged over the units. Returns a dict
    name → float with the names in ``QUANTITIES``."""
    if trace.kind != "LSTM":
        raise ValueError(f"the gate stepper needs an LSTM trace, got a {trace.kind} trace.")
    steps, units = trace.h.shape[1:]
    if not 0 <= t < steps:
        raise ValueError(f"t must be between 0 and {steps - 1}, got {t}.")
    if unit is not None and not 0 <= unit < units:
        raise ValueError(f"unit must be None (mean) or between 0 and {units - 1}, got {unit}.")
    pick = (lambda a: a[unit]) if unit is not None else np.mean
    zero = np.zeros(units)
    previous_h = trace.h[sample, t - 1] if t else zero
    previous_c = trace.c[sample, t - 1] if t else zero
    values = {"h(t-1)": previous_h, "c(t-1)": previous_c, "c(t)": trace.c[sample, t]}
    values.update({name: trace.gates[name][sample, t] for name in "figo"})
    values["h(t)"] = trace.h[sample, t]
    return {name: float(pick(values[name])) for name in QUANTITIES}


def active_paths(values, threshold=0.5):
    """The diagram paths that carry information at this step, given :func:`step_values`:
    the inputs always; c(t-1) through the forget gate when f ≥ threshold; the write (i and g)
    when i ≥ threshold; the output when o ≥ threshold."""
    threshold = fraction("threshold", threshold)
    paths = {"h"}
    if values["f"] >= threshold:
        paths |= {"c", "forget"}
    if values["i"] >= threshold:
        paths |= {"input", "candidate"}
    if values["o"] >= threshold:
        paths.add("output")
    return paths


def step_table(trace, inputs, t, sample=0, feature_names=None):
    """An HTML table of step ``t``: the input x(t) in the caption, then one row per quantity
    and one column per unit. ``inputs`` is the (batch, time, features) array the trace ran on."""
    x = np.asarray(inputs)[sample, t]
    names = feature_names or [f"x{k}" for k in range(len(x))]
    if len(names) != len(x):
        raise ValueError(f"feature_names has {len(names)} names for {len(x)} features.")
    units = trace.h.shape[2]
    per_unit = [step_values(trace, t, u, sample) for u in range(units)]
    head = "".join(f"<th>unit {u}</th>" for u in range(units))
    body = "".join(
        f"<tr><th>{html.escape(q)}</th>{''.join(f'<td>{v[q]:+.2f}</td>' for v in per_unit)}</tr>"
        for q in QUANTITIES
    )
    caption = f"t = {t} · x(t): " + ", ".join(
        f"{n} = {v:+.2f}" for n, v in zip(names, x, strict=True)
    )
    return (
        f'<table style="{_TABLE_STYLE}"><caption>{html.escape(caption)}</caption>'
        f"<tr><th></th>{head}</tr>{body}</table>"
    )


# One line per row and little padding, so that the stepper fits a laptop's window.
_TABLE_STYLE = "border-collapse: collapse; line-height: 1.25; font-variant-numeric: tabular-nums"


def threshold_note(threshold):
    """The line under the stepper's controls that says when a path is highlighted."""
    return (
        f"Highlighted: the paths of the gates at {threshold:g} or more (open), the state c(t-1) "
        f"through f, the write of g through i, the read-out through o; a gate below {threshold:g} "
        "fades its path. The diagram's colours are explained under the LSTM cell above."
    )


class GateStepper(Explorer):
    """Step an LSTM layer through one sequence (time steps, features) and watch its gates.

    ``unit``: the unit shown on the diagram at start (``None``: the mean over units);
    ``marks``: {step: label} for steps worth a note (e.g. {4: "store", 25: "query"});
    ``threshold``: the value from which a gate counts as open and its path is highlighted.
    """

    def __init__(self, layer, sequence, unit=None, feature_names=None, marks=None, step=0,
                 threshold=0.5):  # fmt: skip
        self.threshold = fraction("threshold", threshold)
        sequence = np.asarray(sequence, dtype=np.float64)
        if sequence.ndim != 2:
            raise ValueError(
                f"sequence must have shape (time steps, features), got {sequence.shape}."
            )
        self.inputs = sequence[None]
        self.trace = cells.run(layer, self.inputs)
        if self.trace.kind != "LSTM":
            raise TypeError(f"the gate stepper needs an LSTM layer, got a {self.trace.kind} layer.")
        self.feature_names, self.marks = feature_names, dict(marks or {})
        steps, units = self.trace.h.shape[1:]
        self.step = w.IntSlider(value=step, min=0, max=steps - 1, description="t")
        play = w.Play(value=step, min=0, max=steps - 1, interval=700, description="play")
        w.jslink((play, "value"), (self.step, "value"))
        # ipywidgets reads a None value as "nothing selected", so the mean gets its own value.
        options = [("mean of all units", MEAN)] + [(f"unit {u}", u) for u in range(units)]
        self.unit = w.Dropdown(
            options=options, value=MEAN if unit is None else unit, description="diagram"
        )
        self.image, self.table = FigureImage(), w.HTML()
        self.note = w.HTML(
            f'<div style="line-height: 1.4">{html.escape(threshold_note(self.threshold))}</div>'
        )
        for control in (self.step, self.unit):
            control.observe(lambda _: self._update(), names="value")
        controls = w.HBox([play, self.step, self.unit])
        super().__init__([controls, self.note, self.image, self.table])
        self._update()

    def figure(self):
        """The cell diagram of the current step, active paths highlighted, gate values written."""
        t, unit = self.step.value, None if self.unit.value == MEAN else self.unit.value
        values = step_values(self.trace, t, unit)
        who = "mean of all units" if unit is None else f"unit {unit}"
        mark = f" ({self.marks[t]})" if t in self.marks else ""
        return cell_diagrams.lstm_cell(
            highlight=active_paths(values, self.threshold),
            values={k: values[k] for k in "figo"},
            title=f"t = {t}{mark} · {who} · c(t-1) = {values['c(t-1)']:+.2f} → "
            f"c(t) = {values['c(t)']:+.2f} · h(t) = {values['h(t)']:+.2f}",
            legend=False,  # the LSTM cell drawn in full above has it; the stepper stays short
        )

    def _update(self):
        self.image.show(figure_png(self.figure()))
        self.table.value = step_table(self.trace, self.inputs, self.step.value,
                                      feature_names=self.feature_names)  # fmt: skip

    def snapshot(self):
        steps, units = self.trace.h.shape[1:]
        text = (
            f"LSTM gate stepper: {steps} time steps, {units} units. Move t (or press play) to "
            "step through the sequence; choose a unit for the diagram. "
            + threshold_note(self.threshold)
        )
        fig = self.figure()
        return {"text/plain": text, "image/png": figure_png(fig)}
