"""Where training runs: GPU detection, memory growth, mixed precision and the distribution strategy.

This is the one module that probes devices and sets TensorFlow's global state. Call :func:`setup`
once per notebook, first, and build models under the strategy it returns::

    strategy = device.setup()
    device.set_seeds()
    with strategy.scope():
        model = ...
    batch_size = device.global_batch_size(32, strategy)

The same cells then run unchanged on a CPU, one GPU or several. ``setup(split=2)`` splits a lone
device (the CPU, or a single GPU) in two, so that data parallelism can be practised on it.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from course_utils import config
from course_utils._quiet import import_tensorflow
from course_utils.validation import positive_int

if TYPE_CHECKING:
    import tensorflow

tf = import_tensorflow()

_state: dict[str, Any] = {}

# Memory of each logical GPU when setup(split=N) splits a single GPU: N × this must fit on it.
SPLIT_GPU_MEMORY_MB = 1024


def gpu_count() -> int:
    """Number of physical GPUs TensorFlow can see."""
    return len(tf.config.list_physical_devices("GPU"))


def precision_policy(capabilities: Sequence[Iterable[int] | None], allowed: bool = True) -> str:
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


def _split(
    physical: "tensorflow.config.PhysicalDevice", parts: int, memory_limit: int | None = None
) -> None:
    """Split one physical device into ``parts`` logical devices (before TensorFlow starts)."""
    wanted = [tf.config.LogicalDeviceConfiguration(memory_limit=memory_limit)] * parts
    try:
        tf.config.set_logical_device_configuration(physical, wanted)
    except RuntimeError:
        raise RuntimeError(
            f"TensorFlow has already started, so the {physical.device_type} can no longer be "
            f"split into {parts} devices. Restart the kernel and call device.setup(split=...) "
            "before any other TensorFlow code."
        ) from None


def setup(split: int | None = None) -> "tensorflow.distribute.Strategy":
    """Configure the devices and return the ``tf.distribute`` strategy to build models under.

    - GPUs: memory growth on; mixed precision as :func:`precision_policy` chooses, unless
      ``COURSE_MIXED_PRECISION=0``; ``MirroredStrategy`` over all of them when there are
      several, the default strategy with one.
    - No GPU: the default strategy on the CPU.
    - ``split=N``, to practise data parallelism on one device: the CPU (without GPUs) or a single
      GPU is split into N logical devices, ``MirroredStrategy`` mirrors over them. A split GPU
      gives each logical device ``SPLIT_GPU_MEMORY_MB`` MB of memory, without memory growth (TF
      refuses growth on a GPU that has logical devices). With several GPUs, ``split`` is ignored.
    """
    import keras

    split = positive_int("split", split, allow_none=True)
    gpus = tf.config.list_physical_devices("GPU")
    if split is not None and len(gpus) == 1:
        _split(gpus[0], split, SPLIT_GPU_MEMORY_MB)
    for gpu in gpus:
        if tf.config.get_logical_device_configuration(gpu) is not None:
            continue  # a split GPU: TF refuses memory growth beside a logical device configuration
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            pass  # the runtime is already initialised; growth was set by an earlier call
    capabilities = [
        tf.config.experimental.get_device_details(gpu).get("compute_capability") for gpu in gpus
    ]
    config.decide_profile("full" if gpus else "standard")
    policy = precision_policy(capabilities, config.mixed_precision_allowed())
    keras.mixed_precision.set_global_policy(policy)

    if gpus:
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
    elif split is not None:
        _split(tf.config.list_physical_devices("CPU")[0], split)
        devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    else:
        devices = [d.name for d in tf.config.list_logical_devices("CPU")][:1]
    if len(devices) > 1:
        strategy = tf.distribute.MirroredStrategy(devices)
    else:
        strategy = tf.distribute.get_strategy()

    names = [tf.config.experimental.get_device_details(g).get("device_name", "GPU") for g in gpus]
    kind = f"{len(gpus)} × GPU ({', '.join(sorted(set(names)))})" if gpus else "CPU"
    if len(devices) > max(1, len(gpus)):
        kind += f" split into {len(devices)} logical devices"
    _state.update(
        gpus=len(gpus),
        kind=kind,
        policy=keras.mixed_precision.global_policy().name,
        strategy=strategy,
    )
    return strategy


def set_seeds() -> None:
    """Seed Python, NumPy and TensorFlow with the course's seed (:func:`course_utils.config.seed`)."""
    import keras

    keras.utils.set_random_seed(config.seed())


def global_batch_size(per_replica: int, strategy: "tensorflow.distribute.Strategy") -> int:
    """The global batch size that gives each replica ``per_replica`` examples."""
    return positive_int("per_replica", per_replica) * strategy.num_replicas_in_sync


def describe() -> None:
    """Print device, precision policy and replica count in one line (calls :func:`setup` if needed),
    then, when the profile does not fit this machine, why and how to change it
    (:func:`course_utils.config.misfit`)."""
    if not _state:
        setup()
    strategy = _state["strategy"]
    replicas = strategy.num_replicas_in_sync
    name = type(strategy).__name__ if replicas > 1 else "default strategy"
    print(
        f"Device: {_state['kind']} · precision {_state['policy']} · "
        f"{replicas} replica{'s' if replicas > 1 else ''} ({name})"
    )
    warning = config.misfit(_state["gpus"])
    if warning:
        print(warning)
