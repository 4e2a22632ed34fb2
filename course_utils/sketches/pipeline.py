"""Input pipelines for stroke sketches: the textbook's, and a faster one that pads far less.

Both read the QuickDraw tutorial's TFRecord format (see :mod:`course_utils.sketches.data`).

- :func:`textbook_dataset` is the pipeline of the book's solution: shuffle, ``batch(32)``, parse
  each batch, pad it to its longest sketch, crop to 100 points, ``prefetch(1)``. Every epoch
  parses the records again, and a batch holding one long sketch pads all 32 to its length.
- :func:`sketch_dataset` runs the sketches, parsed in large batches by :func:`sketches`, through
  one small function a step. :func:`cached_chunks` crops them where a limit is given (notebook 09
  and the benchmark use the book's 100 points) and caches them as ragged tensors, a chunk of
  thousands at a time, so that they are parsed once. Each epoch, :func:`shuffled_chunks` shuffles
  the chunks and gives each a random key; :func:`length_batches` permutes each chunk with its key
  and groups its sketches into batches of similar length (sorting windows of a few batches), in
  whole-chunk operations with a single gather of the sketches, so little padding is computed; the
  batches are shuffled, :func:`padded_and_scaled` pads them and scales the offsets to unit
  spread, and they are prefetched with ``AUTOTUNE``.

Lengths are cropped only where a limit is given; :func:`crop_report` measures what a crop cuts.
"""

import numpy as np

from course_utils import validation
from course_utils._quiet import import_tensorflow

tf = import_tensorflow()


# --- lesson code: begin (made by `make lesson-code` from the notebooks' save cells) ---
# From notebooks/09_sketchrnn_classification.ipynb, section "One record, parsed with `tf.io`":
# edit it in the notebook, then run `make lesson-code`.
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


# From notebooks/09_sketchrnn_classification.ipynb, section "The book's pipeline": edit it in the
# notebook, then run `make lesson-code`.
def textbook_dataset(files, batch_size=32, shuffle_buffer_size=None, crop=100):
    """The book's pipeline: shuffle records, ``batch``, parse and pad, crop, ``prefetch(1)``."""
    files = check_files(files)

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


# From notebooks/09_sketchrnn_classification.ipynb, section "A pipeline that pads less": edit it
# in the notebook, then run `make lesson-code`.
def cached_chunks(elements, chunk_size, crop=None, cache=True):
    """The sketches as ragged tensors, ``chunk_size`` at a time, each cropped to its first
    ``crop`` points (all of them when ``crop`` is ``None``), and cached (``cache``)."""
    chunks = elements.ragged_batch(chunk_size)
    if crop is not None:
        chunks = chunks.map(lambda ink, label: (ink[:, :crop], label))
    return chunks.cache() if cache else chunks


# From notebooks/09_sketchrnn_classification.ipynb, section "A pipeline that pads less": edit it
# in the notebook, then run `make lesson-code`.
def shuffled_chunks(chunks, seed=None):
    """Each epoch, the chunks in a new order, each with a new random key: ``(ink, label, key)``."""
    keys = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    chunks = chunks.shuffle(16, seed=seed, reshuffle_each_iteration=True)
    return tf.data.Dataset.zip(chunks, keys).map(lambda chunk, key: (*chunk, key))


# From notebooks/09_sketchrnn_classification.ipynb, section "A pipeline that pads less": edit it
# in the notebook, then run `make lesson-code`.
def length_order(lengths, per_window, key=None):
    """The order in which to read a chunk of sketches of ``lengths``: permuted by ``key`` (if
    given), then sorted by length within each window of ``per_window`` sketches."""
    n = tf.shape(lengths, out_type=tf.int64)[0]
    order = tf.range(n)
    if key is not None:  # a new permutation of the chunk each epoch
        order = tf.cast(tf.argsort(tf.random.stateless_uniform([n], seed=key)), tf.int64)
    lengths = tf.gather(lengths, order)
    by_window_then_length = (tf.range(n) // per_window) * (tf.reduce_max(lengths) + 1) + lengths
    # The permutation and the sort in one order: the sketches are gathered once for both.
    return tf.gather(order, tf.argsort(by_window_then_length, stable=True))


# From notebooks/09_sketchrnn_classification.ipynb, section "A pipeline that pads less": edit it
# in the notebook, then run `make lesson-code`.
def length_batches(chunks, batch_size, window):
    """Ragged batches of ``batch_size`` sketches of similar length: each chunk gathered once in
    its ``length_order`` (sorted a window of ``window`` batches at a time) and cut."""

    def sort_and_cut(ink, label, key=None):
        order = length_order(ink.row_lengths(), batch_size * window, key)
        starts = tf.range(0, tf.size(order, out_type=tf.int64), batch_size)
        return (
            tf.RaggedTensor.from_row_starts(tf.gather(ink, order), starts),
            tf.RaggedTensor.from_row_starts(tf.gather(label, order), starts),
        )

    return chunks.map(sort_and_cut).unbatch()


# From notebooks/09_sketchrnn_classification.ipynb, section "A pipeline that pads less": edit it
# in the notebook, then run `make lesson-code`.
def padded_and_scaled(batches, scale):
    """Each ragged batch padded to its longest sketch, with Δx and Δy divided by ``scale``."""
    factor = tf.constant([1 / scale, 1 / scale, 1.0])
    return batches.map(
        lambda ink, label: (ink.to_tensor() * factor, label), num_parallel_calls=tf.data.AUTOTUNE
    )


# From notebooks/09_sketchrnn_classification.ipynb, section "A pipeline that pads less": edit it
# in the notebook, then run `make lesson-code`.
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

    The sketches are cropped to ``crop`` points and cached in chunks of ``shuffle_buffer`` (at
    least a window of ``window`` batches); with ``shuffle_buffer``, the chunks, the sketches of
    each chunk and the batches are shuffled anew each epoch (``seed``). Δx and Δy are divided by
    ``scale``; batches are prefetched with ``AUTOTUNE``.
    """
    validation.positive_int("batch_size", batch_size)
    validation.positive_int("window", window)
    validation.positive_int("crop", crop, allow_none=True)
    validation.positive_int("shuffle_buffer", shuffle_buffer, allow_none=True)
    validation.positive_number("scale", scale)
    chunks = cached_chunks(elements, max(shuffle_buffer or 0, batch_size * window), crop, cache)
    if shuffle_buffer:
        chunks = shuffled_chunks(chunks, seed)
    batches = length_batches(chunks, batch_size, window)
    if shuffle_buffer:
        batches = batches.shuffle(4 * window, seed=seed, reshuffle_each_iteration=True)
    return padded_and_scaled(batches, scale).prefetch(tf.data.AUTOTUNE)


# --- lesson code: end ---


def check_files(files):
    """``files`` as a list of path strings; a ``ValueError`` unless it is a non-empty list."""
    if isinstance(files, (str, bytes)) or not len(files):
        raise ValueError(f"files must be a non-empty list of TFRecord paths, got {files!r}.")
    return [str(f) for f in files]


def sketches(files, max_length=None, parse_batch_size=1024):
    """Unbatched ``(ink [length, 3], label)`` pairs, parsed with batched ``tf.io`` calls.

    ``max_length`` keeps at most that many points of each sketch (the first ones).
    """
    files = check_files(files)
    validation.positive_int("max_length", max_length, allow_none=True)
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
    validation.positive_int("crop", crop)
    return {
        "sketches_cut": float((lengths > crop).mean()),
        "points_dropped": float(np.maximum(lengths - crop, 0).sum() / lengths.sum()),
    }
