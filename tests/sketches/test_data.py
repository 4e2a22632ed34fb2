"""Sketch datasets: the stroke-3 format, both real formats, both loaders (the synthetic doodles
they default to: test_doodles.py)."""

import tarfile

import numpy as np
import pytest

from course_utils import datasets, figures
from course_utils.sketches import data as sk
from course_utils.sketches import doodles


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


def _tfrecord_folder(tmp_path, n=30, seed=0):
    sketches, labels = doodles.generate(n, seed=seed)
    folder = tmp_path / "tfrecords"
    sk.write_tfrecords(folder, "training", sketches, labels, doodles.SYNTHETIC_CLASSES, shards=3)
    sk.write_tfrecords(
        folder, "eval", sketches[:10], labels[:10], doodles.SYNTHETIC_CLASSES, shards=2
    )
    return folder, sketches, labels


def test_tfrecords_round_trip_with_the_tutorial_schema(tmp_path):
    import tensorflow as tf

    folder, sketches, labels = _tfrecord_folder(tmp_path)
    files = sk.read_tfrecord_folder(folder)
    assert [p.split("/")[-1] for p in files.train] == [
        f"training.tfrecord-{k:05d}-of-00003" for k in range(3)
    ]
    assert files.class_names == doodles.SYNTHETIC_CLASSES
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
    sketches, _ = doodles.generate(12, seed=1, classes=("star",))
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
    assert files.class_names == doodles.SYNTHETIC_CLASSES
    assert all(str(data_dir) in p for p in files.train)


def test_loader_a_offline_and_auto(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(datasets.DatasetUnavailable, match="COURSE_OFFLINE=1"):
        sk.load_tfrecords("download")
    files = sk.load_tfrecords("auto", n_train=20, n_eval=10)
    assert "embedded default is used instead" in capsys.readouterr().out
    assert files.class_names == doodles.SYNTHETIC_CLASSES and len(files.train) == 4
    again = sk.load_tfrecords("embedded", n_train=20, n_eval=10)
    assert again == files  # generated once, then reused


def test_loader_b_downloads_per_class_files(data_dir, http_server):
    base_url, served = http_server
    classes = ("circle", "smiley face")  # a space in a class name is quoted in the URL
    for k, name in enumerate(classes):
        sketches, _ = doodles.generate(9, seed=k, classes=(name,))
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
    assert everything.class_names == doodles.SYNTHETIC_CLASSES


def test_loader_b_refuses_bad_sizes():
    with pytest.raises(ValueError, match="per_class"):
        sk.load_npz(per_class=(10, 0, 1))


def test_crop_view_keeps_the_first_points():
    from course_utils.sketches.widget import SketchExplorer, crop_view

    sketch = doodles.generate(1, seed=0)[0][0]
    fig, kept = crop_view(sketch, 5, "demo")
    assert kept == 5 and len(fig.axes) == 2 and isinstance(fig, figures.Figure)
    fig, kept = crop_view(sketch, 10_000, "demo", np.full(20, 0.05), doodles.SYNTHETIC_CLASSES)
    assert kept == len(sketch)
    with pytest.raises(ValueError, match="crop must be an integer of at least 2"):
        crop_view(sketch, 1, "demo")
    sketches, labels = doodles.generate(20, seed=0)
    explorer = SketchExplorer(sketches, labels, doodles.SYNTHETIC_CLASSES, crop=6)
    explorer.klass.value = "sun"
    first = sketches[int(np.flatnonzero(labels == doodles.SYNTHETIC_CLASSES.index("sun"))[0])]
    snapshot = explorer.snapshot()
    assert snapshot["text/plain"] == f"sun #0: {len(first)} points, the crop keeps 6"
    assert snapshot["image/png"].startswith(b"\x89PNG")


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
    assert len(files.train) == 4 and files.class_names == doodles.SYNTHETIC_CLASSES
