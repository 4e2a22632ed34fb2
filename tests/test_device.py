"""course_utils.device on the CPU, including a data-parallel run over 2 logical CPU devices."""

import subprocess
import sys
import textwrap

import pytest

from course_utils import device


def test_setup_on_cpu_gives_the_default_strategy(capsys):
    if device.gpu_count():
        pytest.skip("this test describes a machine without a GPU")
    strategy = device.setup()
    assert strategy.num_replicas_in_sync == 1
    assert device.global_batch_size(32, strategy) == 32
    device.describe()
    out = capsys.readouterr().out
    assert out == "Device: CPU · precision float32 · 1 replica (default strategy)\n"


@pytest.mark.parametrize(
    "capabilities, allowed, policy",
    [
        ([(8, 0)], True, "mixed_bfloat16"),  # A100
        ([(9, 0), (9, 0)], True, "mixed_bfloat16"),  # two H100
        ([(7, 5)], True, "mixed_float16"),  # T4
        ([(8, 6), (7, 0)], True, "mixed_float16"),  # the oldest GPU decides
        ([(6, 1)], True, "float32"),  # P100: no tensor cores
        ([(8, 0), None], True, "float32"),  # a GPU whose capability is unknown
        ([], True, "float32"),  # the CPU
        ([(9, 0)], False, "float32"),  # COURSE_MIXED_PRECISION=0
    ],
)
def test_the_precision_policy_follows_the_gpus_compute_capability(capabilities, allowed, policy):
    assert device.precision_policy(capabilities, allowed) == policy


def test_mixed_precision_stays_off_on_cpu():
    import keras

    device.setup()
    assert keras.mixed_precision.global_policy().name == "float32"


@pytest.mark.parametrize("bad", [0, -1, 2.0, "2", True])
def test_global_batch_size_validates(bad):
    with pytest.raises(ValueError, match="positive integer"):
        device.global_batch_size(bad, device.setup())


def _run(code):
    """Run ``code`` in a fresh interpreter (logical devices must be set before TensorFlow starts)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )


def test_two_logical_cpu_devices_train_in_sync():
    result = _run(
        """
        import numpy as np
        from course_utils import device
        strategy = device.setup(cpu_replicas=2)
        import keras
        with strategy.scope():
            model = keras.Sequential([keras.Input((5, 3)), keras.layers.GRU(4), keras.layers.Dense(1)])
            model.compile(optimizer="sgd", loss="mse")
        x, y = np.ones((8, 5, 3), "float32"), np.zeros((8, 1), "float32")
        model.fit(x, y, batch_size=device.global_batch_size(2, strategy), epochs=1, verbose=0)
        device.describe()
        print("global batch", device.global_batch_size(2, strategy))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "2 replicas (MirroredStrategy)" in result.stdout
    assert "global batch 4" in result.stdout


def test_splitting_the_cpu_too_late_says_what_to_do():
    result = _run(
        """
        from course_utils import device
        import tensorflow as tf
        tf.constant(1.0) + 1  # starts the runtime
        try:
            device.setup(cpu_replicas=2)
        except RuntimeError as exc:
            print("ERROR:", exc)
        """
    )
    assert "ERROR: TensorFlow has already started" in result.stdout, result.stderr[-2000:]
    assert "Restart the kernel" in result.stdout


def test_importing_the_package_writes_nothing_to_stderr():
    result = _run("from course_utils import device; import tensorflow as tf; tf.constant(1) + 1")
    assert result.returncode == 0
    assert result.stderr == ""
