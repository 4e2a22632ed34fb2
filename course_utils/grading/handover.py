"""Answers handed from the kernel that ran them to the kernel that checks them, as data.

The grader runs a submission's answer cells in one kernel and the check cells in another, which
never runs learner code. After an answer cell, the names its exercise declares are encoded here
(in the answer kernel) and decoded in the check kernel. Only data crosses: numbers, strings,
lists, tuples, dicts, NumPy arrays, tensors (ragged too), datasets (as their elements), Keras
models, layers and optimizers (as their configuration and weights, rebuilt in Keras' safe mode),
and functions, as handles: calling one in the check kernel runs the learner's function in the
answer kernel on the arguments the check chose, and brings its result back as data. Nothing is
pickled, so no object of the answer kernel, with its methods, ever reaches a check.

The check kernel asks through the Jupyter stdin channel (``input``), which only the grader
answers: it relays each request to the answer kernel (:func:`serve`) and returns the reply.
"""

import base64
import builtins
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from types import ModuleType

MAX_DEPTH = 40
MAX_ELEMENTS = 10_000  # elements of a dataset handed over


class NotData(TypeError):
    """A value that cannot be handed over; the message says what it is."""


# ----------------------------------------------------------------------------- encoding


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _from_npy(text: str) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def _describe(value: object) -> str:
    kind = type(value)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    return f"a {module}{kind.__qualname__}"


class Encoder:
    """Turns values into JSON-ready data; keeps the functions it met in ``functions``, by handle
    (``None``: functions are refused, as in a check's arguments, which must be data)."""

    def __init__(self, functions: list[Callable[..., object]] | None = None) -> None:
        self.functions = functions

    def encode(self, value: Any, depth: int = 0) -> object:
        """``value`` as JSON-ready data; :class:`NotData` when it cannot be handed over."""
        if depth > MAX_DEPTH:
            raise NotData(f"it nests more than {MAX_DEPTH} levels deep")
        kind = type(value)  # exact types: a subclass could redefine what its data means
        if value is None or kind in (bool, int, str):
            return value
        if kind is float:
            return {"$": "float", "repr": repr(value)}  # keeps nan and inf exact
        if kind in (list, tuple):
            items = [self.encode(v, depth + 1) for v in value]
            return items if kind is list else {"$": "tuple", "items": items}
        if kind is dict:
            pairs = [
                [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
            ]
            return {"$": "dict", "items": pairs}
        if kind is np.ndarray or isinstance(value, np.generic):
            array = np.asarray(value)
            if array.dtype.hasobject:
                raise NotData("it is a NumPy array of Python objects")
            return {"$": "array" if kind is np.ndarray else "scalar", "npy": _npy(array)}
        return self._library_value(value, depth)

    def _library_value(self, value: Any, depth: int) -> object:
        import sys

        tf = sys.modules.get("tensorflow")
        keras = sys.modules.get("keras")
        if tf is not None:
            if isinstance(value, tf.RaggedTensor):
                return {
                    "$": "ragged",
                    "values": _npy(value.flat_values.numpy()),
                    "splits": [_npy(s.numpy()) for s in value.nested_row_splits],
                }
            if isinstance(value, tf.TensorShape):  # what a tensor's .shape is
                return self.encode(tuple(value.as_list()) if value.rank is not None else None)
            if isinstance(value, tf.Tensor | tf.Variable):
                return {"$": "tensor", "npy": _npy(value.numpy())}
            if isinstance(value, tf.data.Dataset):
                return self._dataset(value, tf, depth)
        if keras is not None and isinstance(
            value, keras.Model | keras.layers.Layer | keras.optimizers.Optimizer
        ):
            return _keras_object(value, keras)
        if callable(value) and not isinstance(value, type) and self.functions is not None:
            handle = len(self.functions)
            self.functions.append(value)
            return {"$": "function", "id": handle, "name": getattr(value, "__name__", "function")}
        raise NotData(f"it is {_describe(value)}, not data")

    def _dataset(self, dataset: Any, tf: "ModuleType", depth: int) -> dict[str, object]:
        spec = dataset.element_spec
        leaves = tf.nest.flatten(spec)
        if not (leaves == [spec] or spec == tuple(leaves)):
            raise NotData("it is a dataset whose elements are not tensors or tuples of tensors")
        elements: list[object] = []
        for element in dataset:
            if len(elements) == MAX_ELEMENTS:
                raise NotData(f"it is a dataset of more than {MAX_ELEMENTS:,} elements")
            elements.append(self.encode(element, depth + 1))
        specs = [self.encode(_spec_data(leaf), depth + 1) for leaf in leaves]
        return {"$": "dataset", "elements": elements, "specs": specs, "tuple": leaves != [spec]}


def _spec_data(spec: Any) -> tuple[list[int | None] | None, str, int | None]:
    """A tensor's spec as data: (shape, dtype name, ragged rank or None)."""
    if not hasattr(spec, "shape") or not hasattr(spec, "dtype"):
        raise NotData("it is a dataset whose elements are not tensors or tuples of tensors")
    shape = spec.shape.as_list() if spec.shape.rank is not None else None
    return (shape, spec.dtype.name, getattr(spec, "ragged_rank", None))


def _keras_object(value: Any, keras: "ModuleType") -> dict[str, object]:
    """A Keras object as its configuration and weights: data only. Nothing the answer kernel
    computes about it (where it was built, under which strategy) is sent, since the check kernel
    could not tell a true claim from a forged one."""
    weights = [] if isinstance(value, keras.optimizers.Optimizer) else value.weights
    return {
        "$": "keras",
        "object": json.loads(json.dumps(keras.saving.serialize_keras_object(value))),
        "weights": [_npy(np.asarray(w.numpy())) for w in weights],
    }


# ----------------------------------------------------------------------------- decoding


def decode(data: Any, depth: int = 0) -> Any:
    """The value ``data`` describes, rebuilt in this kernel. Raises ``ValueError`` on data
    that no :class:`Encoder` writes."""
    if depth > MAX_DEPTH + 2:
        raise ValueError("the hand-over nests too deeply")
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is list:
        return [decode(d, depth + 1) for d in data]
    if type(data) is not dict or not isinstance(data.get("$"), str):
        raise ValueError("the hand-over holds something that is not data")
    kind = data["$"]
    if kind == "float":
        return float(data["repr"])
    if kind == "tuple":
        return tuple(decode(d, depth + 1) for d in data["items"])
    if kind == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1)
                for k, v in data["items"]}  # fmt: skip
    if kind == "array":
        return _from_npy(data["npy"])
    if kind == "scalar":
        return _from_npy(data["npy"])[()]
    if kind == "function":
        return RemoteFunction(int(data["id"]), str(data["name"]))
    return _decode_library_value(kind, data, depth)


def _decode_library_value(kind: str, data: dict[str, Any], depth: int) -> Any:
    if kind == "keras":
        return _rebuild_keras_object(data)
    import tensorflow as tf

    if kind == "tensor":
        return tf.constant(_from_npy(data["npy"]))
    if kind == "ragged":
        splits = [_from_npy(s) for s in data["splits"]]
        return tf.RaggedTensor.from_nested_row_splits(_from_npy(data["values"]), splits)
    if kind == "dataset":
        elements = [decode(e, depth + 1) for e in data["elements"]]
        specs = tuple(_spec(*decode(s, depth + 1)) for s in data["specs"])
        signature = specs if data["tuple"] else specs[0]
        return tf.data.Dataset.from_generator(lambda: iter(elements), output_signature=signature)
    raise ValueError(f"the hand-over holds an unknown kind of value, {kind!r}")


def _spec(shape: list[int | None] | None, dtype: str, ragged: int | None) -> Any:
    import tensorflow as tf

    if ragged is not None:
        return tf.RaggedTensorSpec(shape, dtype, ragged_rank=ragged)
    return tf.TensorSpec(shape, dtype)


# TensorFlow's own activation functions that Keras writes as functions of `builtins` (tf.nn.softmax
# is `softmax_v2`), by the name of the Keras activation that computes the same.
TENSORFLOW_ACTIVATIONS = {"softmax_v2": "softmax", "log_softmax_v2": "log_softmax"}


def _keras_activations(config: Any) -> Any:
    """``config`` with each TensorFlow activation of :data:`TENSORFLOW_ACTIVATIONS` named as the
    Keras activation that computes the same; any other function outside Keras stays, to be
    refused."""
    if isinstance(config, dict):
        named = config.get("config")
        if config.get("module") == "builtins" and config.get("class_name") == "function":
            if isinstance(named, str) and named in TENSORFLOW_ACTIVATIONS:
                return TENSORFLOW_ACTIVATIONS[named]
        return {key: _keras_activations(value) for key, value in config.items()}
    if isinstance(config, list):
        return [_keras_activations(value) for value in config]
    return config


def _keras_modules_only(config: object) -> None:
    """Refuse a configuration naming a class outside Keras (Keras' safe mode refuses lambdas)."""
    if isinstance(config, dict):
        module = config.get("module")
        if module is not None and not (module == "keras" or str(module).startswith("keras.")):
            raise ValueError(f"it names a class of the module {module!r}, outside Keras")
        for value in config.values():
            _keras_modules_only(value)
    elif isinstance(config, list):
        for value in config:
            _keras_modules_only(value)


def _rebuild_keras_object(data: dict[str, Any]) -> Any:
    """The Keras object ``data`` describes, rebuilt from its configuration and weights alone, the
    same way whatever else the answer kernel sent beside them. A configuration naming a class
    outside Keras is refused before Keras is even imported."""
    described = _keras_activations(dict(data["object"]))
    _keras_modules_only(described)
    import keras

    compile_config = described.pop("compile_config", None)
    value = keras.saving.deserialize_keras_object(described, safe_mode=True)
    weights = [_from_npy(w) for w in data.get("weights", [])]
    if weights:
        value.set_weights(weights)
    if compile_config is not None:
        value.compile_from_config(compile_config)
    return value


# ----------------------------------------------------------------------------- the two kernels


class RemoteFunction:
    """A learner's function, called in the answer kernel through the grader."""

    def __init__(self, handle: int, name: str) -> None:
        self._handle, self.__name__ = handle, name

    def __repr__(self) -> str:
        return f"<the answer's function {self.__name__}>"

    def __call__(self, *args: object, **kwargs: object) -> Any:
        encoder = Encoder()
        try:
            request = {"op": "call", "id": self._handle,
                       "args": encoder.encode(list(args)), "kwargs": encoder.encode(kwargs)}  # fmt: skip
        except NotData as error:
            raise TypeError(f"a check passed {self.__name__} an argument that {error}") from None
        reply = _ask(request)
        if "error" in reply:
            kind, message = [*map(str, reply["error"]), "", ""][:2]
            raise _answer_error(self.__name__, kind, message)
        return decode(reply.get("value"))


def _encodable(text: str) -> str:
    """``text`` with lone surrogates escaped (``\\ud800``): a kernel can always send it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _answer_error(name: str, kind: str, message: str) -> Exception:
    """The learner's exception, as a built-in exception class of the same name when there is one
    (so that a check may catch it), else a ``RuntimeError`` naming it."""
    message, kind = _encodable(message), _encodable(kind)
    said = f"{message} (raised by {name})" if message else f"raised by {name}"
    known = getattr(builtins, str(kind), None)
    if isinstance(known, type) and issubclass(known, Exception) and known.__module__ == "builtins":
        return known(said)
    return RuntimeError(f"{kind}: {said}")


def _user_namespace() -> dict[str, Any]:
    from IPython import get_ipython

    shell: Any = get_ipython()  # a kernel's shell (ipykernel's): never None here
    return shell.user_ns


def _ask(request: Mapping[str, object]) -> dict[str, Any]:
    """Send ``request`` to the grader over the stdin channel; return its decoded reply."""
    from IPython import get_ipython

    shell: Any = get_ipython()  # a kernel's shell (ipykernel's), which has the kernel
    reply = json.loads(shell.kernel.raw_input(json.dumps(request)))
    if not isinstance(reply, dict) or not isinstance(reply.get("values", {}), dict):
        raise ValueError("the answer's kernel sent something that is not data")
    return reply


def receive(names: Sequence[str]) -> None:
    """(check kernel) Bind ``names``, handed over by the answer just run, in the notebook's
    namespace; a name the answer kernel does not hold, or holds as something that is not data,
    is unbound here."""
    namespace = _user_namespace()
    reply = _ask({"op": "receive", "names": list(names)})
    failed = []
    for name in names:
        namespace.pop(name, None)
        if name in reply.get("values", {}):
            try:
                namespace[name] = decode(reply["values"][name])
            except Exception as error:  # a configuration Keras refuses, a corrupt array...
                said = " ".join(str(error).split())[:300]
                failed.append(
                    f"{name} could not be rebuilt for the checks, which rebuild a Keras object "
                    f"from its configuration with Keras' own layers and activations only (no "
                    f"lambda, no class or function of your own). Keras said: {said}"
                )
    if failed:
        raise ValueError("; ".join(failed))


# The answer kernel's side: the functions handed over so far, by handle.
_FUNCTIONS: list[Callable[..., object]] = []


def serve(request_text: str, reply_path: str) -> None:
    """(answer kernel) Answer the request ``request_text`` (JSON) into ``reply_path``."""
    from IPython import get_ipython

    request = json.loads(request_text)
    encoder = Encoder(_FUNCTIONS)
    shell: Any = get_ipython()  # a kernel's shell: never None here
    if request["op"] == "receive":
        reply = _export(encoder, shell.user_ns, request["names"])
    else:
        reply = _call(encoder, request)
    with open(reply_path, "w", encoding="utf-8") as file:
        json.dump(reply, file)


def _export(
    encoder: Encoder, namespace: Mapping[str, object], names: Iterable[str]
) -> dict[str, object]:
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name in names:
        if name not in namespace:
            continue
        try:
            values[name] = encoder.encode(namespace[name])
        except NotData as error:
            errors[name] = f"{name} cannot be handed to the checks: {error}"
    return {"values": values, "errors": errors}


def _call(encoder: Encoder, request: dict[str, Any]) -> dict[str, object]:
    function = _FUNCTIONS[request["id"]]
    args = decode(request["args"])
    kwargs = decode(request["kwargs"])
    try:
        result = function(*args, **kwargs)
    except BaseException as error:  # SystemExit too: the check fails, the kernel goes on
        message = str(error).strip().split("\n")[0][:500]
        return {"error": [type(error).__name__, _encodable(message)]}
    try:
        return {"value": encoder.encode(result)}
    except NotData as error:
        return {"error": ["TypeError", f"its result cannot be handed to the checks: {error}"]}
