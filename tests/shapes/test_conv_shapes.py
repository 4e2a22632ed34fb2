"""``course_utils.shapes`` (Conv1D part) against real Keras Conv1D stacks."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_utils import shapes
from course_utils._quiet import import_tensorflow

import_tensorflow()
import keras  # noqa: E402

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def conv_layers(draw):
    strides = draw(st.sampled_from([1, 1, 2, 3]))
    return shapes.Conv1DLayer(
        kernel_size=draw(st.integers(1, 5)),
        strides=strides,
        dilation_rate=1 if strides > 1 else draw(st.integers(1, 4)),
        padding=draw(st.sampled_from(shapes.PADDINGS)),
    )


def keras_stack(layers, length):
    """Linear Conv1D layers with all-ones kernels: output j responds to input i iff it sees it."""
    conv = [
        keras.layers.Conv1D(
            1,
            layer.kernel_size,
            strides=layer.strides,
            padding=layer.padding,
            dilation_rate=layer.dilation_rate,
            kernel_initializer="ones",
            use_bias=False,
        )  # fmt: skip
        for layer in layers
    ]
    return keras.Sequential([keras.Input((length, 1)), *conv])


@FAST
@given(layers=st.lists(conv_layers(), min_size=1, max_size=4), length=st.integers(1, 40))
def test_lengths_and_inputs_seen_match_keras(layers, length):
    try:
        lengths = shapes.conv1d_stack_lengths(length, layers)
    except shapes.ShapeError:
        with pytest.raises(ValueError, match="zero or negative"):
            keras_stack(layers, length)
        return
    model = keras_stack(layers, length)
    assert tuple(model.output_shape) == (None, lengths[-1], 1)
    # Row i: the response of every output to an impulse at input i.
    response = np.asarray(model(np.eye(length, dtype="float32")[:, :, None]))[:, :, 0]
    for j in range(lengths[-1]):
        assert shapes.inputs_seen(layers, length, j) == tuple(np.flatnonzero(response[:, j]))


@pytest.mark.parametrize("padding", shapes.PADDINGS)
@pytest.mark.parametrize("kernel_size, strides, dilation_rate", [(3, 1, 1), (4, 2, 1), (2, 1, 4)])
def test_single_layer_length_matches_keras_with_unknown_batch(
    padding, kernel_size, strides, dilation_rate
):
    for length in (9, 16, 31):
        layer = keras.layers.Conv1D(2, kernel_size, strides=strides, padding=padding,
                                    dilation_rate=dilation_rate)  # fmt: skip
        expected = layer.compute_output_shape((None, length, 3))[1]
        got = shapes.conv1d_output_length(length, kernel_size, strides, dilation_rate, padding)
        assert got == expected
    assert shapes.conv1d_output_length(None, kernel_size, strides, dilation_rate, padding) is None


def test_receptive_field_of_a_wavenet_stack_and_of_strided_layers():
    wavenet = [shapes.Conv1DLayer(2, dilation_rate=2**i, padding="causal") for i in range(10)] * 2
    assert shapes.receptive_field(wavenet) == 1 + 2 * (2**10 - 1)
    strided = [{"kernel_size": 4, "strides": 2}, {"kernel_size": 4, "strides": 2}]
    assert shapes.receptive_field(strided) == 4 + 3 * 2
    # An interior output sees exactly the receptive field, all contiguous.
    seen = shapes.inputs_seen(strided, 64, 10)
    assert len(seen) == 10 and seen == tuple(range(seen[0], seen[0] + 10))


def test_causal_outputs_never_see_the_future():
    layers = [shapes.Conv1DLayer(3, dilation_rate=d, padding="causal") for d in (1, 2, 4)]
    for j in range(20):
        assert max(shapes.inputs_seen(layers, 20, j)) == j


def test_bad_settings_get_clear_errors():
    with pytest.raises(ValueError, match="padding must be one of"):
        shapes.Conv1DLayer(3, padding="full")
    with pytest.raises(ValueError, match="strides > 1 together with dilation_rate > 1"):
        shapes.Conv1DLayer(3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="kernel_size must be a positive integer"):
        shapes.conv1d_output_length(10, 0)
    with pytest.raises(shapes.ShapeError, match="cannot slide over 4 steps"):
        shapes.conv1d_output_length(4, 3, dilation_rate=2)
    with pytest.raises(ValueError, match="between 0 and 7"):
        shapes.inputs_seen([{"kernel_size": 3}], 10, 8)
    with pytest.raises(ValueError, match="at least one Conv1D layer"):
        shapes.receptive_field([])
