"""What crosses from the answer kernel to the check kernel: data, rebuilt faithfully, and nothing
else; and every exercise declares what it hands over."""

import ast
import json

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf
from IPython.core.inputtransformer2 import TransformerManager

from course_utils.grading import handover
from course_utils.grading.cells import is_answer, is_test
from tests.course_files import NOTEBOOK_PATHS


def _round_trip(value):
    functions = []
    data = handover.Encoder(functions).encode(value)
    return handover.decode(json.loads(json.dumps(data)))


@pytest.mark.parametrize(
    "value",
    [
        None, True, 3, -(10**30), "é", 0.1, float("inf"), [1, (2, "3")], {(1, 2): [None]},
        {"$": "not a marker"}, np.arange(6).reshape(2, 3), np.float32(0.5), np.array(["a", "b"]),
    ],
    ids=repr,
)  # fmt: skip
def test_data_comes_back_equal_and_of_the_same_type(value):
    back = _round_trip(value)
    assert type(back) is type(value)
    assert repr(back) == repr(value)


def test_nan_stays_nan():
    assert np.isnan(_round_trip(float("nan")))


def test_tensors_ragged_tensors_and_datasets_are_rebuilt():
    assert isinstance(_round_trip(tf.constant([1.0, 2.0])), tf.Tensor)
    assert _round_trip(tf.zeros((8, 32)).shape) == (8, 32)
    ragged = tf.ragged.constant([[1, 2], [3]])
    assert _round_trip(ragged).to_list() == [[1, 2], [3]]
    dataset = tf.data.Dataset.from_tensor_slices(np.arange(4)).batch(3)
    assert [b.numpy().tolist() for b in _round_trip(dataset)] == [[0, 1, 2], [3]]


def test_a_model_comes_back_with_its_weights_and_compilation():
    model = keras.Sequential([keras.Input((None, 2)), keras.layers.GRU(3), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(clipnorm=1.0), loss="mse")
    back = _round_trip(model)
    x = np.ones((1, 4, 2), "float32")
    np.testing.assert_allclose(back(x), model(x), atol=1e-6)
    assert back.optimizer.clipnorm == 1.0 and back is not model


def test_a_model_is_rebuilt_the_same_way_whatever_the_answer_kernel_claims_about_it():
    """Where a model was built is a property the answer kernel computes, so a claim it could
    forge: none is sent, and one added beside the configuration and weights changes nothing."""
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
    data = json.loads(json.dumps(handover.Encoder([]).encode(model)))
    assert set(data) == {"$", "object", "weights"}
    claims = {"distributed": True, "optimizer_distributed": True, "built_in_scope": True}
    x = np.ones((2, 3), "float32")
    for sent in (data, {**data, **claims}):
        back = handover.decode(sent)
        assert not any(strategy.extended.variable_created_in_scope(v.value) for v in back.weights)
        assert back.distribute_strategy is not strategy
        np.testing.assert_allclose(back(x), model(x), atol=1e-6)


class Anything:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "value, says",
    [
        (Anything(), "test_handover.Anything, not data"),
        (type("MyInt", (int,), {})(3), "MyInt, not data"),
        (np.array([object()]), "array of Python objects"),
        ([[[]]] * 1, None),
    ],
)
def test_objects_that_are_not_data_are_refused(value, says):
    if says is None:  # nested lists are data
        assert _round_trip(value) == value
        return
    with pytest.raises(handover.NotData, match=says):
        handover.Encoder([]).encode(value)


def test_a_function_crosses_as_a_handle_only():
    functions = []
    data = handover.Encoder(functions).encode(lambda x: 2 * x)
    assert data == {"$": "function", "id": 0, "name": "<lambda>"} and len(functions) == 1
    assert isinstance(handover.decode(data), handover.RemoteFunction)
    with pytest.raises(handover.NotData, match="not data"):  # a check's arguments: data only
        handover.Encoder().encode(lambda x: 2 * x)


@pytest.mark.parametrize(
    "config",
    [
        {"module": "os", "class_name": "system", "config": {}, "registered_name": None},
        {"module": "keras.layers", "class_name": "Dense", "config": {
            "units": 1, "activation": {"module": "subprocess", "class_name": "run"}}},
    ],
    ids=["a class outside Keras", "a function outside Keras, nested"],
)  # fmt: skip
def test_a_configuration_naming_code_outside_keras_is_refused(config):
    with pytest.raises(ValueError, match="outside Keras"):
        handover.decode({"$": "keras", "object": config, "weights": []})


def test_tensorflows_softmax_as_an_activation_comes_back_as_keras_softmax():
    """Keras writes tf.nn.softmax as a function of `builtins`; it crosses as Keras' softmax, and
    any other function named so is still refused."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation=tf.nn.softmax)])
    back = _round_trip(model)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(back(x), model(x), atol=1e-6)
    forged = {"module": "builtins", "class_name": "function", "config": "eval"}
    config = {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {"units": 1, "activation": forged},
    }
    with pytest.raises(ValueError, match="outside Keras"):
        handover.decode({"$": "keras", "object": config, "weights": []})


def test_a_lambda_layer_is_refused_by_keras_safe_mode():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2)])
    data = json.loads(json.dumps(handover.Encoder([]).encode(model)))
    with pytest.raises(ValueError, match="lambda"):
        handover.decode(data)


def test_decoding_refuses_what_no_encoder_writes():
    for data in ({"no marker": 1}, {"$": "pickle", "bytes": "gASV"}, 1.5, {"$": 3}):
        with pytest.raises(ValueError):
            handover.decode(data)


def _code(cell):
    try:
        return ast.parse(TransformerManager().transform_cell(cell.source))
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.GeneratorExp,
          ast.ListComp, ast.SetComp, ast.DictComp)  # fmt: skip


def _bound_at_top_level(tree):
    """The names a cell binds in its own scope (not in its functions, classes, comprehensions)."""
    names = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.append(child.name)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.append(child.id)
            elif isinstance(child, ast.alias):
                names.append((child.asname or child.name).split(".")[0])
            if not isinstance(child, SCOPES):
                visit(child)

    visit(tree)
    return list(dict.fromkeys(names))


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_answer_hands_over_what_the_checks_and_the_lesson_read_later(path):
    """An answer hands over exactly the names its reference solution binds that a later test
    or lesson cell reads: the check kernel has nothing else of it."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    for index, cell in enumerate(cells):
        if not is_answer(cell):
            continue
        read_later = {
            n.id
            for later in cells[index + 1 :]
            if not is_answer(later)
            for n in ast.walk(_code(later))
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        wanted = [n for n in _bound_at_top_level(_code(cell)) if n in read_later]
        declared = cell.metadata.get("course", {}).get("hands_over")
        assert declared == wanted, cell.metadata["nbgrader"]["grade_id"]
    assert any(is_test(c) for c in cells)
