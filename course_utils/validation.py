"""Argument checks shared by the public helpers, so one mistake always reads the same."""

import math
import numbers
from typing import Literal, overload


@overload
def positive_int(name: str, value: object, *, allow_none: Literal[False] = False) -> int: ...
@overload
def positive_int(name: str, value: object, *, allow_none: bool) -> int | None: ...
def positive_int(name: str, value: object, *, allow_none: bool = False) -> int | None:
    """``value`` as an ``int``; a ``ValueError`` naming ``name`` unless it is an integer ≥ 1
    (or ``None``, where ``allow_none``)."""
    if allow_none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        wanted = "a positive integer or None" if allow_none else "a positive integer"
        raise ValueError(f"{name} must be {wanted}, got {value!r}.")
    return int(value)


def positive_number(name: str, value: object, *, allow_zero: bool = False) -> float:
    """``value`` as a ``float``; a ``ValueError`` naming ``name`` unless it is a finite real
    number > 0 (or ≥ 0, where ``allow_zero``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
        or (value == 0 and not allow_zero)
    ):
        wanted = "a number >= 0" if allow_zero else "a positive number"
        raise ValueError(f"{name} must be {wanted}, got {value!r}.")
    return float(value)


def fraction(name: str, value: object) -> float:
    """``value`` as a ``float``; a ``ValueError`` naming ``name`` unless 0 < value < 1."""
    # Not 0 < value < 1 (NaN included), said with the comparisons that numbers.Real declares.
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or value <= 0
        or not value < 1
    ):
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}.")
    return float(value)


def integer(name: str, value: object, low: int, high: int | None = None) -> int:
    """``value`` as an ``int``; a ``ValueError`` naming ``name`` unless it is an integer from
    ``low`` to ``high`` (at least ``low`` when ``high`` is ``None``)."""
    wanted = f"an integer of at least {low}" if high is None else f"an integer from {low} to {high}"
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or int(value) < low
        or (high is not None and int(value) > high)
    ):
        raise ValueError(f"{name} must be {wanted}, got {value!r}.")
    return int(value)
