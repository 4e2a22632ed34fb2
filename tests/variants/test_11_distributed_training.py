"""Notebook 11's exercises, answered otherwise."""

from tests.variants.kit import Right, Wrong, variants_test

MACHINES = '["gpu-a:2222", "gpu-b:2222", "gpu-c:2222"]'
SCHEMES = [
    "a 3-layer GRU that fits on one GPU, trained on one machine with 8 GPUs",
    "the same GRU trained on 4 machines with 2 GPUs each",
    "a 24-layer LSTM whose weights and activations need 3 times one GPU's memory",
    "speeding up training by giving each GPU a slice of every batch",
]
STEPS = [
    "create the model (its layers and their weights)",
    'compile it with optimizer="adam"',
    "build its tf.data pipeline",
    "call fit, then evaluate",
]


def _matching(name, answers):
    return f"{name} = {dict(zip(SCHEMES if name == 'schemes' else STEPS, answers, strict=True))!r}"


VARIANTS = {
    "ex1-global-batch": [
        Right(
            "math.ceil",
            "import math\n\nglobal_batch = 4 * 64\nsteps_per_epoch = math.ceil(100_000 / global_batch)",
        ),
        Right(
            "numpy, a float that is whole",
            "global_batch = np.int64(64) * 4\nsteps_per_epoch = np.ceil(100_000 / global_batch)",
        ),
        Wrong(
            "the per-replica batch taken for the global one",
            "global_batch = 64\nsteps_per_epoch = -(-100_000 // 64)",
            says=["the global batch size is 64, which is not right"],
        ),
        Wrong(
            "the last, smaller batch dropped",
            "global_batch = 64 * 4\nsteps_per_epoch = 100_000 // global_batch",
            says=["the steps per epoch is 390, which is not right", "round up"],
        ),
    ],
    "ex2-replica-loss": [
        Right(
            "summed by hand",
            "def replica_loss(targets, predictions, global_batch):\n"
            "    per_example = tf.reduce_mean((targets - predictions) ** 2, axis=1)\n"
            "    return tf.reduce_sum(per_example) / global_batch\n",
        ),
        Right(
            "a Keras loss that sums",
            "def replica_loss(targets, predictions, global_batch):\n"
            "    mse = keras.losses.MeanSquaredError(reduction='sum')\n"
            "    return mse(targets, predictions) / global_batch\n",
        ),
        Wrong(
            "divided by the replica's own examples",
            "def replica_loss(targets, predictions, global_batch):\n"
            "    return tf.reduce_mean(tf.square(targets - predictions))\n",
            says=["the loss of a replica holding 4 of 8 examples", "GLOBAL batch"],
        ),
        Wrong(
            "summed, never divided",
            "def replica_loss(targets, predictions, global_batch):\n"
            "    return tf.reduce_sum(tf.square(targets - predictions))\n",
            says=["the loss of a replica holding 4 of 8 examples", "is not right"],
        ),
    ],
    "ex3-tf-config": [
        Right(
            "addresses as a tuple",
            "tf_config_c = {\n"
            "    'cluster': {'worker': ('gpu-a:2222', 'gpu-b:2222', 'gpu-c:2222')},\n"
            "    'task': {'type': 'worker', 'index': 2},\n"
            "}",
        ),
        Right(
            "the JSON string of the environment variable",
            "import json\n\n"
            f"tf_config_c = json.dumps({{'cluster': {{'worker': {MACHINES}}}, "
            "'task': {'type': 'worker', 'index': 2}})",
        ),
        Right(
            "the first machine named chief",
            "tf_config_c = {\n"
            "    'cluster': {'chief': ['gpu-a:2222'], 'worker': ['gpu-b:2222', 'gpu-c:2222']},\n"
            "    'task': {'type': 'worker', 'index': 1},\n"
            "}",
        ),
        Wrong(
            "index counted from 1",
            f"tf_config_c = {{'cluster': {{'worker': {MACHINES}}}, "
            "'task': {'type': 'worker', 'index': 3}}",
            says=["task index is 3", "counted from 0"],
        ),
        Wrong(
            "only its own machine in the cluster",
            "tf_config_c = {'cluster': {'worker': ['gpu-c:2222']}, "
            "'task': {'type': 'worker', 'index': 0}}",
            says=["it lacks 'gpu-a:2222', 'gpu-b:2222'", "all the machines"],
        ),
        Wrong(
            "the machine's address as the task",
            f"tf_config_c = {{'cluster': {{'worker': {MACHINES}}}, 'task': 'gpu-c:2222'}}",
            says=["task should be a dict with a 'type'"],
        ),
    ],
    "ex4-which-scheme": [
        Right(
            "capitals and spaces",
            _matching("schemes", ["Data", "Multi Worker", "MODEL", " data "]),
        ),
        Right(
            "built by code, with dashes",
            "schemes = dict.fromkeys(list(schemes), 'data')\n"
            f"schemes[{SCHEMES[1]!r}] = 'multi–worker'\n"
            f"schemes[{SCHEMES[2]!r}] = 'model'",
        ),
        Wrong(
            "replicas for a model that does not fit",
            _matching("schemes", ["data", "multi-worker", "data", "data"]),
            says=["1 of 4 items are matched wrongly", "24-layer LSTM", "fit on one device"],
        ),
        Wrong(
            "one strategy for several machines too",
            _matching("schemes", ["data", "data", "model", "data"]),
            says=["1 of 4 items are matched wrongly", "4 machines", "TF_CONFIG"],
        ),
    ],
    "ex5-mirrored-model": [
        Right(
            "built by code, capitals and spaces",
            "where_to_run = dict.fromkeys(\n"
            "    ['call fit, then evaluate', 'build its tf.data pipeline'], 'Anywhere'\n"
            ")\n"
            "where_to_run['compile it with optimizer=\"adam\"'] = ' INSIDE'\n"
            "where_to_run['create the model (its layers and their weights)'] = 'Inside '",
        ),
        Right(
            "from a list", _matching("where_to_run", ["inside", "inside", "anywhere", "anywhere"])
        ),
        Wrong(
            "compiled anywhere",
            _matching("where_to_run", ["inside", "anywhere", "anywhere", "anywhere"]),
            says=["1 of 4 items are matched wrongly", "compile"],
        ),
        Wrong(
            "everything in the scope",
            _matching("where_to_run", ["inside", "inside", "inside", "inside"]),
            says=["2 of 4 items are matched wrongly"],
        ),
        Wrong(
            "an answer outside the two",
            _matching("where_to_run", ["inside", "inside", "outside", "anywhere"]),
            says=["'build its tf.data pipeline' is not 'outside'", 'Answer "inside" or "anywhere"'],
        ),
    ],
}

test_variant = variants_test("11_distributed_training", VARIANTS)
