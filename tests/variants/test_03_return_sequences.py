"""Notebook 03's exercises, answered otherwise: right answers written in other ways, and the
wrong answers in circulation (QUESTIONS.md, Q3) with other plausible mistakes."""

from tests.variants.kit import Right, Wrong, variants_test

SEQ2VEC_FUNCTIONAL = """\
inputs = keras.Input(shape=(None, 8))
hidden = layers.LSTM(64, return_sequences=True)(inputs)
hidden = layers.LSTM(32, return_sequences=True)(hidden)
hidden = layers.LSTM(16)(hidden)
classifier = keras.Model(inputs, layers.Dense(3, activation="softmax")(hidden))
"""

SEQ2VEC_SOFTMAX_LAYER = """\
classifier = keras.Sequential()
classifier.add(keras.Input(shape=[None, 8]))
classifier.add(layers.LSTM(64, return_sequences=True))
classifier.add(layers.LSTM(32, return_sequences=True))
classifier.add(layers.LSTM(16, return_sequences=False))
classifier.add(layers.Dense(3))
classifier.add(layers.Softmax())
"""

SEQ2VEC_ACTIVATION_LAYER = """\
classifier = keras.Sequential(
    [
        keras.Input((None, 8)),
        keras.layers.LSTM(64, return_sequences=True),
        keras.layers.LSTM(32, return_sequences=True),
        keras.layers.LSTM(16),
        keras.layers.Dense(3),
        keras.layers.Activation("softmax"),
    ]
)
"""


def _classifier(first_input="keras.Input((None, 8))", last_lstm="layers.LSTM(16)", dense=""):
    dense = dense or 'layers.Dense(3, activation="softmax")'
    return (
        "classifier = keras.Sequential(\n"
        f"    [\n        {first_input},\n"
        "        layers.LSTM(64, return_sequences=True),\n"
        "        layers.LSTM(32, return_sequences=True),\n"
        f"        {last_lstm},\n        {dense},\n    ]\n)\n"
    )


VARIANTS = {
    "ex1-seq2seq-flags": [
        Right("a tuple", "seq2seq_flags = (True, True, True)"),
        Right("built by code", "seq2seq_flags = [True] * 3"),
        Right("numpy booleans", "import numpy as np\n\nseq2seq_flags = np.ones(3, dtype=bool)"),
        Right("ones", "seq2seq_flags = [1, 1, 1]"),
        # Q3: "in a deep sequence-to-sequence RNN the last RNN layer has return_sequences=False".
        Wrong(
            "top layer returns a vector",
            "seq2seq_flags = [True, True, False]",
            says=["the return_sequences flags is [True, True, False], which is not right"],
        ),
        Wrong(
            "only the top returns sequences",
            "seq2seq_flags = [False, False, True]",
            says=["which is not right"],
        ),
        Wrong(
            "one flag only",
            "seq2seq_flags = [True]",
            says=["seq2seq_flags holds 1 value but should hold 3, one per layer"],
        ),
        Wrong(
            "a single flag for the whole stack",
            "seq2seq_flags = True",
            says=["seq2seq_flags should be a list of 3 True/False values, one per layer"],
        ),
        Wrong(
            "words for flags",
            'seq2seq_flags = ["True", "True", "True"]',
            says=["Value 1 of seq2seq_flags is 'True', of type str: write True or False"],
        ),
    ],
    "ex2-seq2vec": [
        Right("functional API", SEQ2VEC_FUNCTIONAL),
        Right("a Softmax layer, added one by one", SEQ2VEC_SOFTMAX_LAYER),
        Right("an Activation layer", SEQ2VEC_ACTIVATION_LAYER),
        # Q3: "in a sequence-to-vector RNN all layers, including the last, return sequences".
        Wrong(
            "top layer returns sequences",
            _classifier(last_lstm="layers.LSTM(16, return_sequences=True)"),
            says=["Recurrent layer 3 has return_sequences=True", "return_sequences=False"],
        ),
        Wrong(
            "no softmax",
            _classifier(dense="layers.Dense(3)"),
            says=["not a probability distribution", "negative values"],
        ),
        Wrong(
            "a sigmoid",
            _classifier(dense='layers.Dense(3, activation="sigmoid")'),
            says=["not a probability distribution", "independent yes/no probabilities"],
        ),
        Wrong(
            "a fixed length",
            _classifier(first_input="keras.Input((20, 8))"),
            says=["reads sequences of 20 steps only", "None"],
        ),
    ],
    "ex3-repair": [
        Right("a tuple", "repaired = (True, True, True, False)"),
        Right("built by code", "repaired = [True] * 3 + [False]"),
        Right("ones and a zero", "repaired = [1, 1, 1, 0]"),
        # Q3: "in a sequence-to-vector RNN all layers, including the last, return sequences".
        Wrong(
            "every layer returns sequences",
            "repaired = [True, True, True, True]",
            says=["the family of your stack is 'sequence-to-sequence', which is not right"],
        ),
        Wrong(
            "only the top changed",
            "repaired = [True, False, True, False]",
            says=["the error of your stack"],
        ),
        Wrong(
            "no layer returns sequences",
            "repaired = [False, False, False, False]",
            says=["the error of your stack"],
        ),
        Wrong(
            "words that Python reads as True",
            'repaired = ["yes", "yes", "yes", "no"]',
            says=["Value 1 of repaired is 'yes', of type str"],
        ),
        Wrong(
            "three layers' flags",
            "repaired = [True, True, False]",
            says=["repaired holds 3 values but should hold 4, one per layer, bottom to top"],
        ),
    ],
    "ex4-per-step-dense": [
        Right(
            "a loop over the time steps",
            "import numpy as np\n\n\n"
            "def per_step_dense(sequence, kernel, bias):\n"
            "    steps = [sequence[:, t] @ kernel + bias for t in range(sequence.shape[1])]\n"
            "    return np.stack(steps, axis=1)\n",
        ),
        Right(
            "einsum",
            "import numpy as np\n\n\n"
            "def per_step_dense(sequence, kernel, bias):\n"
            '    return np.einsum("btf,fu->btu", sequence, kernel) + bias\n',
        ),
        Right(
            "flattened to 2-D and back",
            "def per_step_dense(sequence, kernel, bias):\n"
            "    batch, steps, features = sequence.shape\n"
            "    flat = sequence.reshape(batch * steps, features) @ kernel + bias\n"
            "    return flat.reshape(batch, steps, -1)\n",
        ),
        Wrong(
            "no bias",
            "def per_step_dense(sequence, kernel, bias):\n    return sequence @ kernel\n",
            says=["per_step_dense's result differs from the expected values"],
        ),
        Wrong(
            "the last step only",
            "def per_step_dense(sequence, kernel, bias):\n"
            "    return sequence[:, -1] @ kernel + bias\n",
            says=["per_step_dense's result has shape (3, 5)"],
        ),
    ],
}

test_variant = variants_test("03_return_sequences", VARIANTS)
