"""Measure a Keras RNN layer's symbolic loop (``unroll=False``) against its unrolled graph.

TensorFlow 1's ``dynamic_rnn`` built one ``tf.while_loop`` over the time steps; ``static_rnn``
copied the cell once per time step. In TensorFlow 2 a Keras RNN layer does the first by default and
the second with ``unroll=True``. :func:`measure` traces one forward-and-backward step of a small
model into a graph and reports what each choice costs. :func:`keras_private` fetches a private
function of Keras' TensorFlow RNN backend (the mask check on its cuDNN path, say), failing with a
message that names what changed when a Keras release moves or removes it.
"""

import importlib
import time
from dataclasses import dataclass

from course_utils.shapes import check_cell
from course_utils.validation import positive_int


@dataclass(frozen=True)
class Measurement:
    """One traced training step (forward pass and gradients) of an RNN layer.

    ``graph_ops``: operations in the graph, nested functions (the loop body) included;
    ``top_level_ops``: those outside any nested function (a graph viewer such as TensorBoard's
    shows these first, a loop as one ``While`` node whose body opens on demand);
    ``graph_kb``: its serialized size; ``while_loops``: the ``While`` ops it holds;
    ``trace_seconds``: time to build the graph; ``first_call_seconds``: the first run, which
    also optimizes the graph; ``step_seconds``: the fastest of the following runs (the one least
    disturbed by other work on the machine);
    ``peak_gpu_mb``: the peak GPU memory of one step (``None`` without a GPU).
    """

    cell: str
    length: int
    unroll: bool
    graph_ops: int
    top_level_ops: int
    graph_kb: float
    while_loops: int
    trace_seconds: float
    first_call_seconds: float
    step_seconds: float
    peak_gpu_mb: float | None


def _count_ops(graph_def):
    return len(graph_def.node) + sum(len(f.node_def) for f in graph_def.library.function)


def _count_loops(graph_def):
    return sum(1 for node in graph_def.node if node.op in ("While", "StatelessWhile"))


def _gradient_step(cell, length, units, features, unroll, seed):
    """A ``tf.function`` computing the gradients of a small model: ``cell(units)``, ``Dense(1)``."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((length, features)),
            getattr(keras.layers, cell)(units, unroll=bool(unroll)),
            keras.layers.Dense(1, dtype="float32"),
        ]
    )
    loss_fn = keras.losses.MeanSquaredError()

    @tf.function
    def gradient_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        return tape.gradient(loss, model.trainable_variables)

    return gradient_step


def _call_seconds(concrete, x, y):
    """The time of one call of ``concrete``, its gradients brought back to NumPy."""
    start = time.perf_counter()
    _ = [g.numpy() for g in concrete(x, y)]
    return time.perf_counter() - start


def _first_call(concrete, x, y):
    """The first call's seconds and its peak GPU memory in MB (``None`` without a GPU)."""
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    if gpus:
        tf.config.experimental.reset_memory_stats(gpus[0].name)
    seconds = _call_seconds(concrete, x, y)
    peak = tf.config.experimental.get_memory_info(gpus[0].name)["peak"] / 2**20 if gpus else None
    return seconds, peak


def measure(length, unroll, *, cell="LSTM", units=32, features=8, batch=32, steps=5, seed=0):
    """Trace and time one gradient step of ``cell(units, unroll=unroll)`` on sequences of ``length``."""
    check_cell(cell)
    for name, value in (
        ("length", length),
        ("units", units),
        ("features", features),
        ("batch", batch),
        ("steps", steps),
    ):
        positive_int(name, value)
    import numpy as np
    import tensorflow as tf

    gradient_step = _gradient_step(cell, length, units, features, unroll, seed)
    x = tf.constant(np.random.default_rng(seed).normal(size=(batch, length, features)), tf.float32)
    y = tf.zeros((batch, 1))
    start = time.perf_counter()
    concrete = gradient_step.get_concrete_function(x, y)
    trace = time.perf_counter() - start
    graph_def = concrete.graph.as_graph_def()
    first, peak = _first_call(concrete, x, y)
    return Measurement(
        cell=cell,
        length=length,
        unroll=bool(unroll),
        graph_ops=_count_ops(graph_def),
        top_level_ops=len(graph_def.node),
        graph_kb=graph_def.ByteSize() / 1024,
        while_loops=_count_loops(graph_def),
        trace_seconds=trace,
        first_call_seconds=first,
        step_seconds=min(_call_seconds(concrete, x, y) for _ in range(steps)),
        peak_gpu_mb=peak,
    )


KERAS_TF_RNN = "keras.src.backend.tensorflow.rnn"


def keras_private(name, module=KERAS_TF_RNN):
    """Keras' private function ``module.name``, or a ``RuntimeError`` that names what changed.

    Private functions are no part of Keras' API: a release may move, rename or remove them. A
    demonstration that calls one fails with this message instead of an ``AttributeError`` deep in
    its cell.
    """
    import keras

    where = f"Keras {keras.__version__}"
    try:
        found = importlib.import_module(module)
    except ImportError as error:
        raise RuntimeError(
            f"{where} has no module {module} any more: Keras reorganised its TensorFlow backend, "
            f"and the demonstration that calls {module}.{name} must be rewritten."
        ) from error
    function = getattr(found, name, None)
    if not callable(function):
        raise RuntimeError(
            f"{where} has no function {name} in {module} any more: Keras changed how it checks "
            "its cuDNN conditions, and the demonstration that calls it must be rewritten."
        )
    return function
