"""NumPy reference implementations of the SimpleRNN, LSTM and GRU cells, step by step.

Each ``*_step`` function computes one time step from a layer's own weights, exactly as Keras
does (``tests/test_cells.py`` checks them against Keras to 1e-5). :func:`run` applies the steps
over a whole batch of sequences and keeps every gate's values, for plots and the gate stepper::

    layer = keras.layers.LSTM(8)                      # built and trained somewhere
    trace = cells.run(layer, x)                       # x: (batch, time steps, features)
    trace.gates["f"]                                  # forget gate, (batch, time steps, units)

Keras' weight layout (columns of ``kernel``, ``recurrent_kernel`` and ``bias``):

- LSTM: four blocks of ``units`` columns, in the order i (input gate), f (forget gate),
  g (candidate, Keras calls it c), o (output gate).
- GRU: three blocks, z (update gate), r (reset gate), h̃ (candidate). With ``reset_after=True``
  (the Keras default, cuDNN-compatible) the bias has two rows, one for the inputs and one for
  the recurrent part, and the reset gate multiplies ``h(t-1)·U_h + b`` after the product;
  with ``reset_after=False`` it multiplies ``h(t-1)`` before.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from course_utils.shapes import CELLS


def sigmoid(z):
    """The logistic function 1 / (1 + e^(-z)), numerically safe for large |z|."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


class Activation(NamedTuple):
    """An activation function and its derivative, both functions of the pre-activation z."""

    function: Callable
    derivative: Callable


ACTIVATIONS = {
    "sigmoid": Activation(sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),
    "tanh": Activation(np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": Activation(lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
    "linear": Activation(
        lambda z: np.asarray(z, dtype=np.float64), lambda z: np.ones_like(z, dtype=np.float64)
    ),
}
"""The course's one table of activations, by their Keras names."""


def activation_function(name):
    """The NumPy function of the activation ``name`` (a Keras name, or a Keras activation)."""
    if callable(name):
        name = getattr(name, "__name__", name)
    if name not in ACTIVATIONS:
        raise ValueError(
            f"activation {name!r} is not supported here; use one of {', '.join(ACTIVATIONS)}."
        )
    return ACTIVATIONS[name].function


def gate_blocks(matrix, n, units):
    """``matrix``'s columns split into its ``n`` gates' blocks of ``units`` columns each."""
    if matrix.shape[-1] != n * units:
        raise ValueError(
            f"expected {n} blocks of {units} columns ({n * units} in all), got shape {matrix.shape}."
        )
    return np.split(matrix, n, axis=-1)


def bias_vector(bias, width):
    """``bias`` as a float array, or zeros of ``width`` for a layer without a bias."""
    return np.zeros(width) if bias is None else np.asarray(bias, dtype=np.float64)


def simple_rnn_step(x, h, kernel, recurrent_kernel, bias=None, activation="tanh"):
    """One SimpleRNN step: ``h(t) = act(x(t)·W + h(t-1)·U + b)``. Returns ``h(t)``."""
    x, h = np.asarray(x, np.float64), np.asarray(h, np.float64)
    b = bias_vector(bias, recurrent_kernel.shape[1])
    return activation_function(activation)(x @ kernel + h @ recurrent_kernel + b)


# --- lesson code: begin (made by `make lesson-code` from the notebooks' save cells) ---
# From notebooks/06_lstm_cell.ipynb, section "The cell in NumPy, checked against Keras": edit it
# in the notebook, then run `make lesson-code`.
def lstm_step(
    x, h, c, kernel, recurrent_kernel, bias=None, activation="tanh", recurrent_activation="sigmoid"
):
    """One LSTM step. Returns ``(h(t), c(t), gates)`` with ``gates`` = {i, f, g, o}.

    All four layers read the same ``x(t)`` and ``h(t-1)`` (in parallel); then
    ``c(t) = f ⊙ c(t-1) + i ⊙ g`` and ``h(t) = o ⊙ tanh(c(t))``.
    """
    x, h, c = (np.asarray(a, np.float64) for a in (x, h, c))
    units = recurrent_kernel.shape[0]
    z = x @ kernel + h @ recurrent_kernel + bias_vector(bias, 4 * units)
    z_i, z_f, z_g, z_o = gate_blocks(z, 4, units)
    gate, act = activation_function(recurrent_activation), activation_function(activation)
    gates = {"i": gate(z_i), "f": gate(z_f), "g": act(z_g), "o": gate(z_o)}
    c_new = gates["f"] * c + gates["i"] * gates["g"]
    h_new = gates["o"] * act(c_new)
    return h_new, c_new, gates


# --- lesson code: end ---


def gru_step(
    x,
    h,
    kernel,
    recurrent_kernel,
    bias=None,
    reset_after=True,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """One GRU step. Returns ``(h(t), gates)`` with ``gates`` = {z, r, g} (g: the candidate h̃).

    ``h(t) = z ⊙ h(t-1) + (1 - z) ⊙ g`` (Keras' convention: z is the share of the old state kept).
    """
    x, h = np.asarray(x, np.float64), np.asarray(h, np.float64)
    units = recurrent_kernel.shape[0]
    if bias is None:
        b_x, b_h = np.zeros(3 * units), np.zeros(3 * units)
    elif reset_after:
        bias = np.asarray(bias, np.float64)
        if bias.shape != (2, 3 * units):
            raise ValueError(
                f"with reset_after=True the bias has shape (2, {3 * units}), got {bias.shape}."
            )
        b_x, b_h = bias
    else:
        b_x, b_h = np.asarray(bias, np.float64), np.zeros(3 * units)
    x_z, x_r, x_g = gate_blocks(x @ kernel + b_x, 3, units)
    u_z, u_r, u_g = gate_blocks(recurrent_kernel, 3, units)
    b_hz, b_hr, b_hg = gate_blocks(b_h, 3, units)
    gate, act = activation_function(recurrent_activation), activation_function(activation)
    z = gate(x_z + h @ u_z + b_hz)
    r = gate(x_r + h @ u_r + b_hr)
    if reset_after:
        g = act(x_g + r * (h @ u_g + b_hg))
    else:
        g = act(x_g + (r * h) @ u_g)
    return z * h + (1 - z) * g, {"z": z, "r": r, "g": g}


@dataclass
class Trace:
    """What :func:`run` computed: outputs ``h`` (batch, time, units), the cell state ``c`` (LSTM
    only, else None) and ``gates``: name → (batch, time, units)."""

    kind: str
    h: np.ndarray
    c: np.ndarray | None = None
    gates: dict = field(default_factory=dict)


def _cell_of(layer):
    cell = getattr(layer, "cell", layer)
    kind = type(cell).__name__.removesuffix("Cell")
    if kind not in CELLS:
        raise TypeError(
            f"expected a Keras SimpleRNN, LSTM or GRU layer (or its cell), got {type(layer).__name__}."
        )
    if not cell.built:
        raise ValueError(
            f"the {kind} layer has no weights yet: call it on an input (or build the model) first."
        )
    return kind, cell


def weights_of(layer):
    """A Keras SimpleRNN/LSTM/GRU layer's (or cell's) weights and settings, as NumPy arrays."""
    kind, cell = _cell_of(layer)
    params = {
        "kernel": np.asarray(cell.kernel, np.float64),
        "recurrent_kernel": np.asarray(cell.recurrent_kernel, np.float64),
        "bias": None if cell.bias is None else np.asarray(cell.bias, np.float64),
        "activation": cell.activation.__name__,
    }
    if kind != "SimpleRNN":
        params["recurrent_activation"] = cell.recurrent_activation.__name__
    if kind == "GRU":
        params["reset_after"] = cell.reset_after
    return kind, params


def run(layer, inputs, initial_state=None):
    """Run a Keras SimpleRNN/LSTM/GRU layer's cell in NumPy over ``inputs`` (batch, time, features).

    Returns a :class:`Trace`. ``initial_state`` is ``h0`` (or ``(h0, c0)`` for an LSTM), zeros if
    omitted, as in Keras.
    """
    kind, params = weights_of(layer)
    inputs = np.asarray(inputs, np.float64)
    features, units = params["kernel"].shape[0], params["recurrent_kernel"].shape[0]
    if inputs.ndim != 3 or inputs.shape[-1] != features:
        raise ValueError(
            f"inputs must have shape (batch, time steps, {features}), got {inputs.shape}."
        )
    batch, steps = inputs.shape[:2]
    zeros = np.zeros((batch, units))
    if initial_state is None:
        h, c = zeros, zeros
    elif kind == "LSTM":
        h, c = (np.asarray(s, np.float64) for s in initial_state)
    else:
        h, c = np.asarray(initial_state, np.float64), None
    hs, cs, gates = [], [], {}
    for t in range(steps):
        x = inputs[:, t]
        if kind == "SimpleRNN":
            h, step_gates = simple_rnn_step(x, h, **params), {}
        elif kind == "LSTM":
            h, c, step_gates = lstm_step(x, h, c, **params)
            cs.append(c)
        else:
            h, step_gates = gru_step(x, h, **params)
        hs.append(h)
        for name, value in step_gates.items():
            gates.setdefault(name, []).append(value)
    stack = lambda seq: np.stack(seq, axis=1) if seq else np.zeros((batch, 0, units))
    return Trace(
        kind=kind,
        h=stack(hs),
        c=stack(cs) if kind == "LSTM" else None,
        gates={name: stack(values) for name, values in gates.items()},
    )
