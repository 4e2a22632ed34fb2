"""course_utils.training: one line per epoch, throughput, a learning-rate schedule."""

import numpy as np
import pytest

from course_utils import device, training


def _model():
    import keras

    model = keras.Sequential(
        [keras.Input((4, 2)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_prints_one_line_per_epoch_and_measures_throughput(capsys):
    device.setup()
    x, y = np.zeros((16, 4, 2), "float32"), np.zeros((16, 1), "float32")
    speed = training.Throughput(samples_per_epoch=16)
    history = training.fit(
        _model(), x, y, epochs=3, batch_size=8, validation_data=(x, y), callbacks=[speed]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" · ")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert "val_loss" in lines[0]
    assert len(speed.epoch_seconds) == 3 and speed.samples_per_second > 0
    assert len(history.history["loss"]) == 3


def test_throughput_leaves_validation_out(monkeypatch):
    """An epoch's training time ends where its validation begins, when there is one."""
    clock = iter([0.0, 2.0, 10.0, 13.0])  # begin, validation begins; begin, end
    monkeypatch.setattr(training.time, "perf_counter", lambda: next(clock))
    speed = training.Throughput(samples_per_epoch=6)
    speed.on_epoch_begin(0)
    speed.on_test_begin()
    speed.on_epoch_end(0)
    speed.on_epoch_begin(1)
    speed.on_epoch_end(1)
    assert speed.epoch_seconds == [2.0, 3.0] and speed.samples_per_second == 2.0
    speed.on_test_begin()  # an evaluate outside fit changes nothing
    assert speed.epoch_seconds == [2.0, 3.0]


def test_keras_validates_inside_the_epoch():
    """What the throughput relies on: fit calls on_test_begin after on_epoch_begin and before
    on_epoch_end."""
    import keras

    calls = []

    class Record(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            calls.append("epoch begins")

        def on_test_begin(self, logs=None):
            calls.append("validation begins")

        def on_epoch_end(self, epoch, logs=None):
            calls.append("epoch ends")

    x, y = np.zeros((8, 4, 2), "float32"), np.zeros((8, 1), "float32")
    _model().fit(x, y, epochs=1, validation_data=(x, y), verbose=0, callbacks=[Record()])
    assert calls == ["epoch begins", "validation begins", "epoch ends"]


def test_every_n_epochs_still_prints_the_last(capsys):
    x, y = np.zeros((8, 4, 2), "float32"), np.zeros((8, 1), "float32")
    training.fit(_model(), x, y, epochs=5, every=2)
    firsts = [line.split(" · ")[0] for line in capsys.readouterr().out.splitlines()]
    assert firsts == ["epoch 2/5", "epoch 4/5", "epoch 5/5"]


@pytest.mark.parametrize("bad", [0, 1.5, None])
def test_throughput_validates(bad):
    with pytest.raises(ValueError, match="positive integer"):
        training.Throughput(bad)


def test_warmup_cosine_rises_for_half_an_epoch_then_decays_to_zero():
    schedule = training.warmup_cosine(0.002, steps_per_epoch=10, epochs=3)
    rates = [float(schedule(step)) for step in range(31)]
    assert rates[0] == 0 and rates[5] == pytest.approx(0.002)
    assert all(a < b for a, b in zip(rates[:5], rates[1:6], strict=True))  # warm-up
    assert all(a > b for a, b in zip(rates[5:30], rates[6:31], strict=True))  # decay
    assert rates[30] == pytest.approx(0, abs=1e-9)
    one_step = training.warmup_cosine(0.1, steps_per_epoch=1, epochs=1)
    assert float(one_step(0)) == pytest.approx(0.1)  # no warm-up to speak of


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 10, 3), "peak must be a positive number"),
        (("0.1", 10, 3), "peak must be a positive number"),
        ((0.1, 0, 3), "steps_per_epoch must be a positive integer"),
        ((0.1, 10, 2.5), "epochs must be a positive integer"),
    ],
)
def test_warmup_cosine_validates(args, message):
    with pytest.raises(ValueError, match=message):
        training.warmup_cosine(*args)
