"""``course_utils.shapes`` (recurrent part) against real Keras layers, over random configurations."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_utils import shapes
from course_utils._quiet import import_tensorflow

import_tensorflow()
import keras  # noqa: E402

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
sizes = st.integers(1, 9)
maybe = st.one_of(st.none(), sizes)


def keras_layer(
    cell,
    units,
    return_sequences=False,
    return_state=False,
    bidirectional=False,
    merge_mode="concat",
):
    layer = getattr(keras.layers, cell)(
        units, return_sequences=return_sequences, return_state=return_state
    )
    return keras.layers.Bidirectional(layer, merge_mode=merge_mode) if bidirectional else layer


@FAST
@given(
    cell=st.sampled_from(shapes.CELLS),
    units=sizes,
    batch=maybe,
    steps=maybe,
    features=sizes,
    return_sequences=st.booleans(),
    return_state=st.booleans(),
    bidirectional=st.booleans(),
    merge_mode=st.sampled_from(shapes.MERGE_MODES),
)
def test_recurrent_shapes_match_keras(
    cell, units, batch, steps, features, return_sequences, return_state, bidirectional, merge_mode
):
    layer = keras_layer(cell, units, return_sequences, return_state, bidirectional, merge_mode)
    out = layer(keras.Input((steps, features), batch_size=batch))
    got = [tuple(t.shape) for t in (out if isinstance(out, (list, tuple)) else [out])]
    expected = shapes.recurrent_shapes(
        cell,
        units,
        (batch, steps, features),
        return_sequences,
        return_state,
        bidirectional,
        merge_mode,
    )
    assert got == list(expected.all)
    assert layer.count_params() == expected.params


layer_specs = st.lists(
    st.tuples(st.sampled_from(shapes.CELLS), sizes, st.booleans()), min_size=1, max_size=4
)


@FAST
@given(layers=layer_specs, steps=maybe, features=sizes, dense=st.one_of(st.none(), sizes))
def test_stack_shapes_match_keras_or_its_error(layers, steps, features, dense):
    expected = shapes.stack_shapes((None, steps, features), layers, dense_units=dense)
    tensor, outputs, params = keras.Input((steps, features)), [], []
    for index, (cell, units, seq) in enumerate(layers):
        layer = keras_layer(cell, units, seq)
        try:
            tensor = layer(tensor)
        except ValueError as exc:
            assert expected.failed_layer == index
            assert "expected ndim=3, found ndim=2" in str(exc)
            received = str(exc).split("Full shape received: ")[1]
            assert expected.error.endswith(f"Full shape received: {received}")
            break
        outputs.append(tuple(tensor.shape))
        params.append(layer.count_params())
    else:
        if dense is not None:
            layer = keras.layers.Dense(dense)
            outputs.append(tuple(layer(tensor).shape))
            params.append(layer.count_params())
        assert expected.ok and expected.failed_layer is None
    assert list(expected.outputs) == outputs
    assert list(expected.params) == params


def test_stack_kind_and_plain_words():
    seq2seq = shapes.stack_shapes((32, 20, 8), [("LSTM", 64, True), ("LSTM", 32, True)])
    assert seq2seq.kind == "sequence-to-sequence" and seq2seq.outputs == (
        (32, 20, 64),
        (32, 20, 32),
    )
    seq2vec = shapes.stack_shapes((32, 20, 8), [("GRU", 64, True), ("GRU", 32, False)])
    assert seq2vec.kind == "sequence-to-vector" and seq2vec.outputs[-1] == (32, 32)
    broken = shapes.stack_shapes((32, 20, 8), [("LSTM", 64, False), ("LSTM", 32, True)])
    assert broken.kind is None and broken.failed_layer == 1 and broken.outputs == ((32, 64),)
    assert "set return_sequences=True on layer 1" in broken.error


@pytest.mark.parametrize(
    "cell, bidirectional, text",
    [
        ("SimpleRNN", False, "64 × (8 + 64 + 1) = 4,672"),
        ("LSTM", False, "4 × 64 × (8 + 64 + 1) = 18,688"),
        ("GRU", True, "2 × 3 × 64 × (8 + 64 + 2) = 28,416"),
    ],
)
def test_param_formula(cell, bidirectional, text):
    assert shapes.param_formula(cell, 8, 64, bidirectional) == text


def test_two_d_input_is_a_shape_error():
    with pytest.raises(shapes.ShapeError, match="expects a 3-D input"):
        shapes.recurrent_shapes("LSTM", 4, (32, 8))


@pytest.mark.parametrize(
    "call, error, words",
    [
        (
            lambda: shapes.recurrent_shapes("Transformer", 4, (1, 2, 3)),
            ValueError,
            "cell must be one of",
        ),
        (
            lambda: shapes.recurrent_shapes("LSTM", 0, (1, 2, 3)),
            ValueError,
            "units must be a positive",
        ),
        (lambda: shapes.recurrent_shapes("LSTM", 4, [1, 2, 3]), TypeError, "tuple"),
        (lambda: shapes.recurrent_shapes("LSTM", 4, (1, 2, None)), ValueError, "features"),
        (
            lambda: shapes.recurrent_shapes("LSTM", 4, (1, 2, 3), merge_mode=None),
            ValueError,
            "merge_mode",
        ),
        (lambda: shapes.recurrent_params("GRU", 2.5, 3), ValueError, "features"),
        (lambda: shapes.stack_shapes((1, 2), [("LSTM", 4, True)]), ValueError, "input_shape"),
        (lambda: shapes.stack_shapes((1, 2, 3), []), ValueError, "at least one"),
        (
            lambda: shapes.stack_shapes((1, 2, 3), [("LSTM", 4, True)], dense_units=0),
            ValueError,
            "dense_units",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()
