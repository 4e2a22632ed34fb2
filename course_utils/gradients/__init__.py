"""How far gradients travel back through a SimpleRNN, in NumPy (notebook 05 and its widget).

A SimpleRNN layer computes ``h_t = f(x_t K + h_{t-1} U + b)`` from ``h_0 = 0``; a ``Dense(1)`` head
reads the last state and the loss is the mean squared error to a target. :func:`input_gradient_norms`
back-propagates that loss by hand and returns, for each time step ``t``, the norm of
``∂loss/∂x_t``: how much the input at step ``t`` can still change the loss. Where it shrinks
geometrically towards the first steps, gradients vanish; where it grows, they explode. The
weights are initialised as Keras does (Glorot-uniform kernel, orthogonal recurrent kernel times
``gain``, zero biases), so the numbers match a fresh ``keras.layers.SimpleRNN``.
"""

from dataclasses import dataclass

import numpy as np

from course_utils.cells import ACTIVATIONS
from course_utils.validation import positive_int, positive_number


@dataclass(frozen=True)
class SimpleRNNWeights:
    """The weights of a SimpleRNN layer and its ``Dense(1)`` head, in Keras' layout."""

    kernel: np.ndarray  # (input features, units)
    recurrent_kernel: np.ndarray  # (units, units)
    bias: np.ndarray  # (units,)
    head_kernel: np.ndarray  # (units, 1)
    head_bias: np.ndarray  # (1,)


def _glorot_uniform(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def init_weights(units=32, features=1, *, gain=1.0, seed=0):
    """Weights initialised as Keras initialises a SimpleRNN (recurrent kernel orthogonal × ``gain``)."""
    units, features = positive_int("units", units), positive_int("features", features)
    gain = positive_number("gain", gain)
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.normal(size=(units, units)))
    orthogonal = q * np.sign(np.diag(r))
    return SimpleRNNWeights(
        kernel=_glorot_uniform(rng, features, units),
        recurrent_kernel=gain * orthogonal,
        bias=np.zeros(units),
        head_kernel=_glorot_uniform(rng, units, 1),
        head_bias=np.zeros(1),
    )


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}.")
    return ACTIVATIONS[name]


def _inputs(x, weights):
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or x.shape[1] < 1:
        raise ValueError(
            f"x must be a batch of sequences (batch, time steps, features), got {x.shape}."
        )
    if x.shape[2] != weights.kernel.shape[0]:
        raise ValueError(
            f"x has {x.shape[2]} features per step but the kernel expects {weights.kernel.shape[0]}."
        )
    return x


def forward(x, weights, activation="tanh"):
    """All states ``h_1 ... h_T`` (batch, time steps, units) and pre-activations, from ``h_0 = 0``."""
    x = _inputs(x, weights)
    f = _activation(activation).function
    h = np.zeros((x.shape[0], weights.recurrent_kernel.shape[0]))
    states, pre = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(x.shape[1]):
            a = x[:, t] @ weights.kernel + h @ weights.recurrent_kernel + weights.bias
            h = f(a)
            pre.append(a)
            states.append(h)
    return np.stack(states, axis=1), np.stack(pre, axis=1)


# --- lesson code: begin (made by `make lesson-code` from the notebooks' save cells) ---
# From notebooks/05_training_difficulties.ipynb, section "1. Vanishing gradients, measured": edit
# it in the notebook, then run `make lesson-code`.
def input_gradient_norms(x, weights, activation="tanh", target=1.0):
    """``‖∂loss/∂x_t‖`` for every step ``t`` (norm over the batch and features), shape (time steps,).

    The loss is ``mean((head(h_T) - target)²)`` over the batch, as Keras' ``"mse"`` computes it.
    """
    states, pre = forward(x, weights, activation)
    derivative = ACTIVATIONS[activation].derivative
    batch = states.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        prediction = states[:, -1] @ weights.head_kernel + weights.head_bias
        grad_h = 2.0 * (prediction - target) / batch @ weights.head_kernel.T  # ∂loss/∂h_T
        norms = np.empty(states.shape[1])
        for t in range(states.shape[1] - 1, -1, -1):  # from the last step back to the first
            grad_a = grad_h * derivative(pre[:, t])  # ∂loss/∂a_t
            norms[t] = np.linalg.norm(grad_a @ weights.kernel.T)  # ‖∂loss/∂x_t‖
            grad_h = grad_a @ weights.recurrent_kernel.T  # ∂loss/∂h_(t-1)
    return norms


# --- lesson code: end ---


def state_norms(x, weights, activation="tanh"):
    """The mean norm of the hidden state at each step, shape (time steps,): do activations explode?"""
    states, _ = forward(x, weights, activation)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.linalg.norm(states, axis=2).mean(axis=0)


def cudnn_eligible(layer):
    """Whether a Keras 3 ``LSTM`` or ``GRU`` layer is configured to use the fused cuDNN kernel.

    The conditions are those of Keras 3.15 (``keras/src/layers/rnn/lstm.py`` and ``gru.py``, then
    ``keras/src/backend/tensorflow/rnn.py``): ``use_cudnn`` left at ``"auto"`` or set to ``True``,
    no ``recurrent_dropout``, ``tanh`` activation, ``sigmoid`` recurrent activation,
    ``unroll=False``, ``use_bias=True`` and, for a GRU, ``reset_after=True``. Input ``dropout`` is
    allowed: it is applied to the inputs before the kernel. Two conditions are not settings of the
    layer and are not checked here: a GPU must be present, and a mask, if any, must be right-padded
    (no sequence fully masked).
    """
    kind = type(layer).__name__
    if kind not in ("LSTM", "GRU"):
        raise TypeError(f"only LSTM and GRU layers have a cuDNN kernel, not {kind}")
    import keras  # the rest of this module needs only NumPy

    cell = layer.cell
    eligible = (
        layer.use_cudnn in ("auto", True)
        and not cell.recurrent_dropout
        and cell.activation in (keras.activations.tanh, keras.ops.tanh)
        and cell.recurrent_activation in (keras.activations.sigmoid, keras.ops.sigmoid)
        and not layer.unroll
        and bool(cell.use_bias)
    )
    if kind == "GRU":
        eligible = eligible and bool(cell.reset_after)
    return bool(eligible)
