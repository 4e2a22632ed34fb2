"""What one training step of a deep GRU costs under data and model parallelism (pure arithmetic).

Data parallelism all-reduces every gradient once per step, so it moves as many values as the model
has parameters, whatever the batch. Model parallelism with one layer per device moves activations
across each device boundary: ``batch × time steps × units`` values forward and as many gradients
back. :func:`step_plan` puts the two side by side for the notebook and its widget.
"""

from dataclasses import dataclass

from course_utils.shapes import recurrent_params
from course_utils.validation import positive_int


@dataclass(frozen=True)
class StepPlan:
    """The figures of one training step; see :func:`step_plan`."""

    global_batch: int
    steps_per_epoch: int
    params: int
    allreduce_values: int
    boundary_values: int

    def summary(self):
        return (
            f"global batch {self.global_batch:,} · {self.steps_per_epoch:,} steps per epoch\n"
            f"data parallelism: {self.allreduce_values:,} gradient values all-reduced per step\n"
            f"model parallelism (one layer per device): {self.boundary_values:,} activation and "
            "gradient values across the boundaries per step"
        )


def step_plan(examples, replicas, per_replica_batch, time_steps, units, layers=2, features=1):
    """The step of a ``layers``-deep GRU (``units`` each) plus a ``Dense(1)`` head.

    - ``global_batch = per_replica_batch × replicas``; ``steps_per_epoch`` rounds up.
    - ``params``: the model's parameter count; data parallelism all-reduces that many values.
    - ``boundary_values``: placing each GRU layer on its own device and processing the same
      global batch, ``2 × global_batch × time_steps × units`` values (forward activations and
      backward gradients) cross each of the ``layers − 1`` boundaries.
    """
    for name, value in (
        ("examples", examples),
        ("replicas", replicas),
        ("per_replica_batch", per_replica_batch),
        ("time_steps", time_steps),
        ("units", units),
        ("layers", layers),
        ("features", features),
    ):
        positive_int(name, value)
    global_batch = per_replica_batch * replicas
    params = recurrent_params("GRU", features, units)
    params += (layers - 1) * recurrent_params("GRU", units, units) + units + 1
    return StepPlan(
        global_batch=global_batch,
        steps_per_epoch=-(-examples // global_batch),
        params=params,
        allreduce_values=params,
        boundary_values=2 * global_batch * time_steps * units * (layers - 1),
    )
