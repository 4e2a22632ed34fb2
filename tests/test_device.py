"""course_utils.device on the CPU, including a data-parallel run over 2 logical CPU devices, and
its GPU paths with TensorFlow's device functions mocked (there is no GPU here)."""

import os
import subprocess
import sys
import textwrap
from unittest import mock

import pytest

from course_utils import device

tf = device.tf


def test_setup_on_cpu_gives_the_default_strategy(capsys, monkeypatch):
    if device.gpu_count():
        pytest.skip("this test describes a machine without a GPU")
    monkeypatch.setenv("COURSE_PROFILE", "standard")  # the profile that fits: one line, no more
    strategy = device.setup()
    assert strategy.num_replicas_in_sync == 1
    assert device.global_batch_size(32, strategy) == 32
    device.describe()
    out = capsys.readouterr().out
    assert out == "Device: CPU · precision float32 · 1 replica (default strategy)\n"


@pytest.mark.parametrize("profile, says", [("smoke", "learn"), ("full", "meant for a GPU")])
def test_a_profile_that_does_not_fit_the_cpu_says_so_after_the_device(
    profile, says, monkeypatch, capsys
):
    if device.gpu_count():
        pytest.skip("this test describes a machine without a GPU")
    monkeypatch.setenv("COURSE_PROFILE", profile)
    device.setup()
    device.describe()
    out = capsys.readouterr().out
    first, warning, *rest = out.splitlines()
    assert first == "Device: CPU · precision float32 · 1 replica (default strategy)"
    assert warning.startswith(f"⚠ The {profile} profile") and says in out
    assert rest[-1].endswith("or `COURSE_PROFILE=standard make lab`.")


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
        strategy = device.setup(split=2)
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
    assert "Device: CPU split into 2 logical devices" in result.stdout
    assert "2 replicas (MirroredStrategy)" in result.stdout
    assert "global batch 4" in result.stdout


def test_splitting_the_cpu_too_late_says_what_to_do():
    result = _run(
        """
        from course_utils import device
        import tensorflow as tf
        tf.constant(1.0) + 1  # starts the runtime
        try:
            device.setup(split=2)
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


@pytest.fixture
def fake_gpus(monkeypatch):
    """Pretend TensorFlow sees ``n`` T4 GPUs: returns a function ``n → record`` of what setup did."""
    import keras

    record = {"split": {}, "growth": [], "mirrored": None}

    def install(n):
        gpus = [tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(n)]
        physical = tf.config.list_physical_devices

        def set_growth(gpu, enable):
            if gpu in record["split"]:  # as TensorFlow does
                raise ValueError(
                    "Cannot set memory growth on device when virtual devices configured"
                )
            record["growth"].append((gpu.name, enable))

        def logical(kind=None):
            if kind != "GPU":
                return tf.config.list_logical_devices(kind)
            count = sum(len(record["split"].get(gpu, [None])) for gpu in gpus)
            return [tf.config.LogicalDevice(f"/device:GPU:{i}", "GPU") for i in range(count)]

        class MirroredStrategy:  # records its devices instead of placing anything on them
            def __init__(self, devices):
                record["mirrored"] = list(devices)
                self.num_replicas_in_sync = len(devices)

        details = {"device_name": "Tesla T4", "compute_capability": (7, 5)}
        for target, fake in [
            ("list_physical_devices", lambda kind=None: gpus if kind == "GPU" else physical(kind)),
            ("get_logical_device_configuration", lambda gpu: record["split"].get(gpu)),
            ("set_logical_device_configuration", record["split"].__setitem__),
            ("list_logical_devices", logical),
        ]:
            monkeypatch.setattr(tf.config, target, mock.Mock(side_effect=fake))
        monkeypatch.setattr(tf.config.experimental, "set_memory_growth", set_growth)
        monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda gpu: details)
        monkeypatch.setattr(tf.distribute, "MirroredStrategy", MirroredStrategy)
        return record

    yield install
    keras.mixed_precision.set_global_policy("float32")


def test_a_single_gpu_is_split_into_logical_gpus_without_memory_growth(
    fake_gpus, capsys, monkeypatch
):
    monkeypatch.setenv("COURSE_PROFILE", "full")  # the GPU's profile: nothing to warn about
    record = fake_gpus(1)
    strategy = device.setup(split=2)
    gpu = tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")
    limit = tf.config.LogicalDeviceConfiguration(memory_limit=device.SPLIT_GPU_MEMORY_MB)
    assert record["split"] == {gpu: [limit, limit]}
    assert record["growth"] == []
    assert record["mirrored"] == ["/device:GPU:0", "/device:GPU:1"]
    assert device.global_batch_size(32, strategy) == 64
    device.describe()
    assert capsys.readouterr().out == (
        "Device: 1 × GPU (Tesla T4) split into 2 logical devices · precision mixed_float16 · "
        "2 replicas (MirroredStrategy)\n"
    )


def test_setup_on_a_split_gpu_can_run_again(fake_gpus):
    record = fake_gpus(1)
    device.setup(split=2)
    device.setup(split=2)
    assert record["growth"] == []
    assert record["mirrored"] == ["/device:GPU:0", "/device:GPU:1"]


def test_one_gpu_without_split_grows_its_memory_under_the_default_strategy(
    fake_gpus, capsys, monkeypatch
):
    monkeypatch.delenv("COURSE_PROFILE")  # full, the default with a GPU, fits
    record = fake_gpus(1)
    strategy = device.setup()
    assert record["split"] == {} and record["mirrored"] is None
    assert record["growth"] == [("/physical_device:GPU:0", True)]
    assert strategy.num_replicas_in_sync == 1
    device.describe()
    assert capsys.readouterr().out == (
        "Device: 1 × GPU (Tesla T4) · precision mixed_float16 · 1 replica (default strategy)\n"
    )


def test_several_gpus_are_mirrored_as_they_are_even_with_split(fake_gpus):
    record = fake_gpus(2)
    strategy = device.setup(split=4)
    assert record["split"] == {}
    assert record["growth"] == [("/physical_device:GPU:0", True), ("/physical_device:GPU:1", True)]
    assert record["mirrored"] == ["/device:GPU:0", "/device:GPU:1"]
    assert strategy.num_replicas_in_sync == 2


def test_splitting_a_gpu_too_late_says_what_to_do(fake_gpus):
    fake_gpus(1)
    started = RuntimeError("Virtual devices cannot be modified after being initialized")
    tf.config.set_logical_device_configuration.side_effect = started
    with pytest.raises(RuntimeError, match="the GPU can no longer be split into 2 devices"):
        device.setup(split=2)


@pytest.mark.parametrize("bad", [0, -1, 2.0, "2", True])
def test_split_validates(bad):
    with pytest.raises(ValueError, match="split must be a positive integer"):
        device.setup(split=bad)


def test_set_seeds_makes_keras_repeatable(monkeypatch):
    import keras

    monkeypatch.setenv("COURSE_SEED", "3")
    device.set_seeds()
    first = keras.random.normal((4,)).numpy()
    device.set_seeds()
    assert (keras.random.normal((4,)).numpy() == first).all()


def test_setup_makes_full_the_default_profile_only_with_a_gpu():
    code = (
        "from course_utils import config, device\n"
        "device.setup()\nprint(config.profile_name(), device.gpu_count())"
    )
    env = {k: v for k, v in os.environ.items() if k != "COURSE_PROFILE"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    profile, gpus = out.split()[-2:]
    assert profile == ("full" if int(gpus) else "standard")
