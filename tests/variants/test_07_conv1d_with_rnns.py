"""Notebook 07's exercises, answered otherwise."""

from tests.variants.kit import Right, Wrong, variants_test

FRONT = "keras.layers.Conv1D(16, kernel_size=4, strides=2, activation='relu')"

VARIANTS = {
    "ex1-conv-length": [
        Right("numpy floor", "length = int(np.floor((100 - 5) / 2)) + 1"),
        Right(
            "asked of Keras",
            "length = keras.layers.Conv1D(16, 5, strides=2).compute_output_shape((None, 100, 1))[1]",
        ),
        Right("a numpy integer", "length = np.int64(48)"),
        Wrong("same padding's length", "length = 50", says=["the output length is 50"]),
        Wrong("stride forgotten", "length = 100 - 5 + 1", says=["the output length is 96"]),
        Wrong("rounded up", "length = -(-(100 - 5) // 2) + 1", says=["the output length is 49"]),
    ],
    "ex2-receptive-field": [
        Right(
            "from the course's formula",
            "block = [shapes.Conv1DLayer(2, dilation_rate=2**i, padding='causal') for i in range(10)]\nfield_one_block = shapes.receptive_field(block)\nfield_three_blocks = shapes.receptive_field(3 * block)",
        ),
        Right("powers of two", "field_one_block = 2**10\nfield_three_blocks = 3 * (2**10 - 1) + 1"),
        Wrong(
            "fields multiplied",
            "field_one_block = 1024\nfield_three_blocks = 1024**3",
            says=["three blocks' receptive field is 1073741824"],
        ),
        Wrong(
            "fields added",
            "field_one_block = 1024\nfield_three_blocks = 3 * 1024",
            says=["three blocks' receptive field is 3072"],
        ),
        Wrong(
            "dilations summed, 1 forgotten",
            "field_one_block = sum(2**i for i in range(10))\nfield_three_blocks = 3 * field_one_block",
            says=["one block's receptive field is 1023"],
        ),
    ],
    "ex3-front-model": [
        Right(
            "functional API",
            "inputs = keras.Input((200, 3))\n"
            f"x = {FRONT}(inputs)\n"
            "x = keras.layers.GRU(16)(x)\n"
            "front_model = keras.Model(inputs, keras.layers.Dense(1)(x))",
        ),
        Right(
            "a separate ReLU layer",
            "front_model = keras.Sequential([keras.Input((200, 3)),\n"
            "    keras.layers.Conv1D(16, 4, strides=2, padding='valid'), keras.layers.ReLU(),\n"
            "    keras.layers.GRU(16), keras.layers.Dense(1)])",
        ),
        Right(
            "functional, Activation layer",
            "inputs = keras.Input(shape=(200, 3))\n"
            "x = keras.layers.Conv1D(filters=16, kernel_size=(4,), strides=(2,))(inputs)\n"
            "x = keras.layers.Activation('relu')(x)\n"
            "front_model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GRU(16)(x)))",
        ),
        Wrong(
            "no ReLU",
            "front_model = keras.Sequential([keras.Input((200, 3)),\n"
            "    keras.layers.Conv1D(16, kernel_size=4, strides=2), keras.layers.GRU(16), keras.layers.Dense(1)])",
            says=["the Conv1D's ReLU", "is False, which is not right"],
        ),
        Wrong(
            "same padding",
            "front_model = keras.Sequential([keras.Input((200, 3)),\n"
            "    keras.layers.Conv1D(16, 4, strides=2, padding='same', activation='relu'),\n"
            "    keras.layers.GRU(16), keras.layers.Dense(1)])",
            says=["the Conv1D's output is (None, 100, 16), which is not right"],
        ),
        Wrong(
            "stride forgotten",
            "front_model = keras.Sequential([keras.Input((200, 3)),\n"
            "    keras.layers.Conv1D(16, 4, activation='relu'), keras.layers.GRU(16), keras.layers.Dense(1)])",
            says=["the Conv1D's output is (None, 197, 16)"],
        ),
        Wrong(
            "a wider GRU",
            "front_model = keras.Sequential([keras.Input((200, 3)),\n"
            f"    {FRONT}, keras.layers.GRU(32), keras.layers.Dense(1)])",
            says=["the parameter count"],
        ),
    ],
    "ex4-reasons": [
        Right(
            "picked from the options",
            'options = ["a", "b", "c", "d", "e"]\nnot_a_reason = options[3]',
        ),
        Right("a numpy string", 'not_a_reason = np.str_("d")'),
        # Q7's wrong answer in circulation: the image filters taken for a reason, another option
        # for the one that is not.
        Wrong("WaveNet taken for no reason", 'not_a_reason = "e"', says=["'e' is not right"]),
        Wrong("parallelism taken for no reason", 'not_a_reason = "a"', says=["'a' is not right"]),
        Wrong("not a letter", "not_a_reason = 4", says=["not one of the options"]),
    ],
}

test_variant = variants_test("07_conv1d_with_rnns", VARIANTS)
