"""Kernel-side update time of the shape explorer (notebook 02): the median over many changes.

Each change sets one control, as a learner's click or drag does; before the assignment returns,
the observers recompute the shapes, rebuild the HTML and gather the changed widget state into
the update message for the front-end (outside a kernel that message goes to ipywidgets' stand-in
comm, so the time leaves out the message's transport and the browser's drawing). Goal: a median of 50 ms or less.

    .venv/bin/python benchmarks/widget_update.py
"""

import itertools
import statistics
import time

from course_utils.shapes.widget import ShapeExplorer, StackExplorer


def median_update_ms(explorer, changes, repeats=200):
    """Median milliseconds for ``control.value = value`` over ``repeats`` changes cycled from ``changes``."""
    times = []
    for control, value in itertools.islice(itertools.cycle(changes), repeats):
        start = time.perf_counter()
        control.value = value
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    shape = ShapeExplorer()
    shape_changes = [
        (shape.units, 17), (shape.units, 64), (shape.steps, 50), (shape.steps, 20),
        (shape.cell, "GRU"), (shape.cell, "LSTM"), (shape.return_sequences, True),
        (shape.return_state, True), (shape.bidirectional, True), (shape.return_sequences, False),
        (shape.return_state, False), (shape.bidirectional, False), (shape.variable, True), (shape.variable, False),
    ]  # fmt: skip
    stack = StackExplorer()
    stack_changes = [(stack.toggles[0], False), (stack.toggles[0], True), (stack.n_layers, 4),
                     (stack.n_layers, 2), (stack.units[1], 9), (stack.units[1], 32)]  # fmt: skip
    shape_ms = median_update_ms(shape, shape_changes)
    stack_ms = median_update_ms(stack, stack_changes)
    print(
        f"shape explorer: median update {shape_ms:.2f} ms (goal ≤ 50 ms: {'met' if shape_ms <= 50 else 'NOT met'})"
    )
    print(f"stack explorer: median update {stack_ms:.2f} ms")


if __name__ == "__main__":
    main()
