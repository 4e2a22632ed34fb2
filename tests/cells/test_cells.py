"""``course_utils.cells`` reproduces Keras' SimpleRNN, LSTM and GRU layers from their own weights."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_utils import cells
from course_utils._quiet import import_tensorflow

import_tensorflow()
import keras  # noqa: E402

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LAYERS = {
    "SimpleRNN": lambda units: keras.layers.SimpleRNN(units, return_sequences=True),
    "LSTM": lambda units: keras.layers.LSTM(units, return_sequences=True),
    "GRU reset_after=True": lambda units: keras.layers.GRU(units, return_sequences=True),
    "GRU reset_after=False": lambda units: keras.layers.GRU(
        units, return_sequences=True, reset_after=False
    ),
}


def _randomised(layer, inputs, rng):
    """Build the layer, then give every weight random values (biases included, not zeros)."""
    layer(inputs)
    for weight in layer.weights:
        weight.assign(rng.normal(scale=0.6, size=weight.shape))
    return layer


@FAST
@given(
    name=st.sampled_from(sorted(LAYERS)),
    batch=st.integers(1, 4),
    steps=st.integers(1, 12),
    features=st.integers(1, 6),
    units=st.integers(1, 9),
    seed=st.integers(0, 2**16),
)
def test_run_matches_keras(name, batch, steps, features, units, seed):
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(batch, steps, features)).astype("float32")
    layer = _randomised(LAYERS[name](units), inputs, rng)
    expected = np.asarray(layer(inputs))
    trace = cells.run(layer, inputs)
    assert trace.h.shape == expected.shape
    assert np.max(np.abs(trace.h - expected)) < 1e-5


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_final_states_and_initial_state_match_keras(name):
    rng = np.random.default_rng(7)
    inputs = rng.normal(size=(3, 6, 4)).astype("float32")
    layer = LAYERS[name](5)
    layer.return_state = True
    _randomised(layer, inputs, rng)
    lstm = name == "LSTM"
    initial = [rng.normal(size=(3, 5)).astype("float32") for _ in range(2 if lstm else 1)]
    outputs, *states = layer(inputs, initial_state=initial)
    trace = cells.run(layer, inputs, initial_state=initial if lstm else initial[0])
    assert np.max(np.abs(trace.h - np.asarray(outputs))) < 1e-5
    assert np.max(np.abs(trace.h[:, -1] - np.asarray(states[0]))) < 1e-5
    if lstm:
        assert np.max(np.abs(trace.c[:, -1] - np.asarray(states[1]))) < 1e-5


def test_lstm_gates_obey_the_cell_equations():
    rng = np.random.default_rng(3)
    inputs = rng.normal(size=(2, 8, 3)).astype("float32")
    layer = _randomised(keras.layers.LSTM(4, return_sequences=True), inputs, rng)
    trace = cells.run(layer, inputs)
    g = trace.gates
    assert set(g) == {"i", "f", "g", "o"}
    for name in "ifo":
        assert np.all((g[name] > 0) & (g[name] < 1)), f"{name} is a sigmoid gate"
    previous_c = np.concatenate([np.zeros((2, 1, 4)), trace.c[:, :-1]], axis=1)
    np.testing.assert_allclose(trace.c, g["f"] * previous_c + g["i"] * g["g"], atol=1e-12)
    np.testing.assert_allclose(trace.h, g["o"] * np.tanh(trace.c), atol=1e-12)


def test_gru_gates_mix_old_state_and_candidate():
    rng = np.random.default_rng(4)
    inputs = rng.normal(size=(2, 5, 3)).astype("float32")
    layer = _randomised(keras.layers.GRU(4, return_sequences=True), inputs, rng)
    trace = cells.run(layer, inputs)
    previous = np.concatenate([np.zeros((2, 1, 4)), trace.h[:, :-1]], axis=1)
    z, g = trace.gates["z"], trace.gates["g"]
    np.testing.assert_allclose(trace.h, z * previous + (1 - z) * g, atol=1e-12)


def test_lstm_without_bias_and_other_activation_match_keras():
    rng = np.random.default_rng(5)
    inputs = rng.normal(size=(2, 5, 3)).astype("float32")
    layer = keras.layers.LSTM(3, use_bias=False, activation="relu", return_sequences=True)
    _randomised(layer, inputs, rng)
    assert np.max(np.abs(cells.run(layer, inputs).h - np.asarray(layer(inputs)))) < 1e-5


def test_sigmoid_is_stable_for_large_inputs():
    values = cells.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0])


def test_bad_inputs_get_clear_errors():
    layer = keras.layers.LSTM(2)
    with pytest.raises(ValueError, match="no weights yet"):
        cells.run(layer, np.zeros((1, 3, 2)))
    layer(np.zeros((1, 3, 2), "float32"))
    with pytest.raises(ValueError, match=r"\(batch, time steps, 2\)"):
        cells.run(layer, np.zeros((3, 2)))
    with pytest.raises(TypeError, match="SimpleRNN, LSTM or GRU"):
        cells.run(keras.layers.Dense(2), np.zeros((1, 3, 2)))
    with pytest.raises(ValueError, match="not supported"):
        cells.lstm_step(np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)),
                        np.zeros((1, 4)), np.zeros((1, 4)), activation="softsign")  # fmt: skip
    with pytest.raises(ValueError, match=r"shape \(2, 6\)"):
        cells.gru_step(np.zeros((1, 1)), np.zeros((1, 2)), np.zeros((1, 6)),
                       np.zeros((2, 6)), bias=np.zeros(6))  # fmt: skip
