"""The sketch input pipelines: parsing, cropping, length bucketing, padding, the benchmark."""

import collections
import importlib.util
import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from course_utils.sketches import data as sk
from course_utils.sketches import doodles
from course_utils.sketches import pipeline as sp

tf = sp.tf


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    sketches, labels = doodles.generate(90, seed=5)
    folder = tmp_path_factory.mktemp("shards")
    files = sk.write_tfrecords(folder, "training", sketches, labels, doodles.SYNTHETIC_CLASSES, 3)
    inks = [sk.tutorial_ink(s) for s in sketches]
    # Round-robin shards, read in turn: record i of shard k is sketch 3 * i + k.
    return files, inks, labels


def _elements(ds):
    return [(ink.tolist(), int(label)) for ink, label in ds.as_numpy_iterator()]


def test_parse_batch_gives_ragged_ink(shards):
    files, inks, labels = shards
    batch = next(iter(tf.data.TFRecordDataset(files[0]).batch(5)))
    ink, label = sp.parse_batch(batch)
    assert isinstance(ink, tf.RaggedTensor) and ink.shape[-1] == 3
    assert ink.row_lengths().numpy().tolist() == [len(inks[3 * i]) for i in range(5)]
    np.testing.assert_allclose(ink[2].numpy(), inks[6])
    assert label.numpy().tolist() == [labels[3 * i] for i in range(5)]


def test_sketches_yields_every_sketch_once_and_crops(shards):
    files, inks, labels = shards
    got = _elements(sp.sketches(files, parse_batch_size=7))
    want = [(ink.tolist(), int(label)) for ink, label in zip(inks, labels, strict=True)]
    assert sorted(got) == sorted(want)
    cropped = list(sp.sketches(files, max_length=10).as_numpy_iterator())
    assert max(len(ink) for ink, _ in cropped) == 10
    assert sorted(len(ink) for ink, _ in cropped) == sorted(min(len(i), 10) for i in inks)


def test_from_arrays_matches_the_tfrecord_path(shards):
    files, inks, labels = shards
    from_records = sorted(_elements(sp.sketches(files)))
    from_memory = sorted(_elements(sp.from_arrays(inks, labels)))
    assert from_records == from_memory


def test_sketch_dataset_batches_by_length_with_less_padding(shards):
    files, inks, labels = shards
    elements = sp.sketches(files)
    ours = sp.sketch_dataset(elements, 8, window=4, scale=0.5, shuffle_buffer=90, seed=1)
    seen = collections.Counter()
    for ink, label in ours:
        assert ink.shape[0] <= 8 and ink.shape[0] == label.shape[0]
        seen.update(label.numpy().tolist())
    assert seen == collections.Counter(labels.tolist())  # each sketch once per epoch
    first = next(iter(sp.sketch_dataset(elements, 90, window=1)))
    rows = sorted(first[0].numpy().tolist(), key=len)
    assert max(len(inks[i]) for i in range(90)) == first[0].shape[1]
    scaled = next(iter(sp.sketch_dataset(elements, 90, window=1, scale=0.5)))[0].numpy()
    np.testing.assert_allclose(scaled[..., :2], 2 * first[0].numpy()[..., :2], rtol=1e-6)
    np.testing.assert_array_equal(scaled[..., 2], first[0].numpy()[..., 2])
    assert rows  # the padded batch holds all 90 sketches
    textbook = sp.textbook_dataset(files, batch_size=8)
    assert sp.padding_fraction(ours) < sp.padding_fraction(textbook)


def _trim(ink):
    """A padded sketch without its trailing (0, 0, 0) rows."""
    real = np.flatnonzero(np.any(ink != 0, axis=1))
    return ink[: real[-1] + 1] if len(real) else ink[:0]


def test_sketch_dataset_keeps_every_sketch_and_sorts_each_window(shards):
    files, inks, labels = shards
    ds = sp.sketch_dataset(sp.sketches(files), 8, window=12, shuffle_buffer=90, seed=2)
    got, spans = [], []
    for ink, label in ds.as_numpy_iterator():
        rows = [_trim(row) for row in ink]
        assert ink.shape[1] == max(len(row) for row in rows)  # padded to its own longest
        got += [(row.tolist(), int(y)) for row, y in zip(rows, label, strict=True)]
        spans.append((min(len(row) for row in rows), max(len(row) for row in rows)))
    want = [(ink.tolist(), int(y)) for ink, y in zip(inks, labels, strict=True)]
    assert sorted(got) == sorted(want)
    # One window holds all 90 sketches: the batches cut it into consecutive length ranges.
    spans.sort()
    assert all(high <= next_low for (_, high), (next_low, _) in itertools.pairwise(spans))


def test_sketch_dataset_crops_each_sketch(shards):
    files, inks, labels = shards
    ds = sp.sketch_dataset(sp.sketches(files), 8, crop=12, window=12, shuffle_buffer=90, seed=4)
    got = []
    for ink, label in ds.as_numpy_iterator():
        rows = [_trim(row) for row in ink]
        assert ink.shape[1] == max(len(row) for row in rows) <= 12
        got += [(row.tolist(), int(y)) for row, y in zip(rows, label, strict=True)]
    want = [(ink[:12].tolist(), int(y)) for ink, y in zip(inks, labels, strict=True)]
    assert sorted(got) == sorted(want)  # the first 12 points of every sketch, once


def test_the_steps_crop_order_and_cut_a_chunk():
    lengths = tf.constant([5, 3, 9, 1, 4, 7], tf.int64)
    # Without a key: each window of 3 sketches sorted by length, the windows kept in place.
    assert sp.length_order(lengths, 3).numpy().tolist() == [1, 0, 2, 3, 4, 5]
    key = tf.constant([7, 11], tf.int64)
    shuffled = sp.length_order(lengths, 6, key).numpy()
    assert sorted(shuffled.tolist()) == list(range(6))
    assert np.all(np.diff(tf.gather(lengths, shuffled).numpy()) >= 0)  # one window: all sorted
    inks = [np.full((n, 3), n, np.float32) for n in (5, 3, 9, 1, 4, 7)]
    chunks = sp.cached_chunks(sp.from_arrays(inks, np.arange(6)), 6, crop=6)
    (chunk,) = list(chunks)
    assert chunk[0].row_lengths().numpy().tolist() == [5, 3, 6, 1, 4, 6]
    batches = list(sp.length_batches(chunks, 2, 3))  # one window: the chunk sorted by length
    assert [b[1].numpy().tolist() for b in batches] == [[3, 1], [4, 0], [2, 5]]
    ink, label = next(iter(sp.padded_and_scaled(sp.length_batches(chunks, 2, 3), 0.5)))
    assert ink.shape == (2, 3, 3) and label.numpy().tolist() == [3, 1]
    np.testing.assert_array_equal(ink[1, :, :2], np.full((3, 2), 6))  # 3 / 0.5
    np.testing.assert_array_equal(ink[1, :, 2], 3)  # the pen column is not scaled
    np.testing.assert_array_equal(ink[0, 1:], 0)  # padded to the longest of its batch


def test_sketch_dataset_reshuffles_each_epoch(shards):
    files, _, _ = shards
    ds = sp.sketch_dataset(sp.sketches(files), 8, window=2, shuffle_buffer=90, seed=3)
    first = [y.numpy().tolist() for _, y in ds]
    second = [y.numpy().tolist() for _, y in ds]
    assert first != second


def test_textbook_dataset_pads_and_crops(shards):
    files, inks, _ = shards
    ink, label = next(iter(sp.textbook_dataset(files, batch_size=32, crop=12)))
    assert ink.shape[0] == 32 and ink.shape[1] == 12 and label.shape == (32,)
    ink, _ = next(iter(sp.textbook_dataset(files[:1], batch_size=4, crop=1000)))
    assert ink.shape[1] == max(len(inks[3 * i]) for i in range(4))  # padded to its longest


def test_padding_fraction_counts_trailing_zero_rows():
    ink = np.zeros((2, 4, 3), np.float32)
    ink[0, :4] = 1  # 4 real points
    ink[1, :1] = 1  # 1 real point, 3 padding rows
    ds = tf.data.Dataset.from_tensors((ink, np.zeros(2)))
    assert sp.padding_fraction(ds) == pytest.approx(3 / 8)


def test_lengths_scale_and_crop_report(shards):
    files, inks, _ = shards
    elements = sp.sketches(files)
    lengths = sp.lengths_of(elements)
    assert sorted(lengths.tolist()) == sorted(len(i) for i in inks)
    points = np.concatenate([i[:, :2] for i in inks])
    assert sp.offset_scale(elements) == pytest.approx(points.std(), rel=1e-5)
    report = sp.crop_report([10, 50, 200], crop=100)
    assert report == {
        "sketches_cut": pytest.approx(1 / 3),
        "points_dropped": pytest.approx(100 / 260),
    }


def test_bad_arguments_get_clear_errors(shards):
    files, _, _ = shards
    with pytest.raises(ValueError, match="non-empty list of TFRecord paths"):
        sp.sketches("training.tfrecord-00000-of-00010")
    with pytest.raises(ValueError, match="max_length must be a positive integer"):
        sp.sketches(files, max_length=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        sp.sketch_dataset(sp.sketches(files), 0)
    with pytest.raises(ValueError, match="crop must be a positive integer"):
        sp.sketch_dataset(sp.sketches(files), 8, crop=0)
    with pytest.raises(ValueError, match="scale must be a positive number"):
        sp.sketch_dataset(sp.sketches(files), 8, scale=0)
    with pytest.raises(ValueError, match="scale must be a positive number"):
        sp.sketch_dataset(sp.sketches(files), 8, scale=float("nan"))
    with pytest.raises(ValueError, match="as many labels as inks"):
        sp.from_arrays([np.zeros((3, 3))], [0, 1])
    with pytest.raises(ValueError, match="crop must be a positive integer"):
        sp.crop_report([1, 2], 0)


def test_benchmark_runs_on_a_tiny_dataset(data_dir, capsys):
    """One training each (every training traces its model anew); ``spread`` covers several."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "sketch_pipeline.py"
    spec = importlib.util.spec_from_file_location("sketch_benchmark", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--sketches", "320", "--epochs", "2"])
    out = capsys.readouterr().out
    assert re.search(r"input pipeline ratio \(later passes\): \d+\.\d\d×", out)
    assert re.search(r"training ratio: \d+\.\d\d×", out)
    assert "test accuracy after 2 epochs:" in out
    for name in ("textbook", "course  "):
        assert re.search(rf"{name}: top-1 [\d.]+%, top-5 [\d.]+%", out)
    assert bench.spread([0.5]) == "50.0%"
    assert bench.spread([0.5, 0.8, 0.65]) == "65.0% (50.0%–80.0%)"
