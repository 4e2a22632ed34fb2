"""Short video clips: a generated offline default whose labels need time, and two real loaders.

- :func:`moving_objects` (embedded, deterministic): a ball or a box flies along a straight line in
  3-D, seen by a camera, so it drifts across the picture and grows as it comes closer. The
  generator first draws ``frames`` states of that flight (positions and sizes), *then* the label
  decides only the order in which they are shown (see :data:`CLASS_NAMES` and :func:`frame_order`).
  The frames of a clip, taken as an unordered set, therefore have the same distribution in every
  class: a model that looks at frames one at a time and averages what it sees is at chance
  (25 %), whatever it learns. Only the order of the frames carries the label.
- :func:`load_moving_mnist` (real): Moving MNIST (Srivastava et al., 2015), 10,000 clips of 20
  frames of 64×64 grayscale pixels (uint8) showing two bouncing digits; one file,
  ``mnist_test_seq.npy``, 819,200,096 bytes, stored time-major as (20, 10000, 64, 64). It has no
  labels (it is used to learn to predict frames). Returned batch-major: (clips, 20, 64, 64, 1).
- :func:`load_ucf101` (real, TensorFlow Datasets ``ucf101/ucf101_1_256``): UCF101 (Soomro et
  al., 2012), 13,320 YouTube clips of 101 human actions at 25 frames per second, rescaled to
  256×256 RGB; split 1 has 9,537 training and 3,783 test clips, a few seconds each (tens to
  hundreds of frames). TFDS downloads a 6,960,400,115-byte zip of the videos plus the official
  split lists and decodes the videos with ``ffmpeg``, which must be installed. Returned as a
  ``tf.data.Dataset`` of (clip, label) with ``frames`` frames sampled evenly from each video
  and resized to ``size``×``size``, float32 in [0, 1].

With ``source="auto"``, a loader that cannot download falls back to a generated stand-in of the
same format (:func:`moving_objects` clips), saying so.

Checksums: both are published in TensorFlow Datasets' ``url_checksums`` files (``moving_mnist.txt``
and ``ucf101.txt``); :data:`MOVING_MNIST_SHA256` is the first, and TFDS verifies the second itself.
"""

import shutil
import socket
import urllib.parse

import numpy as np

from course_utils import config
from course_utils._quiet import import_tensorflow
from course_utils.datasets import DatasetUnavailable, default_source, fetch, from_source
from course_utils.validation import integer, positive_int, positive_number

CLASS_NAMES = ("approaching", "receding", "approach and back", "recede and back")
FRAMES = 12
SIZE = 32

MOVING_MNIST_BASE_URL = "http://www.cs.toronto.edu/~nitish/unsupervised_video"
MOVING_MNIST_FILE = "mnist_test_seq.npy"
MOVING_MNIST_SHA256 = "c2a3e8d3939c001ab77bf543f130157424efa486bb4d0974d2cebb773b13f8b3"
MOVING_MNIST_SHAPE = (20, 64, 64, 1)  # one clip, as returned

UCF101_NAME = "ucf101/ucf101_1_256"
UCF101_CLASSES = 101
UCF101_SPLITS = {"train": 9_537, "test": 3_783}
UCF101_ZIP_BYTES = 6_960_400_115
UCF101_URL = "https://storage.googleapis.com/thumos14_files/UCF101_videos.zip"  # TFDS downloads it
UCF101_STAND_IN_CLIPS = 256


def frame_order(label, frames=FRAMES):
    """The order in which a clip of class ``label`` shows the states 0 (far) … frames-1 (near).

    - 0 approaching: 0, 1, …, frames-1 (grows steadily);
    - 1 receding: frames-1, …, 1, 0 (shrinks steadily);
    - 2 approach and back: the even states going up, then the odd ones coming back (twice as fast);
    - 3 recede and back: the same from the near end.

    Every order is a permutation of the same states: only the order differs between classes.
    """
    frames = integer("frames", frames, 2)
    if frames % 2:
        raise ValueError(f"frames must be even (the out-and-back orders need it), got {frames}.")
    if label not in range(len(CLASS_NAMES)):
        raise ValueError(f"label must be 0 to {len(CLASS_NAMES) - 1}, got {label!r}.")
    up = np.arange(frames)
    out_and_back = np.concatenate([up[0::2], up[1::2][::-1]])
    return [up, up[::-1], out_and_back, frames - 1 - out_and_back][label]


def _render(centres, radii, boxes, brightness, size):
    """Anti-aliased discs or boxes: centres (n, T, 2), radii and brightness (n, T), boxes (n,)."""
    grid = np.arange(size, dtype=np.float32) + 0.5
    dy = np.abs(grid[None, None, :, None] - centres[..., 0, None, None])
    dx = np.abs(grid[None, None, None, :] - centres[..., 1, None, None])
    distance = np.empty(dy.shape[:2] + (size, size), np.float32)
    distance[boxes] = np.maximum(dx[boxes], dy[boxes])
    distance[~boxes] = np.hypot(dx[~boxes], dy[~boxes])
    inside = np.clip(radii[..., None, None] - distance + 0.5, 0.0, 1.0)
    return inside * brightness[..., None, None]


def moving_objects(n, *, frames=FRAMES, size=SIZE, seed=0, noise=0.1):
    """``n`` clips (float32, shape (n, frames, size, size, 1), values in [0, 1]) and their labels
    (int64, balanced over :data:`CLASS_NAMES`), the same for the same arguments.

    Each clip: a disc or a box flies along a straight line, from far (radius ``size/12`` to
    ``size/8``) to near (1.5 to 2.5 times larger), drifting sideways; its brightness flickers
    from frame to frame and Gaussian pixel noise of standard deviation ``noise`` is added.
    """
    n = positive_int("n", n)
    frames = integer("frames", frames, 2)
    size = integer("size", size, 8)
    noise = positive_number("noise", noise, allow_zero=True)
    frame_order(0, frames)  # validates that frames is even
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(CLASS_NAMES)).astype(np.int64)
    # The flight, drawn before (and independently of) the label.
    far = rng.uniform(size / 12, size / 8, (n, 1)).astype(np.float32)
    near = far * rng.uniform(1.5, 2.5, (n, 1)).astype(np.float32)
    step = np.linspace(0.0, 1.0, frames, dtype=np.float32)
    radii = far + (near - far) * step
    start, end = rng.uniform(0.3 * size, 0.7 * size, (2, n, 1, 2)).astype(np.float32)
    centres = start + (end - start) * step[None, :, None]
    boxes = rng.random(n) < 0.5
    brightness = rng.uniform(0.5, 1.0, (n, frames)).astype(np.float32)
    clips = np.empty((n, frames, size, size), np.float32)
    for first in range(0, n, 256):
        part = slice(first, first + 256)
        states = _render(centres[part], radii[part], boxes[part], brightness[part], size)
        orders = np.stack([frame_order(label, frames) for label in labels[part]])
        clips[part] = np.take_along_axis(states, orders[:, :, None, None], axis=1)
    clips += np.float32(noise) * rng.standard_normal(clips.shape, dtype=np.float32)
    np.clip(clips, 0.0, 1.0, out=clips)
    return clips[..., None], labels


def _load_npy(path, max_clips):
    try:
        data = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise DatasetUnavailable(f"{path} is not a NumPy array file ({exc}). Delete it.") from None
    frames, height, width, _ = MOVING_MNIST_SHAPE
    if data.ndim != 4 or data.shape[0] != frames or data.shape[2:] != (height, width):
        raise DatasetUnavailable(
            f"{path} holds an array of shape {data.shape}, not Moving MNIST's (20, clips, 64, 64)."
        )
    count = data.shape[1] if max_clips is None else min(max_clips, data.shape[1])
    return np.ascontiguousarray(np.asarray(data[:, :count]).transpose(1, 0, 2, 3)[..., None])


def load_moving_mnist(
    source=None, *, max_clips=None, base_url=MOVING_MNIST_BASE_URL, sha256=MOVING_MNIST_SHA256
):
    """Moving MNIST clips, uint8, shape (clips, 20, 64, 64, 1), at most ``max_clips`` of them.

    ``source`` follows :mod:`course_utils.datasets` (``None``: :func:`default_source`). The
    embedded stand-in has the same shape and dtype: :func:`moving_objects` clips (no digits).
    """
    source = default_source() if source is None else source
    if max_clips is not None:
        max_clips = positive_int("max_clips", max_clips)

    def download():
        path = fetch(
            f"{base_url.rstrip('/')}/{MOVING_MNIST_FILE}", sha256=sha256, subdir="moving_mnist"
        )
        return _load_npy(path, max_clips)

    def embedded():
        frames, size = MOVING_MNIST_SHAPE[0], MOVING_MNIST_SHAPE[1]
        clips, _ = moving_objects(max_clips or 100, frames=frames, size=size, seed=0)
        return (clips * 255).round().astype(np.uint8)

    return from_source(source, download=download, embedded=embedded, name="Moving MNIST")


def sample_frames(video, frames, size):
    """``frames`` frames taken evenly from ``video`` (T, H, W, C; uint8 or float in [0, 1]) and
    resized to ``size``×``size``: float32 in [0, 1], shape (frames, size, size, C).

    Works on tensors inside ``tf.data`` (``T`` may be unknown); a video shorter than ``frames``
    repeats frames.
    """
    tf = import_tensorflow()

    video = tf.convert_to_tensor(video)
    if video.shape.rank != 4:
        raise ValueError(
            f"video must have 4 dimensions (time, height, width, channels), got {video.shape}."
        )
    if video.dtype == tf.uint8:
        video = tf.cast(video, tf.float32) / 255.0
    else:
        video = tf.cast(video, tf.float32)
    length = tf.shape(video)[0]
    positions = tf.linspace(0.0, tf.cast(length - 1, tf.float32), frames)
    picked = tf.gather(video, tf.cast(tf.round(positions), tf.int32))
    return tf.image.resize(picked, (size, size))


def _ucf101_embedded(split, frames, size):
    tf = import_tensorflow()
    clips, labels = moving_objects(
        UCF101_STAND_IN_CLIPS, frames=frames, size=size, seed={"train": 1, "test": 2}[split]
    )
    rgb = np.repeat(clips, 3, axis=-1)
    return tf.data.Dataset.from_tensor_slices((rgb, labels)), CLASS_NAMES


def _unreachable(url, timeout=10):
    """Why the server of ``url`` cannot be reached (e.g. "Name or service not known"), or None when
    it accepts a connection."""
    parts = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout).close()
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__
    return None


def load_ucf101(source=None, *, split="train", frames=16, size=64, data_dir=None):
    """UCF101 as ``(dataset, class_names)``: a ``tf.data.Dataset`` of (clip, label), each clip
    float32 (frames, size, size, 3) sampled evenly from one video (see :func:`sample_frames`).

    Built by TensorFlow Datasets (``ucf101/ucf101_1_256``, official split 1) in
    ``data_dir`` (default ``config.data_dir() / "tensorflow_datasets"``); the first build downloads
    6.5 GiB and needs ``ffmpeg``. The embedded stand-in gives :func:`moving_objects` clips in the
    same format (3 channels) with :data:`CLASS_NAMES`.
    """
    if split not in UCF101_SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    frames = positive_int("frames", frames)
    size = positive_int("size", size)
    source = default_source() if source is None else source

    def download():
        import tensorflow_datasets as tfds

        folder = data_dir or config.data_dir() / "tensorflow_datasets"
        builder = tfds.builder(UCF101_NAME, data_dir=str(folder))
        if not builder.is_prepared():
            where = f"{UCF101_NAME} was not found prepared in {folder}"
            if config.offline():
                raise DatasetUnavailable(f"{where}, and COURSE_OFFLINE=1 forbids downloading it.")
            ffmpeg = (
                "the `ffmpeg` program, with which TensorFlow Datasets decodes the videos (install "
                "it, e.g. `apt-get install ffmpeg`)"
            )
            no_ffmpeg = shutil.which("ffmpeg") is None
            unreachable = _unreachable(UCF101_URL)
            if unreachable:  # the network first: without it, ffmpeg would not help
                raise DatasetUnavailable(
                    f"{where}, and building it needs the network: its "
                    f"{UCF101_ZIP_BYTES / 2**30:.1f} GiB of videos come from "
                    f"{urllib.parse.urlsplit(UCF101_URL).hostname}, which cannot be reached "
                    f"({unreachable}). Connect to the internet, or use the embedded stand-in "
                    "(source='embedded', or COURSE_OFFLINE=1)."
                    + (f" Building it also needs {ffmpeg}." if no_ffmpeg else "")
                )
            if no_ffmpeg:
                raise DatasetUnavailable(f"{where}; building it needs {ffmpeg}, then try again.")
            try:
                builder.download_and_prepare()
            except Exception as exc:  # network, disk, decoding: all mean "not available"
                raise DatasetUnavailable(
                    f"{where}, and building it failed ({type(exc).__name__}: {exc}). It needs "
                    f"{UCF101_ZIP_BYTES / 2**30:.1f} GiB of download and about twice that on disk."
                ) from None
        dataset = builder.as_dataset(split=split)  # dicts: TFDS gives ucf101 no (input, label) keys
        dataset = dataset.map(
            lambda example: (sample_frames(example["video"], frames, size), example["label"]),
            num_parallel_calls=-1,
        )
        return dataset, tuple(builder.info.features["label"].names)

    return from_source(
        source,
        download=download,
        embedded=lambda: _ucf101_embedded(split, frames, size),
        name="UCF101",
    )
