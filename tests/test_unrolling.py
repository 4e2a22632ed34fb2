"""course_utils.unrolling.measure: the symbolic loop's graph is constant, the unrolled one grows."""

import pytest

from course_utils import unrolling


def test_loop_graph_is_constant_and_unrolled_graph_grows_linearly():
    loop = [unrolling.measure(n, False, cell="GRU", units=4, batch=2, steps=1) for n in (3, 6)]
    unrolled = [
        unrolling.measure(n, True, cell="GRU", units=4, batch=2, steps=1) for n in (3, 6, 9)
    ]
    assert loop[0].graph_ops == loop[1].graph_ops
    assert all(m.while_loops >= 1 for m in loop) and all(m.while_loops == 0 for m in unrolled)
    ops = [m.graph_ops for m in unrolled]
    assert ops[2] - ops[1] == ops[1] - ops[0] > 0
    assert loop[0].top_level_ops == loop[1].top_level_ops < loop[0].graph_ops
    top = [m.top_level_ops for m in unrolled]
    assert top[2] - top[1] == top[1] - top[0] > 0
    assert all(m.step_seconds > 0 and m.trace_seconds > 0 for m in loop + unrolled)
    assert unrolled[0].cell == "GRU" and unrolled[0].length == 3 and unrolled[0].unroll


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((None, True), {}, "length must be a positive integer"),
        ((0, False), {}, "length must be a positive integer"),
        ((5, False), {"cell": "RNN"}, "cell must be one of"),
        ((5, False), {"units": 2.5}, "units must be a positive integer"),
    ],
)
def test_bad_arguments_are_explained(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        unrolling.measure(*args, **kwargs)


def test_keras_private_returns_the_function_or_says_what_changed():
    assert callable(unrolling.keras_private("_assert_valid_mask"))
    with pytest.raises(RuntimeError, match="no function _no_such_check in keras.src"):
        unrolling.keras_private("_no_such_check")
    with pytest.raises(RuntimeError, match="no module keras.src.no_such_module"):
        unrolling.keras_private("_assert_valid_mask", module="keras.src.no_such_module")
