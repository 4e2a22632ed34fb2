"""Notebook 02's exercises, answered otherwise: shapes as lists or read off Keras, parameter
counts as numpy or float numbers, the 2-D series reshaped in other ways and models built with the
functional API; and the misconception of Q2 (an RNN's output is always 3-D) among the wrong
answers."""

from tests.variants.kit import Right, Wrong, variants_test

HOURLY = """\
x = temperatures[..., np.newaxis]
hourly_model = keras.Sequential(
    [keras.Input({input}), layers.GRU(16{sequences}), layers.Dense(1)]
)
"""


def hourly(input="(None, 1)", sequences=", return_sequences=True"):
    return HOURLY.format(input=input, sequences=sequences)


VARIANTS = {
    "ex1-input-shape": [
        Right("a list", "sentence_batch_shape = [64, 30, 100]"),
        Right(
            "the shape of an array",
            "sentence_batch_shape = np.zeros((64, 30, 100), 'float32').shape",
        ),
        Wrong(
            "words as features",
            "sentence_batch_shape = (64, 100, 30)",
            says=["the input shape is (64, 100, 30), which is not right", "a word is a time step"],
        ),
        Wrong(
            "no batch axis",
            "sentence_batch_shape = (30, 100)",
            says=["the number of dimensions is 2, which is not right"],
        ),
    ],
    "ex2-return-state": [
        Right("lists, in a tuple", "returned_shapes = ([8, 32], [8, 32], [8, 32])"),
        Right("repeated", "returned_shapes = [(8, 32)] * 3"),
        Right(
            "read off Keras",
            "returned_shapes = [t.shape for t in layers.LSTM(32, return_state=True)("
            "np.zeros((8, 15, 4), 'float32'))]",
        ),
        Wrong(
            "the output is always 3-D",
            "returned_shapes = [(8, 15, 32), (8, 32), (8, 32)]",
            says=[
                "the list of returned shapes is [(8, 15, 32)",
                "which is not right",
                "return_sequences is False",
            ],
        ),
        Wrong(
            "one state, as a GRU",
            "returned_shapes = [(8, 32), (8, 32)]",
            says=["the number of returned shapes is 2", "how many states does an LSTM keep"],
        ),
        Wrong(
            "states per time step",
            "returned_shapes = [(8, 32), (8, 15, 32), (8, 15, 32)]",
            says=["which is not right", "one vector of `units` numbers per sequence"],
        ),
    ],
    "ex3-params": [
        Right("a numpy integer", "import numpy as np\n\nbigru_params = np.int64(2 * 3 * 10 * 16)"),
        Right(
            "block by block, as a float",
            "kernel, recurrent, biases = 4 * 10, 10 * 10, 2 * 10\n"
            "bigru_params = 2 * 3 * (kernel + recurrent + biases) * 1.0",
        ),
        Wrong(
            "one bias per block",
            "bigru_params = 2 * 3 * 10 * (4 + 10 + 1)",
            says=["the parameter count is 900, which is not right", "two biases per block"],
        ),
        Wrong(
            "one direction only",
            "bigru_params = 3 * 10 * (4 + 10 + 2)",
            says=["the parameter count is 480", "Bidirectional"],
        ),
        Wrong(
            "an LSTM's four blocks",
            "bigru_params = 2 * 4 * 10 * (4 + 10 + 1)",
            says=["the parameter count is 1200"],
        ),
    ],
    "ex4-fix-2d": [
        Right(
            "expand_dims and the functional API",
            "x = np.expand_dims(temperatures, -1)\n"
            "series = keras.Input((None, 1))\n"
            "hourly_model = keras.Model(\n"
            "    series, layers.Dense(1)(layers.GRU(16, return_sequences=True)(series))\n)",
        ),
        Right(
            "reshape and TimeDistributed",
            "x = temperatures.reshape(100, 48, 1)\n"
            "hourly_model = keras.Sequential(\n"
            "    [\n"
            "        keras.Input(shape=(None, 1)),\n"
            "        layers.GRU(16, return_sequences=True),\n"
            "        layers.TimeDistributed(layers.Dense(1)),\n"
            "    ]\n"
            ")",
        ),
        Wrong(
            "the output is the last step only",
            hourly(sequences=""),
            says=[
                "that is (None, 1) for any batch and length, which is not right",
                "at every step",
            ],
        ),
        Wrong(
            "a fixed length",
            hourly(input="(48, 1)"),
            says=["reads sequences of 48 steps only"],
        ),
        Wrong(
            "one step of 48 features",
            hourly().replace("temperatures[..., np.newaxis]", "temperatures[:, np.newaxis]"),
            says=["x is (100, 1, 48), which is not right", "one feature"],
        ),
        Wrong(
            "a SimpleRNN",
            hourly().replace("layers.GRU", "layers.SimpleRNN"),
            says=["the number of parameters is 305, which is not right"],
        ),
    ],
}

test_variant = variants_test("02_rnn_input_output_shapes", VARIANTS)
