"""The shared argument check: what it accepts, what it returns, and how it refuses."""

import re

import numpy as np
import pytest

from course_utils.validation import positive_int


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
