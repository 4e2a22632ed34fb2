"""Import TensorFlow once, without its start-up noise reaching the notebook or the terminal.

TensorFlow writes C++ log lines straight to file descriptor 2 while it loads, whatever
``TF_CPP_MIN_LOG_LEVEL`` says, so Python-level redirection is not enough: the descriptor itself
is pointed at /dev/null for the duration of the import and of the first device query.
"""

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from types import ModuleType

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_initialised = False  # import_tensorflow() has run to its end once


@contextlib.contextmanager
def silenced_stderr() -> Iterator[None]:
    """Send everything written to file descriptor 2 to /dev/null inside the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow() -> ModuleType:
    """Return the ``tensorflow`` module, imported and initialised quietly (idempotent)."""
    global _initialised
    if "tensorflow" in sys.modules and _initialised:
        return sys.modules["tensorflow"]
    with silenced_stderr():
        import tensorflow as tf

        tf.get_logger().setLevel(logging.ERROR)
        logging.getLogger("absl").setLevel(logging.ERROR)
        # The first device query initialises the runtime, which logs too (CPU features, CUDA).
        tf.config.list_physical_devices()
    warnings.filterwarnings("ignore", module=r"(keras|tensorflow)(\.|$)")
    _initialised = True
    return tf
