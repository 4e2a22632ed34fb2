"""The synthetic doodles (course_utils.sketches.doodles): deterministic, balanced, as varied and
as long as the real drawings."""

import numpy as np
import pytest

from course_utils.sketches import data, doodles


def test_generate_is_deterministic_and_balanced():
    a, la = doodles.generate(60, seed=3)
    b, lb = doodles.generate(60, seed=3)
    c, _ = doodles.generate(60, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert np.array_equal(la, lb)
    assert not all(len(x) == len(y) and np.array_equal(x, y) for x, y in zip(a, c, strict=True))
    assert np.bincount(la).tolist() == [60 // len(doodles.SYNTHETIC_CLASSES)] * len(
        doodles.SYNTHETIC_CLASSES
    )
    assert all(s.dtype == np.int16 and s.ndim == 2 and s.shape[1] == 3 for s in a)
    assert all(np.abs(np.cumsum(s[:, :2], axis=0)).max() <= 255 for s in a)


def test_a_smaller_n_gives_the_first_sketches_of_a_larger_one():
    small, small_labels = doodles.generate(25, seed=2)
    large, large_labels = doodles.generate(70, seed=2)
    assert np.array_equal(small_labels, large_labels[:25])
    assert all(np.array_equal(a, b) for a, b in zip(small, large, strict=False))


def test_synthetic_doodles_vary_like_human_ones():
    sketches, labels = doodles.generate(400, seed=0)
    lengths = np.array([len(s) for s in sketches])
    strokes = np.array([int(s[:, 2].sum()) for s in sketches])
    for k, name in enumerate(doodles.SYNTHETIC_CLASSES):
        mine = lengths[labels == k]
        assert mine.max() > mine.min(), f"every {name} has the same number of points"
    house = doodles.SYNTHETIC_CLASSES.index("house")
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
    sketches, _ = doodles.generate(2000, seed=0)
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
    grouped = [c for group in doodles.SYNTHETIC_GROUPS for c in group]
    assert tuple(grouped) == doodles.SYNTHETIC_CLASSES and len(set(grouped)) == len(grouped)
    assert len(doodles.SYNTHETIC_CLASSES) > 10


def test_generate_refuses_bad_arguments():
    with pytest.raises(ValueError, match="positive integer"):
        doodles.generate(0)
    with pytest.raises(ValueError, match="classes must be taken from"):
        doodles.generate(5, classes=("cat",))


def test_an_unfinished_stroke_stops_part_way_along_its_length():
    stroke = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], float)  # 30 units long
    half = doodles._stop_early(stroke, 0.5)
    np.testing.assert_allclose(half, [[0, 0], [10, 0], [10, 5]])
    np.testing.assert_allclose(doodles._stop_early(stroke, 1.0), stroke)


def test_the_data_module_loads_with_the_same_generator_and_names_its_groups():
    """The loaders draw with doodles.generate; notebook 09 reads sketches.SYNTHETIC_GROUPS."""
    assert data.generate is doodles.generate
    assert data.SYNTHETIC_GROUPS is doodles.SYNTHETIC_GROUPS
    assert data.SYNTHETIC_CLASSES is doodles.SYNTHETIC_CLASSES
