"""The model-family diagram: one panel per family, inputs and outputs drawn where the family has them."""

import pytest

from course_utils import families, figures


def _labels(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    "family, inputs, outputs, vectors",
    [
        ("sequence-to-sequence", 4, 4, 0),
        ("sequence-to-vector", 4, 1, 0),
        ("vector-to-sequence", 4, 4, 0),
        ("encoder–decoder", 4, 4, 5),
    ],
)
def test_each_family_feeds_and_keeps_the_right_steps(family, inputs, outputs, vectors):
    """As in notebook 01's code: RepeatVector feeds the vector (x, or the encoder's v) at every step."""
    ax = figures.new().subplots()
    families.draw_family(ax, family, steps=4)
    labels = _labels(ax)
    assert sum(label.startswith("x") for label in labels) == inputs
    assert sum(label.startswith("y") for label in labels) == outputs
    assert labels.count("v") == vectors
    assert family in ax.get_title()


def test_families_figure_has_four_titled_panels():
    fig = families.families_figure()
    assert isinstance(fig, figures.Figure)
    titled = [ax.get_title().split("\n")[0] for ax in fig.axes if ax.get_title()]
    assert titled == list(families.FAMILIES)
    assert fig.get_suptitle()


@pytest.mark.parametrize(
    "kwargs", [{"family": "tree-to-tree"}, {"family": "encoder–decoder", "steps": 1}]
)
def test_bad_input_is_refused(kwargs):
    ax = figures.new().subplots()
    with pytest.raises(ValueError, match="family|steps"):
        families.draw_family(ax, **kwargs)
