"""Sketch drawings: course figures that pyplot never holds."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import figures
from course_utils.sketches import doodles
from course_utils.sketches.figures import length_histogram, sketch_grid


def test_sketch_grid_draws_one_panel_per_sketch_outside_pyplot():
    sketches, labels = doodles.generate(7, seed=0)
    before = plt.get_fignums()
    fig = sketch_grid(sketches, [doodles.SYNTHETIC_CLASSES[y] for y in labels], columns=4)
    assert isinstance(fig, figures.Figure) and plt.get_fignums() == before
    assert len(fig.axes) == 8  # two rows of four, the last panel empty
    assert [ax.get_title() for ax in fig.axes[:7]] == [doodles.SYNTHETIC_CLASSES[y] for y in labels]
    assert not fig.axes[7].axison
    png, shown = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and shown["width"] <= figures.WIDTH * figures.DPI
    with pytest.raises(ValueError, match="one title each"):
        sketch_grid(sketches, ["circle"])
    with pytest.raises(ValueError, match="at least one sketch"):
        sketch_grid([], [])


def test_length_histogram_marks_the_crop():
    before = plt.get_fignums()
    fig = length_histogram(np.array([10, 50, 120, 300]), crop=100)
    assert isinstance(fig, figures.Figure) and plt.get_fignums() == before
    (ax,) = fig.axes
    assert ax.get_legend().get_texts()[0].get_text() == "crop at 100 points"
    assert length_histogram([5, 6]).axes[0].get_legend() is None
