"""Output shapes and parameter counts of sequence layers, as pure functions (no TensorFlow).

The widgets draw from these functions and the unit tests check them against real Keras layers.
Shapes are tuples in which ``None`` stands for a size unknown until data arrives (the batch size,
or a variable number of time steps).
"""

from dataclasses import dataclass

from course_utils.validation import positive_int


class ShapeError(ValueError):
    """A layer cannot accept the tensor it is given; the message says why in plain words."""


def _check_shape(shape):
    if not isinstance(shape, tuple):
        raise TypeError(f"a shape must be a tuple such as (32, 20, 8), got {type(shape).__name__}.")
    for i, size in enumerate(shape):
        positive_int(f"dimension {i} of {shape}", size, allow_none=True)


# --- Recurrent layers: SimpleRNN, LSTM, GRU, Bidirectional, stacks ----------------------------


@dataclass(frozen=True)
class CellKind:
    """What sets one Keras recurrent cell apart from the others.

    ``blocks``: its fully connected layers (gates and candidate), each with an input kernel, a
    recurrent kernel and ``biases`` bias vectors; ``states``: the state tensors it returns with
    ``return_state=True`` (LSTM: h and c).
    """

    blocks: int
    biases: int
    states: int


CELL_KINDS = {
    "SimpleRNN": CellKind(blocks=1, biases=1, states=1),
    "LSTM": CellKind(blocks=4, biases=1, states=2),  # forget, input, output gates; candidate
    "GRU": CellKind(blocks=3, biases=2, states=1),  # update, reset gates; candidate
}
"""The course's one table of cell kinds (Keras' GRU keeps two biases: ``reset_after=True``)."""
CELLS = tuple(CELL_KINDS)
MERGE_MODES = ("concat", "sum", "ave", "mul")


def check_cell(cell):
    """``cell`` itself; a ``ValueError`` unless it names one of ``CELLS``."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}.")
    return cell


def recurrent_params(cell, features, units, bidirectional=False):
    """Trainable parameters of a Keras recurrent layer with ``features`` inputs per time step.

    Each of the cell's weight blocks (:data:`CELL_KINDS`) has an input kernel
    (``features × units``), a recurrent kernel (``units × units``) and one bias of ``units`` per
    bias vector. ``Bidirectional`` holds two such layers.
    """
    kind = CELL_KINDS[check_cell(cell)]
    features, units = positive_int("features", features), positive_int("units", units)
    return kind.blocks * units * (features + units + kind.biases) * (2 if bidirectional else 1)


def param_formula(cell, features, units, bidirectional=False):
    """:func:`recurrent_params` written out, e.g. ``'4 × 64 × (8 + 64 + 1) = 18,688'``."""
    count = recurrent_params(cell, features, units, bidirectional)
    kind = CELL_KINDS[cell]
    blocks = f"{kind.blocks} × " if kind.blocks > 1 else ""
    prefix = "2 × " if bidirectional else ""
    return f"{prefix}{blocks}{units} × ({features} + {units} + {kind.biases}) = {count:,}"


@dataclass(frozen=True)
class RecurrentShapes:
    """What one recurrent layer returns: its output shape, its state shapes, its parameter count."""

    output: tuple
    states: tuple
    params: int

    @property
    def all(self):
        """Every returned shape in Keras' order: output first, then the states."""
        return (self.output, *self.states)


def recurrent_shapes(
    cell,
    units,
    input_shape,
    return_sequences=False,
    return_state=False,
    bidirectional=False,
    merge_mode="concat",
):
    """Shapes returned by ``cell(units, return_sequences=..., return_state=...)`` on ``input_shape``.

    ``input_shape`` is ``(batch, time steps, features)``; ``batch`` and ``time steps`` may be
    ``None``. With ``bidirectional=True`` the layer is wrapped in ``Bidirectional`` (whose
    ``merge_mode="concat"`` doubles the output's last dimension) and the states of the forward
    layer come before those of the backward layer. Raises :class:`ShapeError` for input that is
    not 3-D.
    """
    check_cell(cell)
    positive_int("units", units)
    _check_shape(input_shape)
    if merge_mode not in MERGE_MODES:
        raise ValueError(f"merge_mode must be one of {', '.join(MERGE_MODES)}, got {merge_mode!r}.")
    if len(input_shape) != 3:
        raise ShapeError(
            f"{cell} expects a 3-D input (batch, time steps, features) but got the "
            f"{len(input_shape)}-D shape {input_shape}. Keras raises: expected ndim=3, "
            f"found ndim={len(input_shape)}. Full shape received: {input_shape}"
        )
    batch, steps, features = input_shape
    if features is None:
        raise ValueError("the number of features (last dimension) must be known, got None.")
    width = 2 * units if bidirectional and merge_mode == "concat" else units
    output = (batch, steps, width) if return_sequences else (batch, width)
    states = ()
    if return_state:
        states = ((batch, units),) * CELL_KINDS[cell].states * (2 if bidirectional else 1)
    return RecurrentShapes(output, states, recurrent_params(cell, features, units, bidirectional))


@dataclass(frozen=True)
class StackLayer:
    """One recurrent layer of a stack."""

    cell: str
    units: int
    return_sequences: bool


@dataclass(frozen=True)
class StackShapes:
    """The tensors flowing through a stack, or where and why it breaks.

    ``outputs[i]`` and ``params[i]`` belong to layer ``i`` (0-based) for each layer that builds.
    When a layer cannot accept its input, ``failed_layer`` is its index and ``error`` says why
    in plain words; the layers after it are not built.
    """

    input_shape: tuple
    outputs: tuple
    params: tuple
    error: str | None = None
    failed_layer: int | None = None

    @property
    def ok(self):
        return self.error is None

    @property
    def kind(self):
        """``"sequence-to-sequence"`` (3-D output), ``"sequence-to-vector"`` (2-D), or None if broken."""
        if not self.ok:
            return None
        return "sequence-to-sequence" if len(self.outputs[-1]) == 3 else "sequence-to-vector"


def _explain(layers, index, shape):
    below = layers[index - 1]
    return (
        f"Layer {index + 1} ({layers[index].cell}) receives the 2-D tensor {shape}: layer {index} "
        f"({below.cell}) has return_sequences=False, so it returns only its last output, one "
        "vector per sequence, and the time dimension is gone. A recurrent layer needs 3-D input "
        f"(batch, time steps, features): set return_sequences=True on layer {index}. Keras raises: "
        f"expected ndim=3, found ndim=2. Full shape received: {shape}"
    )


def stack_shapes(input_shape, layers, dense_units=None):
    """Build a stack of recurrent layers on paper: shapes between layers, or the error.

    ``layers`` is a sequence of :class:`StackLayer` (or ``(cell, units, return_sequences)``
    tuples). With ``dense_units``, a ``Dense(dense_units)`` layer goes on top: on a 3-D tensor it
    acts on every time step, on a 2-D tensor once per sequence.
    """
    _check_shape(input_shape)
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (batch, time steps, features), got {input_shape}.")
    layers = [layer if isinstance(layer, StackLayer) else StackLayer(*layer) for layer in layers]
    if not layers:
        raise ValueError("layers must hold at least one recurrent layer.")
    if dense_units is not None:
        positive_int("dense_units", dense_units)
    shape, outputs, params = input_shape, [], []
    for index, layer in enumerate(layers):
        if len(shape) != 3:
            return StackShapes(
                input_shape, tuple(outputs), tuple(params), _explain(layers, index, shape), index
            )
        result = recurrent_shapes(layer.cell, layer.units, shape, layer.return_sequences)
        shape = result.output
        outputs.append(shape)
        params.append(result.params)
    if dense_units is not None:
        outputs.append((*shape[:-1], dense_units))
        params.append(shape[-1] * dense_units + dense_units)
    return StackShapes(input_shape, tuple(outputs), tuple(params))


# --- Conv1D stacks: output length, receptive field, which inputs each output sees -------------

PADDINGS = ("valid", "same", "causal")


@dataclass(frozen=True)
class Conv1DLayer:
    """The settings of a ``keras.layers.Conv1D`` that decide lengths and receptive fields."""

    kernel_size: int
    strides: int = 1
    dilation_rate: int = 1
    padding: str = "valid"

    def __post_init__(self):
        positive_int("kernel_size", self.kernel_size)
        positive_int("strides", self.strides)
        positive_int("dilation_rate", self.dilation_rate)
        if self.padding not in PADDINGS:
            raise ValueError(f"padding must be one of {', '.join(PADDINGS)}, got {self.padding!r}.")
        if self.strides > 1 and self.dilation_rate > 1:
            raise ValueError(
                "Keras does not support strides > 1 together with dilation_rate > 1 "
                f"(got strides={self.strides}, dilation_rate={self.dilation_rate})."
            )

    @property
    def span(self):
        """How many consecutive inputs one kernel covers: ``dilation_rate·(kernel_size - 1) + 1``."""
        return self.dilation_rate * (self.kernel_size - 1) + 1


def _conv_layers(layers):
    if isinstance(layers, (Conv1DLayer, dict)):
        layers = [layers]
    out = [layer if isinstance(layer, Conv1DLayer) else Conv1DLayer(**layer) for layer in layers]
    if not out:
        raise ValueError("layers must hold at least one Conv1D layer.")
    return out


def _left_padding(layer, length):
    """Zeros Keras adds before the first input (``same`` puts the odd one on the right)."""
    if layer.padding == "causal":
        return layer.span - 1
    if layer.padding == "same":
        out = -(-length // layer.strides)
        return max((out - 1) * layer.strides + layer.span - length, 0) // 2
    return 0


def conv1d_output_length(length, kernel_size, strides=1, dilation_rate=1, padding="valid"):
    """Time steps out of ``Conv1D(kernel_size, strides, padding, dilation_rate)`` for ``length``
    steps in (``None`` stays ``None``).

    ``valid``: ``⌊(length - span) / strides⌋ + 1`` with ``span = dilation_rate·(kernel_size-1)+1``;
    ``same`` and ``causal``: ``⌈length / strides⌉`` (causal pads only on the left, so output t
    never sees an input after t). Raises :class:`ShapeError` when nothing would be left.
    """
    layer = Conv1DLayer(kernel_size, strides, dilation_rate, padding)
    positive_int("length", length, allow_none=True)
    if length is None:
        return None
    if padding != "valid":
        return -(-length // strides)
    if length < layer.span:
        raise ShapeError(
            f"a valid Conv1D whose kernel spans {layer.span} steps cannot slide over {length} "
            "steps: the output would be empty. Use fewer or smaller (or less dilated) kernels, "
            "longer sequences, or padding='same'/'causal'. Keras raises: Computed output size "
            "would be zero or negative."
        )
    return (length - layer.span) // strides + 1


def conv1d_stack_lengths(length, layers):
    """The number of time steps after each layer of a Conv1D stack, as a tuple.

    ``layers``: :class:`Conv1DLayer` objects or dicts of their fields (Keras' argument names).
    """
    lengths = []
    for layer in _conv_layers(layers):
        length = conv1d_output_length(
            length, layer.kernel_size, layer.strides, layer.dilation_rate, layer.padding
        )
        lengths.append(length)
    return tuple(lengths)


def receptive_field(layers):
    """How many consecutive input steps one output of the top layer depends on (ignoring the
    edges): ``1 + Σ (kernel_size - 1)·dilation_rate·(product of the strides below)``."""
    size, jump = 1, 1
    for layer in _conv_layers(layers):
        size += (layer.span - 1) * jump
        jump *= layer.strides
    return size


def inputs_seen(layers, length, output_index):
    """The input steps (sorted indices, padding excluded) that output ``output_index`` of the top
    layer of a Conv1D stack depends on, for an input of ``length`` steps."""
    layers = _conv_layers(layers)
    positive_int("length", length)
    lengths = (length, *conv1d_stack_lengths(length, layers))
    if isinstance(output_index, bool) or not isinstance(output_index, int):
        raise TypeError(f"output_index must be an integer, got {output_index!r}.")
    if not 0 <= output_index < lengths[-1]:
        raise ValueError(
            f"output_index must be between 0 and {lengths[-1] - 1}, got {output_index}."
        )
    seen = {output_index}
    for layer, size in zip(reversed(layers), reversed(lengths[:-1]), strict=True):
        pad = _left_padding(layer, size)
        seen = {
            j * layer.strides + m * layer.dilation_rate - pad
            for j in seen
            for m in range(layer.kernel_size)
        }
        seen = {i for i in seen if 0 <= i < size}
    return tuple(sorted(seen))
