"""Notebook 08's exercises, answered otherwise."""

from tests.variants.kit import Right, Wrong, variants_test

CONV3D = "layers.Conv3D(8, 3, padding='same', activation='relu')"


def _repaired(
    *middle, head="layers.Dense(4, activation='softmax')", conv=CONV3D, lstm="layers.LSTM(16)"
):
    body = ",\n    ".join(["keras.Input((12, 32, 32, 1))", conv, *middle, lstm, head])
    return f"repaired = keras.Sequential([\n    {body},\n])"


VARIANTS = {
    "ex1-output-layer": [
        Right(
            "keras.activations.softmax",
            "ucf_output = layers.Dense(101, activation=keras.activations.softmax)",
        ),
        Right(  # Keras writes it as a function of `builtins`; the hand-over reads it as softmax
            "tf.nn.softmax",
            "ucf_output = layers.Dense(101, activation=tf.nn.softmax)",
        ),
        Right(
            "a Softmax layer as activation",
            "ucf_output = layers.Dense(videos.UCF101_CLASSES, activation=layers.Softmax())",
        ),
        Right(
            "Dense then Softmax, in a Sequential",
            "ucf_output = keras.Sequential([layers.Dense(101), layers.Softmax()])",
        ),
        # The first wrong answer of the lesson: one unit, whose softmax is always 1.
        Wrong(
            "one softmax unit",
            "ucf_output = layers.Dense(1, activation='softmax')",
            says=["one value per class"],
        ),
        Wrong("no activation", "ucf_output = layers.Dense(101)", says=["negative values"]),
        Wrong(
            "sigmoid",
            "ucf_output = layers.Dense(101, activation='sigmoid')",
            says=["not a probability distribution", "independent yes/no"],
        ),
        Wrong(
            "our 4 classes",
            "ucf_output = layers.Dense(4, activation='softmax')",
            says=["is (4, 4), which is not right"],
        ),
    ],
    "ex2-repair": [
        Right("each frame flattened", _repaired("layers.Reshape((12, -1))")),
        Right(
            "max pooling per frame",
            _repaired("layers.TimeDistributed(layers.GlobalMaxPooling2D())"),
        ),
        Right(
            "functional API, Softmax layer",
            "clips = keras.Input((12, 32, 32, 1))\n"
            "x = layers.Conv3D(filters=8, kernel_size=(3, 3, 3), padding='same', activation='relu')(clips)\n"
            "x = layers.TimeDistributed(layers.Flatten())(x)\n"
            "x = layers.LSTM(16)(x)\n"
            "repaired = keras.Model(clips, layers.Softmax()(layers.Dense(4)(x)))",
        ),
        # Q8's wrong answer: the Conv3D's output flattened into one "time step" per pixel.
        Wrong(
            "one step per pixel",
            _repaired("layers.Reshape((-1, 8))"),
            says=["not one step per frame"],
        ),
        # The whole clip pooled, then repeated once per step: the LSTM reads 12 copies of one vector.
        Wrong(
            "pooled clip repeated",
            _repaired("layers.GlobalAveragePooling3D()", "layers.RepeatVector(12)"),
            says=["each step mixes all the frames"],
        ),
        Wrong(
            "another Conv3D",
            _repaired(
                "layers.TimeDistributed(layers.GlobalAveragePooling2D())",
                conv="layers.Conv3D(32, 5, padding='same', activation='relu')",
            ),
            says=["filters=32", "filters=8"],
        ),
        Wrong(
            "no softmax",
            _repaired(
                "layers.TimeDistributed(layers.GlobalAveragePooling2D())", head="layers.Dense(4)"
            ),
            says=["not a probability distribution"],
        ),
    ],
    "ex3-convlstm-params": [
        Right(
            "factored",
            "def convlstm_params(filters, kernel_size, channels):\n"
            "    return 4 * filters * (kernel_size * kernel_size * (channels + filters) + 1)",
        ),
        Right(
            "asked of Keras, as a numpy integer",
            "def convlstm_params(filters, kernel_size, channels):\n"
            "    layer = layers.ConvLSTM2D(filters, kernel_size)\n"
            "    layer.build((None, 1, kernel_size, kernel_size, channels))\n"
            "    return np.int64(layer.count_params())",
        ),
        Wrong(
            "no recurrent kernel",
            "def convlstm_params(filters, kernel_size, channels):\n"
            "    return 4 * (kernel_size**2 * channels * filters + filters)",
            says=["the parameters of the notebook's ConvLSTM2D layer is 4672"],
        ),
        Wrong(
            "three gates, as a GRU",
            "def convlstm_params(filters, kernel_size, channels):\n"
            "    return 3 * (kernel_size**2 * (channels + filters) * filters + filters)",
            says=["the parameters of the notebook's ConvLSTM2D layer is 10416"],
        ),
        Wrong(
            "a dense LSTM's count",
            "def convlstm_params(filters, kernel_size, channels):\n"
            "    return 4 * ((channels + filters) * filters + filters)",
            says=["the parameters of the notebook's ConvLSTM2D layer is 1600"],
        ),
    ],
    "ex4-reversed": [
        Right(
            "a dict, as a list",
            "swap = {0: 1, 1: 0, 2: 2, 3: 3}\nreversed_labels = [swap[int(k)] for k in y_test]",
        ),
        Right("np.where", "reversed_labels = np.where(y_test < 2, 1 - y_test, y_test)"),
        Wrong(
            "there-and-back flights swapped too",
            "reversed_labels = np.array([1, 0, 3, 2])[y_test]",
            says=["the label of a reversed clip of each class", "is not right"],
        ),
        Wrong(
            "labels unchanged",
            "reversed_labels = y_test.copy()",
            says=["the label of a reversed clip of each class"],
        ),
        Wrong(
            "only the first clips",
            "reversed_labels = np.array([1, 0, 2, 3])",
            says=["the shape of reversed_labels"],
        ),
    ],
}

test_variant = variants_test("08_video_classification", VARIANTS)
