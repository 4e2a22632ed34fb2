"""course_utils.distribution.multiworker: TF_CONFIG, and a real two-worker cluster on 127.0.0.1,
training with the custom loop of course_utils.distribution.replica_loop."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from course_utils.distribution import multiworker


def test_tf_config_names_the_cluster_and_this_worker():
    config = multiworker.tf_config(["a:1", "b:2", "c:3"], 2)
    assert config == {
        "cluster": {"worker": ["a:1", "b:2", "c:3"]},
        "task": {"type": "worker", "index": 2},
    }


@pytest.mark.parametrize(
    "addresses, index, error",
    [
        ("a:1", 0, TypeError),
        ([1, 2], 0, TypeError),
        ([], 0, ValueError),
        (["a:1", "b:2"], 2, ValueError),
        (["a:1", "b:2"], -1, ValueError),
        (["a:1"], True, ValueError),
    ],
)
def test_tf_config_rejects_bad_input(addresses, index, error):
    with pytest.raises(error):
        multiworker.tf_config(addresses, index)


def test_free_ports_are_distinct():
    ports = multiworker.free_ports(3)
    assert len(set(ports)) == 3 and all(1 <= p < 65536 for p in ports)
    with pytest.raises(ValueError, match="positive integer"):
        multiworker.free_ports(0)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"workers": 0}, "positive integer"),
        ({"per_replica_batch": 2.5}, "positive integer"),
        ({"epochs": 0}, "positive integer"),
        ({"route": "keras"}, 'route must be "loop" or "fit"'),
    ],
)
def test_run_local_cluster_validates(kwargs, error):
    with pytest.raises(ValueError, match=error):
        multiworker.run_local_cluster(**kwargs)


@pytest.fixture
def started(monkeypatch):
    """Record every process the cluster starts, to check that none outlives it."""
    processes = []
    popen = subprocess.Popen

    def recording(*args, **kwargs):
        process = popen(*args, **kwargs)
        if "course_utils.distribution.multiworker" in args[0]:
            processes.append(process)
        return process

    monkeypatch.setattr(multiworker.subprocess, "Popen", recording)
    return processes


def test_two_workers_train_in_sync_like_one_device_with_the_global_batch(started):
    from course_utils._quiet import import_tensorflow

    tf = import_tensorflow()
    from course_utils.distribution import replica_loop

    results = multiworker.run_local_cluster(workers=2, per_replica_batch=8, timeout=300)
    assert [r["index"] for r in results] == [0, 1]
    assert [r["chief"] for r in results] == [True, False]
    assert all(r["replicas"] == 2 and r["global_batch"] == 16 for r in results)
    first, second = ([np.array(w) for w in r["weights"]] for r in results)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    losses, weights = replica_loop.train(
        tf.distribute.get_strategy(), per_replica_batch=16, epochs=len(results[0]["losses"])
    )
    np.testing.assert_allclose(results[0]["losses"], losses, rtol=1e-5)
    variance = multiworker.training_data()[1].var()  # the loss of predicting the targets' mean
    assert 0.9 < variance < 1.3 and losses[0] > 0.9 * variance and losses[-1] < 0.1 * variance
    for a, b in zip(first, weights, strict=True):
        np.testing.assert_allclose(a, np.array(b), atol=1e-5)
    assert len(started) == 2 and all(p.poll() is not None for p in started)


def test_keras_fit_does_not_run_under_multiworker_mirrored_strategy(started):
    """What notebook 11 says of Keras 3.15: its fit fails on a cluster (keras-team/keras#20585).
    If a Keras release fixes it, this test fails, and the notebook must say so."""
    results = multiworker.run_local_cluster(workers=2, epochs=1, route="fit", timeout=300)
    assert [r["index"] for r in results] == [0, 1]
    for result in results:
        assert result["fit_error"].startswith("ValueError: Attempt to convert a value (PerReplica")
    assert len(started) == 2 and all(p.poll() is not None for p in started)


@pytest.mark.parametrize("kwargs", [{"per_replica_batch": 0}, {"epochs": 0}])
def test_train_validates(kwargs):
    from course_utils._quiet import import_tensorflow

    tf = import_tensorflow()
    from course_utils.distribution import replica_loop

    sizes = {"per_replica_batch": 8, "epochs": 1, **kwargs}
    with pytest.raises(ValueError, match="positive integer"):
        replica_loop.train(tf.distribute.get_strategy(), **sizes)


def test_train_under_mirrored_strategy_on_two_logical_devices_matches_one_device():
    code = """
        import numpy as np
        from course_utils import device
        strategy = device.setup(split=2)  # logical devices must be set before TensorFlow starts
        import tensorflow as tf
        from course_utils.distribution import replica_loop
        _, mirrored = replica_loop.train(strategy, per_replica_batch=8, epochs=3)
        _, single = replica_loop.train(tf.distribute.get_strategy(), per_replica_batch=16, epochs=3)
        print(max(float(np.abs(np.array(a) - np.array(b)).max()) for a, b in zip(mirrored, single)))
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert float(result.stdout) < 1e-5


def test_a_cluster_that_overruns_its_time_is_killed(started):
    with pytest.raises(TimeoutError, match="did not finish within 1 s"):
        multiworker.run_local_cluster(workers=2, timeout=1)
    assert len(started) == 2 and all(p.poll() is not None for p in started)


def test_a_failing_worker_is_reported_with_its_output(started, monkeypatch):
    monkeypatch.setattr(multiworker.sys, "executable", "/bin/false")
    with pytest.raises(RuntimeError, match=r"worker 0 failed \(exit code 1\)"):
        multiworker.run_local_cluster(workers=2, timeout=30)
    assert all(p.poll() is not None for p in started)


def test_importing_multiworker_leaves_tensorflow_unloaded():
    """The workers load TensorFlow quietly, then the custom loop; the parent process never does."""
    code = (
        "import sys; from course_utils.distribution import multiworker; print(sorted(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(eval(result.stdout))  # a printed list of module names
    assert not {"tensorflow", "keras", "course_utils.distribution.replica_loop"} & loaded
