"""Crop a sketch and watch what the classifier sees: the kept points, the dropped ones, its guess.

The logic is the pure function :func:`crop_view` (which points a crop keeps, and the figure);
:class:`SketchExplorer` only wires it to a class menu and two sliders.
"""

import ipywidgets
import numpy as np

from course_utils import figures
from course_utils.sketches.figures import draw_sketch
from course_utils.validation import integer
from course_utils.widgets import Explorer, FigureImage, figure_png


def crop_view(sketch, crop, title, probabilities=None, class_names=(), from_origin=True):
    """Draw ``sketch`` with its first ``crop`` points in black and the rest in light grey, next to
    the class probabilities (if given). Returns ``(figure, kept_points)``.

    ``from_origin``: the sketch is tutorial ink (see :func:`course_utils.sketches.data.to_strokes`).
    """
    sketch = np.asarray(sketch)
    integer("crop", crop, 2)  # points
    kept = min(crop, len(sketch))
    fig = figures.new(figsize=(8, 3.2))
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.4))
    draw_sketch(left, sketch, color="0.8", from_origin=from_origin)
    draw_sketch(
        left,
        sketch[:kept],
        f"{title}: {kept} of {len(sketch)} points kept",
        from_origin=from_origin,
    )
    if probabilities is not None:
        order = np.argsort(probabilities)[::-1][:5]
        right.barh([class_names[i] for i in order][::-1], probabilities[order][::-1])
        right.set(xlim=(0, 1), xlabel="probability", title="the model's top 5 on the kept points")
    else:
        right.axis("off")
    fig.tight_layout()
    return fig, kept


class SketchExplorer(Explorer):
    """Pick a class, a sketch (tutorial ink) and a crop length; ``predict`` maps a batch of
    sketches (1, points, 3) to class probabilities (1, classes), e.g. a Keras model."""

    def __init__(self, sketches, labels, class_names, predict=None, *, crop=100):
        self.sketches, self.labels = sketches, np.asarray(labels)
        self.class_names, self.predict = tuple(class_names), predict
        longest = max(len(s) for s in sketches)
        self.klass = ipywidgets.Dropdown(options=self.class_names, description="class")
        self.index = ipywidgets.IntSlider(value=0, min=0, max=9, description="sketch")
        self.crop = ipywidgets.IntSlider(
            value=min(crop, longest), min=2, max=longest, description="crop at"
        )
        self.image = FigureImage()
        super().__init__([ipywidgets.HBox([self.klass, self.index, self.crop]), self.image])
        for control in (self.klass, self.index, self.crop):
            control.observe(self._update, names="value")
        self._update()

    def _chosen(self):
        members = np.flatnonzero(self.labels == self.class_names.index(self.klass.value))
        if not len(members):
            raise ValueError(f"there is no sketch of class {self.klass.value!r}.")
        return self.sketches[members[min(self.index.value, len(members) - 1)]]

    def _figure(self):
        sketch = np.asarray(self._chosen(), np.float32)
        probabilities = None
        if self.predict is not None:
            probabilities = np.asarray(self.predict(sketch[None, : self.crop.value]))[0]
        return crop_view(sketch, self.crop.value, self.klass.value, probabilities, self.class_names)

    def _line(self):
        sketch = self._chosen()
        kept = min(self.crop.value, len(sketch))
        return (
            f"{self.klass.value} #{self.index.value}: {len(sketch)} points, the crop keeps {kept}"
        )

    def _update(self, change=None):
        fig, _ = self._figure()
        self.image.show(figure_png(fig))

    def snapshot(self):
        fig, _ = self._figure()
        return {"text/plain": self._line(), "image/png": figure_png(fig)}
