"""Scrub through a clip and watch a model's class probabilities change with each extra frame.

The logic is in pure functions (:func:`prefix_probabilities`, :func:`summary`); the drawing is
:func:`course_utils.videos.figures.prefix_view`; :class:`ClipExplorer` only wires them to sliders.
"""

import ipywidgets
import numpy as np

from course_utils.videos.figures import prefix_view
from course_utils.widgets import Explorer, FigureImage, figure_png


def prefix_probabilities(predict, clip):
    """Class probabilities after the first 1, 2, …, T frames of ``clip``: an array (T, classes).

    ``predict`` maps a batch of one clip prefix, shape (1, t, …), to probabilities (1, classes),
    e.g. a Keras model whose input has ``None`` time steps (a model built for a fixed number of
    frames cannot read a prefix).
    """
    clip = np.asarray(clip)
    if clip.ndim < 2:
        raise ValueError(f"clip must have a time dimension first, got shape {clip.shape}.")
    rows = []
    for t in range(1, len(clip) + 1):
        try:
            out = np.asarray(predict(clip[None, :t]))
        except ValueError as exc:
            raise ValueError(
                f"The model could not read the first {t} frames ({exc}). Build it with "
                "keras.Input((None, ...)) so that it accepts clips of any length."
            ) from None
        if out.ndim != 2 or out.shape[0] != 1:
            raise ValueError(f"predict must return shape (1, classes), got {out.shape}.")
        rows.append(out[0])
    probabilities = np.stack(rows).astype(np.float64)
    if np.any(probabilities < -1e-6) or not np.allclose(probabilities.sum(axis=1), 1, atol=1e-3):
        raise ValueError("predict must return probabilities (end the model with a softmax).")
    return probabilities


def summary(probabilities, seen, class_names, true_label=None):
    """One line: the model's best guess after ``seen`` frames, and the true class if known."""
    probabilities = np.asarray(probabilities)
    if not 1 <= seen <= len(probabilities):
        raise ValueError(f"seen must be between 1 and {len(probabilities)}, got {seen!r}.")
    row = probabilities[seen - 1]
    best = int(np.argmax(row))
    line = f"after {seen} of {len(probabilities)} frames: {class_names[best]} ({row[best]:.0%})"
    if true_label is not None:
        verdict = "right" if best == true_label else "wrong"
        line += f" · true class: {class_names[true_label]} ({verdict})"
    return line


class ClipExplorer(Explorer):
    """Pick a clip and a number of frames; see the frames and the model's probabilities so far."""

    def __init__(self, model, clips, labels, class_names, *, index=0, seen=None):
        self.model, self.clips, self.labels = model, np.asarray(clips), np.asarray(labels)
        self.class_names = tuple(class_names)
        frames = self.clips.shape[1]
        self.clip_slider = ipywidgets.IntSlider(
            value=index, min=0, max=len(self.clips) - 1, description="clip"
        )
        self.seen_slider = ipywidgets.IntSlider(
            value=seen or frames, min=1, max=frames, description="frames seen"
        )
        self.text = ipywidgets.Label()
        self.image = FigureImage()
        super().__init__(
            [ipywidgets.HBox([self.clip_slider, self.seen_slider]), self.text, self.image]
        )
        self._cache = {}
        self.clip_slider.observe(self._update, names="value")
        self.seen_slider.observe(self._update, names="value")
        self._update()

    def probabilities(self, index):
        """Prefix probabilities of clip ``index`` (computed once per clip)."""
        if index not in self._cache:
            predict = lambda batch: self.model(batch, training=False)
            self._cache[index] = prefix_probabilities(predict, self.clips[index])
        return self._cache[index]

    def _figure(self):
        index, seen = self.clip_slider.value, self.seen_slider.value
        return prefix_view(
            self.clips[index],
            self.probabilities(index),
            seen,
            self.class_names,
            true_label=int(self.labels[index]),
            title=f"Clip {index}: class probabilities after {seen} frames",
        )

    def _line(self):
        index = self.clip_slider.value
        return f"clip {index} · " + summary(
            self.probabilities(index),
            self.seen_slider.value,
            self.class_names,
            int(self.labels[index]),
        )

    def _update(self, change=None):
        self.text.value = self._line()
        self.image.show(figure_png(self._figure()))

    def snapshot(self):
        return {"text/plain": self._line(), "image/png": figure_png(self._figure())}
