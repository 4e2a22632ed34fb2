"""The gate stepper's logic (values, active paths, table) and its static snapshot."""

import numpy as np
import pytest

from course_utils import cells
from course_utils._quiet import import_tensorflow
from course_utils.cells import widget as gates

import_tensorflow()
import keras  # noqa: E402


@pytest.fixture(scope="module")
def layer_and_inputs():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(1, 6, 2)).astype("float32")
    layer = keras.layers.LSTM(3, return_sequences=True)
    layer(inputs)
    for weight in layer.weights:
        weight.assign(rng.normal(scale=0.7, size=weight.shape))
    return layer, inputs


def test_step_values_follow_the_trace(layer_and_inputs):
    layer, inputs = layer_and_inputs
    trace = cells.run(layer, inputs)
    first = gates.step_values(trace, 0, unit=1)
    assert first["h(t-1)"] == 0 and first["c(t-1)"] == 0
    later = gates.step_values(trace, 4, unit=2)
    assert later["c(t-1)"] == pytest.approx(trace.c[0, 3, 2])
    assert later["c(t)"] == pytest.approx(later["f"] * later["c(t-1)"] + later["i"] * later["g"])
    mean = gates.step_values(trace, 4)
    assert mean["o"] == pytest.approx(trace.gates["o"][0, 4].mean())
    with pytest.raises(ValueError, match="between 0 and 5"):
        gates.step_values(trace, 6)
    with pytest.raises(ValueError, match="LSTM trace"):
        gates.step_values(cells.Trace("GRU", trace.h), 0)


def test_active_paths():
    values = {"f": 0.9, "i": 0.1, "o": 0.7}
    assert gates.active_paths(values) == {"h", "c", "forget", "output"}
    assert gates.active_paths({"f": 0.2, "i": 0.8, "o": 0.1}) == {"h", "input", "candidate"}
    assert gates.active_paths(values, threshold=0.95) == {"h"}
    with pytest.raises(ValueError, match="between 0 and 1"):
        gates.active_paths(values, threshold=1.5)


def test_step_table_lists_every_quantity_for_every_unit(layer_and_inputs):
    layer, inputs = layer_and_inputs
    trace = cells.run(layer, inputs)
    table = gates.step_table(trace, inputs, 2, feature_names=["value", "flag"])
    assert table.count("<tr>") == 1 + len(gates.QUANTITIES)
    assert "unit 2" in table and f"value = {inputs[0, 2, 0]:+.2f}" in table
    with pytest.raises(ValueError, match="2 features"):
        gates.step_table(trace, inputs, 2, feature_names=["one"])


def test_stepper_updates_and_leaves_a_snapshot(layer_and_inputs):
    layer, inputs = layer_and_inputs
    stepper = gates.GateStepper(layer, inputs[0], unit=0, marks={3: "store"})
    before = stepper.image.value
    stepper.step.value = 3
    assert "t = 3 (store)" in stepper.figure().axes[0].get_title()
    assert bytes(stepper.image.value).startswith(b"\x89PNG") and stepper.image.value != before
    assert "t = 3" in stepper.table.value
    bundle, _ = stepper._repr_mimebundle_()
    assert "6 time steps, 3 units" in bundle["text/plain"] and bundle["image/png"]
    with pytest.raises(ValueError, match=r"\(time steps, features\)"):
        gates.GateStepper(layer, inputs)
    gru = keras.layers.GRU(2)
    gru(inputs)
    with pytest.raises(TypeError, match="needs an LSTM"):
        gates.GateStepper(gru, inputs[0])


def test_the_mean_of_all_units_is_a_visible_choice(layer_and_inputs):
    layer, inputs = layer_and_inputs
    stepper = gates.GateStepper(layer, inputs[0])
    assert stepper.unit.index == 0 and stepper.unit.label == "mean of all units"
    stepper.unit.value = 1
    assert "unit 1" in stepper.figure().axes[0].get_title()


def test_the_stepper_says_from_which_value_a_gate_counts_as_open(layer_and_inputs):
    layer, inputs = layer_and_inputs
    stepper = gates.GateStepper(layer, inputs[0])
    assert "gates at 0.5 or more (open)" in stepper.note.value
    assert "gates at 0.5 or more (open)" in stepper._repr_mimebundle_()[0]["text/plain"]
    closed = gates.GateStepper(layer, inputs[0], threshold=0.9999)  # no gate reaches it here
    assert "gates at 0.9999 or more" in closed.note.value

    def alphas(stepper, path):
        return {a.get_alpha() for a in stepper.figure().findobj(lambda a: a.get_gid() == path)}

    assert alphas(closed, "lstm:h") == {1.0}  # the inputs always count
    for path in ("lstm:forget", "lstm:input", "lstm:output"):
        assert max(alphas(closed, path)) < 0.5, path
    assert not stepper.figure().legends  # the stepper's diagram is short: no legend
