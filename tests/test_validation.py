"""The shared argument check: what it accepts, what it returns, and how it refuses."""

import re

import numpy as np
import pytest

from course_utils.validation import fraction, integer, positive_int, positive_number


def test_positive_int_returns_a_python_int():
    assert positive_int("n", 3) == 3
    value = positive_int("n", np.int64(7))
    assert value == 7 and type(value) is int
    assert positive_int("n", None, allow_none=True) is None


@pytest.mark.parametrize("bad", [0, -2, 2.0, "3", True, None, np.float32(4)])
def test_positive_int_refuses_with_the_name_and_value(bad):
    message = f"batch must be a positive integer, got {bad!r}."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        positive_int("batch", bad)


def test_positive_number_and_fraction_return_floats():
    assert positive_number("gain", 2) == 2.0 and type(positive_number("gain", 2)) is float
    assert positive_number("noise", 0, allow_zero=True) == 0.0
    assert fraction("threshold", np.float32(0.5)) == 0.5


@pytest.mark.parametrize("bad", [0, -1.5, float("nan"), float("inf"), "1", True, None])
def test_positive_number_refuses_with_the_name_and_value(bad):
    message = f"gain must be a positive number, got {bad!r}."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        positive_number("gain", bad)


def test_a_number_that_may_be_zero_still_refuses_negatives():
    with pytest.raises(ValueError, match=r"^noise must be a number >= 0, got -0\.1\.$"):
        positive_number("noise", -0.1, allow_zero=True)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.2, "0.5", True])
def test_fraction_refuses_the_ends_and_beyond(bad):
    message = f"threshold must be between 0 and 1, got {bad!r}."
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        fraction("threshold", bad)


def test_positive_int_that_may_be_none_says_so():
    with pytest.raises(ValueError, match=r"^split must be a positive integer or None, got 0\.$"):
        positive_int("split", 0, allow_none=True)


def test_integer_in_a_range():
    assert integer("steps", np.int64(3), 2, 8) == 3 and type(integer("n", 14, 14)) is int
    with pytest.raises(ValueError, match=r"^steps must be an integer from 2 to 8, got 9\.$"):
        integer("steps", 9, 2, 8)
    with pytest.raises(ValueError, match=r"^crop must be an integer of at least 2, got 1\.$"):
        integer("crop", 1, 2)
    for bad in (2.0, "3", True, None):
        with pytest.raises(ValueError, match="must be an integer"):
            integer("steps", bad, 2, 8)
