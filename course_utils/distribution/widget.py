"""Data versus model parallelism, step by step (notebook 11): a thin view over
:func:`course_utils.distribution.parallelism.step_plan`."""

import html

import ipywidgets

from course_utils import figures
from course_utils.distribution.parallelism import step_plan
from course_utils.widgets import Explorer, FigureImage, figure_png


def step_plan_figure(plan):
    """Bar chart (log scale) of the values sent between devices per step by each scheme."""
    fig = figures.new(figsize=(6, 2.6))
    ax = fig.subplots()
    labels = ["data parallelism\n(all-reduce gradients)", "model parallelism\n(activations)"]
    ax.barh(labels, [plan.allreduce_values, plan.boundary_values], color=["tab:blue", "tab:orange"])
    ax.set_xscale("log")
    ax.set_xlim(left=1)
    ax.set(xlabel="values sent between devices per training step", title="Communication per step")
    fig.tight_layout()
    return fig


class StepPlanExplorer(Explorer):
    """Sliders for replicas, per-replica batch, time steps, units and layers → :func:`step_plan`."""

    def __init__(
        self, examples, replicas=2, per_replica_batch=32, time_steps=40, units=32, layers=2
    ):
        self.examples = examples
        step_plan(examples, replicas, per_replica_batch, time_steps, units, layers)  # validates
        self.controls = {
            "replicas": ipywidgets.IntSlider(value=replicas, min=1, max=16, description="replicas"),
            "per_replica_batch": ipywidgets.IntSlider(
                value=per_replica_batch, min=1, max=256, description="batch/replica"
            ),
            "time_steps": ipywidgets.IntSlider(
                value=time_steps, min=1, max=1000, description="time steps"
            ),
            "units": ipywidgets.IntSlider(value=units, min=1, max=1024, description="units"),
            "layers": ipywidgets.IntSlider(value=layers, min=2, max=8, description="GRU layers"),
        }
        self.summary, self.chart = ipywidgets.HTML(), FigureImage()
        for control in self.controls.values():
            control.observe(lambda change: self._draw(), names="value")
        super().__init__([*self.controls.values(), self.summary, self.chart])
        self._draw()

    def plan(self):
        return step_plan(self.examples, **{k: c.value for k, c in self.controls.items()})

    def _draw(self):
        plan = self.plan()
        self.summary.value = f"<pre>{html.escape(plan.summary())}</pre>"
        self.chart.show(figure_png(step_plan_figure(plan)))

    def snapshot(self):
        plan = self.plan()
        return {"text/plain": plan.summary(), "image/png": figure_png(step_plan_figure(plan))}
