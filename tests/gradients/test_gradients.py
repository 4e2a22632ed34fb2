"""The NumPy back-propagation through a SimpleRNN, checked against Keras, and its widget."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils import gradients  # noqa: E402
from course_utils.gradients.widget import (  # noqa: E402
    GradientExplorer,
    gradient_curves,
    gradient_figure,
)


def _keras_norms(x, weights, activation):
    units = weights.recurrent_kernel.shape[0]
    rnn = keras.layers.SimpleRNN(units, activation=activation)
    head = keras.layers.Dense(1)
    rnn.build((None, x.shape[1], x.shape[2]))
    head.build((None, units))
    rnn.set_weights([weights.kernel, weights.recurrent_kernel, weights.bias])
    head.set_weights([weights.head_kernel, weights.head_bias])
    xt = tf.constant(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = keras.losses.MeanSquaredError()(tf.ones((x.shape[0], 1)), head(rnn(xt)))
    grad = tape.gradient(loss, xt).numpy()
    return np.linalg.norm(
        grad.reshape(x.shape[0], x.shape[1], -1).transpose(1, 0, 2).reshape(x.shape[1], -1), axis=1
    ), rnn(xt).numpy()


@pytest.mark.parametrize("activation", sorted(gradients.ACTIVATIONS))
@pytest.mark.parametrize("gain, features", [(1.0, 1), (1.3, 3)])
def test_input_gradient_norms_match_keras(activation, gain, features):
    weights = gradients.init_weights(8, features, gain=gain, seed=3)
    x = np.random.default_rng(0).normal(size=(5, 12, features))
    expected, last_state = _keras_norms(x, weights, activation)
    np.testing.assert_allclose(
        gradients.input_gradient_norms(x, weights, activation), expected, rtol=1e-4
    )
    states, _ = gradients.forward(x, weights, activation)
    np.testing.assert_allclose(states[:, -1], last_state, rtol=1e-4, atol=1e-6)


def test_init_weights_follow_keras_conventions():
    w = gradients.init_weights(16, 2, gain=1.5, seed=0)
    assert w.kernel.shape == (2, 16) and w.recurrent_kernel.shape == (16, 16)
    np.testing.assert_allclose(
        w.recurrent_kernel @ w.recurrent_kernel.T, 2.25 * np.eye(16), atol=1e-9
    )
    assert np.all(np.abs(w.kernel) <= np.sqrt(6 / 18)) and not w.bias.any()
    again = gradients.init_weights(16, 2, gain=1.5, seed=0)
    np.testing.assert_array_equal(w.kernel, again.kernel)


def test_tanh_gradients_vanish_and_relu_states_explode_with_a_large_gain():
    x = np.random.default_rng(1).normal(size=(32, 100, 1))
    norms = gradients.input_gradient_norms(x, gradients.init_weights(32, seed=0), "tanh")
    assert norms[0] / norms[-1] < 1e-4  # vanishing at the default initialisation
    large = gradients.init_weights(32, gain=2.0, seed=0)
    assert gradients.state_norms(x, large, "relu")[-1] > 1e6
    assert gradients.state_norms(x, large, "tanh").max() <= np.sqrt(32)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda w: gradients.input_gradient_norms(np.zeros((2, 5)), w),
            ValueError,
            "batch of sequences",
        ),
        (lambda w: gradients.input_gradient_norms(np.zeros((2, 5, 3)), w), ValueError, "features"),
        (
            lambda w: gradients.input_gradient_norms(np.zeros((2, 5, 1)), w, "softmax"),
            ValueError,
            "activation",
        ),
        (lambda w: gradients.init_weights(0), ValueError, "units"),
        (lambda w: gradients.init_weights(4, gain=-1), ValueError, "gain"),
    ],
)
def test_bad_input_is_explained(call, error, message):
    with pytest.raises(error, match=message):
        call(gradients.init_weights(4))


def test_gradient_curves_and_figure():
    grads, states = gradient_curves("relu", 40, 1.0)
    assert grads.shape == states.shape == (40,)
    fig, summary = gradient_figure("tanh", 60, 1.0)
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log"
    assert fig.axes[0].get_title() and fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
    assert summary.startswith("tanh, 60 steps, gain 1:") and "e-" in summary
    _, overflow = gradient_figure("relu", 400, 2.5)
    assert "overflow" in overflow or "e+" in overflow
    with pytest.raises(ValueError, match="length"):
        gradient_curves("tanh", 0)


def test_explorer_updates_and_leaves_a_snapshot():
    explorer = GradientExplorer(activation="tanh", length=50, gain=1.0)
    first = explorer.snapshot()
    assert first["text/plain"].startswith("tanh, 50 steps") and first["image/png"]
    explorer.activation.value = "relu"
    explorer.length.value = 80
    assert explorer.snapshot()["text/plain"].startswith("relu, 80 steps")
    assert "image/png" in explorer._repr_mimebundle_()[0]


def test_explorer_draws_into_an_image_without_display_messages():
    explorer = GradientExplorer(activation="tanh", length=30, gain=1.0)
    before = explorer.image.value
    assert before[:8] == b"\x89PNG\r\n\x1a\n" and explorer.summary.value.startswith(
        "tanh, 30 steps"
    )
    explorer.gain.value = 2.0
    assert explorer.image.value != before and "gain 2" in explorer.summary.value


@pytest.mark.parametrize(
    "make, eligible",
    [
        (lambda: keras.layers.LSTM(8), True),
        (lambda: keras.layers.LSTM(8, dropout=0.2), True),
        (lambda: keras.layers.LSTM(8, use_cudnn=True), True),
        (lambda: keras.layers.LSTM(8, activation="tanh", recurrent_activation="sigmoid"), True),
        (lambda: keras.layers.LSTM(8, dropout=0.2, use_cudnn=False), False),
        (lambda: keras.layers.LSTM(8, recurrent_dropout=0.2), False),
        (lambda: keras.layers.LSTM(8, activation="relu"), False),
        (lambda: keras.layers.LSTM(8, recurrent_activation="hard_sigmoid"), False),
        (lambda: keras.layers.LSTM(8, unroll=True), False),
        (lambda: keras.layers.LSTM(8, use_bias=False), False),
        (lambda: keras.layers.GRU(8), True),
        (lambda: keras.layers.GRU(8, dropout=0.2), True),
        (lambda: keras.layers.GRU(8, reset_after=False), False),
        (lambda: keras.layers.GRU(8, use_cudnn=False), False),
        (lambda: keras.layers.GRU(8, recurrent_dropout=0.1), False),
    ],
)
def test_cudnn_eligible_follows_keras_conditions(make, eligible):
    assert gradients.cudnn_eligible(make()) is eligible


def test_cudnn_eligible_rejects_layers_without_a_cudnn_kernel():
    with pytest.raises(TypeError, match="SimpleRNN"):
        gradients.cudnn_eligible(keras.layers.SimpleRNN(8))
