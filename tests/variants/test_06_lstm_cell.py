"""Notebook 06's exercises, answered otherwise: right answers written differently from the
reference, and plausible wrong ones (the single-state sketch whose forget gate acts on h(t-1),
a gate order misread, the GRU counted as an LSTM) with what their failure must say."""

from tests.variants.kit import Right, Wrong, variants_test

GATES = ["forget gate f(t)", "input gate i(t)", "output gate o(t)"]


def _gates(forget="c(t-1)", input_="g(t)", output="tanh(c(t))"):
    return f"gate_acts_on = {dict(zip(GATES, [forget, input_, output], strict=True))!r}"


STEP_HEAD = "def my_lstm_step(x, h, c, kernel, recurrent_kernel, bias):\n"

VARIANTS = {
    "ex1-lstm-params": [
        Right(
            "one layer counted, then four",
            "units, features = 32, 10\n"
            "per_layer = units * features + units * units + units\n"
            "n_params = 4 * per_layer",
        ),
        Right("a NumPy integer", "import numpy as np\nn_params = np.int64(4 * 32) * (32 + 10 + 1)"),
        Right("a whole float", "n_params = 4.0 * (32 * (32 + 10) + 32)"),
        Wrong(
            "no biases",
            "n_params = 4 * 32 * (32 + 10)",
            says=["the LSTM's parameter count is 5376, which is not right"],
        ),
        Wrong(
            "the recurrent weights forgotten",
            "n_params = 4 * (32 * 10 + 32)",
            says=["the LSTM's parameter count is 1408, which is not right"],
        ),
        Wrong(
            "three layers, as a GRU",
            "n_params = 3 * (32 * (32 + 10) + 32)",
            says=["the LSTM's parameter count is 4128, which is not right"],
        ),
    ],
    "ex2-gates": [
        Right(
            "capitals, an en dash and another order",
            "gate_acts_on = {'output gate o(t)': 'TANH(C(T))', 'input gate i(t)': 'G(t)', "
            "'forget gate f(t)': 'c(t–1)'}",
        ),
        Right(
            "built by code",
            "keys = ['forget gate f(t)', 'input gate i(t)', 'output gate o(t)']\n"
            "gate_acts_on = dict(zip(keys, ['c(t-1)', 'g(t)', 'tanh(c(t))']))",
        ),
        # QUESTIONS.md, Q6: "the forget gate acts on h(t-1)" (the single-state sketch).
        Wrong(
            "the forget gate on h(t-1)",
            _gates(forget="h(t-1)"),
            says=["1 of 3 items are matched wrongly: 'forget gate f(t)' is not 'h(t-1)'"],
        ),
        # The gates in series: the input gate taken to scale the new input.
        Wrong(
            "the input gate on x(t)",
            _gates(input_="x(t)"),
            says=["1 of 3 items are matched wrongly: 'input gate i(t)' is not 'x(t)'"],
        ),
        Wrong(
            "one state: every gate on h(t-1)",
            _gates(forget="h(t-1)", input_="h(t-1)", output="h(t-1)"),
            says=[
                "3 of 3 items are matched wrongly: 'forget gate f(t)' is not 'h(t-1)'; "
                "'input gate i(t)' is not 'h(t-1)'; 'output gate o(t)' is not 'h(t-1)'"
            ],
        ),
    ],
    "ex3-gru-params": [
        Right(
            "by a function",
            "def gru_count(units, features, biases):\n"
            "    return 3 * (units * (units + features) + biases * units)\n"
            "\n"
            "gru_params, gru_params_before = gru_count(32, 10, 2), gru_count(32, 10, 1)",
        ),
        Right(
            "NumPy integers, the difference first",
            "import numpy as np\n"
            "gru_params_before = np.int32(3 * 32 * 43)\n"
            "gru_params = gru_params_before + np.int32(3 * 32)",
        ),
        Wrong(
            "one bias in both",
            "gru_params = gru_params_before = 3 * (32 * (32 + 10) + 32)",
            says=["GRU(32) with reset_after=True is 4128, which is not right"],
        ),
        Wrong(
            "the two counts swapped",
            "gru_params, gru_params_before = 4128, 4224",
            says=["GRU(32) with reset_after=True is 4128, which is not right"],
        ),
        Wrong(
            "four layers, as an LSTM",
            "gru_params = 4 * (32 * (32 + 10) + 2 * 32)\n"
            "gru_params_before = 4 * (32 * (32 + 10) + 32)",
            says=["GRU(32) with reset_after=True is 5632, which is not right"],
        ),
    ],
    "ex4-lstm-step": [
        Right(
            "column slices, sigmoid through tanh",
            STEP_HEAD + "    units = h.shape[-1]\n"
            "    z = np.dot(x, kernel) + np.dot(h, recurrent_kernel) + bias\n"
            "    i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))\n"
            "    sig = lambda v: 0.5 * (1.0 + np.tanh(0.5 * v))\n"
            "    c_new = sig(f) * c + sig(i) * np.tanh(g)\n"
            "    return sig(o) * np.tanh(c_new), c_new",
        ),
        Right(
            "one kernel over [x, h], in float32",
            STEP_HEAD + "    xh = np.concatenate([x, h], axis=-1).astype(np.float32)\n"
            "    w = np.concatenate([kernel, recurrent_kernel], axis=0)\n"
            "    gates = xh @ w + bias\n"
            "    i, f, g, o = np.hsplit(gates, 4)\n"
            "    i, f, o = (1 / (1 + np.exp(-v)) for v in (i, f, o))\n"
            "    c_new = f * c + i * np.tanh(g)\n"
            "    h_new = o * np.tanh(c_new)\n"
            "    return h_new, c_new",
        ),
        # QUESTIONS.md, Q6: the forget gate acting on h(t-1) instead of c(t-1).
        Wrong(
            "the forget gate on h(t-1)",
            STEP_HEAD + "    z = x @ kernel + h @ recurrent_kernel + bias\n"
            "    i, f, g, o = np.split(z, 4, axis=-1)\n"
            "    s = lambda v: 1 / (1 + np.exp(-v))\n"
            "    c_new = s(f) * h + s(i) * np.tanh(g)\n"
            "    return s(o) * np.tanh(c_new), c_new",
            says=["h after 7 steps differs from the expected values"],
        ),
        Wrong(
            "the blocks read as i, f, o, g",
            STEP_HEAD + "    z = x @ kernel + h @ recurrent_kernel + bias\n"
            "    i, f, o, g = np.split(z, 4, axis=-1)\n"
            "    s = lambda v: 1 / (1 + np.exp(-v))\n"
            "    c_new = s(f) * c + s(i) * np.tanh(g)\n"
            "    return s(o) * np.tanh(c_new), c_new",
            says=["h after 7 steps differs from the expected values"],
        ),
        Wrong(
            "no tanh on c(t)",
            STEP_HEAD + "    z = x @ kernel + h @ recurrent_kernel + bias\n"
            "    i, f, g, o = np.split(z, 4, axis=-1)\n"
            "    s = lambda v: 1 / (1 + np.exp(-v))\n"
            "    c_new = s(f) * c + s(i) * np.tanh(g)\n"
            "    return s(o) * c_new, c_new",
            says=["h after 7 steps differs from the expected values"],
        ),
        Wrong(
            "the two states returned swapped",
            STEP_HEAD + "    z = x @ kernel + h @ recurrent_kernel + bias\n"
            "    i, f, g, o = np.split(z, 4, axis=-1)\n"
            "    s = lambda v: 1 / (1 + np.exp(-v))\n"
            "    c_new = s(f) * c + s(i) * np.tanh(g)\n"
            "    return c_new, s(o) * np.tanh(c_new)",
            says=["h after 7 steps differs from the expected values"],
        ),
    ],
}

test_variant = variants_test("06_lstm_cell", VARIANTS)
