"""The clip widget's logic (prefix probabilities, summary line), its drawings, and the widget."""

import numpy as np
import pytest

from course_utils import figures
from course_utils.videos import figures as video_diagrams
from course_utils.videos import widget as clips

NAMES = ("a", "b", "c")


def counting_model(batch):
    """Probabilities that move from class 'a' to class 'c' as frames are added."""
    t = batch.shape[1]
    scores = np.array([[4.0 - t, 0.0, t - 4.0]])
    e = np.exp(scores - scores.max())
    return e / e.sum()


def test_prefix_probabilities_reads_every_prefix():
    clip = np.zeros((8, 4, 4, 1), np.float32)
    seen = []
    probabilities = clips.prefix_probabilities(
        lambda batch: seen.append(batch.shape) or counting_model(batch), clip
    )
    assert probabilities.shape == (8, 3)
    assert seen == [(1, t, 4, 4, 1) for t in range(1, 9)]
    assert np.argmax(probabilities[0]) == 0 and np.argmax(probabilities[-1]) == 2
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_prefix_probabilities_rejects_scores_and_bad_shapes():
    clip = np.zeros((3, 2, 2, 1))
    with pytest.raises(ValueError, match="softmax"):
        clips.prefix_probabilities(lambda batch: np.array([[2.0, -1.0]]), clip)
    with pytest.raises(ValueError, match=r"shape \(1, classes\)"):
        clips.prefix_probabilities(lambda batch: np.array([0.5, 0.5]), clip)
    with pytest.raises(ValueError, match="time dimension"):
        clips.prefix_probabilities(counting_model, np.zeros(3))


def test_prefix_probabilities_explains_fixed_length_models():
    def fixed(batch):
        if batch.shape[1] != 3:
            raise ValueError("expected 3 frames")
        return counting_model(batch)

    with pytest.raises(ValueError, match=r"keras.Input\(\(None"):
        clips.prefix_probabilities(fixed, np.zeros((3, 2, 2, 1)))


def test_summary_line():
    probabilities = clips.prefix_probabilities(counting_model, np.zeros((8, 2, 2, 1)))
    assert clips.summary(probabilities, 1, NAMES).startswith("after 1 of 8 frames: a (")
    line = clips.summary(probabilities, 8, NAMES, true_label=2)
    assert "after 8 of 8 frames: c" in line and line.endswith("true class: c (right)")
    assert clips.summary(probabilities, 1, NAMES, true_label=2).endswith("(wrong)")
    with pytest.raises(ValueError, match="between 1 and 8"):
        clips.summary(probabilities, 0, NAMES)


def test_drawings_have_titles_and_check_their_inputs():
    clip = np.random.default_rng(0).random((6, 8, 8, 1))
    strip = video_diagrams.frame_strip([clip, clip], row_labels=["x", "y"], title="two clips")
    assert strip._suptitle.get_text() == "two clips" and len(strip.axes) == 12
    assert isinstance(strip, figures.Figure)
    with pytest.raises(ValueError, match="same number of frames"):
        video_diagrams.frame_strip([clip, clip[:3]])
    with pytest.raises(ValueError, match="clip must have shape"):
        video_diagrams.frame_strip(np.zeros((2, 3)))
    probabilities = np.full((6, 3), 1 / 3)
    view = video_diagrams.prefix_view(clip, probabilities, 4, NAMES, true_label=1)
    assert isinstance(view, figures.Figure)
    plot = view.axes[-1]
    assert plot.get_xlabel() == "frames seen" and plot.get_ylabel() == "predicted probability"
    assert [len(line.get_xdata()) for line in plot.get_lines()[:3]] == [4, 4, 4]
    with pytest.raises(ValueError, match="probabilities must have shape"):
        video_diagrams.prefix_view(clip, probabilities[:5], 4, NAMES)
    with pytest.raises(ValueError, match="seen must be between"):
        video_diagrams.prefix_view(clip, probabilities, 7, NAMES)


def test_clip_explorer_with_a_keras_model():
    import keras

    model = keras.Sequential(
        [
            keras.Input((None, 6, 6, 1)),
            keras.layers.TimeDistributed(keras.layers.Flatten()),
            keras.layers.GRU(4),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    data = np.random.default_rng(1).random((3, 4, 6, 6, 1)).astype(np.float32)
    explorer = clips.ClipExplorer(model, data, [0, 2, 1], NAMES, index=1, seen=2)
    assert explorer.text.value.startswith("clip 1 · after 2 of 4 frames:")
    assert "true class: c" in explorer.text.value
    explorer.seen_slider.value = 4
    assert "after 4 of 4 frames" in explorer.text.value
    assert set(explorer._cache) == {1}  # a new frame count reuses the clip's probabilities
    explorer.clip_slider.value = 0
    assert set(explorer._cache) == {0, 1} and "true class: a" in explorer.text.value
    snapshot = explorer.snapshot()
    assert snapshot["text/plain"] == explorer.text.value and snapshot["image/png"]
    expected = model(data[0:1, :3], training=False).numpy()[0]
    np.testing.assert_allclose(explorer.probabilities(0)[2], expected, rtol=1e-5, atol=1e-6)
