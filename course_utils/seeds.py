"""Results over several seeds: which seeds to train with, and each result's mean and range.

A claim that compares training results rests on several seeds (at least 3): a notebook trains
each model once per seed of :func:`seeds` and prints each result as :func:`spread` formats it,
``2.93 (2.91–2.97)``: the mean, then the lowest and highest run. Two results whose ranges do not
overlap are :func:`separated`; :func:`wins` counts the seeds on which one beat the other (both
trained from the same seed). No TensorFlow here.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import SupportsFloat

from course_utils import config
from course_utils.validation import positive_int


def seeds(count: int = 3) -> tuple[int, ...]:
    """``count`` consecutive seeds from the notebook's own (``COURSE_SEED``): 42, 43, 44 by default."""
    first = config.seed()
    return tuple(range(first, first + positive_int("count", count)))


@dataclass(frozen=True)
class Spread:
    """One result measured once per seed: its mean and its range.

    ``f"{result:.2f}"`` gives ``"2.93 (2.91–2.97)"``; ``f"{result:.0%}"`` gives ``"93% (76%–100%)"``.
    """

    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)

    @property
    def low(self) -> float:
        return min(self.values, key=_nan_last)

    @property
    def high(self) -> float:
        return max(self.values, key=_nan_last)

    def __format__(self, spec: str) -> str:
        spec = spec or ".3g"
        return f"{self.mean:{spec}} ({self.low:{spec}}–{self.high:{spec}})"

    def __str__(self) -> str:
        return format(self)


def _nan_last(value: float) -> tuple[bool, float]:
    return (math.isnan(value), value)  # a NaN (a run that blew up) is above every number


def spread(values: Iterable[SupportsFloat]) -> Spread:
    """The :class:`Spread` of one result's values, one per seed. A NaN (a run whose loss blew
    up) makes the mean NaN and counts as the highest value."""
    floats = tuple(float(v) for v in values)
    if not floats:
        raise ValueError("spread() needs at least one value, one per seed.")
    return Spread(floats)


def separated(a: Spread, b: Spread) -> bool:
    """True when the ranges of two :class:`Spread` do not overlap: every run of one is below
    every run of the other."""
    return a.high < b.low or b.high < a.low


def wins(a: Spread, b: Spread) -> int:
    """On how many seeds ``a`` was below ``b`` (both :class:`Spread` over the same seeds, in
    the same order): for errors, how often ``a`` beat ``b``."""
    if len(a.values) != len(b.values):
        raise ValueError(
            f"wins() compares runs seed by seed: {len(a.values)} values against {len(b.values)}."
        )
    return sum(x < y for x, y in zip(a.values, b.values, strict=True))
