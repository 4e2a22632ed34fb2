"""Notebook 10's exercises, answered otherwise."""

from tests.variants.kit import Right, Wrong, variants_test

BUCKETED = (
    "def bucketed_batches(dataset):\n"
    "    return dataset.bucket_by_sequence_length(\n"
    "        element_length_func=lambda r: tf.shape(r)[0],\n"
    "        bucket_boundaries={boundaries},\n"
    "        bucket_batch_sizes=[16] * {buckets},{extra}\n"
    "    )\n"
)

SEQUENCES = "sequences = [[4, 7, 1], [9], [3, 3, 8, 2]]\n"

VARIANTS = {
    "ex1-pad-and-mask": [
        Right(
            "a ragged tensor, padded",
            SEQUENCES
            + "padded = tf.ragged.constant(sequences).to_tensor().numpy()\nmask = padded > 0",
        ),
        Right(
            "lists by hand, Keras' mask",
            SEQUENCES + "longest = max(len(s) for s in sequences)\n"
            "padded = [s + [0] * (longest - len(s)) for s in sequences]\n"
            "mask = keras.layers.Embedding(10, 2, mask_zero=True).compute_mask(np.array(padded))",
        ),
        Wrong(
            "padded at the start (pad_sequences' default)",
            SEQUENCES + "padded = keras.utils.pad_sequences(sequences)\nmask = padded != 0",
            says=["the padded batch (of shape (3, 4)) is not right", "Pad at the end"],
        ),
        Wrong(
            "the mask upside down",
            SEQUENCES
            + "padded = keras.utils.pad_sequences(sequences, padding='post')\nmask = padded == 0",
            says=["the mask (of shape (3, 4)) is not right", "real token"],
        ),
        Wrong(
            "padded to a fixed length",
            SEQUENCES + "padded = keras.utils.pad_sequences(sequences, maxlen=5, padding='post')\n"
            "mask = padded != 0",
            says=["the padded batch (of shape (3, 5)) is not right", "longest sequence"],
        ),
    ],
    "ex2-unroll": [
        Right("a numpy string", 'answer = np.str_("b")'),
        Right("picked by position", 'answer = "abcd"[1]'),
        Wrong("unrolling saves memory", 'answer = "c"', says=["your choice 'c' is not right"]),
        Wrong(
            "unrolled layers take any length",
            'answer = "a"',
            says=["your choice 'a' is not right", "unknown length"],
        ),
    ],
    "ex3-bucketing": [
        Right(
            "grouped by window, padded by hand",
            "def bucketed_batches(dataset):\n"
            "    boundaries = tf.constant([12, 16, 20, 24], tf.int64)\n"
            "\n"
            "    def bucket(ids):\n"
            "        n = tf.cast(tf.size(ids), tf.int64)\n"
            "        return tf.reduce_sum(tf.cast(n >= boundaries, tf.int64))\n"
            "\n"
            "    return dataset.group_by_window(\n"
            "        bucket, lambda key, window: window.padded_batch(16), window_size=16\n"
            "    )\n",
        ),
        Right(
            "the length as a size",
            BUCKETED.replace("tf.shape(r)[0]", "tf.size(r)").format(
                boundaries="(12, 16, 20, 24)", buckets=5, extra="\n        padding_values=0,"
            ),
        ),
        Wrong(
            "ragged batches by bucket",
            "def bucketed_batches(dataset):\n"
            "    def bucket(r):\n"
            "        return tf.reduce_sum(tf.cast(tf.shape(r)[0] >= tf.constant([12, 16, 20, 24]), "
            "tf.int64))\n"
            "\n"
            "    return dataset.group_by_window(bucket, lambda k, w: w.ragged_batch(16), "
            "window_size=16)",
            says=["the number of ragged (unpadded) batches"],
        ),
        Wrong(
            "batches of 16 without buckets",
            "def bucketed_batches(dataset):\n    return dataset.padded_batch(16)\n",
            says=["the number of batches mixing two buckets"],
        ),
        Wrong(
            "the last batches dropped",
            BUCKETED.format(
                boundaries="[12, 16, 20, 24]", buckets=5, extra="\n        drop_remainder=True,"
            ),
            says=["every sequence in one batch, once"],
        ),
    ],
    "ex4-by-hand": [
        Right(
            "lists, and a float32",
            'greedy_output = ["A", "A"]\n'
            'beam_output = ["B", "<EOS>"]\n'
            "beam_probability = np.float32(0.4 * 0.9)",
        ),
        Right(
            "searched by code",
            'P_FIRST = {"A": 0.5, "B": 0.4, "<eos>": 0.1}\n'
            'P_SECOND = {"A": {"A": 0.4, "B": 0.3, "<eos>": 0.3}, '
            '"B": {"A": 0.0, "B": 0.1, "<eos>": 0.9}}\n'
            "first = max(P_FIRST, key=P_FIRST.get)\n"
            "greedy_output = (first, max(P_SECOND[first], key=P_SECOND[first].get))\n"
            "beams = sorted(P_FIRST, key=P_FIRST.get, reverse=True)[:2]\n"
            "scores = {(a, b): P_FIRST[a] * p for a in beams for b, p in P_SECOND[a].items()}\n"
            "beam_output = max(scores, key=scores.get)\n"
            "beam_probability = scores[beam_output]",
        ),
        Wrong(
            "the beam taken for the greedy path",
            'greedy_output = ("A", "A")\nbeam_output = ("A", "A")\nbeam_probability = 0.2',
            says=["beam search's output is ('A', 'A'), which is not right"],
        ),
        Wrong(
            "the second token's probability alone",
            'greedy_output = ("A", "A")\nbeam_output = ("B", "<eos>")\nbeam_probability = 0.9',
            says=["the probability of the beam's output", "P(first token)"],
        ),
        Wrong(
            "greedy stops at the likeliest end",
            'greedy_output = ("A", "<eos>")\nbeam_output = ("B", "<eos>")\nbeam_probability = 0.36',
            says=["greedy search's output is ('A', '<eos>'), which is not right"],
        ),
    ],
}

test_variant = variants_test("10_variable_length_and_unrolling", VARIANTS)
