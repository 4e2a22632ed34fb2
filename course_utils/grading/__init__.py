"""Checks for the graded exercises' test cells.

Each check prints one short line when the answer is right and raises ``AssertionError`` with a
message that says what is wrong and how to fix it when it is not. Checks raise explicitly (never
with the ``assert`` statement), so they keep working under ``python -O``. Answers compared for
equality are first turned into plain Python data (numbers, strings, tuples, lists, dicts), so an
object whose ``__eq__`` always answers True cannot pass for the right answer.
"""

import hashlib
import math
import numbers
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from course_utils import feedback
from course_utils.feedback import expect_error  # noqa: F401 (for lesson cells)

if TYPE_CHECKING:  # Keras is imported by the checks that need it, when they run
    import keras
    from numpy.typing import ArrayLike

# In IPython, an unanswered exercise, a name that a cell above defines (after a restart), an
# interrupt and an error shown on purpose (expect_error) fail with one line (see feedback.py), in
# kernels that did not load it when they started.
feedback.install()


def _fail(message: str) -> NoReturn:
    """Raise the check's verdict; IPython shows it as the message alone, without library frames."""
    error = AssertionError(message)
    lines = str(message).splitlines() or [""]
    shown: Any = error  # IPython asks any exception for this method, which none declares
    shown._render_traceback_ = lambda: [f"\x1b[0;31mAssertionError\x1b[0m: {lines[0]}", *lines[1:]]
    raise error


def _kind(value: object) -> str:
    """What ``value`` is, for a message: "a function" for a function (the learner's, or its
    stand-in in the grader), else its type's name."""
    if callable(value) and hasattr(value, "__name__") and not isinstance(value, type):
        return "a function"
    return type(value).__name__


def _ok(what: str) -> None:
    print(f"✓ {what}: correct")


_SCALARS: tuple[type, ...] = (bool, int, float, complex, str, bytes, type(None))


def _plain(value: object) -> Any:
    """``value`` as plain Python data (numbers, strings, None, tuples, lists, dicts), else TypeError.

    Comparing plain data cannot be fooled by an object whose ``__eq__`` always answers True.
    """
    if isinstance(value, np.ndarray | np.generic):
        value = value.tolist()
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


def _is_plain(value: object) -> bool:
    try:
        _plain(value)
    except TypeError:
        return False
    return True


class Sealed:
    """An expected value that a visible check cell keeps to itself: only its digest is written.

    A check given ``Sealed("…")`` compares the digest of the answer with it, and its failure
    message says what is wrong without naming the right value. Make one with :func:`seal`.
    """

    def __init__(self, digest: str) -> None:
        self.digest = str(digest)

    def __repr__(self) -> str:
        return f'grading.Sealed("{self.digest}")'

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)


def seal(value: object) -> Sealed:
    """The :class:`Sealed` form of ``value`` (plain data; a shape as a tuple), to paste into a
    visible check: ``print(grading.seal((64, 30, 100)))``. Strings are sealed as they are meant
    (case, spaces, hyphens and dashes aside), numpy values and arrays as Python's numbers and
    lists, a whole float as an int."""
    canonical = repr(_canonical(_plain(value)))
    return Sealed(hashlib.sha256(f"course-check:{canonical}".encode()).hexdigest()[:16])


def _canonical(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 3.0 is 3, as == has it; -0.0 is 0
    if isinstance(value, str):
        return _spelling(value)
    if isinstance(value, tuple | list):
        return type(value)(_canonical(v) for v in value)
    if isinstance(value, dict):
        return {_canonical(k): _canonical(v) for k, v in value.items()}
    return value


def _matches(actual: object, expected: object) -> bool:
    """``actual`` (plain data) is ``expected``, which may be sealed."""
    if isinstance(expected, Sealed):
        return seal(actual) == expected
    return isinstance(actual, bool) == isinstance(expected, bool) and actual == expected


def _as_shape(shape: Any, name: str) -> tuple[int | None, ...]:
    try:
        dims = list(shape)
    except TypeError:
        _fail(f"{name} should be a shape such as (None, 20, 32), got {shape!r}.")
    if not all(d is None or isinstance(d, numbers.Integral) for d in dims):
        _fail(
            f"{name} should be a shape of whole numbers (or None), such as (None, 20, 32); got {shape!r}."
        )
    return tuple(None if d is None else int(d) for d in dims)


def check_shape(
    actual: object,
    expected: Iterable[int | None] | Sealed,
    what: str = "the shape",
    hint: str = "",
) -> None:
    """``actual`` (a shape, tensor or array) has the shape ``expected`` (``None`` matches ``None``)."""
    given_as_array = (
        isinstance(actual, np.ndarray) and actual.ndim == 1 and actual.dtype.kind in "iu"
    )
    if hasattr(actual, "shape"):
        actual = actual.shape
    actual = _as_shape(actual, what)
    if given_as_array:  # a shape written as an array: its own shape is what is checked
        hint = (
            f"(That is the shape of the array you gave: give the shape itself, as a tuple.) {hint}"
        )
    if isinstance(expected, Sealed):
        if not _matches(actual, expected):
            _fail(f"{what} is {actual}, which is not right. {hint}".strip())
        _ok(what)
        return
    expected = _as_shape(expected, "expected")
    if actual != expected:
        rank = (
            f" It has {len(actual)} dimensions; {len(expected)} are expected."
            if len(actual) != len(expected)
            else ""
        )
        _fail(f"{what} is {actual} but should be {expected}.{rank} {hint}".strip())
    _ok(what)


def check_close(
    actual: Any,
    expected: float,
    *,
    abs_tol: float = 1e-6,
    rel_tol: float = 0.0,
    what: str = "the value",
    hint: str = "",
) -> None:
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


def check_equal(actual: object, expected: object, what: str = "the answer", hint: str = "") -> None:
    """Exact equality for integers, strings, tuples...; ``expected`` may be :class:`Sealed`."""
    if isinstance(expected, Sealed):
        try:
            actual = _plain(actual)
        except TypeError:
            _fail(
                f"{what} should be plain data (a number, a string, a tuple or list of them); "
                f"got an object of type {type(actual).__name__}. {hint}".strip()
            )
    elif _is_plain(expected):
        try:
            actual = _plain(actual)
        except TypeError:
            _fail(
                f"{what} should be of type {type(expected).__name__}, such as {expected!r}; "
                f"got an object of type {type(actual).__name__}. {hint}".strip()
            )
    if not _matches(actual, expected):
        right = (
            ", which is not right"
            if isinstance(expected, Sealed)
            else f" but should be {expected!r}"
        )
        _fail(f"{what} is {actual!r}{right}. {hint}".strip())
    _ok(what)


def check_flags(flags: object, count: int, what: str = "the flags", hint: str = "") -> list[bool]:
    """``flags`` is a list, tuple or array of ``count`` True/False values, one per layer (numpy's
    booleans and the integers 0 and 1 count as such): the form of an answer, checked before its
    values. Returns the flags as Python's booleans, to compare them."""
    if not isinstance(flags, list | tuple | np.ndarray):
        _fail(
            f"{what} should be a list of {count} True/False values, one per layer; got an object "
            f"of type {type(flags).__name__}. {hint}".strip()
        )
    values = list(flags)
    if len(values) != count:
        _fail(
            f"{what} holds {len(values)} value{'s' * (len(values) != 1)} but should hold "
            f"{count}, one per layer, bottom to top. {hint}".strip()
        )
    for i, value in enumerate(values):
        if not (isinstance(value, numbers.Integral | np.bool_) and value in (0, 1)):
            why = " (Python treats any non-empty string as True)" if isinstance(value, str) else ""
            _fail(
                f"Value {i + 1} of {what} is {value!r}, of type {type(value).__name__}: write "
                f"True or False{why}. {hint}".strip()
            )
    _ok(f"the form of {what}")
    return [bool(value) for value in values]


def check_array(
    actual: object,
    expected: "ArrayLike | Sealed",
    *,
    atol: float = 1e-5,
    rtol: float = 1e-5,
    decimals: int = 3,
    what: str = "the array",
    hint: str = "",
) -> None:
    """An array or tensor equal to ``expected`` element-wise within tolerances; a
    :class:`Sealed` ``expected`` is compared with the array rounded to ``decimals``
    (``grading.seal(np.round(values, 3))``)."""
    if actual is None:
        _fail(f"{what} is None: a function without a return statement gives None. {hint}".strip())
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{what} should be an array of numbers, got {type(actual).__name__}.")
    if isinstance(expected, Sealed):
        if not np.all(np.isfinite(actual)):
            _fail(f"{what} contains NaN or infinite values. {hint}".strip())
        if seal(np.round(actual, decimals)) != expected:
            given = f"{actual.item():.4g}" if actual.size == 1 else f"(of shape {actual.shape})"
            _fail(f"{what} {given} is not right. {hint}".strip())
        _ok(what)
        return
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


def check_choice(
    answer: object,
    expected: object,
    *,
    options: Collection[object],
    why: str = "",
    what: str = "your choice",
) -> None:
    """A multiple-choice answer: ``answer`` must be one of ``options`` and equal ``expected``."""
    listed = ", ".join(map(repr, options))
    try:
        plain = _plain(answer)
    except TypeError:
        _fail(
            f"{what} should be one of the options ({listed}), "
            f"got an object of type {type(answer).__name__}."
        )
    if _spelling(plain) not in {_spelling(option) for option in options}:
        _fail(f"{what} is {answer!r}, which is not one of the options: {listed}.")
    if not (
        seal(plain) == expected if isinstance(expected, Sealed) else _same_item(plain, expected)
    ):
        _fail(f"{what} {answer!r} is not right. {why}".strip())
    _ok(what)


def check_matching(
    answers: Any,
    expected: Mapping[str, object],
    *,
    why: Mapping[str, str] | None = None,
    also: Mapping[str, Iterable[object]] | None = None,
    what: str = "your matching",
) -> None:
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
        if not any(_same_item(answers[k], v) for v in (expected[k], *also.get(k, ())))
    ]
    if wrong:
        named = "; ".join(f"{k!r} is not {answers[k]!r}" for k in wrong)
        # The first line names every wrong item: a grading report keeps a failure's first line.
        lines = [f"{len(wrong)} of {len(expected)} items are matched wrongly: {named}."]
        lines += [f"- {k!r} is not {answers[k]!r}. {why.get(k, '')}".rstrip() for k in wrong]
        _fail("\n".join(lines))
    _ok(what)


def _same_item(answer: object, expected: object) -> bool:
    if isinstance(expected, Sealed):
        return seal(answer) == expected
    return _spelling(answer) == _spelling(expected)


def _spelling(value: object) -> object:
    """A matched value as it is meant, not as it is typed: strings compare whatever their case,
    spaces, hyphens or dashes ("Encoder-Decoder" is "encoder–decoder")."""
    if not isinstance(value, str):
        return value
    for dash in "–−-":  # en dash, minus sign, hyphen
        value = value.replace(dash, " ")
    value = value.casefold().replace("(", " ( ").replace(")", " ) ")
    return " ".join(value.split()).replace("( ", "(").replace(" )", ")")


def _recurrent(layer: "keras.layers.Layer") -> "keras.layers.RNN | None":
    import keras

    inner = layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer
    return inner if isinstance(inner, keras.layers.RNN) else None


# Layers that only apply an activation function: a model's structure counts them as part of the
# layer whose output they transform (Dense then Softmax is a Dense with a softmax).
_ACTIVATION_LAYERS = ("Activation", "Softmax", "ReLU", "LeakyReLU", "ELU")


def _is_activation(layer: "keras.layers.Layer") -> bool:
    return type(layer).__name__ in _ACTIVATION_LAYERS and not layer.weights


def _graph_nodes(model: "keras.Model") -> "list[keras.src.ops.node.Node] | None":
    """The nodes of ``model``'s computation (a functional model, or a Sequential model given an
    Input), from inputs to outputs; ``None`` when the model has no graph (subclassed, unbuilt)."""
    import keras

    functional = (
        getattr(model, "_functional", None) if isinstance(model, keras.Sequential) else model
    )
    by_depth = getattr(functional, "_nodes_by_depth", None)
    if not by_depth:
        return None
    return [node for depth in sorted(by_depth, reverse=True) for node in by_depth[depth]]


def _producer(tensor: "keras.KerasTensor") -> "keras.Operation | None":
    history = getattr(tensor, "_keras_history", None)
    return None if history is None else history.operation


def _body(model: "keras.Model") -> "list[keras.layers.Layer]":
    """The model's layers without its Input layers and without the activation layers that follow
    another layer (they belong to that layer, as its activation argument would)."""
    import keras

    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    nodes = _graph_nodes(model)
    producers = {}
    for node in nodes or ():
        inputs = list(node.input_tensors)
        if len(inputs) == 1:
            producers[id(node.operation)] = _producer(inputs[0])
    body: list[keras.layers.Layer] = []
    for layer in layers:
        if _is_activation(layer) and body:
            producer = producers.get(id(layer)) if nodes else body[-1]
            if any(producer is other for other in body):
                continue
        body.append(layer)
    return body


def _unused_sequence_outputs(model: "keras.Model") -> set[int]:
    """The ids of the recurrent layers of ``model`` that return a state and whose first output
    (the sequence, or the last step's output) no part of the model reads."""
    nodes = _graph_nodes(model)
    if nodes is None:
        return set()
    read = set()
    functional = getattr(model, "_functional", None) or model
    for tensor in [*(t for node in nodes for t in node.input_tensors), *functional.outputs]:
        history = getattr(tensor, "_keras_history", None)
        if history is not None:
            read.add((id(history.operation), history.node_index, history.tensor_index))
    unused = set()
    for node in nodes:
        layer = node.operation
        if _recurrent(layer) is None or len(node.outputs) < 2:
            continue
        index = layer._inbound_nodes.index(node)
        if (id(layer), index, 0) not in read:
            unused.add(id(_recurrent(layer)))
    return unused


def _model_output_shape(model: "keras.Model") -> tuple[int | None, ...]:
    try:
        return tuple(model.outputs[0].shape)
    except (AttributeError, IndexError, TypeError, ValueError):
        _fail(
            "The model has no defined output yet: give it an Input (or build it) before checking it."
        )


def check_model(
    model: "keras.Model",
    *,
    layers: Sequence[str] | None = None,
    units: Sequence[int | None] | None = None,
    return_sequences: Sequence[bool] | None = None,
    output_shape: Iterable[int | None] | Sealed | None = None,
    params: int | None = None,
    hint: str = "",
) -> None:
    """The model's structure: layer class names, units, ``return_sequences`` of its recurrent
    layers (in order), output shape and parameter count. Only the arguments given are checked;
    ``hint`` is added to the message when the layers or the output shape are wrong."""
    import keras

    if not isinstance(model, keras.Model):
        _fail(
            f"Expected a Keras model, got {_kind(model)}. Build it with keras.Sequential or keras.Model."
        )
    body = _body(model)
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
        rnns = [rnn for rnn in map(_recurrent, body) if rnn is not None]
        found = [rnn.return_sequences for rnn in rnns]
        if len(found) == len(return_sequences):
            # A layer whose sequence output nothing reads (only its state is used) is judged by
            # what the model computes: its return_sequences makes no difference.
            unused = _unused_sequence_outputs(model)
            found = [
                want if id(rnn) in unused else got
                for rnn, got, want in zip(rnns, found, return_sequences, strict=True)
            ]
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
                        f"return_sequences={want}. (Your layers' return_sequences: {found}.)"
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


def _same_arrays(found: list[np.ndarray], expected: list[np.ndarray], scale: float) -> bool:
    return all(
        np.allclose(f, e, rtol=1e-4, atol=1e-6 * scale)
        for f, e in zip(found, expected, strict=True)
    )


def check_clips_by_norm(
    optimizer: "keras.optimizers.Optimizer", max_norm: float, what: str = "the gradient clipping"
) -> None:
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


# ----------------------------------------------------------------------------- behaviour checks
# These judge what a model or a function does on inputs the check chooses, not how it is spelled:
# a softmax is whatever turns the outputs into probabilities, a model of any length is one that
# runs on two lengths, a model reads the frames in order if each step it reads comes from a frame.


def _numbers(value: object, what: str) -> np.ndarray:
    """``value`` (a tensor, an array, a list) as a float array, or a failure naming ``what``."""
    try:
        import keras

        if not isinstance(value, np.ndarray):
            value = keras.ops.convert_to_numpy(value)
        array = np.asarray(value, dtype=float)
    except Exception:
        _fail(f"{what} should be numbers (an array or a tensor), got {type(value).__name__}.")
    if not np.all(np.isfinite(array)):
        _fail(f"{what} contains NaN or infinite values.")
    return array


def _as_inputs(inputs: "ArrayLike | Sequence[ArrayLike]") -> np.ndarray | list[np.ndarray]:
    if isinstance(inputs, list | tuple):
        return [np.asarray(x, dtype="float32") for x in inputs]
    return np.asarray(inputs, dtype="float32")


def _shapes(inputs: np.ndarray | list[np.ndarray]) -> str:
    if isinstance(inputs, list):
        return " and ".join(str(x.shape) for x in inputs)
    return str(inputs.shape)


def _run(model: object, inputs: "ArrayLike | Sequence[ArrayLike]", what: str) -> np.ndarray:
    """``model`` (a Keras model or layer, or a function) applied to ``inputs``, as a float array;
    an error becomes a failure that says on what it was run."""
    if not callable(model):
        _fail(
            f"{what}: expected a Keras layer or model (something that can be called on inputs), "
            f"got {type(model).__name__}."
        )
    inputs = _as_inputs(inputs)
    try:
        outputs = model(inputs)
    except Exception as error:  # a shape Keras refuses, a learner's function that fails...
        summary = " ".join(str(error).split())[:300]
        _fail(
            f"{what}: running it on inputs of shape {_shapes(inputs)} failed with "
            f"{type(error).__name__}: {summary}"
        )
    return _numbers(outputs, f"{what}'s output")


def check_probabilities(
    model: Callable[..., object],
    inputs: "ArrayLike | Sequence[ArrayLike]",
    *,
    what: str = "the model's output",
    hint: str = "",
) -> None:
    """``model`` (a Keras model or layer, or a function) turns ``inputs`` into probability
    distributions along its last axis: no value below 0, each distribution summing to 1,
    whichever layer or function computes them (an ``activation`` argument, a ``Softmax`` or
    ``Activation`` layer...)."""
    outputs = _run(model, inputs, what)
    if outputs.ndim == 0 or outputs.shape[-1] < 2:
        _fail(
            f"{what} has shape {outputs.shape}: one probability per class needs a last axis "
            f"with one value per class. {hint}".strip()
        )
    low = float(outputs.min())
    if low < -1e-6:
        _fail(
            f"{what} is not a probability distribution: it holds negative values (down to "
            f"{low:.3g}), and a probability is at least 0. The outputs of a layer without an "
            f"activation can be any real number. {hint}".strip()
        )
    sums = outputs.sum(axis=-1)
    worst = np.unravel_index(np.argmax(np.abs(sums - 1.0)), sums.shape)
    if abs(sums[worst] - 1.0) > 1e-3:
        between = (
            " Each value lies between 0 and 1, as independent yes/no probabilities do, but "
            "together they are not one distribution over the classes."
            if outputs.max() <= 1.0 + 1e-6
            else ""
        )
        _fail(
            f"{what} is not a probability distribution: the {outputs.shape[-1]} values of one "
            f"output sum to {sums[worst]:.4g}, not 1.{between} {hint}".strip()
        )
    _ok(f"{what} (probabilities that sum to 1)")


# How far check_any_value drives a regression's output layer: beyond any clip a learner might add.
FAR = 1000.0


def check_any_value(
    model: "keras.Model",
    inputs: "ArrayLike | Sequence[ArrayLike]",
    *,
    what: str = "the model's output",
    hint: str = "",
) -> None:
    """``model``'s output can be any real number, as a regression's must. With a bias: its
    output layer's kernel set to 0 and its bias spread from -1000 to 1000, the model returns that
    bias. Without one: the kernel times -1000 gives the outputs times -1000. An activation or a
    clip after the output layer (``relu``, ``sigmoid``, ``ops.clip``...) breaks both. The weights
    are put back afterwards."""
    _keras_model(model, what)
    body = _body(model)
    head = body[-1] if body else None
    kernel, bias = getattr(head, "kernel", None), getattr(head, "bias", None)
    if kernel is None:
        _fail(
            f"{what}: the model's last layer should be a layer with a kernel, such as Dense. "
            f"{hint}".strip()
        )
    saved = [np.array(v.numpy()) for v in (kernel, bias) if v is not None]
    try:
        if bias is not None:
            spread = np.linspace(-FAR, FAR, saved[1].size).reshape(saved[1].shape)
            kernel.assign(np.zeros_like(saved[0]))
            bias.assign(spread)
            outputs = _run(model, inputs, what)
            linear = outputs.shape[-1:] == spread.shape and np.allclose(outputs, spread, atol=1e-4)
            seen = (
                f" set to give values from {-FAR:.0f} to {FAR:.0f}, the model gave values from "
                f"{outputs.min():.4g} to {outputs.max():.4g}"
            )
        else:
            outputs = _run(model, inputs, what)
            kernel.assign(-FAR * saved[0])
            scaled = _run(model, inputs, what)
            linear = np.allclose(scaled, -FAR * outputs, rtol=1e-3, atol=1e-4)
            seen = f"'s kernel multiplied by {-FAR:.0f}, the outputs were not multiplied by it"
    finally:
        for variable, value in zip((kernel, bias), saved, strict=False):
            variable.assign(value)
    if not linear:
        _fail(
            f"{what} cannot be every value a forecast may need: with the output layer{seen}. "
            f"The output layer of a regression has no activation (a linear output): relu cuts "
            f"the negative values, sigmoid and tanh squeeze the others, a clip stops at its "
            f"bounds. {hint}".strip()
        )
    _ok(f"{what} (any real value)")


def _keras_model(model: object, what: str) -> "list[keras.KerasTensor]":
    import keras

    if not isinstance(model, keras.Model):
        _fail(
            f"Expected {what} to be a Keras model, got {_kind(model)}. "
            "Build it with keras.Sequential or keras.Model."
        )
    try:
        inputs = list(model.inputs)
    except (AttributeError, TypeError, ValueError):
        inputs = []
    if not inputs:
        _fail(f"{what} has no defined input yet: give it a keras.Input before checking it.")
    return inputs


def _declared_shape(
    shapes: Sequence[tuple[int, ...]], lengths: Sequence[int]
) -> tuple[int | None, ...]:
    """The output shape, as a model declares it, of outputs of ``shapes`` on inputs of
    ``lengths`` steps: None for the batch and for an axis as long as the input at every length;
    -1 for an axis that changes otherwise."""
    if len({len(shape) for shape in shapes}) != 1:
        return ()
    declared: list[int | None] = [None]
    for axis in range(1, len(shapes[0])):
        sizes = [shape[axis] for shape in shapes]
        if sizes == list(lengths):
            declared.append(None)
        else:
            declared.append(sizes[0] if len(set(sizes)) == 1 else -1)
    return tuple(declared)


def check_any_length(
    model: "keras.Model",
    step_shape: Iterable[int],
    *,
    lengths: Sequence[int] = (7, 13),
    output_shape: Iterable[int | None] | Sealed | None = None,
    what: str = "the model",
    hint: str = "",
) -> None:
    """``model`` reads sequences of any length: its input's time dimension is ``None`` and it runs
    on sequences of each of ``lengths`` steps (of shape ``step_shape``), giving ``output_shape``
    (``None`` for the batch; a second ``None`` for the number of steps; may be :class:`Sealed`)
    when it is given.

    Keras 3 runs a model declared for a fixed length on other lengths too, so a run alone cannot
    tell; the declared input can."""
    inputs = _keras_model(model, what)
    if len(inputs) != 1:
        _fail(f"{what} has {len(inputs)} inputs; this check reads models of one input.")
    declared = _as_shape(inputs[0].shape, f"{what}'s input shape")
    step_shape = tuple(step_shape)
    if len(declared) != 2 + len(step_shape):
        _fail(
            f"{what}'s input has shape {declared}: a batch of sequences of steps of shape "
            f"{step_shape} has {2 + len(step_shape)} dimensions, (batch, time steps, "
            f"{', '.join(map(str, step_shape))}). {hint}".strip()
        )
    if declared[1] is not None:
        _fail(
            f"{what} reads sequences of {declared[1]} steps only: its input's shape is {declared}. "
            f"A model that reads sequences of any length leaves the number of steps unknown, "
            f"None. {hint}".strip()
        )
    if declared[2:] != step_shape:
        _fail(
            f"{what}'s input takes steps of shape {declared[2:]}, but each step here has shape "
            f"{step_shape}. {hint}".strip()
        )
    rng = np.random.default_rng(0)
    shapes = []
    for length in lengths:
        x = rng.normal(size=(2, length, *step_shape)).astype("float32")
        shapes.append(tuple(_run(model, x, f"{what} on 2 sequences of {length} steps").shape))
    if output_shape is not None:
        found = _declared_shape(shapes, lengths)
        expected = output_shape if isinstance(output_shape, Sealed) else tuple(output_shape)
        if not _matches(found, expected):
            right = "" if isinstance(expected, Sealed) else f"; it should be {expected}"
            _fail(
                f"{what}'s outputs on 2 sequences of {' and '.join(map(str, lengths))} steps "
                f"have shapes {', '.join(map(str, shapes))}, that is {found} for any batch and "
                f"length, which is not right{right}. {hint}".strip()
            )
    _ok(f"{what} reads sequences of any length ({' and '.join(map(str, lengths))} steps tried)")


def _single_layer(model: "keras.Model", kind: str, what: str) -> "keras.layers.Layer":
    found = [layer for layer in _body(model) if type(layer).__name__ == kind]
    if len(found) != 1:
        _fail(
            f"{what} has {len(found) or 'no'} {kind} layer{'s' if len(found) != 1 else ''}; "
            f"the exercise asks for one."
        )
    return found[0]


def _node_of(
    model: "keras.Model", layer: "keras.layers.Layer", what: str
) -> "keras.src.ops.node.Node":
    nodes = [node for node in _graph_nodes(model) or () if node.operation is layer]
    if len(nodes) != 1:
        _fail(
            f"{what} cannot be read layer by layer: build it with keras.Sequential (starting "
            "with a keras.Input) or with the functional API (keras.Model(inputs, outputs))."
        )
    return nodes[0]


def up_to(model: "keras.Model", kind: str, *, what: str = "the model") -> "keras.Model":
    """The part of ``model`` that computes the output of its one layer of class ``kind`` (with
    the activation layers that directly follow it): a Keras model with the same input, read
    through the model's computation, whether ``model`` is Sequential or functional."""
    import keras

    inputs = _keras_model(model, what)
    layer = _single_layer(model, kind, what)
    tensor = _node_of(model, layer, what).outputs[0]
    nodes = _graph_nodes(model)
    followed = True
    while followed:
        followed = False
        for node in nodes or ():  # not None: the model has the node found above
            ins = list(node.input_tensors)
            if len(ins) == 1 and ins[0] is tensor and _is_activation(node.operation):
                tensor, followed = node.outputs[0], True
                break
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, tensor)


def _same_setting(got: object, want: object) -> bool:
    if isinstance(want, int) and isinstance(got, tuple | list):
        return len(got) > 0 and all(g == want for g in got)
    if isinstance(want, str) and isinstance(got, str):
        return _spelling(got) == _spelling(want)
    return _plain(got) == _plain(want) if _is_plain(got) else False


def check_layer(
    model: "keras.Model", kind: str, *, what: str | None = None, **settings: object
) -> None:
    """``model`` has one layer of class ``kind`` whose attributes have the values ``settings``
    gives (an integer for a size matches a tuple of that integer: 3 is (3, 3, 3))."""
    _keras_model(model, "the model")
    layer = _single_layer(model, kind, "the model")
    what = what or f"the {kind} layer"
    for name, want in settings.items():
        got = getattr(layer, name, None)
        if not _same_setting(got, want):
            _fail(
                f"{what} has {name}={got!r}, but the exercise sets {name}={want!r}: "
                f"use the layer it gives."
            )
    _ok(what)


def check_reads_frames_in_order(
    model: "keras.Model",
    clip_shape: Sequence[int],
    *,
    reader: str = "LSTM",
    what: str = "the model",
    hint: str = "",
) -> None:
    """The ``reader`` layer of ``model`` (its recurrent layer) reads the frames of a clip of shape
    ``clip_shape`` in order, one step per frame: a change to the last frame changes the last
    steps it reads and not the first one, and a change to the first frame changes the first step
    and not the last one. A model whose steps all summarize the whole clip (a global pooling
    repeated once per step) fails: it reads the same vector at every step, blind to the frames'
    order; permuting the frames of the whole model cannot show it, since a Conv3D's kernel spans
    neighbouring frames too."""
    inputs = _keras_model(model, what)
    if len(inputs) != 1:
        _fail(f"{what} has {len(inputs)} inputs; this check reads models of one input.")
    import keras

    layer = _single_layer(model, reader, what)
    node = _node_of(model, layer, what)
    reads = keras.Model(inputs[0], list(node.input_tensors)[0])
    rng = np.random.default_rng(0)
    clip = rng.random((1, *clip_shape)).astype("float32")
    steps = _run(reads, clip, f"what the {reader} reads")
    if steps.ndim != 3 or steps.shape[1] != clip_shape[0]:
        _fail(
            f"The {reader} reads {steps.shape[1:] if steps.ndim > 1 else steps.shape} per clip, "
            f"not one step per frame of the {clip_shape[0]}. {hint}".strip()
        )
    n = clip_shape[0]
    scale = max(float(np.abs(steps).max()), 1e-12)
    for frame, changed_step, unchanged_step, where in (
        (n - 1, n - 1, 0, ("last", "first")),
        (0, 0, n - 1, ("first", "last")),
    ):
        other = clip.copy()
        other[0, frame] = rng.random(clip_shape[1:])
        change = np.abs(_run(reads, other, f"what the {reader} reads") - steps).max(axis=-1)[0]
        if change[unchanged_step] > 1e-6 * scale:
            moved = int(np.count_nonzero(change > 1e-6 * scale))
            count = (
                f"all {n} of its steps change" if moved == n else f"{moved} of its {n} steps change"
            )
            _fail(
                f"{what}: when only the {where[0]} frame of a clip changes, the {where[1]} step "
                f"the {reader} reads changes too ({count}), so each step mixes all the frames "
                f"and the {reader} cannot see in which order they come. Each step it reads must "
                f"come from its own frame. {hint}".strip()
            )
        if change[changed_step] <= 1e-6 * scale:
            _fail(
                f"{what}: when only the {where[0]} frame of a clip changes, the {where[0]} step "
                f"the {reader} reads does not change: its steps are not the frames, in their "
                f"order. {hint}".strip()
            )
    _ok(f"the {reader} reads one step per frame, in order")


def check_tf_config(
    config: Any,
    machines: Sequence[str],
    this_machine: str,
    *,
    what: str = "TF_CONFIG",
) -> None:
    """``config`` (a dict, or the JSON string of one, as the environment variable holds it) is a
    multi-worker ``TF_CONFIG`` for the cluster of ``machines`` (in that order) on the process of
    ``this_machine``: a ``cluster`` of workers (and at most one chief, listed first) that holds
    every machine once, in order, and a ``task`` whose type and index name ``this_machine``.
    Lists and tuples are alike (``json.dumps`` writes both as lists)."""
    import json

    if isinstance(config, str):
        try:
            config = json.loads(config)
        except ValueError:
            _fail(f"{what} is a string that is not JSON; write it as a dict.")
    if not isinstance(config, dict) or not _is_plain(config):
        _fail(
            f"{what} should be a dict with a 'cluster' and a 'task', got {type(config).__name__}."
        )
    config = _plain(config)
    if sorted(map(str, config)) != ["cluster", "task"]:
        _fail(
            f"{what}'s keys are {sorted(map(str, config))}, but TF_CONFIG has two: 'cluster' "
            "(every machine of the cluster, by role) and 'task' (this process's role and index)."
        )
    cluster, task = config["cluster"], config["task"]
    if not isinstance(cluster, dict) or not all(
        isinstance(v, list | tuple) and all(isinstance(a, str) for a in v) for v in cluster.values()
    ):
        _fail(
            f"{what}'s cluster should map each role to a list of 'host:port' addresses, got "
            f"{cluster!r}."
        )
    roles = sorted(map(str, cluster))
    if not set(roles) <= {"chief", "worker"} or "worker" not in roles:
        _fail(
            f"{what}'s cluster has the roles {roles}: a multi-worker cluster whose machines all "
            "train lists 'worker' addresses (and, if one machine is named chief, a 'chief' list "
            "of one address)."
        )
    chief = list(cluster.get("chief", ()))
    if len(chief) > 1:
        _fail(f"{what}'s cluster names {len(chief)} chiefs; a cluster has at most one.")
    listed = chief + list(cluster["worker"])
    if sorted(listed) != sorted(machines):
        missing = [m for m in machines if m not in listed]
        extra = [a for a in listed if a not in machines or listed.count(a) > 1]
        said = "; ".join(
            part
            for part in (
                f"it lacks {', '.join(map(repr, missing))}" if missing else "",
                f"it should not list {', '.join(map(repr, dict.fromkeys(extra)))}" if extra else "",
            )
            if part
        )
        _fail(
            f"{what}'s cluster lists {listed} ({said}). Every process gets the same cluster: "
            "all the machines, each once."
        )
    if listed != list(machines):
        _fail(
            f"{what}'s cluster lists the machines in the order {listed}; keep the cluster's "
            "order (a chief, if named, comes first), the same on every machine."
        )
    if not isinstance(task, dict) or sorted(map(str, task)) != ["index", "type"]:
        _fail(
            f"{what}'s task should be a dict with a 'type' (a role of the cluster) and an "
            f"'index' (a position in that role's list), got {task!r}."
        )
    role, index = task["type"], task["index"]
    if role not in cluster:
        _fail(f"{what}'s task has the type {role!r}, which is not a role of its cluster, {roles}.")
    if isinstance(index, bool) or not isinstance(index, int):
        _fail(
            f"{what}'s task index is {index!r}: it should be an integer, a position in the "
            f"{role!r} list counted from 0."
        )
    if not 0 <= index < len(cluster[role]):
        _fail(
            f"{what}'s task index is {index}, outside the {role!r} list of "
            f"{len(cluster[role])} addresses (counted from 0)."
        )
    if cluster[role][index] != this_machine:
        _fail(
            f"{what}'s task is {role!r} number {index}, which is {cluster[role][index]!r}: the "
            "task must name this process's own machine, by its role and its position in that "
            "role's list (counted from 0)."
        )
    _ok(what)


def _differs(before: object, after: object) -> str | None:
    """Where two arguments differ, in words, or ``None`` when they are the same."""
    if isinstance(before, np.ndarray):
        after = np.asarray(after)
        if before.shape != after.shape:
            return f"its shape went from {before.shape} to {after.shape}"
        same = (before == after) | ((before != before) & (after != after))
        if np.all(same):
            return None
        at = tuple(int(i) for i in np.argwhere(~same)[0])
        return f"at index {at} it held {before[at].item()!r} and now holds {after[at].item()!r}"
    try:
        return None if before == after else f"it held {before!r} and now holds {after!r}"
    except Exception:
        return None


def check_leaves_arguments(
    function: Callable[..., object], *args: object, what: str | None = None, **kwargs: object
) -> None:
    """Calling ``function`` on ``args`` (copies of them) leaves them as they were. A function that
    writes into the array it was given changes its caller's data, and a second call then starts
    from the changed values."""
    import copy

    name = getattr(function, "__name__", "the function")
    what = what or f"{name}'s arguments"
    given = [copy.deepcopy(a) for a in args]
    given_kw = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    try:
        function(*given, **given_kw)
    except Exception as error:
        _fail(f"{name} failed with {type(error).__name__}: {' '.join(str(error).split())[:300]}")
    ordinals = ("first", "second", "third", "fourth", "fifth")
    pairs = [
        (f"{ordinals[i]} argument" if i < len(ordinals) else f"argument {i + 1}", a, g)
        for i, (a, g) in enumerate(zip(args, given, strict=True))
    ]
    pairs += [(f"argument {k}", kwargs[k], given_kw[k]) for k in kwargs]
    for label, before, after in pairs:
        change = _differs(before, after)
        if change is not None:
            _fail(
                f"{name} changed its {label}, the value it was given: {change}. The caller's data "
                f"must stay as it was (a second call would start from the changed values): "
                f"compute a new array instead of writing into the argument."
            )
    _ok(what + " left unchanged")
