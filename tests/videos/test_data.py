"""The video clips: the generated default (labels only in the frame order) and the real loaders,
tested against small files served from 127.0.0.1 and TensorFlow Datasets' mock data."""

import hashlib
import io
import socket
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

from course_utils.datasets import ChecksumMismatch, DatasetUnavailable
from course_utils.videos import data as videos

# --- the generated clips -------------------------------------------------------------------------


def test_frame_orders_are_permutations_of_the_same_states():
    for frames in (2, 8, 12):
        for label in range(4):
            assert sorted(videos.frame_order(label, frames)) == list(range(frames))
    assert videos.frame_order(2).tolist() == [0, 2, 4, 6, 8, 10, 11, 9, 7, 5, 3, 1]
    assert videos.frame_order(3).tolist() == [11, 9, 7, 5, 3, 1, 0, 2, 4, 6, 8, 10]


def test_playing_backwards_swaps_approaching_and_receding():
    assert videos.frame_order(0)[::-1].tolist() == videos.frame_order(1).tolist()
    back = videos.frame_order(2)[::-1]  # still out and back, from the far end
    assert back[0] < back[5] and back[-1] < back[5]


@pytest.mark.parametrize(
    "kwargs",
    [dict(label=4), dict(label=-1), dict(label=0, frames=7), dict(label=0, frames=1)],
)
def test_frame_order_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="label|frames"):
        videos.frame_order(**kwargs)


def test_clips_shape_range_balance_and_determinism():
    clips, labels = videos.moving_objects(40, frames=8, size=16, seed=3)
    assert clips.shape == (40, 8, 16, 16, 1) and clips.dtype == np.float32
    assert labels.dtype == np.int64 and np.bincount(labels).tolist() == [10, 10, 10, 10]
    assert clips.min() >= 0.0 and clips.max() <= 1.0
    again, labels_again = videos.moving_objects(40, frames=8, size=16, seed=3)
    np.testing.assert_array_equal(clips, again)
    np.testing.assert_array_equal(labels, labels_again)
    other, _ = videos.moving_objects(40, frames=8, size=16, seed=4)
    assert not np.array_equal(clips, other)


def test_the_label_only_orders_states_that_grow_from_far_to_near():
    clips, labels = videos.moving_objects(24, seed=5, noise=0.0)
    for clip, label in zip(clips, labels, strict=True):
        states = clip[np.argsort(videos.frame_order(int(label)))]
        area = states.sum(axis=(1, 2, 3)) / states.max(axis=(1, 2, 3))  # brightness flickers
        assert np.all(np.diff(area) > 0), area


def test_a_clip_seen_as_a_set_of_frames_does_not_reveal_its_class():
    # Frames as an unordered set: the sorted object areas. Their distribution is the same in
    # every class (the flights are drawn independently of the labels).
    clips, labels = videos.moving_objects(800, frames=8, size=16, seed=6, noise=0.0)
    bags = np.sort((clips > 0).sum(axis=(2, 3, 4)), axis=1).astype(float)
    means = np.stack([bags[labels == k].mean(axis=0) for k in range(4)])
    assert np.all(np.abs(means - means.mean(axis=0)) < 0.1 * means.mean(axis=0))
    # ...whereas the order does: the area of the first frame separates the classes.
    first = np.array([(clips[labels == k][:, 0] > 0).sum(axis=(1, 2, 3)).mean() for k in range(4)])
    assert first[0] < first[1] and first[2] < first[3]


@pytest.mark.parametrize(
    "kwargs",
    [dict(n=0), dict(n=2.5), dict(n=4, frames=5), dict(n=4, size=4), dict(n=4, noise=-0.1)],
)
def test_moving_objects_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        videos.moving_objects(**kwargs)


# --- Moving MNIST ---------------------------------------------------------------------------------


def _moving_mnist_file(folder, clips=3, shape=None):
    data = np.arange(20 * clips * 64 * 64, dtype=np.int64).reshape(20, clips, 64, 64) % 251
    data = data.astype(np.uint8) if shape is None else np.zeros(shape, np.uint8)
    buffer = io.BytesIO()
    np.save(buffer, data)
    (folder / videos.MOVING_MNIST_FILE).write_bytes(buffer.getvalue())
    return data, hashlib.sha256(buffer.getvalue()).hexdigest()


def test_moving_mnist_is_downloaded_verified_and_made_batch_major(http_server, data_dir):
    url, served = http_server
    data, sha = _moving_mnist_file(served)
    clips = videos.load_moving_mnist("download", base_url=url, sha256=sha)
    assert clips.shape == (3, 20, 64, 64, 1) and clips.dtype == np.uint8
    np.testing.assert_array_equal(clips[1, 7, ..., 0], data[7, 1])
    assert (data_dir / "moving_mnist" / videos.MOVING_MNIST_FILE).exists()
    assert videos.load_moving_mnist("download", base_url=url, sha256=sha, max_clips=2).shape[0] == 2


def test_moving_mnist_checksum_mismatch(http_server, data_dir):
    url, served = http_server
    _moving_mnist_file(served)
    with pytest.raises(ChecksumMismatch):
        videos.load_moving_mnist("download", base_url=url, sha256="0" * 64)


def test_moving_mnist_wrong_array_is_refused(http_server, data_dir):
    url, served = http_server
    _, sha = _moving_mnist_file(served, shape=(20, 2, 32, 32))
    with pytest.raises(DatasetUnavailable, match="not Moving MNIST"):
        videos.load_moving_mnist("download", base_url=url, sha256=sha)


def test_moving_mnist_auto_falls_back_to_a_stand_in_of_the_same_shape(data_dir, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    clips = videos.load_moving_mnist("auto", base_url=f"http://127.0.0.1:{port}", max_clips=3)
    assert clips.shape == (3, 20, 64, 64, 1) and clips.dtype == np.uint8
    assert "Moving MNIST: the real dataset is unavailable" in capsys.readouterr().out


def test_default_source_outside_full_is_the_stand_in(monkeypatch, data_dir):
    monkeypatch.setenv("COURSE_PROFILE", "standard")
    assert videos.load_moving_mnist(max_clips=2).shape == (2, 20, 64, 64, 1)
    assert not (data_dir / "moving_mnist").exists()


def _published_checksums(name):
    import tensorflow_datasets

    path = Path(tensorflow_datasets.__file__).parent / "url_checksums" / f"{name}.txt"
    return {line.split("\t")[0]: line.split("\t")[1:3] for line in path.read_text().splitlines()}


def test_checksums_are_the_ones_tensorflow_datasets_publishes():
    moving = _published_checksums("moving_mnist")
    url = f"{videos.MOVING_MNIST_BASE_URL}/{videos.MOVING_MNIST_FILE}"
    assert moving[url] == ["819200096", videos.MOVING_MNIST_SHA256]
    ucf101 = _published_checksums("ucf101")
    assert int(ucf101[videos.UCF101_URL][0]) == videos.UCF101_ZIP_BYTES


# --- UCF101 ---------------------------------------------------------------------------------------


def test_sample_frames_takes_evenly_spaced_frames_and_resizes():
    video = np.repeat(np.arange(30, dtype=np.uint8)[:, None, None, None], 4, axis=1)
    video = np.repeat(np.repeat(video, 4, axis=2), 3, axis=3)  # (30, 4, 4, 3), frame t is t/255
    clip = videos.sample_frames(video, 4, 8).numpy()
    assert clip.shape == (4, 8, 8, 3) and clip.dtype == np.float32
    np.testing.assert_allclose(clip[:, 0, 0, 0] * 255, [0, 10, 19, 29], atol=1e-3)
    short = videos.sample_frames(video[:2], 4, 4).numpy()
    np.testing.assert_allclose(short[:, 0, 0, 0] * 255, [0, 0, 1, 1], atol=1e-3)
    with pytest.raises(ValueError, match="4 dimensions"):
        videos.sample_frames(video[0], 4, 8)


def test_ucf101_stand_in_has_the_same_format():
    dataset, names = videos.load_ucf101("embedded", split="test", frames=4, size=16)
    clip, label = next(iter(dataset))
    assert tuple(clip.shape) == (4, 16, 16, 3) and clip.dtype.name == "float32"
    assert names == videos.CLASS_NAMES and 0 <= int(label) < 4


def test_ucf101_through_tensorflow_datasets(data_dir, monkeypatch):
    import tensorflow_datasets as tfds

    monkeypatch.setattr(videos.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(videos, "_unreachable", lambda url: None)
    with tfds.testing.mock_data(num_examples=3):
        dataset, names = videos.load_ucf101("download", split="train", frames=5, size=12)
        examples = list(dataset)
    assert len(names) == videos.UCF101_CLASSES and names[0] == "ApplyEyeMakeup"
    assert len(examples) == 3
    for clip, label in examples:
        assert tuple(clip.shape) == (5, 12, 12, 3) and 0.0 <= float(np.min(clip)) <= 1.0
        assert 0 <= int(label) < videos.UCF101_CLASSES


def test_ucf101_unavailable_offline_or_without_ffmpeg(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(DatasetUnavailable, match="COURSE_OFFLINE=1"):
        videos.load_ucf101("download")
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setattr(videos, "_unreachable", lambda url: None)  # the network is there
    with mock.patch.object(videos.shutil, "which", return_value=None):
        with pytest.raises(DatasetUnavailable, match="needs the `ffmpeg` program") as info:
            videos.load_ucf101("download")
        assert "network" not in str(info.value)
        dataset, names = videos.load_ucf101("auto", frames=4, size=8)
    assert names == videos.CLASS_NAMES
    assert "UCF101: the real dataset is unavailable" in capsys.readouterr().out


@pytest.mark.parametrize("ffmpeg", [None, "/usr/bin/ffmpeg"])
def test_ucf101_without_a_network_names_the_network_first(data_dir, monkeypatch, ffmpeg):
    """Offline, the missing network is the reason; a missing ffmpeg comes second, if at all."""
    monkeypatch.setattr(videos, "_unreachable", lambda url: "Name or service not known")
    monkeypatch.setattr(videos.shutil, "which", lambda name: ffmpeg)
    with pytest.raises(DatasetUnavailable) as info:
        videos.load_ucf101("download")
    message = str(info.value)
    assert "building it needs the network: its 6.5 GiB of videos come from " in message
    assert "storage.googleapis.com, which cannot be reached (Name or service not known)" in message
    assert "source='embedded', or COURSE_OFFLINE=1" in message
    if ffmpeg:
        assert "ffmpeg" not in message
    else:
        assert message.index("network") < message.index("Building it also needs the `ffmpeg`")


def test_an_unreachable_server_says_why(http_server):
    base_url, _ = http_server
    assert videos._unreachable(f"{base_url}/any.zip") is None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nothing listens there once it is closed
    assert videos._unreachable(f"http://127.0.0.1:{closed}/any.zip") == "Connection refused"


@pytest.mark.parametrize(
    "kwargs", [dict(split="validation"), dict(frames=0), dict(size=2.5), dict(source="web")]
)
def test_ucf101_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        videos.load_ucf101(**{"source": "embedded", **kwargs})
