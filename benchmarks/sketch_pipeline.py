"""The textbook's QuickDraw input pipeline against the course's, on the same synthetic TFRecords.

Both train the same model (notebook 09's Conv1D + LSTM classifier) with the same optimizer (Adam,
its learning rate scaled with the square root of the batch size: 0.001 for batches of 32, 0.002
for 128) and the same decay (×0.7 per epoch):

- textbook: shuffle the records, ``batch(32)``, parse, pad each batch to its longest sketch,
  crop to 100 points, ``prefetch(1)``; every epoch parses again;
- course: parse once in large batches, ``cache``, shuffle, batches of 128 sketches of similar
  length (windows of 32 batches sorted by length, vectorised), offsets scaled to unit spread,
  no crop, ``prefetch(AUTOTUNE)``.

The two trainings run epoch by epoch in turn, so that a busy machine slows both alike. Training
samples/s leaves out each run's first epoch (tracing). Goal: ≥ 2× training throughput at equal or
better test accuracy after the same number of epochs.

    .venv/bin/python benchmarks/sketch_pipeline.py [--sketches 20000] [--epochs 6] [--batch 128]
"""

import argparse
import time

from course_utils import config, sketch_pipeline
from course_utils._quiet import import_tensorflow
from course_utils.datasets import sketches

tf = import_tensorflow()
import keras  # noqa: E402  (after the quiet TensorFlow import)


def build_model(n_classes, learning_rate):
    """Notebook 09's classifier: the textbook's Conv1D + LSTM stack, ``padding="same"`` (short
    sketches stay valid) and layer normalisation (batch statistics differ between length buckets)."""
    model = keras.Sequential([keras.Input(shape=(None, 3))])
    for filters, kernel in ((32, 5), (64, 5), (128, 3)):
        model.add(
            keras.layers.Conv1D(filters, kernel, strides=2, padding="same", activation="relu")
        )
        model.add(keras.layers.LayerNormalization())
    model.add(keras.layers.LSTM(128, return_sequences=True))
    model.add(keras.layers.LSTM(128))
    model.add(keras.layers.Dense(n_classes, activation="softmax", dtype="float32"))
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0),
        metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(5, name="top5")],
    )
    return model


def pipeline_rate(dataset, n):
    """Samples per second of one full pass over ``dataset`` (``n`` samples)."""
    start = time.perf_counter()
    for _ in dataset:
        pass
    return n / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sketches", type=int, default=20_000, help="training sketches")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=128, help="the course pipeline's batch size")
    parser.add_argument("--window", type=int, default=32, help="batches sorted by length together")
    parser.add_argument(
        "--learning-rate", type=float, default=1e-3, help="for batches of 32 (scaled for others)"
    )
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(config.seed())

    files = sketches.synthetic_tfrecords(args.sketches, args.sketches // 5, seed=0, shards=10)
    n = args.sketches
    textbook = sketch_pipeline.textbook_dataset(files.train, 32, shuffle_buffer_size=10_000)
    textbook_test = sketch_pipeline.textbook_dataset(files.test, 32)
    elements = sketch_pipeline.sketches(files.train)
    scale = sketch_pipeline.offset_scale(elements)
    ours = sketch_pipeline.sketch_dataset(
        elements, args.batch, window=args.window, scale=scale, shuffle_buffer=n
    )
    ours_test = sketch_pipeline.sketch_dataset(
        sketch_pipeline.sketches(files.test), args.batch, scale=scale
    )
    n_classes = len(files.class_names)
    print(f"{n:,} training sketches, {len(files.class_names)} classes, {args.epochs} epochs")

    input_rate = {}
    for name, ds in (("textbook", textbook), ("course", ours)):
        first, later = pipeline_rate(ds, n), pipeline_rate(ds, n)
        input_rate[name] = later
        print(
            f"input pipeline · {name:8s}: {first:9,.0f} samples/s first pass, "
            f"{later:9,.0f} later passes · padding {sketch_pipeline.padding_fraction(ds):.0%}"
        )
    print(
        f"input pipeline ratio (later passes): {input_rate['course'] / input_rate['textbook']:.2f}×"
    )

    runs = {"textbook": textbook, "course": ours}
    batch = {"textbook": 32, "course": args.batch}
    lr = {name: args.learning_rate * (batch[name] / 32) ** 0.5 for name in runs}
    models = {name: build_model(n_classes, lr[name]) for name in runs}
    decay = {
        name: keras.callbacks.LearningRateScheduler(lambda epoch, lr0=lr[name]: lr0 * 0.7**epoch)
        for name in runs
    }
    seconds = {name: [] for name in runs}
    for epoch in range(args.epochs):
        for name, ds in runs.items():
            start = time.perf_counter()
            models[name].fit(
                ds, initial_epoch=epoch, epochs=epoch + 1, callbacks=[decay[name]], verbose=0
            )
            seconds[name].append(time.perf_counter() - start)
    train_rate = {}
    for name in runs:
        timed = seconds[name][1:] or seconds[name]
        train_rate[name] = n * len(timed) / sum(timed)
        print(f"training · {name:8s}: {train_rate[name]:7,.0f} samples/s")
    print(f"training ratio: {train_rate['course'] / train_rate['textbook']:.2f}×")

    plural = "s" if args.epochs > 1 else ""
    for name, test in (("textbook", textbook_test), ("course", ours_test)):
        _, top1, top5 = models[name].evaluate(test, verbose=0)
        print(
            f"test accuracy after {args.epochs} epoch{plural} · {name:8s}: "
            f"top-1 {top1:.1%}, top-5 {top5:.1%}"
        )


if __name__ == "__main__":
    main()
