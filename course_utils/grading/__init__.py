"""Checks for the graded exercises' test cells.

Each check prints one short line when the answer is right and raises ``AssertionError`` with a
message that says what is wrong and how to fix it when it is not. Checks raise explicitly (never
with the ``assert`` statement), so they keep working under ``python -O``. Answers compared for
equality are first turned into plain Python data (numbers, strings, tuples, lists, dicts), so an
object whose ``__eq__`` always answers True cannot pass for the right answer.
"""

import math

import numpy as np

from course_utils import feedback
from course_utils.feedback import expect_error  # noqa: F401 (for lesson cells)

# In IPython, an unanswered exercise, a name that a cell above defines (after a restart), an
# interrupt and an error shown on purpose (expect_error) fail with one line (see feedback.py), in
# kernels that did not load it when they started.
feedback.install()


def _fail(message):
    """Raise the check's verdict; IPython shows it as the message alone, without library frames."""
    error = AssertionError(message)
    lines = str(message).splitlines() or [""]
    error._render_traceback_ = lambda: [f"\x1b[0;31mAssertionError\x1b[0m: {lines[0]}", *lines[1:]]
    raise error


def _ok(what):
    print(f"✓ {what}: correct")


_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def _plain(value):
    """``value`` as plain Python data (numbers, strings, None, tuples, lists, dicts), else TypeError.

    Comparing plain data cannot be fooled by an object whose ``__eq__`` always answers True.
    """
    if isinstance(value, np.ndarray | np.generic) and np.ndim(value) == 0:
        value = value.item()
    for kind in _SCALARS[:-1]:
        if isinstance(value, kind):
            return kind(value)
    if value is None:
        return None
    if isinstance(value, tuple | list):
        return type(value).__mro__[-2](_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} is not plain data")


def _is_plain(value):
    try:
        _plain(value)
    except TypeError:
        return False
    return True


def _as_shape(shape, name):
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        _fail(f"{name} should be a shape such as (None, 20, 32), got {shape!r}.")


def check_shape(actual, expected, what="the shape", hint=""):
    """``actual`` (a shape, tensor or array) has the shape ``expected`` (``None`` matches ``None``)."""
    if hasattr(actual, "shape"):
        actual = actual.shape
    actual, expected = _as_shape(actual, what), _as_shape(expected, "expected")
    if actual != expected:
        rank = (
            f" It has {len(actual)} dimensions; {len(expected)} are expected."
            if len(actual) != len(expected)
            else ""
        )
        _fail(f"{what} is {actual} but should be {expected}.{rank} {hint}".strip())
    _ok(what)


def check_close(actual, expected, *, abs_tol=1e-6, rel_tol=0.0, what="the value", hint=""):
    """A number equal to ``expected`` within ``abs_tol`` or ``rel_tol``."""
    try:
        value = float(actual)
    except (TypeError, ValueError):
        _fail(f"{what} should be a number, got {actual!r}.")
    if not math.isclose(value, expected, abs_tol=abs_tol, rel_tol=rel_tol):
        _fail(
            f"{what} is {value:g} but should be {expected:g} (tolerance {max(abs_tol, rel_tol * abs(expected)):g}). {hint}".strip()
        )
    _ok(what)


def check_equal(actual, expected, what="the answer", hint=""):
    """Exact equality for integers, strings, tuples..."""
    if _is_plain(expected):
        try:
            actual = _plain(actual)
        except TypeError:
            _fail(
                f"{what} should be of type {type(expected).__name__}, such as {expected!r}; "
                f"got an object of type {type(actual).__name__}. {hint}".strip()
            )
    if isinstance(actual, bool) != isinstance(expected, bool) or actual != expected:
        _fail(f"{what} is {actual!r} but should be {expected!r}. {hint}".strip())
    _ok(what)


def check_array(actual, expected, *, atol=1e-5, rtol=1e-5, what="the array", hint=""):
    """An array or tensor equal to ``expected`` element-wise within tolerances."""
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{what} should be an array of numbers, got {type(actual).__name__}.")
    expected = np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        _fail(
            f"{what} has shape {actual.shape} but should have shape {expected.shape}. {hint}".strip()
        )
    if not np.all(np.isfinite(actual)):
        _fail(f"{what} contains NaN or infinite values. {hint}".strip())
    if not np.allclose(actual, expected, atol=atol, rtol=rtol):
        worst = np.unravel_index(np.argmax(np.abs(actual - expected)), actual.shape)
        _fail(
            f"{what} differs from the expected values: at index {tuple(map(int, worst))} it is "
            f"{actual[worst]:.6g} instead of {expected[worst]:.6g}. {hint}".strip()
        )
    _ok(what)


def check_choice(answer, expected, *, options, why="", what="your choice"):
    """A multiple-choice answer: ``answer`` must be one of ``options`` and equal ``expected``."""
    listed = ", ".join(map(repr, options))
    try:
        plain = _plain(answer)
    except TypeError:
        _fail(
            f"{what} should be one of the options ({listed}), "
            f"got an object of type {type(answer).__name__}."
        )
    if plain not in options:
        _fail(f"{what} is {answer!r}, which is not one of the options: {listed}.")
    if plain != expected:
        _fail(f"{what} {answer!r} is not right. {why}".strip())
    _ok(what)


def check_matching(answers, expected, *, why=None, also=None, what="your matching"):
    """A matching answer: a dict with the same keys as ``expected`` and the same value for each.

    ``why`` maps a key to the explanation shown when that key is matched wrongly; ``also`` maps a
    key to a collection of other values accepted for it. Strings match whatever their case,
    spacing, hyphens or dashes.
    """
    why, also = why or {}, also or {}
    if not isinstance(answers, dict) or not _is_plain(answers):
        _fail(
            f"{what} should be a dict mapping each item to its answer (strings, numbers), "
            f"got {type(answers).__name__}."
        )
    answers = _plain(answers)
    missing = [k for k in expected if k not in answers]
    if missing:
        _fail(f"{what} has no answer for: {', '.join(map(repr, missing))}.")
    extra = [k for k in answers if k not in expected]
    if extra:
        _fail(f"{what} answers items that are not asked: {', '.join(map(repr, extra))}.")
    wrong = [
        k
        for k in expected
        if _spelling(answers[k]) not in {_spelling(v) for v in (expected[k], *also.get(k, ()))}
    ]
    if wrong:
        lines = [f"{len(wrong)} of {len(expected)} items are matched wrongly:"]
        lines += [f"- {k!r} is not {answers[k]!r}. {why.get(k, '')}".rstrip() for k in wrong]
        _fail("\n".join(lines))
    _ok(what)


def _spelling(value):
    """A matched value as it is meant, not as it is typed: strings compare whatever their case,
    spaces, hyphens or dashes ("Encoder-Decoder" is "encoder–decoder")."""
    if not isinstance(value, str):
        return value
    return " ".join(value.casefold().replace("–", " ").replace("-", " ").split())


def _recurrent(layer):
    import keras

    inner = layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer
    return inner if isinstance(inner, keras.layers.RNN) else None


def _model_output_shape(model):
    try:
        return tuple(model.outputs[0].shape)
    except (AttributeError, IndexError, TypeError, ValueError):
        _fail(
            "The model has no defined output yet: give it an Input (or build it) before checking it."
        )


def check_model(
    model,
    *,
    layers=None,
    units=None,
    return_sequences=None,
    output_shape=None,
    params=None,
    hint="",
):
    """The model's structure: layer class names, units, ``return_sequences`` of its recurrent
    layers (in order), output shape and parameter count. Only the arguments given are checked;
    ``hint`` is added to the message when the layers or the output shape are wrong."""
    import keras

    if not isinstance(model, keras.Model):
        _fail(
            f"Expected a Keras model, got {type(model).__name__}. Build it with keras.Sequential or keras.Model."
        )
    body = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    if layers is not None:
        names = [type(layer).__name__ for layer in body]
        if names != list(layers):
            _fail(f"The model's layers are {names} but should be {list(layers)}. {hint}".strip())
    if units is not None:
        found = [getattr(layer, "units", None) for layer in body]
        if found != list(units):
            _fail(
                f"The layers' units are {found} but should be {list(units)} (None for layers without units)."
            )
    if return_sequences is not None:
        rnns = [_recurrent(layer) for layer in body if _recurrent(layer) is not None]
        found = [rnn.return_sequences for rnn in rnns]
        if found != list(return_sequences):
            for i, (got, want) in enumerate(zip(found, return_sequences, strict=False)):
                if got != want:
                    role = (
                        "feeds another recurrent layer or predicts at every step"
                        if want
                        else "must hand a single vector to what follows"
                    )
                    _fail(
                        f"Recurrent layer {i + 1} has return_sequences={got}, but it {role}: set "
                        f"return_sequences={want}. (All return_sequences: {found}, expected {list(return_sequences)}.)"
                    )
            _fail(
                f"The model has {len(found)} recurrent layers but should have {len(return_sequences)}."
            )
    if output_shape is not None:
        check_shape(
            _model_output_shape(model), output_shape, what="the model's output shape", hint=hint
        )
    if params is not None and model.count_params() != params:
        _fail(f"The model has {model.count_params():,} parameters but should have {params:,}.")
    _ok("the model's structure")


_NORM_CLIPPING = (
    "clipnorm rescales each variable's gradient (each kernel, each bias) separately, so that none "
    "has a norm above the limit; global_clipnorm rescales all the gradients together, as one "
    "vector, so that their joint norm is at most the limit. Either one clips by norm."
)


def _same_arrays(found, expected, scale):
    return all(
        np.allclose(f, e, rtol=1e-4, atol=1e-6 * scale)
        for f, e in zip(found, expected, strict=True)
    )


def check_clips_by_norm(optimizer, max_norm, what="the gradient clipping"):
    """``optimizer`` clips gradients by norm at ``max_norm``, each variable's gradient separately
    (``clipnorm``) or all of them together (``global_clipnorm``); clipping by value fails.

    Checked on what the optimizer does to two gradients, of norms 50 × and 0.5 × ``max_norm``,
    before its update: the step every Keras optimizer applies to the gradients it receives.
    """
    import keras

    if not isinstance(optimizer, keras.optimizers.Optimizer):
        _fail(
            f"Expected a Keras optimizer such as keras.optimizers.Adam(...), got {type(optimizer).__name__}."
        )
    limit = float(max_norm)
    given = [np.array([30.0, 40.0]) * limit, np.array([0.0, 0.5]) * limit]  # norms 50 and 0.5
    clipped = optimizer._clip_gradients([keras.ops.convert_to_tensor(g, "float32") for g in given])
    clipped = [np.asarray(keras.ops.convert_to_numpy(g), dtype=float) for g in clipped]
    joint = math.hypot(50.0, 0.5) * limit  # the norm of both gradients taken together
    if _same_arrays(clipped, [given[0] / 50.0, given[1]], limit):
        _ok(f"{what} (clipnorm: each variable's gradient separately)")
        return
    if _same_arrays(clipped, [g * (limit / joint) for g in given], limit):
        _ok(f"{what} (global_clipnorm: all the gradients together)")
        return
    fix = f"Pass clipnorm={limit:g} or global_clipnorm={limit:g}."
    if _same_arrays(clipped, given, limit):
        _fail(
            f"{what}: the optimizer does not clip (a gradient of norm {50 * limit:g} passes "
            f"unchanged). {fix} {_NORM_CLIPPING}"
        )
    scales = [np.linalg.norm(c) / np.linalg.norm(g) for c, g in zip(clipped, given, strict=True)]
    if _same_arrays(clipped, [g * s for g, s in zip(given, scales, strict=True)], limit):
        together = math.isclose(scales[0], scales[1], rel_tol=1e-4)
        found = scales[0] * joint if together else float(np.linalg.norm(clipped[0]))
        _fail(
            f"{what}: the optimizer clips by norm, but to {found:.3g} instead of {limit:g}. {fix}"
        )
    _fail(
        f"{what}: the optimizer changes the gradient's direction: it cuts each component "
        f"separately, which is clipping by value (clipvalue), not by norm. Clipping by norm "
        f"rescales a gradient whose norm is too large and keeps its direction. {fix} "
        f"{_NORM_CLIPPING}"
    )
