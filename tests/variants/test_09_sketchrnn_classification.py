"""Notebook 09's exercises, answered otherwise: right answers written differently from the
reference, and plausible wrong ones (Q9's misconception among them: 28×28 images, 10 classes)."""

from tests.variants.kit import Right, Wrong, variants_test

GRU_FUNCTIONAL = """\
def make_gru_classifier():
    inputs = keras.Input((None, 3))
    x = inputs
    for filters, kernel in [(32, 5), (64, 5), (128, 3)]:
        x = keras.layers.Conv1D(filters, kernel, strides=2, padding="same", activation="relu")(x)
        x = keras.layers.LayerNormalization()(x)
    x = keras.layers.GRU(128, return_sequences=True)(x)
    x = keras.layers.GRU(128)(x)
    return keras.Model(inputs, keras.layers.Dense(345, activation="softmax")(x))
"""


def _gru_sequential(tail, recurrent="GRU", first_returns=True, last_returns=False):
    """A Sequential answer to exercise 3 ending with ``tail`` (layers written out)."""
    return f"""\
from keras import layers


def make_gru_classifier():
    convs = []
    for filters, kernel in ((32, 5), (64, 5), (128, 3)):
        convs += [
            layers.Conv1D(filters, kernel, strides=2, padding="same", activation="relu"),
            layers.LayerNormalization(),
        ]
    return keras.Sequential(
        [
            keras.Input(shape=(None, 3)),
            *convs,
            layers.{recurrent}(128, return_sequences={first_returns}),
            layers.{recurrent}(128, return_sequences={last_returns}),
            {tail},
        ]
    )
"""


VARIANTS = {
    "ex1-points": [
        Right(
            "a running sum in a loop, counted strokes",
            "points, x, y = [], 0, 0\n"
            "for dx, dy, _ in tiny:\n"
            "    x, y = x + dx, y + dy\n"
            "    points.append((x, y))\n"
            "n_strokes = sum(1 for row in tiny if row[2] == 1)",
        ),
        Right(
            "TensorFlow's cumsum, a NumPy integer",
            "import tensorflow as tf\n"
            "points = tf.math.cumsum(tf.constant(tiny[:, :2]), axis=0).numpy()\n"
            "n_strokes = np.count_nonzero(tiny[:, 2] == 1)",
        ),
        Wrong(
            "the offsets, not the points",
            "points = tiny[:, :2]\nn_strokes = int(tiny[:, 2].sum())",
            says=["the absolute points", "not right", "previous point plus its offset"],
        ),
        Wrong(
            "the pen column summed too",
            "points = np.cumsum(tiny, axis=0)\nn_strokes = int(tiny[:, 2].sum())",
            says=["the absolute points", "shape (5, 2)"],
        ),
        Wrong(
            "the points where the pen stays down counted",
            "points = np.cumsum(tiny[:, :2], axis=0)\nn_strokes = int((tiny[:, 2] == 0).sum())",
            says=["the number of strokes", "third value is 1"],
        ),
    ],
    "ex2-padding": [
        Right(
            "pure Python",
            "def book_padding(lengths, crop=100):\n"
            "    padded = min(max(lengths), crop)\n"
            "    real = sum(min(n, padded) for n in lengths)\n"
            "    return padded, 1 - real / (len(lengths) * padded)",
        ),
        Right(
            "lengths clipped first, a list returned",
            "def book_padding(lengths, crop=100):\n"
            "    kept = np.clip(np.asarray(lengths), 0, crop)\n"
            "    padded_length = kept.max()\n"
            "    return [padded_length, float(np.mean(1 - kept / padded_length))]",
        ),
        Wrong(
            "padded to the longest, the crop forgotten",
            "def book_padding(lengths, crop=100):\n"
            "    padded = max(lengths)\n"
            "    return padded, 1 - sum(lengths) / (len(lengths) * padded)",
            says=["the padded length", "not right", "cut to the crop"],
        ),
        Wrong(
            "the cropped sketch counted whole",
            "def book_padding(lengths, crop=100):\n"
            "    padded = min(max(lengths), crop)\n"
            "    return padded, 1 - sum(lengths) / (len(lengths) * padded)",
            says=["the share of padding", "not right", "keeps only that many real points"],
        ),
        Wrong(
            "the crop argument ignored",
            "def book_padding(lengths, crop=100):\n"
            "    padded = min(max(lengths), 100)\n"
            "    real = sum(min(n, padded) for n in lengths)\n"
            "    return padded, 1 - real / (len(lengths) * padded)",
            says=["cropped to 200", "should be 160"],
        ),
    ],
    "ex3-gru": [
        Right("functional API", GRU_FUNCTIONAL),
        Right(
            "Dense(345) then Activation('softmax')",
            _gru_sequential('layers.Dense(345), layers.Activation("softmax")'),
        ),
        Right(
            "Dense(345) then a Softmax layer",
            _gru_sequential("layers.Dense(345), layers.Softmax()"),
        ),
        Wrong(
            "28×28 images and 10 classes",
            "def make_gru_classifier():\n"
            "    return keras.Sequential([keras.Input((28, 28, 1)),\n"
            "        keras.layers.Conv2D(32, 3, activation='relu'), keras.layers.Flatten(),\n"
            "        keras.layers.Dense(10, activation='softmax')])",
            says=["not a 28×28 image", "345 classes"],
        ),
        Wrong(
            "no softmax",
            _gru_sequential("layers.Dense(345)"),
            says=["not a probability distribution", "softmax"],
        ),
        Wrong(
            "the second GRU returns its sequence",
            _gru_sequential('layers.Dense(345, activation="softmax")', last_returns=True),
            says=["Recurrent layer 2", "return_sequences=False"],
        ),
        Wrong(
            "the LSTMs kept",
            _gru_sequential('layers.Dense(345, activation="softmax")', recurrent="LSTM"),
            says=["'LSTM'", "'GRU'"],
        ),
    ],
    "ex4-source": [
        Right("picked from the options", 'source = ("a", "b", "c")[-1]'),
        Right("a NumPy string", 'source = np.str_("c")'),
        Wrong("TFDS's sketch_rnn", 'source = "a"', says=["'a' is not right", "TFDS knows"]),
        Wrong("the bitmaps as strokes", 'source = "b"', says=["'b' is not right", "pixels"]),
    ],
}

test_variant = variants_test("09_sketchrnn_classification", VARIANTS)
