"""Input pipelines for stroke sketches: the textbook's, and a faster one that pads far less.

Both read the QuickDraw tutorial's TFRecord format (see :mod:`course_utils.sketches.data`).

- :func:`textbook_dataset` is the pipeline of the book's solution: shuffle, ``batch(32)``, parse
  each batch, pad it to its longest sketch, crop to 100 points, ``prefetch(1)``. Every epoch
  parses the records again, and a batch holding one long sketch pads all 32 to its length.
- :func:`sketch_dataset` parses in large batches once, crops where a limit is given (notebook 09
  and the benchmark use the book's 100 points) and caches the sketches as ragged tensors, a chunk
  of thousands at a time; each epoch only permutes each chunk and groups its sketches into
  batches of similar length (sorting windows of a few batches), all in whole-chunk operations
  with a single gather of the sketches, so little padding is computed; it scales the offsets to
  unit spread, and prefetches with ``AUTOTUNE``.

Lengths are cropped only where a limit is given; :func:`crop_report` measures what a crop cuts.
"""

import numpy as np

from course_utils._quiet import import_tensorflow
from course_utils.validation import positive_int

tf = import_tensorflow()

FEATURES = {
    "ink": tf.io.VarLenFeature(dtype=tf.float32),
    "shape": tf.io.FixedLenFeature([2], dtype=tf.int64),
    "class_index": tf.io.FixedLenFeature([1], dtype=tf.int64),
}


def parse_batch(serialized):
    """A batch of serialized records → (ragged ink ``[batch, (length), 3]``, labels ``[batch]``)."""
    examples = tf.io.parse_example(serialized, FEATURES)
    points = tf.reshape(examples["ink"].values, [-1, 3])
    ink = tf.RaggedTensor.from_row_lengths(points, examples["shape"][:, 0])
    return ink, examples["class_index"][:, 0]


def _check_files(files):
    if isinstance(files, (str, bytes)) or not len(files):
        raise ValueError(f"files must be a non-empty list of TFRecord paths, got {files!r}.")
    return [str(f) for f in files]


def sketches(files, max_length=None, parse_batch_size=1024):
    """Unbatched ``(ink [length, 3], label)`` pairs, parsed with batched ``tf.io`` calls.

    ``max_length`` keeps at most that many points of each sketch (the first ones).
    """
    files = _check_files(files)
    positive_int("max_length", max_length, allow_none=True)
    ds = tf.data.TFRecordDataset(files, num_parallel_reads=tf.data.AUTOTUNE)
    ds = ds.batch(parse_batch_size).map(parse_batch, num_parallel_calls=tf.data.AUTOTUNE)
    if max_length is not None:
        ds = ds.map(lambda ink, label: (ink[:, :max_length], label))
    # Unbatching a ragged batch yields one dense [length, 3] sketch per element.
    return ds.unbatch().map(lambda ink, label: (tf.identity(ink), label))


def from_arrays(inks, labels):
    """The same ``(ink, label)`` elements from in-memory ink arrays (e.g. read from ``.npz``)."""
    if len(inks) != len(labels) or not len(inks):
        raise ValueError(
            f"need as many labels as inks (got {len(inks)} and {len(labels)}), at least one."
        )
    lengths = np.array([len(i) for i in inks])
    flat = np.concatenate([np.asarray(i, np.float32).reshape(-1, 3) for i in inks])
    ragged = tf.RaggedTensor.from_row_lengths(flat, lengths)
    ds = tf.data.Dataset.from_tensor_slices((ragged, np.asarray(labels, np.int64)))
    return ds.map(lambda ink, label: (tf.identity(ink), label))


def lengths_of(dataset):
    """The length of every sketch of an unbatched ``(ink, label)`` dataset, as a NumPy array."""
    lengths = dataset.map(lambda ink, label: tf.shape(ink)[0]).batch(4096)
    return np.concatenate([np.empty(0, int), *lengths.as_numpy_iterator()]).astype(int)


def offset_scale(dataset, take=5000):
    """The standard deviation of Δx and Δy over (up to ``take``) sketches: the unit to divide by."""
    offsets = dataset.take(take).map(lambda ink, label: ink[:, :2]).ragged_batch(take)
    return float(next(iter(offsets)).flat_values.numpy().std())


def sketch_dataset(
    elements,
    batch_size,
    *,
    crop=None,
    window=32,
    scale=1.0,
    shuffle_buffer=None,
    seed=None,
    cache=True,
):
    """Batches of similar-length sketches from unbatched ``(ink, label)`` elements.

    Holds the sketches as ragged tensors in chunks of ``shuffle_buffer`` sketches (at least one
    window of ``window`` batches), keeps at most ``crop`` points of each (the first ones; all of
    them when ``crop`` is ``None``) and caches them (``cache``). When ``shuffle_buffer`` is given,
    every epoch shuffles the chunks, permutes the sketches of each chunk and shuffles the batches.
    A window at a time, it sorts the sketches by length and cuts them into batches, each padded
    only to its own longest sketch. Each step works on a whole chunk, not sketch by sketch (with
    ``cache``, only the first epoch builds the chunks from single sketches).
    Δx and Δy are divided by ``scale``; batches are prefetched with ``AUTOTUNE``.
    """
    positive_int("batch_size", batch_size)
    positive_int("window", window)
    positive_int("crop", crop, allow_none=True)
    positive_int("shuffle_buffer", shuffle_buffer, allow_none=True)
    if not scale > 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}.")
    per_window = batch_size * window

    def sort_and_cut(ink, label, key=None):
        n = tf.shape(label, out_type=tf.int64)[0]
        order = tf.range(n)
        if key is not None:  # a new permutation of the chunk each epoch
            order = tf.cast(tf.argsort(tf.random.stateless_uniform([n], seed=key)), tf.int64)
        lengths = tf.gather(ink.row_lengths(), order)
        by_window_then_length = (tf.range(n) // per_window) * (tf.reduce_max(lengths) + 1) + lengths
        # Permute, then sort each window: one gather of the sketches for both.
        order = tf.gather(order, tf.argsort(by_window_then_length, stable=True))
        starts = tf.range(0, n, batch_size)
        return (
            tf.RaggedTensor.from_row_starts(tf.gather(ink, order), starts),
            tf.RaggedTensor.from_row_starts(tf.gather(label, order), starts),
        )

    ds = elements.ragged_batch(max(shuffle_buffer or 0, per_window))
    if crop is not None:
        ds = ds.map(lambda ink, label: (ink[:, :crop], label))
    if cache:
        ds = ds.cache()
    if shuffle_buffer:
        keys = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = ds.shuffle(16, seed=seed, reshuffle_each_iteration=True)
        ds = tf.data.Dataset.zip(ds, keys).map(lambda chunk, key: sort_and_cut(*chunk, key))
    else:
        ds = ds.map(sort_and_cut)
    ds = ds.unbatch()
    if shuffle_buffer:
        ds = ds.shuffle(4 * window, seed=seed, reshuffle_each_iteration=True)
    factor = tf.constant([1 / scale, 1 / scale, 1.0])
    ds = ds.map(
        lambda ink, label: (ink.to_tensor() * factor, label), num_parallel_calls=tf.data.AUTOTUNE
    )
    return ds.prefetch(tf.data.AUTOTUNE)


def textbook_dataset(files, batch_size=32, shuffle_buffer_size=None, crop=100):
    """The book's pipeline: shuffle records, ``batch``, parse and pad, crop, ``prefetch(1)``."""
    files = _check_files(files)

    def parse(data_batch):
        examples = tf.io.parse_example(data_batch, FEATURES)
        flat_sketches = tf.sparse.to_dense(examples["ink"])
        sketches = tf.reshape(flat_sketches, shape=[tf.size(data_batch), -1, 3])
        return sketches[:, :crop], examples["class_index"][:, 0]

    ds = tf.data.TFRecordDataset(files, num_parallel_reads=5)
    if shuffle_buffer_size:
        ds = ds.shuffle(shuffle_buffer_size)
    ds = ds.batch(batch_size).map(parse, num_parallel_calls=5)
    return ds.prefetch(1)


def padding_fraction(batches, take=None):
    """The share of the points in padded batches that are padding (all-zero rows at the end).

    A padding row is ``(0, 0, 0)``; real points almost never are, since consecutive points differ.
    """
    real = total = 0
    for ink, _ in batches.take(take or -1):
        ink = np.asarray(ink)
        nonzero = np.any(ink != 0, axis=-1)
        last = np.where(nonzero.any(axis=1), ink.shape[1] - np.argmax(nonzero[:, ::-1], axis=1), 0)
        real += int(last.sum())
        total += ink.shape[0] * ink.shape[1]
    return 1 - real / total


def crop_report(lengths, crop):
    """What cropping to ``crop`` points does: the share of sketches cut and of points dropped."""
    lengths = np.asarray(lengths)
    positive_int("crop", crop)
    return {
        "sketches_cut": float((lengths > crop).mean()),
        "points_dropped": float(np.maximum(lengths - crop, 0).sum() / lengths.sum()),
    }
