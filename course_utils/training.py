"""Training helpers: compact progress, throughput, a learning-rate schedule.

Training cells print one line per epoch (never a progress bar per batch), and measure what the
lesson needs to compare models: samples per second and wall time.
"""

import time
from collections.abc import Iterable
from typing import Any

import keras

from course_utils.validation import positive_int, positive_number


class EpochLine(keras.callbacks.Callback):
    """Prints one line per epoch: ``epoch 3/10 · loss 0.1234 · val_loss 0.2345``."""

    def __init__(self, every: int = 1) -> None:
        super().__init__()
        self.every = every

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epochs: int | None = self.params.get("epochs")

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        last = epoch + 1 == self.epochs
        if (epoch + 1) % self.every and not last:
            return
        metrics = " · ".join(
            f"{k} {v:.4f}" for k, v in (logs or {}).items() if k != "learning_rate"
        )
        print(f"epoch {epoch + 1}/{self.epochs} · {metrics}")


class Throughput(keras.callbacks.Callback):
    """Measures training samples per second: the time of each epoch's training steps, without its
    validation (Keras validates inside the epoch, after ``on_test_begin``), leaving out the first
    epoch (tracing and compiling).

    After ``fit``: ``samples_per_second``, and ``seconds``, the training steps' time of all epochs,
    first included.
    """

    def __init__(self, samples_per_epoch: int) -> None:
        super().__init__()
        self.samples_per_epoch = positive_int("samples_per_epoch", samples_per_epoch)
        self.epoch_seconds: list[float] = []
        self._start: float | None = None  # when the epoch began (perf_counter)
        self._trained: float | None = None  # its training steps' seconds, once validation began

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._start, self._trained = time.perf_counter(), None

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        if self._start is not None and self._trained is None:  # fit's validation begins
            self._trained = time.perf_counter() - self._start

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        trained = self._trained
        if trained is None:  # no validation: the whole epoch trained
            assert self._start is not None, "on_epoch_begin starts every epoch"
            trained = time.perf_counter() - self._start
        self.epoch_seconds.append(trained)
        self._start = None

    @property
    def seconds(self) -> float:
        return sum(self.epoch_seconds)

    @property
    def samples_per_second(self) -> float:
        timed = self.epoch_seconds[1:] or self.epoch_seconds
        return self.samples_per_epoch * len(timed) / sum(timed) if timed else float("nan")


def warmup_cosine(
    peak: float, steps_per_epoch: int, epochs: int
) -> keras.optimizers.schedules.CosineDecay:
    """A learning-rate schedule: a linear warm-up to ``peak`` over half an epoch, then a cosine
    decay to zero at the end of the last epoch."""
    peak = positive_number("peak", peak)
    steps_per_epoch = positive_int("steps_per_epoch", steps_per_epoch)
    epochs = positive_int("epochs", epochs)
    warmup = steps_per_epoch // 2
    return keras.optimizers.schedules.CosineDecay(
        0.0, steps_per_epoch * epochs - warmup, warmup_target=peak, warmup_steps=warmup
    )


def fit(
    model: keras.Model,
    *args: Any,
    every: int = 1,
    callbacks: Iterable[keras.callbacks.Callback] = (),
    **kwargs: Any,
) -> keras.callbacks.History:
    """``model.fit`` with one printed line per ``every`` epochs instead of Keras' progress bars."""
    return model.fit(*args, verbose=0, callbacks=[EpochLine(every), *callbacks], **kwargs)
