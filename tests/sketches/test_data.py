"""Sketch datasets: the stroke-3 format, the synthetic doodles, both real formats, both loaders."""

import tarfile

import numpy as np
import pytest

from course_utils import datasets, figures
from course_utils.sketches import data as sk


def test_stroke3_round_trip():
    strokes = [np.array([[10, 10], [20, 10], [20, 30]]), np.array([[0, 0], [5, 5]])]
    sketch = sk.stroke3(strokes)
    assert sketch.shape == (5, 3)
    assert sketch[:, 2].tolist() == [0, 0, 1, 0, 1]  # the pen lifts after each stroke's last point
    assert sketch[0, :2].tolist() == [10, 10]  # the first offset is from the origin
    back = sk.to_strokes(sketch)
    assert len(back) == 2
    for a, b in zip(back, strokes, strict=True):
        np.testing.assert_array_equal(a, b)


def test_tutorial_ink_follows_the_tutorial_preprocessing():
    sketch = sk.stroke3([np.array([[0, 0], [100, 0], [100, 50]]), np.array([[0, 50], [50, 25]])])
    ink = sk.tutorial_ink(sketch)
    assert ink.dtype == np.float32 and ink.shape == (4, 3)
    # Absolute points scaled per axis to [0, 1]: x by 100, y by 50; then differenced, first dropped.
    expected = [[1, 0, 0], [0, 1, 1], [-1, 0, 0], [0.5, -0.5, 1]]
    np.testing.assert_allclose(ink, expected)
    absolute = np.cumsum(ink[:, :2], axis=0)
    assert absolute.min() >= -1e-6 and absolute.max() <= 1 + 1e-6


def test_bad_sketches_are_refused():
    with pytest.raises(ValueError, match=r"\(points, 3\)"):
        sk.to_strokes(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="at least 2 points"):
        sk.tutorial_ink(np.zeros((1, 3)))


def test_generate_is_deterministic_and_balanced():
    a, la = sk.generate(60, seed=3)
    b, lb = sk.generate(60, seed=3)
    c, _ = sk.generate(60, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert np.array_equal(la, lb)
    assert not all(len(x) == len(y) and np.array_equal(x, y) for x, y in zip(a, c, strict=True))
    assert np.bincount(la).tolist() == [60 // len(sk.SYNTHETIC_CLASSES)] * len(sk.SYNTHETIC_CLASSES)
    assert all(s.dtype == np.int16 and s.ndim == 2 and s.shape[1] == 3 for s in a)
    assert all(np.abs(np.cumsum(s[:, :2], axis=0)).max() <= 255 for s in a)


def test_a_smaller_n_gives_the_first_sketches_of_a_larger_one():
    small, small_labels = sk.generate(25, seed=2)
    large, large_labels = sk.generate(70, seed=2)
    assert np.array_equal(small_labels, large_labels[:25])
    assert all(np.array_equal(a, b) for a, b in zip(small, large, strict=False))


def test_synthetic_doodles_vary_like_human_ones():
    sketches, labels = sk.generate(400, seed=0)
    lengths = np.array([len(s) for s in sketches])
    strokes = np.array([int(s[:, 2].sum()) for s in sketches])
    for k, name in enumerate(sk.SYNTHETIC_CLASSES):
        mine = lengths[labels == k]
        assert mine.max() > mine.min(), f"every {name} has the same number of points"
    house = sk.SYNTHETIC_CLASSES.index("house")
    assert len(set(strokes[labels == house])) > 1, "houses are always drawn with as many strokes"
    # Sizes of the drawings' boxes vary in aspect (rotation, stretch).
    boxes = [np.ptp(np.cumsum(s[:, :2], axis=0), axis=0) for s in sketches]
    ratios = np.array([w / max(h, 1) for w, h in boxes])
    assert ratios.std() > 0.1


def _book_padding(lengths, rng, batches=300, batch_size=32, crop=100):
    """The share of padding in the book's batches: random batches of 32, padded to their longest
    sketch, cropped to 100 points."""
    real = total = 0
    for _ in range(batches):
        batch = rng.choice(lengths, batch_size, replace=False)
        padded = min(batch.max(), crop)
        real, total = real + np.minimum(batch, padded).sum(), total + batch_size * padded
    return 1 - real / total


def test_synthetic_doodles_are_as_long_as_the_real_tutorial_drawings():
    """The real figures: the textbook's histogram of the tutorial TFRecords' lengths (3rd ed.,
    chapter 15, exercise 9's solution): median ≈ 38 points, ≈ 96% at most 100, ≈ 15% under 21,
    ≈ 0.3% over 200; a crop at 100 cuts ≈ 3% of the sketches and ≈ 2% of the points; the book's
    batches of 32 are ≈ 56% padding."""
    sketches, _ = sk.generate(2000, seed=0)
    lengths = np.array([len(s) - 1 for s in sketches])  # the tutorial's ink drops a point
    strokes = np.array([int(s[:, 2].sum()) for s in sketches])
    assert 34 <= np.median(lengths) <= 42
    assert 20 <= 5 * np.bincount(lengths // 5).argmax() + 2 <= 32  # the most common length
    assert 0.93 <= np.mean(lengths <= 100) <= 0.99
    assert 0.11 <= np.mean(lengths < 21) <= 0.19
    assert np.mean(lengths > 200) <= 0.008 and lengths.max() > 200  # a thin tail
    assert np.maximum(lengths - 100, 0).sum() / lengths.sum() <= 0.05  # points a crop drops
    assert 0.50 <= _book_padding(lengths, np.random.default_rng(0)) <= 0.62
    assert np.median(strokes) >= 2 and np.mean(strokes >= 5) > 0.1


def test_the_groups_of_look_alike_classes_hold_every_class_once():
    grouped = [c for group in sk.SYNTHETIC_GROUPS for c in group]
    assert tuple(grouped) == sk.SYNTHETIC_CLASSES and len(set(grouped)) == len(grouped)
    assert len(sk.SYNTHETIC_CLASSES) > 10


def test_generate_refuses_bad_arguments():
    with pytest.raises(ValueError, match="positive integer"):
        sk.generate(0)
    with pytest.raises(ValueError, match="classes must be taken from"):
        sk.generate(5, classes=("cat",))


def _tfrecord_folder(tmp_path, n=30, seed=0):
    sketches, labels = sk.generate(n, seed=seed)
    folder = tmp_path / "tfrecords"
    sk.write_tfrecords(folder, "training", sketches, labels, sk.SYNTHETIC_CLASSES, shards=3)
    sk.write_tfrecords(folder, "eval", sketches[:10], labels[:10], sk.SYNTHETIC_CLASSES, shards=2)
    return folder, sketches, labels


def test_tfrecords_round_trip_with_the_tutorial_schema(tmp_path):
    import tensorflow as tf

    folder, sketches, labels = _tfrecord_folder(tmp_path)
    files = sk.read_tfrecord_folder(folder)
    assert [p.split("/")[-1] for p in files.train] == [
        f"training.tfrecord-{k:05d}-of-00003" for k in range(3)
    ]
    assert files.class_names == sk.SYNTHETIC_CLASSES
    assert len(files.valid) == 1 and len(files.test) == 1
    # Read back with the tutorial's own feature description, record by record.
    description = {
        "ink": tf.io.VarLenFeature(tf.float32),
        "shape": tf.io.FixedLenFeature([2], tf.int64),
        "class_index": tf.io.FixedLenFeature([1], tf.int64),
    }
    records = list(tf.data.TFRecordDataset(files.train[0]))
    assert len(records) == 10  # every third sketch, round-robin
    for i, record in enumerate(records):
        example = tf.io.parse_single_example(record, description)
        expected = sk.tutorial_ink(sketches[3 * i])
        shape = example["shape"].numpy().tolist()
        assert shape == [len(expected), 3]
        np.testing.assert_allclose(
            tf.sparse.to_dense(example["ink"]).numpy().reshape(shape), expected
        )
        assert example["class_index"].numpy()[0] == labels[3 * i]


def test_npz_round_trip_in_sketchrnn_format(tmp_path):
    sketches, _ = sk.generate(12, seed=1, classes=("star",))
    path = tmp_path / "star.npz"
    sk.write_npz(path, sketches[:8], sketches[8:10], sketches[10:])
    with np.load(path, encoding="latin1", allow_pickle=True) as raw:
        assert sorted(raw.files) == ["test", "train", "valid"]
        assert raw["train"].dtype == object and raw["train"][0].dtype == np.int16
    data = sk.read_npz(path)
    assert [len(data[s]) for s in ("train", "valid", "test")] == [8, 2, 2]
    assert np.array_equal(data["valid"][1], sketches[9])


def test_read_npz_refuses_other_files(tmp_path):
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(datasets.DatasetUnavailable, match="lacks"):
        sk.read_npz(tmp_path / "other.npz")


def test_read_tfrecord_folder_says_what_is_missing(tmp_path):
    with pytest.raises(datasets.DatasetUnavailable, match=r"training\.tfrecord"):
        sk.read_tfrecord_folder(tmp_path)


def test_loader_a_downloads_and_unpacks_the_tutorial_archive(data_dir, http_server, tmp_path):
    base_url, served = http_server
    folder, _, _ = _tfrecord_folder(tmp_path)
    with tarfile.open(served / sk.TUTORIAL_FILE, "w:gz") as tar:
        for path in sorted(folder.iterdir()):
            tar.add(path, arcname=path.name)
    files = sk.load_tfrecords("download", base_url=base_url + "/")
    assert len(files.train) == 3 and len(files.eval) == 2
    assert files.class_names == sk.SYNTHETIC_CLASSES
    assert all(str(data_dir) in p for p in files.train)


def test_loader_a_offline_and_auto(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(datasets.DatasetUnavailable, match="COURSE_OFFLINE=1"):
        sk.load_tfrecords("download")
    files = sk.load_tfrecords("auto", n_train=20, n_eval=10)
    assert "embedded default is used instead" in capsys.readouterr().out
    assert files.class_names == sk.SYNTHETIC_CLASSES and len(files.train) == 4
    again = sk.load_tfrecords("embedded", n_train=20, n_eval=10)
    assert again == files  # generated once, then reused


def test_loader_b_downloads_per_class_files(data_dir, http_server):
    base_url, served = http_server
    classes = ("circle", "smiley face")  # a space in a class name is quoted in the URL
    for k, name in enumerate(classes):
        sketches, _ = sk.generate(9, seed=k, classes=(name,))
        sk.write_npz(served / f"{name}.npz", sketches[:5], sketches[5:7], sketches[7:])
    data = sk.load_npz(classes, "download", per_class=(4, 2, 1), base_url=base_url + "/")
    assert data.class_names == classes
    train, train_labels = data.splits["train"]
    assert len(train) == 8 and sorted(train_labels.tolist()) == [0] * 4 + [1] * 4
    assert len(data.splits["test"][0]) == 2
    assert (data_dir / sk.SUBDIR / "npz" / "smiley face.npz").exists()


def test_loader_b_embedded_uses_the_synthetic_classes(data_dir):
    data = sk.load_npz(("circle", "cat", "star"), "embedded", per_class=(6, 2, 2))
    assert data.class_names == ("circle", "star")
    sketches, labels = data.splits["valid"]
    assert len(sketches) == 4 and set(labels.tolist()) == {0, 1}
    everything = sk.load_npz(("cat",), "embedded", per_class=(3, 1, 1))
    assert everything.class_names == sk.SYNTHETIC_CLASSES


def test_loader_b_refuses_bad_sizes():
    with pytest.raises(ValueError, match="per_class"):
        sk.load_npz(per_class=(10, 0, 1))


def test_crop_view_keeps_the_first_points():
    from course_utils.sketches.widget import SketchExplorer, crop_view

    sketch = sk.generate(1, seed=0)[0][0]
    fig, kept = crop_view(sketch, 5, "demo")
    assert kept == 5 and len(fig.axes) == 2 and isinstance(fig, figures.Figure)
    fig, kept = crop_view(sketch, 10_000, "demo", np.full(20, 0.05), sk.SYNTHETIC_CLASSES)
    assert kept == len(sketch)
    with pytest.raises(ValueError, match="crop must be an integer of at least 2"):
        crop_view(sketch, 1, "demo")
    sketches, labels = sk.generate(20, seed=0)
    explorer = SketchExplorer(sketches, labels, sk.SYNTHETIC_CLASSES, crop=6)
    explorer.klass.value = "sun"
    first = sketches[int(np.flatnonzero(labels == sk.SYNTHETIC_CLASSES.index("sun"))[0])]
    snapshot = explorer.snapshot()
    assert snapshot["text/plain"] == f"sun #0: {len(first)} points, the crop keeps 6"
    assert snapshot["image/png"].startswith(b"\x89PNG")


def test_an_unfinished_stroke_stops_part_way_along_its_length():
    stroke = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], float)  # 30 units long
    half = sk._stop_early(stroke, 0.5)
    np.testing.assert_allclose(half, [[0, 0], [10, 0], [10, 5]])
    np.testing.assert_allclose(sk._stop_early(stroke, 1.0), stroke)


def test_tutorial_ink_draws_back_from_the_origin():
    strokes = [np.array([[0, 0], [100, 0], [100, 50]]), np.array([[0, 50], [50, 25]])]
    ink = sk.tutorial_ink(sk.stroke3(strokes))
    back = sk.to_strokes(ink, from_origin=True)
    assert [len(s) for s in back] == [3, 2]  # the dropped first point is back
    np.testing.assert_allclose(back[0], [[0, 0], [1, 0], [1, 1]])
    np.testing.assert_allclose(back[1], [[0, 1], [0.5, 0.5]])
    assert [len(s) for s in sk.to_strokes(ink)] == [2, 2]


def test_synthetic_files_another_process_made_meanwhile_are_used(data_dir, monkeypatch):
    import os
    import shutil

    replace = os.replace

    def racing(staging, target):
        shutil.copytree(staging, target)  # another kernel finished the same files first
        return replace(staging, target)

    monkeypatch.setattr(os, "replace", racing)
    files = sk.synthetic_tfrecords(20, 10)
    assert len(files.train) == 4 and files.class_names == sk.SYNTHETIC_CLASSES
