"""Quick, Draw! sketches as stroke sequences: two real loaders and a synthetic offline default.

A sketch is a sequence of points, each ``(Δx, Δy, pen_lifted)``: the offset from the previous
point, and 1 when the pen leaves the paper after this point (the end of a stroke). The real data
comes in two formats, and the embedded default is written in both, so the same parsing code runs
offline and online:

- **A. The QuickDraw tutorial TFRecords** (``quickdraw_tutorial_dataset_v1.tar.gz``, about 1 GB,
  345 classes): shards ``training.tfrecord-0000k-of-00010`` and ``eval.tfrecord-0000k-of-00010``,
  and the files ``training.tfrecord.classes`` / ``eval.tfrecord.classes`` (one class name a line).
  Each record holds ``ink`` (float32, the flattened ``length × 3`` array), ``shape``
  (``[length, 3]``) and ``class_index``. The ink went through the tutorial's preprocessing
  (:func:`tutorial_ink`): coordinates scaled to [0, 1] per axis, then differenced.
- **B. The sketch-rnn ``.npz`` files**, one per class (``cat.npz``...): int16 stroke-3 arrays in
  pixel units under the keys ``train`` (70,000 sketches), ``valid`` and ``test`` (2,500 each),
  pickled object arrays read with ``encoding="latin1", allow_pickle=True``.

Neither publisher gives checksums for these files, so both loaders pass ``sha256=None``.

The synthetic default is drawn by :mod:`course_utils.sketches.doodles`: doodles of real QuickDraw
classes, the way people draw them, whose lengths follow those of the real tutorial TFRecords.
"""

import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np

from course_utils import config, datasets, download
from course_utils.sketches.doodles import SYNTHETIC_CLASSES, VERSION, generate

# Notebook 09 reads the groups of look-alike classes here, as sketches.SYNTHETIC_GROUPS.
from course_utils.sketches.doodles import SYNTHETIC_GROUPS as SYNTHETIC_GROUPS

TUTORIAL_URL = "https://download.tensorflow.org/data/"
TUTORIAL_FILE = "quickdraw_tutorial_dataset_v1.tar.gz"
SKETCHRNN_URL = "https://storage.googleapis.com/quickdraw_dataset/sketchrnn/"
SUBDIR = "sketches"


# --------------------------------------------------------------------------- the format


def stroke3(strokes):
    """Absolute strokes (a list of ``(n, 2)`` arrays) → one stroke-3 array ``(Δx, Δy, pen_lifted)``.

    The first row is the first point's offset from the origin, so cumulative sums give back the
    absolute points.
    """
    points = np.concatenate(strokes).astype(np.float64)
    lifted = np.zeros(len(points))
    lifted[np.cumsum([len(s) for s in strokes]) - 1] = 1
    deltas = np.diff(points, axis=0, prepend=np.zeros((1, 2)))
    return np.column_stack([deltas, lifted])


def to_strokes(sketch, from_origin=False):
    """A stroke-3 array → the list of absolute strokes (cumulative sums, split after pen lifts).

    ``from_origin=True`` for the tutorial's ink, whose first point (at the origin of the offsets)
    was dropped by :func:`tutorial_ink`: it is put back at the start of the first stroke.
    """
    sketch = _check_sketch(sketch)
    points = np.cumsum(sketch[:, :2], axis=0)
    ends = np.flatnonzero(sketch[:, 2] > 0.5) + 1
    if from_origin:
        points, ends = np.vstack([np.zeros((1, 2)), points]), ends + 1
    return [s for s in np.split(points, ends) if len(s)]


def tutorial_ink(sketch):
    """The QuickDraw tutorial's preprocessing of a stroke-3 sketch: absolute points scaled to
    [0, 1] on each axis separately, differenced again, first point dropped (float32, ``n - 1`` rows).
    """
    sketch = _check_sketch(sketch)
    if len(sketch) < 2:
        raise ValueError("a sketch needs at least 2 points for the tutorial format.")
    ink = np.column_stack([np.cumsum(sketch[:, :2], axis=0), sketch[:, 2]]).astype(np.float32)
    lower, upper = ink[:, :2].min(axis=0), ink[:, :2].max(axis=0)
    scale = upper - lower
    scale[scale == 0] = 1
    ink[:, :2] = (ink[:, :2] - lower) / scale
    ink[1:, :2] -= ink[:-1, :2].copy()
    return ink[1:]


def _check_sketch(sketch):
    sketch = np.asarray(sketch)
    if sketch.ndim != 2 or sketch.shape[1] != 3:
        raise ValueError(
            f"a sketch is a (points, 3) array of (Δx, Δy, pen_lifted), got shape {sketch.shape}."
        )
    return sketch


# --------------------------------------------------------------------------- format A: TFRecords


@dataclass(frozen=True)
class TFRecordFiles:
    """Where a QuickDraw-tutorial-format dataset lies: shard paths and class names."""

    train: tuple
    eval: tuple
    class_names: tuple

    @property
    def valid(self):
        """The first half of the eval shards (the other half is :attr:`test`)."""
        return self.eval[: max(1, len(self.eval) // 2)]

    @property
    def test(self):
        return self.eval[max(1, len(self.eval) // 2) :] or self.eval


def _example(ink, label):
    import tensorflow as tf

    feature = {
        "ink": tf.train.Feature(float_list=tf.train.FloatList(value=ink.ravel())),
        "shape": tf.train.Feature(int64_list=tf.train.Int64List(value=ink.shape)),
        "class_index": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def write_tfrecords(folder, prefix, sketches, labels, class_names, shards=10):
    """Write sketches in the tutorial's format: ``{prefix}.tfrecord-0000k-of-0000n`` shards
    (round-robin) and ``{prefix}.tfrecord.classes``. Returns the shard paths."""
    from course_utils._quiet import import_tensorflow

    tf = import_tensorflow()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{prefix}.tfrecord-{k:05d}-of-{shards:05d}" for k in range(shards)]
    writers = [tf.io.TFRecordWriter(str(p)) for p in paths]
    for i, (sketch, label) in enumerate(zip(sketches, labels, strict=True)):
        writers[i % shards].write(_example(tutorial_ink(sketch), label))
    for w in writers:
        w.close()
    (folder / f"{prefix}.tfrecord.classes").write_text("".join(f"{c}\n" for c in class_names))
    return tuple(str(p) for p in paths)


def read_tfrecord_folder(folder):
    """Find the tutorial's shards and class names under ``folder`` (searched recursively)."""
    folder = Path(folder)
    train = sorted(str(p) for p in folder.rglob("training.tfrecord-*"))
    evals = sorted(str(p) for p in folder.rglob("eval.tfrecord-*"))
    classes = sorted(folder.rglob("training.tfrecord.classes"))
    if not train or not evals or not classes:
        raise datasets.DatasetUnavailable(
            f"{folder} does not hold the QuickDraw tutorial files (training.tfrecord-*, "
            "eval.tfrecord-* and training.tfrecord.classes). Delete it and download again."
        )
    names = tuple(
        line.strip().lower() for line in classes[0].read_text().splitlines() if line.strip()
    )
    return TFRecordFiles(tuple(train), tuple(evals), names)


def _synthetic_folder(kind, n_train, n_eval, seed):
    key = f"{kind}-v{VERSION}-{n_train}-{n_eval}-seed{seed}"
    return config.data_dir() / SUBDIR / "synthetic" / key


def synthetic_tfrecords(n_train, n_eval, *, seed=0, shards=4):
    """The embedded default in format A, generated once into the data directory and reused."""
    folder = _synthetic_folder(f"tfrecord{shards}", n_train, n_eval, seed)
    if not (folder / "eval.tfrecord.classes").exists():
        try:
            with download.atomic_folder(folder) as tmp:
                for prefix, n, s in (("training", n_train, seed), ("eval", n_eval, seed + 1)):
                    sketches, labels = generate(n, seed=s)
                    write_tfrecords(tmp, prefix, sketches, labels, SYNTHETIC_CLASSES, shards)
        except OSError:
            # Another process generated the same files first (its folder could not be replaced):
            # they are identical, so use them.
            if not (folder / "eval.tfrecord.classes").exists():
                raise
    return read_tfrecord_folder(folder)


def load_tfrecords(source=None, *, n_train=10_000, n_eval=2_000, seed=0, base_url=TUTORIAL_URL):
    """Loader A: the QuickDraw tutorial TFRecords (345 classes) or their synthetic stand-in.

    ``n_train``/``n_eval``/``seed`` size the synthetic data only. Returns :class:`TFRecordFiles`.
    """

    def real():
        # No checksum is published for this archive.
        folder = datasets.fetch(base_url + TUTORIAL_FILE, sha256=None, subdir=SUBDIR, extract=True)
        return read_tfrecord_folder(folder)

    return datasets.from_source(
        datasets.default_source() if source is None else source,
        download=real,
        embedded=lambda: synthetic_tfrecords(n_train, n_eval, seed=seed),
        name="QuickDraw tutorial TFRecords",
    )


# --------------------------------------------------------------------------- format B: .npz


def write_npz(path, train, valid, test):
    """Write one class's sketches as a sketch-rnn ``.npz`` (object arrays of int16 stroke-3)."""

    def pack(sketches):
        out = np.empty(len(sketches), dtype=object)
        out[:] = [np.asarray(s, dtype=np.int16) for s in sketches]
        return out

    with open(path, "wb") as f:  # a file object: np.savez would append ".npz" to a bare name
        np.savez(f, train=pack(train), valid=pack(valid), test=pack(test))


def read_npz(path):
    """Read a sketch-rnn ``.npz``: ``{"train": [...], "valid": [...], "test": [...]}``."""
    with np.load(path, encoding="latin1", allow_pickle=True) as data:
        missing = {"train", "valid", "test"} - set(data.files)
        if missing:
            raise datasets.DatasetUnavailable(
                f"{path} is not a sketch-rnn file: it lacks {sorted(missing)}. Delete it and download again."
            )
        return {split: list(data[split]) for split in ("train", "valid", "test")}


@dataclass(frozen=True)
class NpzSketches:
    """Sketches of several classes from ``.npz`` files: ``splits[split] = (sketches, labels)``."""

    splits: dict
    class_names: tuple


def _combine(per_class, class_names, limit):
    splits = {}
    for split in ("train", "valid", "test"):
        sketches, labels = [], []
        for k, data in enumerate(per_class):
            chosen = data[split][: limit.get(split)]
            sketches += chosen
            labels += [k] * len(chosen)
        order = np.random.default_rng(len(sketches)).permutation(len(sketches))
        splits[split] = ([sketches[i] for i in order], np.asarray(labels, np.int64)[order])
    return NpzSketches(splits, tuple(class_names))


def synthetic_npz(classes, per_class, *, seed=0):
    """The embedded default in format B: one ``.npz`` per class, generated once and reused."""
    n_train, n_valid, n_test = per_class
    folder = _synthetic_folder("npz", n_train, n_valid + n_test, seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in classes:
        path = folder / f"{name}.npz"
        if not path.exists():
            # A seed per class, so that a subset of classes gives the same sketches.
            s = seed + zlib.crc32(name.encode())
            parts = [generate(n, seed=s + i, classes=(name,))[0] for i, n in enumerate(per_class)]
            with download.atomic_file(path) as tmp:
                write_npz(tmp, *parts)
        paths.append(path)
    return [read_npz(p) for p in paths]


def load_npz(classes=None, source=None, *, per_class=None, seed=0, base_url=SKETCHRNN_URL):
    """Loader B: per-class sketch-rnn ``.npz`` files for ``classes``, or their synthetic stand-in.

    ``classes``: real QuickDraw class names (default :data:`SYNTHETIC_CLASSES`); the synthetic data
    keeps those among :data:`SYNTHETIC_CLASSES`, or all of them when there are none.
    ``per_class=(train, valid, test)`` caps the sketches kept per class (the synthetic files are
    generated at that size; default ``(1000, 100, 100)`` for them, everything for real files).
    Returns :class:`NpzSketches` with labels indexing ``classes``.
    """
    if per_class is not None and (len(per_class) != 3 or min(per_class) < 1):
        raise ValueError(
            f"per_class must be (train, valid, test) positive counts, got {per_class!r}."
        )

    def real():
        names = tuple(classes or SYNTHETIC_CLASSES)
        # The sketch-rnn files have no published checksums.
        paths = [
            datasets.fetch(base_url + quote(f"{c}.npz"), sha256=None, subdir=SUBDIR + "/npz")
            for c in names
        ]
        limit = dict(zip(("train", "valid", "test"), per_class or (None,) * 3, strict=True))
        return _combine([read_npz(p) for p in paths], names, limit)

    def embedded():
        names = tuple(c for c in classes or () if c in SYNTHETIC_CLASSES) or SYNTHETIC_CLASSES
        sizes = per_class or (1000, 100, 100)
        return _combine(synthetic_npz(names, sizes, seed=seed), names, {})

    return datasets.from_source(
        datasets.default_source() if source is None else source,
        download=real,
        embedded=embedded,
        name="sketch-rnn .npz files",
    )
