"""Notebook 12's exercises, answered otherwise."""

from tests.variants.kit import Right, Wrong, variants_test

VARIANTS = {
    "ex1-sizes": [
        Right("numbers written out", "tokens_per_window = 128\noutputs_per_token = 47"),
        Right(
            "from the lesson's names, as numpy ints",
            "tokens_per_window = np.int64(WINDOW_STEPS * 4)\n"
            "outputs_per_token = np.int64(HIGH - LOW + 2)",
        ),
        Wrong(
            "time steps, not tokens",
            "tokens_per_window = 32\noutputs_per_token = N_TOKENS",
            says=["tokens per window is 32, which is not right"],
        ),
        Wrong(
            "the pitches without silence",
            "tokens_per_window = 4 * 32\noutputs_per_token = HIGH - LOW + 1",
            says=["outputs per token is 46, which is not right"],
        ),
        Wrong(
            "a probability per voice and pitch",
            "tokens_per_window = 4 * 32\noutputs_per_token = 4 * N_TOKENS",
            says=["outputs per token"],
        ),
    ],
    "ex2-transpose": [
        Right(
            "a mask times the shift",
            "def transpose(chorale, semitones):\n"
            "    chorale = np.array(chorale)\n"
            "    return chorale + semitones * (chorale != 0)\n",
        ),
        Right(
            "a copy, then written into",
            "def transpose(chorale, semitones):\n"
            "    shifted = np.array(chorale, copy=True)\n"
            "    shifted[shifted != 0] += semitones\n"
            "    return shifted\n",
        ),
        Right(
            "lists of lists",
            "def transpose(chorale, semitones):\n"
            "    return [[n + semitones if n else 0 for n in step] for step in chorale]\n",
        ),
        Wrong(
            "writes into its argument",
            "def transpose(chorale, semitones):\n"
            "    chorale[chorale != 0] += semitones\n"
            "    return chorale\n",
            says=["transpose changed its first argument", "compute a new array"],
        ),
        Wrong(
            "shifts the silences too",
            "def transpose(chorale, semitones):\n    return np.asarray(chorale) + semitones\n",
            says=["transpose(example, 2) (of shape (2, 4)) is not right", "silences (0)"],
        ),
    ],
    "ex3-hold": [
        Right(
            "counted in a loop",
            "def hold_accuracy(chorales):\n"
            "    same = total = 0\n"
            "    for chorale in chorales:\n"
            "        for previous, step in zip(chorale[:-1], chorale[1:]):\n"
            "            for a, b in zip(previous, step):\n"
            "                same += int(a == b)\n"
            "                total += 1\n"
            "    return same / total\n",
        ),
        Right(
            "sums of boolean arrays",
            "def hold_accuracy(chorales):\n"
            "    held = sum(int(np.sum(c[1:] == c[:-1])) for c in chorales)\n"
            "    pairs = sum(c[1:].size for c in chorales)\n"
            "    return np.float32(held / pairs)\n",
        ),
        Wrong(
            "the mean of each chorale's share",
            "def hold_accuracy(chorales):\n"
            "    return float(np.mean([np.mean(c[1:] == c[:-1]) for c in chorales]))\n",
            says=["hold_accuracy on two tiny chorales", "not a mean of each chorale"],
        ),
        Wrong(
            "whole chords held, not notes",
            "def hold_accuracy(chorales):\n"
            "    same = np.concatenate([np.all(c[1:] == c[:-1], axis=1) for c in chorales])\n"
            "    return float(same.mean())\n",
            says=["hold_accuracy on two tiny chorales", "is not right"],
        ),
    ],
    "ex4-top-p": [
        Right(
            "a loop over the sorted tokens",
            "def top_p(probabilities, p):\n"
            "    probabilities = list(probabilities)\n"
            "    kept, total = [0.0] * len(probabilities), 0.0\n"
            "    for i in sorted(range(len(probabilities)), key=lambda i: -probabilities[i]):\n"
            "        kept[i] = probabilities[i]\n"
            "        total += probabilities[i]\n"
            "        if total >= p - 1e-12:\n"
            "            break\n"
            "    return [k / total for k in kept]\n",
        ),
        Right(
            "a threshold on the sorted probabilities",
            "def top_p(probabilities, p):\n"
            "    probabilities = np.asarray(probabilities, dtype='float32')\n"
            "    ranked = np.sort(probabilities)[::-1]\n"
            "    cut = ranked[np.argmax(np.cumsum(ranked) >= p - 1e-6)]\n"
            "    kept = np.where(probabilities >= cut, probabilities, 0)\n"
            "    return kept / kept.sum()\n",
        ),
        Wrong(
            "stops before the token that reaches p",
            "def top_p(probabilities, p):\n"
            "    probabilities = np.asarray(probabilities, dtype=float)\n"
            "    order = np.argsort(probabilities)[::-1]\n"
            "    keep = order[np.cumsum(probabilities[order]) < p]\n"
            "    result = np.zeros_like(probabilities)\n"
            "    result[keep] = probabilities[keep]\n"
            "    return result / result.sum()\n",
            says=["top_p(probs, 0.8)", "is not right", "the token that reaches p is kept"],
        ),
        Wrong(
            "not renormalised",
            "def top_p(probabilities, p):\n"
            "    probabilities = np.asarray(probabilities, dtype=float)\n"
            "    order = np.argsort(probabilities)[::-1]\n"
            "    keep = order[: int(np.searchsorted(np.cumsum(probabilities[order]), p)) + 1]\n"
            "    result = np.zeros_like(probabilities)\n"
            "    result[keep] = probabilities[keep]\n"
            "    return result\n",
            says=["top_p(probs, 0.8)", "divide by the sum kept"],
        ),
    ],
}

test_variant = variants_test("12_bach_chorales", VARIANTS)
