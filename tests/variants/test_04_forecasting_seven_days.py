"""Notebook 04's exercises, answered otherwise: right answers written in other ways, and wrong
ones (a fixed-length forecaster, a step that is not the last, off-by-one targets...)."""

from tests.variants.kit import Right, Wrong, variants_test

GRU_FUNCTIONAL = """\
days = keras.Input(shape=(None, 1))
summary = keras.layers.GRU(16)(days)
gru_forecaster = keras.Model(days, keras.layers.Dense(7)(summary))
"""

GRU_ADDED = """\
gru_forecaster = keras.Sequential()
gru_forecaster.add(keras.Input(shape=[None, 1]))
gru_forecaster.add(keras.layers.GRU(units=16, return_sequences=False))
gru_forecaster.add(keras.layers.Dense(units=7, activation=None))
"""


def _gru(
    first_input="keras.Input((None, 1))", gru="keras.layers.GRU(16)", dense="keras.layers.Dense(7)"
):
    return f"gru_forecaster = keras.Sequential([{first_input}, {gru}, {dense}])\n"


def _naive(body):
    return f"def naive_forecast(x):\n    x = np.asarray(x)\n    return {body}\n"


def _targets(body):
    return f"def sequence_targets(window, past, horizon):\n    window = np.asarray(window)\n{body}"


VARIANTS = {
    "ex1-naive": [
        Right("tiled", _naive("np.tile(x[:, -1, :], (1, 7))")),
        Right("broadcast", _naive("x[:, -1] * np.ones((1, 7))")),
        Right(
            "a loop over the windows",
            "def naive_forecast(x):\n"
            "    return np.array([[float(window[-1][0])] * 7 for window in x])\n",
        ),
        Wrong(
            "the first day",
            _naive("np.repeat(x[:, 0, :], 7, axis=1)"),
            says=["the naive forecast (of shape (2, 7)) is not right"],
        ),
        Wrong(
            "a trailing axis kept",
            _naive("np.repeat(x[:, -1:, :], 7, axis=1)"),
            says=["the naive forecast (of shape (2, 7, 1)) is not right"],
        ),
        Wrong(
            "the window's mean",
            _naive("np.repeat(x.mean(axis=1), 7, axis=1)"),
            says=["the naive forecast (of shape (2, 7)) is not right"],
        ),
    ],
    "ex2-which-step": [
        Right("numpy string", 'answer = np.str_("last step")'),
        Right(
            "picked from the options",
            'answer = ("first step", "mean over all steps", "last step")[-1]',
        ),
        Wrong(
            "first step", 'answer = "first step"', says=["your choice 'first step' is not right"]
        ),
        Wrong(
            "mean over all steps",
            'answer = "mean over all steps"',
            says=["your choice 'mean over all steps' is not right"],
        ),
    ],
    "ex3-gru": [
        Right("functional API", GRU_FUNCTIONAL),
        Right("added one by one", GRU_ADDED),
        Wrong(
            "a fixed window length",
            _gru(first_input="keras.Input((56, 1))"),
            says=["reads sequences of 56 steps only"],
        ),
        Wrong(
            "returns sequences",
            _gru(gru="keras.layers.GRU(16, return_sequences=True)"),
            says=["Recurrent layer 1 has return_sequences=True", "return_sequences=False"],
        ),
        Right("a linear output named", _gru(dense='keras.layers.Dense(7, activation="linear")')),
        Right("an output without a bias", _gru(dense="keras.layers.Dense(7, use_bias=False)")),
        Wrong(
            "a relu output",
            _gru(dense='keras.layers.Dense(7, activation="relu")'),
            says=["the forecasts cannot be every value", "from 0 to 1000", "relu cuts"],
        ),
        Wrong(
            "an output clipped to a range wider than the data's",
            "days = keras.Input(shape=(None, 1))\n"
            "forecast = keras.layers.Dense(7)(keras.layers.GRU(16)(days))\n"
            "gru_forecaster = keras.Model(days, keras.ops.clip(forecast, -10, 10))\n",
            says=["the model gave values from -10 to 10", "a clip stops at its bounds"],
        ),
        Wrong(
            "a sigmoid after the output",
            GRU_ADDED + 'gru_forecaster.add(keras.layers.Activation("sigmoid"))\n',
            says=["the forecasts cannot be every value", "sigmoid and tanh squeeze"],
        ),
        Wrong(
            "one day forecast",
            _gru(dense="keras.layers.Dense(1)"),
            says=["The layers' units are [16, 1]"],
        ),
    ],
    "ex4-seq-targets": [
        Right(
            "one row per step",
            _targets(
                "    return np.array([window[t + 1 : t + 1 + horizon] for t in range(past)])\n"
            ),
        ),
        Right(
            "sliding windows",
            _targets(
                "    views = np.lib.stride_tricks.sliding_window_view(window[1:], horizon)\n"
                "    return views[:past].copy()\n"
            ),
        ),
        Right(
            "filled in a loop",
            "def sequence_targets(window, past, horizon):\n"
            "    y = np.zeros((past, horizon))\n"
            "    for t in range(past):\n"
            "        for h in range(horizon):\n"
            "            y[t, h] = window[t + 1 + h]\n"
            "    return y\n",
        ),
        Wrong(
            "off by one",
            _targets("    return np.array([window[t : t + horizon] for t in range(past)])\n"),
            says=["the targets (of shape (4, 2)) is not right"],
        ),
        Wrong(
            "one row per horizon day",
            _targets(
                "    return np.stack([window[1 + h : 1 + h + past] for h in range(horizon)])\n"
            ),
            says=["the targets' shape is (2, 4), which is not right"],
        ),
    ],
}

test_variant = variants_test("04_forecasting_seven_days", VARIANTS)
