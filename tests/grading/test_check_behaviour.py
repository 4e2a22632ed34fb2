"""The checks judge behaviour, not spelling: the answers that reviewers found rejected though right,
or accepted though wrong, each graded as it should be, with a message that names what is wrong.

Every model here is small and untrained: the checks read what a model computes, not what it
learned."""

import json

import numpy as np
import pytest

from course_utils import grading


def _fails(match, check, *args, **kwargs):
    with pytest.raises(AssertionError, match=match):
        check(*args, **kwargs)


@pytest.fixture(scope="module")
def keras():
    from course_utils._quiet import import_tensorflow

    import_tensorflow()
    import keras

    keras.utils.set_random_seed(0)
    return keras


@pytest.fixture(scope="module")
def tf(keras):
    import tensorflow

    return tensorflow


# ----------------------------------------------------------------------------- 01 ex4: encoder-decoder


def _encdec(keras, *, encoder_sequences=False, head="dense-softmax"):
    """A small encoder-decoder shaped like notebook 01's answer (GRUs of 32 units)."""
    layers = keras.layers
    source, previous = keras.Input((None,)), keras.Input((None,))
    _, state = layers.GRU(32, return_sequences=encoder_sequences, return_state=True)(
        layers.Embedding(30, 16, mask_zero=True)(source)
    )
    hidden = layers.GRU(32, return_sequences=True)(
        layers.Embedding(14, 16)(previous), initial_state=state
    )
    if head == "dense-softmax":
        out = layers.Dense(14, activation="softmax")(hidden)
    elif head == "Softmax layer":
        out = layers.Softmax()(layers.Dense(14)(hidden))
    else:
        out = layers.Dense(14)(hidden)
    return keras.Model([source, previous], out)


ENCDEC = dict(
    layers=["Embedding", "Embedding", "GRU", "GRU", "Dense"],
    units=[None, None, 32, 32, 14],
    return_sequences=[False, True],
)


def _dates(n=2, length=6):
    rng = np.random.default_rng(0)
    return rng.integers(1, 14, (n, length)), rng.integers(1, 14, (n, length))


class TestEncoderDecoder:
    def test_a_softmax_layer_after_the_dense_is_the_dense_s_softmax(self, keras, capsys):
        model = _encdec(keras, head="Softmax layer")
        grading.check_model(model, **ENCDEC)
        grading.check_probabilities(model, _dates(), what="its output")
        assert capsys.readouterr().out.count("✓") == 2

    def test_an_encoder_sequence_nothing_reads_does_not_matter(self, keras, capsys):
        grading.check_model(_encdec(keras, encoder_sequences=True), **ENCDEC)
        assert "✓" in capsys.readouterr().out

    def test_the_reference_still_passes(self, keras, capsys):
        grading.check_model(_encdec(keras), **ENCDEC)
        assert "✓" in capsys.readouterr().out

    def test_an_encoder_sequence_that_is_read_still_counts(self, keras):
        """Where the sequence output is used, return_sequences is judged as before."""
        layers = keras.layers
        source = keras.Input((None,))
        seq, state = layers.GRU(32, return_sequences=True, return_state=True)(
            layers.Embedding(30, 16)(source)
        )
        hidden = layers.GRU(32, return_sequences=True)(seq, initial_state=state)
        model = keras.Model(source, layers.Dense(14, activation="softmax")(hidden))
        _fails(
            r"Recurrent layer 1 has return_sequences=True",
            grading.check_model,
            model,
            return_sequences=[False, True],
        )

    def test_no_softmax_is_not_probabilities(self, keras):
        _fails(
            r"its output is not a probability distribution: it holds negative values",
            grading.check_probabilities,
            _encdec(keras, head="none"),
            _dates(),
            what="its output",
        )


# ----------------------------------------------------------------------------- 03 ex2, 04 ex3: any length


def _stack(keras, input_shape, head):
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(input_shape),
            layers.LSTM(8, return_sequences=True),
            layers.LSTM(4),
            *head,
        ]
    )


class TestAnyLength:
    def test_none_steps_passes(self, keras, capsys):
        model = _stack(keras, (None, 8), [keras.layers.Dense(3)])
        grading.check_any_length(model, (8,), output_shape=(None, 3), what="the classifier")
        out = capsys.readouterr().out
        assert "the classifier reads sequences of any length (7 and 13 steps tried)" in out

    def test_a_functional_model_passes(self, keras, capsys):
        inputs = keras.Input(shape=[None, 1])
        model = keras.Model(inputs, keras.layers.Dense(7)(keras.layers.GRU(4)(inputs)))
        grading.check_any_length(model, (1,), output_shape=(None, 7))
        assert "✓" in capsys.readouterr().out

    def test_a_fixed_length_fails_though_keras_runs_it_on_other_lengths(self, keras):
        model = _stack(keras, (20, 8), [keras.layers.Dense(3)])
        assert model(np.zeros((2, 7, 8), "float32")).shape == (2, 3)  # why a run cannot tell
        _fails(
            r"the classifier reads sequences of 20 steps only: its input's shape is "
            r"\(None, 20, 8\)\. A model that reads sequences of any length leaves",
            grading.check_any_length,
            model,
            (8,),
            what="the classifier",
        )

    def test_a_fixed_forecaster_fails(self, keras):
        model = keras.Sequential([keras.Input((56, 1)), keras.layers.GRU(4), keras.layers.Dense(7)])
        _fails(r"56 steps only", grading.check_any_length, model, (1,), output_shape=(None, 7))

    def test_wrong_step_shape_and_wrong_output(self, keras):
        model = _stack(keras, (None, 3), [keras.layers.Dense(3)])
        _fails(r"takes steps of shape \(3,\), but each step here has shape \(8,\)",
               grading.check_any_length, model, (8,))  # fmt: skip
        model = _stack(keras, (None, 8), [keras.layers.Dense(2)])
        _fails(r"outputs on 2 sequences of 7 and 13 steps have shapes \(2, 2\), \(2, 2\), that "
               r"is \(None, 2\) for any batch and length, which is not right; it should be \(None, 3\)",
               grading.check_any_length, model, (8,), output_shape=(None, 3))  # fmt: skip

    def test_a_sealed_output_shape_reads_the_time_axis_from_both_lengths(self, keras, capsys):
        layers = keras.layers
        per_step = keras.Sequential(
            [keras.Input((None, 1)), layers.GRU(4, return_sequences=True), layers.Dense(1)]
        )
        grading.check_any_length(per_step, (1,), output_shape=grading.seal((None, None, 1)))
        seven = keras.Sequential([keras.Input((None, 1)), layers.GRU(4), layers.Dense(7)])
        grading.check_any_length(seven, (1,), lengths=(7, 13), output_shape=grading.seal((None, 7)))
        assert capsys.readouterr().out.count("✓") == 2
        with pytest.raises(AssertionError, match="which is not right. Predict") as failure:
            grading.check_any_length(
                seven, (1,), output_shape=grading.seal((None, None, 1)), hint="Predict."
            )
        assert "should be" not in str(failure.value)

    def test_a_model_without_input(self, keras):
        model = keras.Sequential([keras.layers.LSTM(4)])
        _fails("has no defined input yet", grading.check_any_length, model, (8,))


# ----------------------------------------------------------------------------- 04 ex3: any value


class TestAnyValue:
    PROBE = np.random.default_rng(0).normal(size=(2, 10, 1))

    def _forecaster(self, keras, *head):
        return keras.Sequential([keras.Input((None, 1)), keras.layers.GRU(4), *head])

    @pytest.mark.parametrize(
        "head",
        [{}, {"activation": "linear"}, {"activation": None}, {"use_bias": False}],
        ids=["default", "linear", "None", "no bias"],
    )
    def test_a_linear_output_passes_and_keeps_its_weights(self, keras, capsys, head):
        model = self._forecaster(keras, keras.layers.Dense(7, **head))
        before = model.get_weights()
        grading.check_any_value(model, self.PROBE, what="the forecasts")
        assert "✓ the forecasts (any real value): correct" in capsys.readouterr().out
        assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))

    @pytest.mark.parametrize("bias", [True, False], ids=["bias", "no bias"])
    @pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "softplus"])
    def test_an_activation_fails(self, keras, activation, bias):
        model = self._forecaster(keras, keras.layers.Dense(7, activation, use_bias=bias))
        before = model.get_weights()
        _fails(
            r"the forecasts cannot be every value a forecast may need: with the output layer",
            grading.check_any_value,
            model,
            self.PROBE,
            what="the forecasts",
        )
        assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))

    def test_an_activation_layer_after_the_output_fails(self, keras):
        model = self._forecaster(keras, keras.layers.Dense(7), keras.layers.ReLU())
        _fails(r"the model gave values from 0 to 1000\. .*relu cuts the negative values",
               grading.check_any_value, model, self.PROBE)  # fmt: skip

    @pytest.mark.parametrize("bias", [True, False], ids=["bias", "no bias"])
    def test_a_clip_beyond_the_probe_of_a_few_units_fails(self, keras, bias):
        inputs = keras.Input((None, 1))
        forecast = keras.layers.Dense(7, use_bias=bias)(keras.layers.GRU(4)(inputs))
        model = keras.Model(inputs, keras.ops.clip(forecast, -10.0, 10.0))
        _fails(r"a clip stops at its bounds", grading.check_any_value, model, self.PROBE)

    def test_a_last_layer_without_kernel(self, keras):
        model = self._forecaster(keras, keras.layers.Dense(7), keras.layers.Rescaling(2.0))
        _fails(r"last layer should be a layer with a kernel, such as Dense",
               grading.check_any_value, model, self.PROBE)  # fmt: skip


# ----------------------------------------------------------------------------- 03 ex1, ex3: flags


@pytest.mark.parametrize(
    "flags",
    [[True, False], (True, False), np.array([True, False]), [np.bool_(True), 0], np.array([1, 0])],
    ids=["list", "tuple", "array", "numpy and int", "array of ints"],
)
def test_flags_of_any_container_pass_as_booleans(flags, capsys):
    assert grading.check_flags(flags, 2, what="the flags") == [True, False]
    assert "✓ the form of the flags: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flags, says",
    [
        (
            True,
            r"should be a list of 2 True/False values, one per layer; got an object of type bool",
        ),
        ([True], r"holds 1 value but should hold 2, one per layer, bottom to top"),
        ([True] * 3, r"holds 3 values but should hold 2"),
        (
            ["yes", "no"],
            r"Value 1 of the flags is 'yes', of type str: write True or False \(Python",
        ),
        ([True, 2], r"Value 2 of the flags is 2, of type int: write True or False\.$"),
        ([True, 1.0], r"Value 2 of the flags is 1.0, of type float"),
    ],
)
def test_flags_of_another_form_fail(flags, says):
    _fails(says, grading.check_flags, flags, 2, what="the flags")


def test_an_array_check_given_none_names_the_missing_return():
    _fails(r"the forecast is None: a function without a return statement gives None",
           grading.check_array, None, grading.seal([1.0]), what="the forecast")  # fmt: skip


# ----------------------------------------------------------------------------- probabilities


class TestProbabilities:
    PROBE = np.random.default_rng(0).normal(size=(4, 9, 8))

    @pytest.mark.parametrize(
        "head",
        ["activation", "Softmax layer", "Activation layer", "keras.ops.softmax", "tf.nn.softmax"],
    )
    def test_any_softmax_passes(self, keras, tf, head, capsys):
        layers = keras.layers
        last = {
            "activation": [layers.Dense(3, activation="softmax")],
            "Softmax layer": [layers.Dense(3), layers.Softmax()],
            "Activation layer": [layers.Dense(3), layers.Activation("softmax")],
            "keras.ops.softmax": [layers.Dense(3, activation=keras.ops.softmax)],
            "tf.nn.softmax": [layers.Dense(3, activation=tf.nn.softmax)],
        }[head]
        model = _stack(keras, (None, 8), last)
        grading.check_probabilities(model, self.PROBE, what="the classifier's output")
        grading.check_model(
            model, layers=["LSTM", "LSTM", "Dense"], units=[8, 4, 3], output_shape=(None, 3)
        )
        assert capsys.readouterr().out.count("✓") == 3  # check_model's output shape has its line

    def test_no_activation_fails_and_says_why(self, keras):
        model = _stack(keras, (None, 8), [keras.layers.Dense(3)])
        _fails(
            r"the classifier's output is not a probability distribution: it holds negative values",
            grading.check_probabilities,
            model,
            self.PROBE,
            what="the classifier's output",
        )

    def test_a_sigmoid_fails_and_says_why(self, keras):
        model = _stack(keras, (None, 8), [keras.layers.Dense(3, activation="sigmoid")])
        _fails(
            r"the 3 values of one output sum to [0-9.]+, not 1\. Each value lies between 0 and 1",
            grading.check_probabilities,
            model,
            self.PROBE,
            what="the classifier's output",
        )

    def test_a_relu_fails(self, keras):
        model = _stack(keras, (None, 8), [keras.layers.Dense(3), keras.layers.ReLU()])
        _fails(r"sum to", grading.check_probabilities, model, self.PROBE)


# ----------------------------------------------------------------------------- 08 ex1: the output layer


class TestOutputLayer:
    PROBE = np.random.default_rng(0).normal(size=(4, 64))

    @pytest.mark.parametrize("activation", ["softmax", "tf.nn.softmax", "layers.Softmax()"])
    def test_every_way_to_write_a_softmax_passes(self, keras, tf, activation, capsys):
        given = {
            "softmax": "softmax",
            "tf.nn.softmax": tf.nn.softmax,
            "layers.Softmax()": keras.layers.Softmax(),
        }[activation]
        layer = keras.layers.Dense(101, activation=given)
        grading.check_equal(getattr(layer, "units", None), 101, what="the number of output units")
        grading.check_probabilities(layer, self.PROBE, what="the output layer's output")
        assert capsys.readouterr().out.count("✓") == 2

    @pytest.mark.parametrize(
        "activation, told", [(None, "negative values"), ("sigmoid", "Each value lies between")]
    )
    def test_other_activations_fail(self, keras, activation, told):
        layer = keras.layers.Dense(101, activation=activation)
        _fails(told, grading.check_probabilities, layer, self.PROBE)

    def test_not_a_layer_is_a_clear_failure(self):
        _fails(
            r"expected a Keras layer or model \(something that can be called on inputs\), got str",
            grading.check_probabilities,
            "softmax",
            self.PROBE,
            what="the output layer",
        )

    def test_a_layer_that_cannot_run_says_on_what(self, keras):
        layer = keras.layers.Conv2D(101, 3)
        _fails(r"running it on inputs of shape \(4, 64\) failed with", grading.check_probabilities,
               layer, self.PROBE)  # fmt: skip


# ----------------------------------------------------------------------------- 07 ex3: a functional model


def _front(keras, style):
    layers = keras.layers
    if style == "sequential":
        return keras.Sequential(
            [keras.Input((200, 3)), layers.Conv1D(4, 4, strides=2, activation="relu"),
             layers.GRU(4), layers.Dense(1)]
        )  # fmt: skip
    if style == "separate ReLU":
        return keras.Sequential(
            [keras.Input((200, 3)), layers.Conv1D(4, 4, strides=2), layers.ReLU(),
             layers.GRU(4), layers.Dense(1)]
        )  # fmt: skip
    inputs = keras.Input((200, 3))
    if style == "functional":
        conv = layers.Conv1D(4, 4, strides=2, activation="relu")(inputs)
    elif style == "functional, Activation":
        conv = layers.Activation("relu")(layers.Conv1D(4, 4, strides=2)(inputs))
    elif style == "no ReLU":
        conv = layers.Conv1D(4, 4, strides=2)(inputs)
    elif style == "same padding":
        conv = layers.Conv1D(4, 4, strides=2, padding="same", activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(1)(layers.GRU(4)(conv)))


class TestReadingAModelsComputation:
    PROBE = np.random.default_rng(0).normal(size=(4, 200, 3)).astype("float32")

    @pytest.mark.parametrize(
        "style", ["sequential", "separate ReLU", "functional", "functional, Activation"]
    )
    def test_right_fronts_pass(self, keras, style, capsys):
        model = _front(keras, style)
        grading.check_model(model, layers=["Conv1D", "GRU", "Dense"], output_shape=(None, 1))
        conv = grading.up_to(model, "Conv1D")
        grading.check_shape(conv.output.shape, (None, 99, 4), what="the Conv1D's output")
        out = np.asarray(conv(self.PROBE))
        assert out.min() >= 0 and (out == 0).any()
        assert capsys.readouterr().out.count("✓") == 3

    def test_layers_0_of_a_functional_model_is_its_input(self, keras):
        """Why the check cell cannot use ``front_model.layers[0]``."""
        assert type(_front(keras, "functional").layers[0]).__name__ == "InputLayer"

    def test_without_relu_the_conv_outputs_negative_values(self, keras):
        out = np.asarray(grading.up_to(_front(keras, "no ReLU"), "Conv1D")(self.PROBE))
        assert out.min() < 0

    def test_same_padding_gives_100_steps(self, keras):
        conv = grading.up_to(_front(keras, "same padding"), "Conv1D")
        _fails(r"the Conv1D's output is \(None, 100, 4\) but should be \(None, 99, 4\)",
               grading.check_shape, conv.output.shape, (None, 99, 4), what="the Conv1D's output")  # fmt: skip

    def test_a_relu_elsewhere_is_not_the_conv_s(self, keras):
        layers = keras.layers
        model = keras.Sequential(
            [keras.Input((200, 3)), layers.Conv1D(4, 4, strides=2), layers.GRU(4),
             layers.ReLU(), layers.Dense(1)]
        )  # fmt: skip
        assert np.asarray(grading.up_to(model, "Conv1D")(self.PROBE)).min() < 0

    def test_a_missing_or_doubled_layer_is_named(self, keras):
        _fails("has no Conv2D layer", grading.up_to, _front(keras, "functional"), "Conv2D")
        layers = keras.layers
        model = keras.Sequential(
            [keras.Input((200, 3)), layers.Conv1D(4, 4), layers.Conv1D(4, 4), layers.GRU(4)]
        )
        _fails("has 2 Conv1D layers", grading.up_to, model, "Conv1D")

    def test_an_activation_layer_that_starts_a_model_stays_a_layer(self, keras):
        layers = keras.layers
        model = keras.Sequential([keras.Input((5, 3)), layers.ReLU(), layers.GRU(4)])
        _fails(r"are \['ReLU', 'GRU'\] but should be \['GRU'\]", grading.check_model, model,
               layers=["GRU"])  # fmt: skip


# ----------------------------------------------------------------------------- 08 ex2: video model


def _video(keras, middle, conv=(4, 3)):
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((6, 8, 8, 1)),
            layers.Conv3D(*conv, padding="same", activation="relu"),
            *middle,
            layers.LSTM(4),
            layers.Dense(4, activation="softmax"),
        ]
    )


CLIP = (6, 8, 8, 1)


class TestVideoModelReadsFramesInOrder:
    @pytest.mark.parametrize("middle", ["pool each frame", "reshape each frame"])
    def test_one_vector_per_frame_passes(self, keras, middle, capsys):
        layers = keras.layers
        model = _video(
            keras,
            [layers.TimeDistributed(layers.GlobalAveragePooling2D())]
            if middle == "pool each frame"
            else [layers.Reshape((6, 8 * 8 * 4))],
        )
        grading.check_reads_frames_in_order(model, CLIP)
        assert "✓ the LSTM reads one step per frame, in order" in capsys.readouterr().out

    def test_a_pooled_clip_repeated_fails(self, keras):
        """GlobalAveragePooling3D then RepeatVector: the LSTM reads one summary of the clip 6
        times."""
        layers = keras.layers
        model = _video(keras, [layers.GlobalAveragePooling3D(), layers.RepeatVector(6)])
        _fails(
            r"when only the last frame of a clip changes, the first step the LSTM reads changes "
            r"too \(all 6 of its steps change\), so each step mixes all the frames",
            grading.check_reads_frames_in_order,
            model,
            CLIP,
        )

    def test_why_permuting_the_whole_model_s_frames_cannot_tell(self, keras):
        """The pooled-and-repeated model's output still changes when the frames are reversed:
        the Conv3D's kernel spans three frames. So the check reads what the LSTM reads."""
        layers = keras.layers
        model = _video(keras, [layers.GlobalAveragePooling3D(), layers.RepeatVector(6)])
        clip = np.random.default_rng(0).random((1, *CLIP)).astype("float32")
        assert not np.allclose(model(clip), model(clip[:, ::-1]), rtol=0, atol=1e-9)

    def test_a_functional_model_passes(self, keras, capsys):
        layers = keras.layers
        inputs = keras.Input(CLIP)
        h = layers.Conv3D(4, 3, padding="same", activation="relu")(inputs)
        h = layers.TimeDistributed(layers.GlobalMaxPooling2D())(h)
        model = keras.Model(inputs, layers.Softmax()(layers.Dense(4)(layers.LSTM(4)(h))))
        grading.check_reads_frames_in_order(model, CLIP)
        grading.check_probabilities(model, np.zeros((2, *CLIP)))
        assert capsys.readouterr().out.count("✓") == 2

    def test_the_conv3d_the_exercise_fixes(self, keras, capsys):
        layers = keras.layers
        per_frame = [layers.TimeDistributed(layers.GlobalAveragePooling2D())]
        grading.check_layer(_video(keras, per_frame), "Conv3D", filters=4, kernel_size=3,
                            padding="same")  # fmt: skip
        assert "✓ the Conv3D layer: correct" in capsys.readouterr().out
        _fails(
            r"the Conv3D layer has filters=32, but the exercise sets filters=4",
            grading.check_layer,
            _video(keras, per_frame, conv=(32, 5)),
            "Conv3D",
            filters=4,
            kernel_size=3,
        )
        _fails(
            r"kernel_size=\(5, 5, 5\), but the exercise sets kernel_size=3",
            grading.check_layer,
            _video(keras, per_frame, conv=(4, 5)),
            "Conv3D",
            filters=4,
            kernel_size=3,
        )


# ----------------------------------------------------------------------------- 09 ex3: Activation layer


def test_a_dense_then_an_activation_layer_is_the_structure_of_a_dense(keras, capsys):
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((None, 3)), layers.Conv1D(4, 3), layers.LayerNormalization(),
         layers.GRU(4, return_sequences=True), layers.GRU(4), layers.Dense(5),
         layers.Activation("softmax")]
    )  # fmt: skip
    reference = keras.Sequential(
        [keras.Input((None, 3)), layers.Conv1D(4, 3), layers.LayerNormalization(),
         layers.GRU(4, return_sequences=True), layers.GRU(4),
         layers.Dense(5, activation="softmax")]
    )  # fmt: skip
    expected = dict(
        layers=["Conv1D", "LayerNormalization", "GRU", "GRU", "Dense"],
        return_sequences=[True, False],
        output_shape=(None, 5),
        params=reference.count_params(),
    )
    grading.check_model(model, **expected)
    assert "✓" in capsys.readouterr().out
    without_dense = keras.Sequential(
        [keras.Input((None, 3)), layers.Conv1D(4, 3), layers.LayerNormalization(),
         layers.GRU(4, return_sequences=True), layers.GRU(5), layers.Activation("softmax")]
    )  # fmt: skip
    _fails(r"\['Conv1D', 'LayerNormalization', 'GRU', 'GRU'\] but should be",
           grading.check_model, without_dense, **expected)  # fmt: skip


# ----------------------------------------------------------------------------- 11 ex3: TF_CONFIG

MACHINES = ["gpu-a:2222", "gpu-b:2222", "gpu-c:2222"]
REFERENCE = {"cluster": {"worker": list(MACHINES)}, "task": {"type": "worker", "index": 2}}


def _resolved(tf, config):
    """The cluster and this task's address as TensorFlow reads them from TF_CONFIG."""
    import os

    old = os.environ.get("TF_CONFIG")
    os.environ["TF_CONFIG"] = config if isinstance(config, str) else json.dumps(config)
    try:
        resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
        spec = resolver.cluster_spec().as_dict()
        return spec, spec[resolver.task_type][resolver.task_id]
    finally:
        if old is None:
            del os.environ["TF_CONFIG"]
        else:
            os.environ["TF_CONFIG"] = old


RIGHT_CONFIGS = {
    "the reference": REFERENCE,
    "a tuple of addresses": {"cluster": {"worker": tuple(MACHINES)}, "task": REFERENCE["task"]},
    "the JSON string": json.dumps(REFERENCE),
    "an explicit chief": {
        "cluster": {"chief": MACHINES[:1], "worker": MACHINES[1:]},
        "task": {"type": "worker", "index": 1},
    },
}


@pytest.mark.parametrize("name", RIGHT_CONFIGS)
def test_right_tf_configs_pass(tf, name, capsys):
    config = RIGHT_CONFIGS[name]
    assert _resolved(tf, config)[1] == "gpu-c:2222"  # TensorFlow puts this process on gpu-c
    grading.check_tf_config(config, MACHINES, "gpu-c:2222")
    assert "✓ TF_CONFIG: correct" in capsys.readouterr().out


WRONG_CONFIGS = {
    "index 3": ({**REFERENCE, "task": {"type": "worker", "index": 3}}, r"index is 3, outside"),
    "index 1": (
        {**REFERENCE, "task": {"type": "worker", "index": 1}},
        r"task is 'worker' number 1, which is 'gpu-b:2222': the task must name this process",
    ),
    "only itself": (
        {"cluster": {"worker": ["gpu-c:2222"]}, "task": {"type": "worker", "index": 0}},
        r"it lacks 'gpu-a:2222', 'gpu-b:2222'\). Every process gets the same cluster",
    ),
    "another order": (
        {"cluster": {"worker": MACHINES[::-1]}, "task": {"type": "worker", "index": 0}},
        r"in the order \['gpu-c:2222', 'gpu-b:2222', 'gpu-a:2222'\]",
    ),
    "a string index": (
        {**REFERENCE, "task": {"type": "worker", "index": "2"}},
        r"task index is '2': it should be an integer",
    ),
    "a parameter server": (
        {"cluster": {"ps": MACHINES[:1], "worker": MACHINES[1:]}, "task": REFERENCE["task"]},
        r"cluster has the roles \['ps', 'worker'\]",
    ),
    "the chief as type": ({**REFERENCE, "task": {"type": "chief", "index": 2}}, r"not a role of"),
    "no task": (
        {"cluster": REFERENCE["cluster"]},
        r"keys are \['cluster'\], but TF_CONFIG has two",
    ),
    "not JSON": ("cluster: gpu-a", r"a string that is not JSON"),
    "a list": (list(REFERENCE), r"should be a dict with a 'cluster' and a 'task', got list"),
}


@pytest.mark.parametrize("name", WRONG_CONFIGS)
def test_wrong_tf_configs_fail_naming_what_is_wrong(name):
    config, told = WRONG_CONFIGS[name]
    _fails(told, grading.check_tf_config, config, MACHINES, "gpu-c:2222")


# ----------------------------------------------------------------------------- 12 ex2: a mutated input


def _transpose(chorale, semitones):
    chorale = np.asarray(chorale)
    return np.where(chorale == 0, 0, chorale + semitones)


def _transpose_in_place(chorale, semitones):
    chorale[chorale != 0] += semitones
    return chorale


def _transpose_copy_in_place(chorale, semitones):
    chorale = np.array(chorale)
    chorale[chorale != 0] += semitones
    return chorale


EXAMPLE = np.array([[60, 55, 0, 48], [62, 0, 53, 47]])


@pytest.mark.parametrize("function", [_transpose, _transpose_copy_in_place])
def test_a_function_that_leaves_its_argument_passes(function, capsys):
    example = EXAMPLE.copy()
    grading.check_leaves_arguments(function, example, 2)
    assert np.array_equal(example, EXAMPLE)
    assert "✓" in capsys.readouterr().out


def test_a_function_that_writes_into_its_argument_is_told_so():
    example = EXAMPLE.copy()
    _fails(
        r"_transpose_in_place changed its first argument, the value it was given: at index \(0, 0\) "
        r"it held 60 and now holds 62",
        grading.check_leaves_arguments,
        _transpose_in_place,
        example,
        2,
    )
    assert np.array_equal(example, EXAMPLE)  # the check worked on a copy: later checks are fair


def test_a_function_that_fails_is_named():
    _fails(r"_transpose failed with \w*TypeError", grading.check_leaves_arguments, _transpose,
           EXAMPLE, "2")  # fmt: skip


# ----------------------------------------------------------------------------- 05 ex1: the wrong item named


def test_a_matching_names_the_wrong_item_on_its_first_line():
    """A grading report keeps a failure's first line only: the item must be named there."""
    expected = {"gradient clipping": "unstable gradients", "dropout": "overfitting"}
    with pytest.raises(AssertionError) as error:
        grading.check_matching({**expected, "dropout": "unstable gradients"}, expected)
    first = str(error.value).splitlines()[0]
    assert first == ("1 of 2 items are matched wrongly: 'dropout' is not 'unstable gradients'.")


# ----------------------------------------------------------------------------- in the check kernel


def _handed_over(value):
    """``value`` as the check kernel sees it when grading: rebuilt from configuration and weights."""
    from course_utils.grading import handover

    return handover.decode(json.loads(json.dumps(handover.Encoder([]).encode(value))))


def test_the_checks_read_models_rebuilt_by_the_hand_over(keras, capsys):
    grading.check_model(_handed_over(_encdec(keras, encoder_sequences=True, head="Softmax layer")),
                        **ENCDEC)  # fmt: skip
    conv = grading.up_to(_handed_over(_front(keras, "functional, Activation")), "Conv1D")
    grading.check_shape(conv.output.shape, (None, 99, 4), what="the Conv1D's output")
    layers = keras.layers
    repeated = _video(keras, [layers.GlobalAveragePooling3D(), layers.RepeatVector(6)])
    _fails("the first step the LSTM reads changes too", grading.check_reads_frames_in_order,
           _handed_over(repeated), CLIP)  # fmt: skip
    fixed = _stack(keras, (20, 8), [layers.Dense(3, activation="softmax")])
    _fails("20 steps only", grading.check_any_length, _handed_over(fixed), (8,))
    assert capsys.readouterr().out.count("✓") == 2


@pytest.mark.parametrize(
    "check, inputs",
    [(grading.check_model, ()), (grading.check_any_value, (np.zeros((1, 2, 1)),))],
    ids=["check_model", "check_any_value"],
)
def test_a_function_given_for_a_model_is_named_as_a_function(check, inputs):
    def forecaster(x):
        return x

    _fails(r"Keras model, got a function\.", check, forecaster, *inputs)
