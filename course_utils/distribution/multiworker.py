"""Data parallelism across machines, practised on one: a ``MultiWorkerMirroredStrategy`` cluster
of worker processes on 127.0.0.1.

Each worker is a separate Python process that learns its place in the cluster from the
``TF_CONFIG`` environment variable (see :func:`tf_config`), joins the others, and trains the same
small GRU regressor on its shard of every global batch; gradients are all-reduced across the
workers after every step, so every worker ends with the same weights::

    results = run_local_cluster(workers=2)
    results[0]["weights"] == results[1]["weights"]   # (to float precision)

On real machines the only change is the addresses in ``TF_CONFIG``: one ``host:port`` per machine.
Run ``python -m course_utils.distribution.multiworker`` to watch a two-worker run from a terminal.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

from course_utils.validation import integer, positive_int

FEATURES, STEPS_PER_SEQUENCE, UNITS = 3, 8, 4
LEARNING_RATE = 0.03


def free_ports(n):
    """``n`` distinct TCP ports that are free on 127.0.0.1 right now."""
    positive_int("n", n)
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(addresses, index):
    """The ``TF_CONFIG`` dictionary for worker ``index`` of a cluster of workers at ``addresses``.

    >>> tf_config(["10.0.0.1:12345", "10.0.0.2:12345"], 1)
    {'cluster': {'worker': ['10.0.0.1:12345', '10.0.0.2:12345']}, 'task': {'type': 'worker', 'index': 1}}
    """
    if isinstance(addresses, str) or not all(isinstance(a, str) for a in addresses):
        raise TypeError("addresses must be a list of 'host:port' strings, one per worker.")
    addresses = list(addresses)
    if not addresses:
        raise ValueError("addresses must name at least one worker.")
    integer("index", index, 0, len(addresses) - 1)
    return {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}


def training_data(examples=64, seed=0):
    """The regression task every worker (and a single-device reference) trains on: the sum of
    the first feature over the sequence, divided by √(time steps) so that its variance is about 1
    (predicting the mean of the targets scores a loss equal to their variance)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(examples, STEPS_PER_SEQUENCE, FEATURES)).astype("float32")
    y = x[:, :, 0].sum(axis=1, keepdims=True) / np.sqrt(STEPS_PER_SEQUENCE)
    return x, y.astype("float32")


def build_model():
    """A small GRU regressor; call it inside the strategy's scope."""
    import keras

    return keras.Sequential(
        [
            keras.Input((STEPS_PER_SEQUENCE, FEATURES)),
            keras.layers.GRU(UNITS),
            keras.layers.Dense(1, dtype="float32"),
        ]
    )


def _readable(error, limit=300):
    """``error``'s message on one line, a ``PerReplica`` value's tensors (many lines of numbers)
    shown as ``…``, so that the cause the message names stays in view."""
    text = " ".join(str(error).split())
    text = re.sub(r"PerReplica:\{.*?\}\)", "PerReplica:{…})", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit_error(strategy, per_replica_batch, epochs):
    """Train :func:`build_model` under ``strategy`` with Keras's ``model.fit`` instead of a custom
    loop; return the error it raises, as ``"Class: first line"``, or None if it trains."""
    import keras
    import tensorflow as tf

    x, y = training_data()
    global_batch = per_replica_batch * strategy.num_replicas_in_sync
    with strategy.scope():
        model = build_model()
        model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse")
    try:
        model.fit(
            tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch), epochs=epochs, verbose=0
        )
    except Exception as error:  # whatever Keras raises is what a learner would see
        return f"{type(error).__name__}: {_readable(error)}"
    return None


def _worker(per_replica_batch, epochs, output, route):
    """Body of one worker process: join the cluster named by ``TF_CONFIG``, train, write JSON."""
    from course_utils._quiet import import_tensorflow

    tf = import_tensorflow()
    # The custom loop imports TensorFlow and Keras as it loads: here, after the quiet import.
    from course_utils.distribution.replica_loop import train

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    result = {"index": json.loads(os.environ["TF_CONFIG"])["task"]["index"]}
    if route == "fit":
        result["fit_error"] = fit_error(strategy, per_replica_batch, epochs)
    else:
        losses, weights = train(strategy, per_replica_batch, epochs)
        result.update(
            chief=strategy.extended.should_checkpoint,
            replicas=strategy.num_replicas_in_sync,
            global_batch=per_replica_batch * strategy.num_replicas_in_sync,
            losses=losses,
            weights=weights,
        )
    with open(output, "w", encoding="utf-8") as f:
        json.dump(result, f)


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.kill()
    for process in processes:
        process.wait()


def _start_worker(addresses, index, arguments, log):
    """Start worker ``index`` of the cluster at ``addresses``, on the CPU, writing to ``log``."""
    env = dict(
        os.environ,
        TF_CONFIG=json.dumps(tf_config(addresses, index)),
        CUDA_VISIBLE_DEVICES="-1",
    )
    command = [sys.executable, "-m", "course_utils.distribution.multiworker", "--worker"]
    return subprocess.Popen([*command, *arguments], env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait(processes, logs, timeout):
    """Wait for every worker; raise if the cluster overruns ``timeout`` seconds or one fails."""
    deadline = time.monotonic() + timeout
    for i, process in enumerate(processes):
        try:
            code = process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise TimeoutError(
                f"the {len(processes)}-worker cluster did not finish within {timeout} s."
            ) from None
        if code != 0:
            logs[i].seek(0)
            tail = logs[i].read()[-2000:]
            raise RuntimeError(f"worker {i} failed (exit code {code}):\n{tail}")


def _read_json(path):
    """The JSON document a worker wrote at ``path``."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def run_local_cluster(workers=2, per_replica_batch=8, epochs=20, timeout=120, route="loop"):
    """Start ``workers`` processes on 127.0.0.1 that train together; return their results.

    With ``route="loop"`` (the custom loop of
    :func:`~course_utils.distribution.replica_loop.train`) each result is a dict: ``index``,
    ``chief`` (whether this worker writes checkpoints and summaries), ``replicas`` (devices in the
    whole cluster), ``global_batch``, ``losses`` (per epoch) and ``weights`` (nested lists). With
    ``route="fit"`` it is ``index`` and ``fit_error`` (see :func:`fit_error`). The workers run on
    the CPU (several processes would compete for one GPU). Every process is killed if the cluster
    does not finish within ``timeout`` seconds or a worker fails.
    """
    if route not in ("loop", "fit"):
        raise ValueError(f'route must be "loop" or "fit", got {route!r}.')
    for name, value in (
        ("workers", workers),
        ("per_replica_batch", per_replica_batch),
        ("epochs", epochs),
    ):
        positive_int(name, value)
    addresses = [f"127.0.0.1:{port}" for port in free_ports(workers)]
    processes, logs = [], []
    with tempfile.TemporaryDirectory() as folder:
        outputs = [os.path.join(folder, f"worker{i}.json") for i in range(workers)]
        try:
            for i in range(workers):
                log = open(os.path.join(folder, f"worker{i}.log"), "w+", encoding="utf-8")  # noqa: SIM115
                logs.append(log)
                arguments = [str(per_replica_batch), str(epochs), outputs[i], route]
                processes.append(_start_worker(addresses, i, arguments, log))
            _wait(processes, logs, timeout)
            return [_read_json(path) for path in outputs]
        finally:
            _stop(processes)
            for log in logs:
                log.close()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"] and len(argv) == 5:
        _worker(int(argv[1]), int(argv[2]), argv[3], argv[4])
        # Leave at once: an orderly exit waits seconds for the cluster's servers to shut down.
        sys.stdout.flush()
        os._exit(0)
    if argv:
        sys.exit(
            "usage: python -m course_utils.distribution.multiworker   (runs a two-worker demo)"
        )
    start = time.perf_counter()
    for result in run_local_cluster(workers=2):
        losses = result["losses"]
        print(
            f"worker {result['index']}{' (chief)' if result['chief'] else ''}: "
            f"{result['replicas']} replicas in the cluster, global batch {result['global_batch']}, "
            f"loss {losses[0]:.2f} in the first epoch, {losses[-1]:.2f} in the last"
        )
    variance = training_data()[1].var()
    print(f"variance of the targets (the loss of predicting their mean): {variance:.2f}")
    print(f"two workers trained in sync in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
