"""Where training runs: GPU detection, memory growth, mixed precision and the distribution strategy.

Call :func:`setup` once per notebook and build models under the strategy it returns::

    strategy = device.setup()
    with strategy.scope():
        model = ...
    batch_size = device.global_batch_size(32, strategy)

The same cells then run unchanged on a CPU, one GPU or several.
"""

from course_utils import config
from course_utils._checks import positive_int
from course_utils._quiet import import_tensorflow

tf = import_tensorflow()

_state = {}


def gpu_count():
    """Number of physical GPUs TensorFlow can see."""
    return len(tf.config.list_physical_devices("GPU"))


def _supports_float16(gpu):
    capability = tf.config.experimental.get_device_details(gpu).get("compute_capability")
    return capability is not None and tuple(capability) >= (7, 0)


def _split_cpu(replicas):
    replicas = positive_int("cpu_replicas", replicas)
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration()] * replicas
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == replicas:
        return
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        raise RuntimeError(
            f"TensorFlow has already started, so the CPU can no longer be split into {replicas} "
            "devices. Restart the kernel and call device.setup(cpu_replicas=...) before any "
            "other TensorFlow code."
        ) from None


def setup(cpu_replicas=None):
    """Configure the devices and return the ``tf.distribute`` strategy to build models under.

    - GPUs: memory growth on; mixed precision (``mixed_float16``) when every GPU has compute
      capability 7.0 or more, unless ``COURSE_MIXED_PRECISION=0``; ``MirroredStrategy`` over
      all of them when there are several, the default strategy with one.
    - No GPU: the default strategy, or, with ``cpu_replicas=N``, the CPU split into N logical
      devices under ``MirroredStrategy`` (to practise data parallelism without GPUs).
    """
    import keras

    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            pass  # the runtime is already initialised; growth was set by an earlier call
    mixed = bool(gpus) and config.mixed_precision_allowed() and all(map(_supports_float16, gpus))
    keras.mixed_precision.set_global_policy("mixed_float16" if mixed else "float32")

    if gpus:
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
    elif cpu_replicas is not None:
        _split_cpu(cpu_replicas)
        devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    else:
        devices = [d.name for d in tf.config.list_logical_devices("CPU")][:1]
    if len(devices) > 1:
        strategy = tf.distribute.MirroredStrategy(devices)
    else:
        strategy = tf.distribute.get_strategy()

    names = [tf.config.experimental.get_device_details(g).get("device_name", "GPU") for g in gpus]
    _state.update(
        kind=f"{len(gpus)} × GPU ({', '.join(sorted(set(names)))})" if gpus else "CPU",
        policy=keras.mixed_precision.global_policy().name,
        strategy=strategy,
    )
    return strategy


def global_batch_size(per_replica, strategy):
    """The global batch size that gives each replica ``per_replica`` examples."""
    return positive_int("per_replica", per_replica) * strategy.num_replicas_in_sync


def describe():
    """Print device, precision policy and replica count in one line (calls :func:`setup` if needed)."""
    if not _state:
        setup()
    strategy = _state["strategy"]
    replicas = strategy.num_replicas_in_sync
    name = type(strategy).__name__ if replicas > 1 else "default strategy"
    print(
        f"Device: {_state['kind']} · precision {_state['policy']} · "
        f"{replicas} replica{'s' if replicas > 1 else ''} ({name})"
    )
