"""Argument checks shared by the public helpers, so one mistake always reads the same."""

import numbers


def positive_int(name, value, *, allow_none=False):
    """``value`` as an ``int``; a ``ValueError`` naming ``name`` unless it is an integer ≥ 1
    (or ``None``, where ``allow_none``)."""
    if allow_none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)
