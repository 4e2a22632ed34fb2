"""Results over several seeds: the seeds, the mean and range, separation and wins."""

import math

import pytest

from course_utils import seeds


def test_seeds_start_from_the_notebooks_seed(monkeypatch):
    monkeypatch.setenv("COURSE_SEED", "7")
    assert seeds.seeds() == (7, 8, 9)
    assert seeds.seeds(5) == (7, 8, 9, 10, 11)
    with pytest.raises(ValueError, match="count"):
        seeds.seeds(0)


def test_a_spread_prints_its_mean_and_range():
    result = seeds.spread([2.91, 2.97, 2.93])
    assert f"{result:.2f}" == "2.94 (2.91–2.97)"
    assert f"{seeds.spread([0.76, 1.0, 0.93]):.0%}" == "90% (76%–100%)"
    with pytest.raises(ValueError, match="at least one"):
        seeds.spread([])


def test_a_run_that_blew_up_is_the_highest_and_makes_the_mean_nan():
    result = seeds.spread([0.02, float("nan"), 0.03])
    assert math.isnan(result.mean) and math.isnan(result.high) and result.low == 0.02


def test_separated_means_no_overlap_and_wins_counts_seed_by_seed():
    a, b, c = seeds.spread([1, 2, 3]), seeds.spread([4, 5, 6]), seeds.spread([2.5, 1.5, 3.5])
    assert seeds.separated(a, b) and seeds.separated(b, a) and not seeds.separated(a, c)
    assert seeds.wins(a, c) == 2 and seeds.wins(c, a) == 1 and seeds.wins(a, b) == 3
    with pytest.raises(ValueError, match="seed by seed"):
        seeds.wins(a, seeds.spread([1, 2]))
