"""Notebook 05's exercises, answered otherwise: right answers written differently from the
reference (the textbook's own matching among them), and plausible wrong ones (clipping by value,
recurrent dropout that gives up cuDNN, a remedy matched to a difficulty it does not address) with
what their failure must say."""

from tests.variants.kit import Right, Wrong, variants_test

UNSTABLE, MEMORY, OVERFITTING = "unstable gradients", "short-term memory", "overfitting"
REFERENCE = {
    "gradient clipping": UNSTABLE,
    "layer normalization inside the cell": UNSTABLE,
    "a smaller learning rate": UNSTABLE,
    "LSTM or GRU cells": MEMORY,
    "1D convolutional layers that shorten the sequences": MEMORY,
    "dropout and recurrent_dropout": OVERFITTING,
}


def _remedies(**changes):
    """The reference matching with some items answered otherwise (keyword: item's first word)."""
    answers = dict(REFERENCE)
    for first_word, answer in changes.items():
        item = next(k for k in answers if k.split()[0].replace("1D", "conv") == first_word)
        answers[item] = answer
    return f"remedies = {answers!r}"


def _clip(body):
    return "def clip_by_norm(gradient, max_norm):\n" + body


VARIANTS = {
    "ex1-remedies": [
        # The textbook's answer to Q5 lists dropout at each time step among the remedies for
        # unstable gradients; its answer to Q7 says 1D convolutions, having no recurrence,
        # suffer less from unstable gradients. The heading lets a two-sided remedy go either way.
        Right("the textbook's matching", _remedies(dropout=UNSTABLE, conv=UNSTABLE)),
        Right(
            "gated cells for the gradients, typed otherwise",
            "remedies = {k: 'Unstable-Gradients' for k in ['gradient clipping', "
            "'layer normalization inside the cell', 'a smaller learning rate', "
            "'LSTM or GRU cells']}\n"
            "remedies['1D convolutional layers that shorten the sequences'] = 'Short-Term Memory'\n"
            "remedies['dropout and recurrent_dropout'] = ' overfitting '",
        ),
        Wrong(
            "clipping for a short memory",
            _remedies(gradient=MEMORY),
            says=[
                "1 of 6 items are matched wrongly: 'gradient clipping' is not 'short-term memory'."
            ],
        ),
        Wrong(
            "gated cells against overfitting",
            _remedies(LSTM=OVERFITTING),
            says=["1 of 6 items are matched wrongly: 'LSTM or GRU cells' is not 'overfitting'."],
        ),
        Wrong(
            "dropout for a short memory, layer norm against overfitting",
            _remedies(dropout=MEMORY, layer=OVERFITTING),
            says=[
                "2 of 6 items are matched wrongly: 'layer normalization inside the cell' is not "
                "'overfitting'; 'dropout and recurrent_dropout' is not 'short-term memory'."
            ],
        ),
        Wrong(
            "a smaller learning rate against overfitting",
            _remedies(a=OVERFITTING),
            says=["'a smaller learning rate' is not 'overfitting'"],
        ),
    ],
    "ex2-clipnorm": [
        Right("global_clipnorm", "clipped_adam = keras.optimizers.Adam(1e-3, global_clipnorm=1)"),
        Right(
            "imported class, default learning rate",
            "from keras.optimizers import Adam\n\nclipped_adam = Adam(clipnorm=1.0)",
        ),
        Right(
            "through tf.keras",
            "import tensorflow as tf\n\n"
            "clipped_adam = tf.keras.optimizers.Adam(learning_rate=0.001, clipnorm=1.0)",
        ),
        Wrong(
            "clipping by value",
            "clipped_adam = keras.optimizers.Adam(0.001, clipvalue=1.0)",
            says=["which is clipping by value (clipvalue), not by norm"],
        ),
        Wrong(
            "no clipping",
            "clipped_adam = keras.optimizers.Adam(0.001)",
            says=["the optimizer does not clip"],
        ),
        Wrong(
            "another limit",
            "clipped_adam = keras.optimizers.Adam(0.001, clipnorm=5.0)",
            says=["clips by norm, but to 5 instead of 1"],
        ),
        Wrong(
            "SGD that clips",
            "clipped_adam = keras.optimizers.SGD(0.001, clipnorm=1.0)",
            says=["the optimizer's class is 'SGD', which is not right"],
        ),
        Wrong(
            "another learning rate (hidden test)",
            "clipped_adam = keras.optimizers.Adam(0.01, clipnorm=1.0)",
            says=["the learning rate is 0.01 but should be 0.001"],
        ),
    ],
    "ex3-clip": [
        Right(
            "a factor of at most 1",
            _clip(
                "    g = np.asarray(gradient, dtype=np.float64)\n"
                "    return g * min(1.0, max_norm / np.linalg.norm(g))"
            ),
        ),
        Right(
            "the norm by hand, np.where",
            _clip(
                "    norm = np.sqrt(np.sum(np.square(gradient)))\n"
                "    return np.where(norm > max_norm, gradient / norm * max_norm, gradient)"
            ),
        ),
        Wrong(
            "clipping each component",
            _clip("    return np.clip(gradient, -max_norm, max_norm)"),
            says=["clipping [3, 4] to norm 1 (of shape (2,)) is not right"],
        ),
        Wrong(
            "always rescaled",
            _clip("    return gradient * max_norm / np.linalg.norm(gradient)"),
            says=["a gradient already small enough differs from the expected values"],
        ),
        Wrong(
            "divided by the norm, max_norm forgotten (hidden test)",
            _clip(
                "    norm = np.linalg.norm(gradient)\n"
                "    return gradient / norm if norm > max_norm else gradient"
            ),
            says=["clipping a matrix differs from the expected values"],
        ),
    ],
    "ex4-dropout": [
        Right(
            "keywords, use_cudnn=True",
            "regularized_lstm = keras.layers.LSTM(units=64, dropout=0.2, use_cudnn=True)",
        ),
        Right(
            "layers imported, other defaults spelled out",
            "from keras import layers\n\n"
            "regularized_lstm = layers.LSTM(64, dropout=1 / 5, recurrent_dropout=0.0,\n"
            "                               return_sequences=True, activation='tanh')",
        ),
        Wrong(
            "recurrent dropout instead",
            "regularized_lstm = keras.layers.LSTM(64, recurrent_dropout=0.2)",
            says=["the input dropout rate is 0.0, which is not right"],
        ),
        Wrong(
            "both dropouts",
            "regularized_lstm = keras.layers.LSTM(64, dropout=0.2, recurrent_dropout=0.2)",
            says=["cuDNN eligibility is False, which is not right"],
        ),
        Wrong(
            "a percentage",
            "regularized_lstm = keras.layers.LSTM(64, dropout=20)",
            says=["the input dropout rate is 1.0, which is not right"],
        ),
        Wrong(
            "a GRU",
            "regularized_lstm = keras.layers.GRU(64, dropout=0.2)",
            says=["the layer's class is 'GRU', which is not right"],
        ),
        Wrong(
            "the step-by-step loop forced",
            "regularized_lstm = keras.layers.LSTM(64, dropout=0.2, use_cudnn=False)",
            says=["cuDNN eligibility is False, which is not right"],
        ),
    ],
}

test_variant = variants_test("05_training_difficulties", VARIANTS)
