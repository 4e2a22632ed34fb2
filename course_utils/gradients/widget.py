"""Vanishing and exploding gradients, live (notebook 05).

:func:`gradient_figure` draws, for a freshly initialised SimpleRNN, the gradient norm of the loss
with respect to the input at each time step and the size of the hidden state at each step;
:class:`GradientExplorer` redraws it when the activation, sequence length or recurrent gain changes.
The numbers come from :mod:`course_utils.gradients` (NumPy, a few milliseconds per view).
"""

import ipywidgets
import numpy as np

from course_utils import figures, gradients
from course_utils.cells import ACTIVATIONS
from course_utils.validation import positive_int
from course_utils.widgets import Explorer, FigureImage, figure_png


def gradient_curves(activation="tanh", length=100, gain=1.0, *, units=32, batch=64, seed=0):
    """Per-step input-gradient norms and state norms for random inputs, as two arrays."""
    length = positive_int("length", length)
    weights = gradients.init_weights(units, gain=gain, seed=seed)
    x = np.random.default_rng(seed + 1).normal(size=(batch, length, 1))
    grads = gradients.input_gradient_norms(x, weights, activation)
    states = gradients.state_norms(x, weights, activation)
    return grads, states


def _summary(activation, length, gain, grads):
    first, last = grads[0], grads[-1]
    if not (np.isfinite(first) and np.isfinite(last)):
        return f"{activation}, {length} steps, gain {gain:g}: the gradients overflow (inf/NaN)"
    ratio = first / last if last > 0 else float("inf")
    return (
        f"{activation}, {length} steps, gain {gain:g}: gradient at step 1 / gradient at the last "
        f"step = {ratio:.1e}"
    )


def gradient_figure(activation="tanh", length=100, gain=1.0, *, units=32, seed=0):
    """Two panels: gradient norm per step (log scale) and hidden-state size per step."""
    grads, states = gradient_curves(activation, length, gain, units=units, seed=seed)
    fig = figures.new(figsize=(10, 3.2))
    left, right = fig.subplots(1, 2)
    steps = np.arange(1, length + 1)
    left.semilogy(steps, np.where(grads > 0, grads, np.nan))
    left.set(
        xlabel="time step t",
        ylabel="‖∂loss/∂x_t‖",
        title=f"gradient reaching each input ({activation}, gain {gain:g})",
    )
    right.plot(steps, states)
    right.set(xlabel="time step t", ylabel="mean ‖h_t‖", title="size of the hidden state")
    fig.tight_layout()
    return fig, _summary(activation, length, gain, grads)


class GradientExplorer(Explorer):
    """Activation, sequence length and recurrent gain → per-step gradient norms of a fresh SimpleRNN."""

    def __init__(self, activation="tanh", length=100, gain=1.0):
        self.activation = ipywidgets.Dropdown(
            options=sorted(ACTIVATIONS), value=activation, description="activation"
        )
        self.length = ipywidgets.IntSlider(
            value=length, min=5, max=400, step=5, description="steps", continuous_update=False
        )
        self.gain = ipywidgets.FloatSlider(
            value=gain, min=0.5, max=2.5, step=0.05, description="gain", continuous_update=False
        )
        self.summary = ipywidgets.Label()
        self.image = FigureImage()
        for control in (self.activation, self.length, self.gain):
            control.observe(lambda change: self._draw(), names="value")
        controls = ipywidgets.HBox([self.activation, self.length, self.gain])
        super().__init__([controls, self.summary, self.image])
        self._draw()

    def _view(self):
        return gradient_figure(self.activation.value, self.length.value, self.gain.value)

    def _draw(self):
        fig, summary = self._view()
        self.summary.value = summary
        self.image.show(figure_png(fig))

    def snapshot(self):
        fig, summary = self._view()
        return {"text/plain": summary, "image/png": figure_png(fig)}
