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


def precision_policy(capabilities, allowed=True):
    """The Keras precision policy for GPUs of the given compute capabilities, e.g. ``[(8, 0)]``.

    ``mixed_bfloat16`` when every GPU has capability 8.0 or more (A100, H100: bfloat16 keeps the
    float32 range, so no loss scaling is needed); ``mixed_float16`` when every GPU has 7.0 or more
    (V100, T4: Keras scales the loss); ``float32`` otherwise, on a CPU, or when not ``allowed``.
    """
    known = [tuple(c) for c in capabilities if c is not None]
    if not allowed or not known or len(known) < len(capabilities):
        return "float32"
    oldest = min(known)
    if oldest >= (8, 0):
        return "mixed_bfloat16"
    return "mixed_float16" if oldest >= (7, 0) else "float32"


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

    - GPUs: memory growth on; mixed precision as :func:`precision_policy` chooses, unless
      ``COURSE_MIXED_PRECISION=0``; ``MirroredStrategy`` over all of them when there are
      several, the default strategy with one.
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
    capabilities = [
        tf.config.experimental.get_device_details(gpu).get("compute_capability") for gpu in gpus
    ]
    policy = precision_policy(capabilities, config.mixed_precision_allowed())
    keras.mixed_precision.set_global_policy(policy)

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
