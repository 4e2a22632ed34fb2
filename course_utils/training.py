"""Training helpers: compact progress, throughput, a learning-rate schedule, history plots.

Training cells print one line per epoch (never a progress bar per batch), and measure what the
lesson needs to compare models: samples per second and wall time.
"""

import time

import keras
import matplotlib.pyplot as plt
from IPython.display import display

from course_utils.validation import positive_int


class EpochLine(keras.callbacks.Callback):
    """Prints one line per epoch: ``epoch 3/10 · loss 0.1234 · val_loss 0.2345``."""

    def __init__(self, every=1):
        super().__init__()
        self.every = every

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs")

    def on_epoch_end(self, epoch, logs=None):
        last = epoch + 1 == self.epochs
        if (epoch + 1) % self.every and not last:
            return
        metrics = " · ".join(
            f"{k} {v:.4f}" for k, v in (logs or {}).items() if k != "learning_rate"
        )
        print(f"epoch {epoch + 1}/{self.epochs} · {metrics}")


class Throughput(keras.callbacks.Callback):
    """Measures training samples per second, leaving out the first epoch (tracing and compiling).

    After ``fit``: ``samples_per_second`` and ``seconds`` (all epochs, first included).
    """

    def __init__(self, samples_per_epoch):
        super().__init__()
        self.samples_per_epoch = positive_int("samples_per_epoch", samples_per_epoch)
        self.epoch_seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._start)

    @property
    def seconds(self):
        return sum(self.epoch_seconds)

    @property
    def samples_per_second(self):
        timed = self.epoch_seconds[1:] or self.epoch_seconds
        return self.samples_per_epoch * len(timed) / sum(timed) if timed else float("nan")


def warmup_cosine(peak, steps_per_epoch, epochs):
    """A learning-rate schedule: a linear warm-up to ``peak`` over half an epoch, then a cosine
    decay to zero at the end of the last epoch."""
    if isinstance(peak, bool) or not isinstance(peak, (int, float)) or not peak > 0:
        raise ValueError(f"peak must be a positive learning rate, got {peak!r}.")
    steps_per_epoch = positive_int("steps_per_epoch", steps_per_epoch)
    epochs = positive_int("epochs", epochs)
    warmup = steps_per_epoch // 2
    return keras.optimizers.schedules.CosineDecay(
        0.0, steps_per_epoch * epochs - warmup, warmup_target=float(peak), warmup_steps=warmup
    )


def fit(model, *args, every=1, callbacks=(), **kwargs):
    """``model.fit`` with one printed line per ``every`` epochs instead of Keras' progress bars."""
    return model.fit(*args, verbose=0, callbacks=[EpochLine(every), *callbacks], **kwargs)


def history_figure(histories, metric="loss", title=None, log=False):
    """A figure of ``metric`` (and ``val_`` + metric when present) per epoch for one or several runs.

    ``histories`` is a ``History`` or a dict ``{label: History}``.
    """
    if not isinstance(histories, dict):
        histories = {"": histories}
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for label, history in histories.items():
        for key, style in ((metric, "-"), (f"val_{metric}", "--")):
            if key in history.history:
                name = f"{label} {key}".strip()
                ax.plot(
                    range(1, len(history.history[key]) + 1), history.history[key], style, label=name
                )
    ax.set(xlabel="epoch", ylabel=metric, title=title or f"{metric} per epoch")
    if log:
        ax.set_yscale("log")
    ax.legend()
    return fig


def plot_history(histories, metric="loss", title=None, log=False):
    """Show :func:`history_figure` once in the notebook (and close it, so it is not shown twice)."""
    fig = history_figure(histories, metric, title, log)
    display(fig)
    plt.close(fig)
