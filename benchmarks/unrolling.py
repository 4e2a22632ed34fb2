"""Symbolic loop (unroll=False) versus unrolled graph (unroll=True), side by side in one run.

    python benchmarks/unrolling.py [--cell LSTM] [--lengths 10 25 50 100 200]

Prints, for each sequence length, the graph size, the tracing time, the first call, the step time
(and the peak GPU memory on a GPU) of both, and the unrolled/symbolic ratios.
"""

import argparse

from course_utils._quiet import import_tensorflow
from course_utils.shapes import CELLS
from course_utils.unrolling import measure


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", choices=CELLS, default="LSTM")
    parser.add_argument("--lengths", type=int, nargs="+", default=[10, 25, 50, 100, 200])
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    tf = import_tensorflow()
    gpu = bool(tf.config.list_logical_devices("GPU"))
    header = f"{'length':>6} {'graph ops':>15} {'trace s':>15} {'first call s':>15} {'step ms':>15}"
    print(f"{args.cell}: symbolic / unrolled for each measure, then the unrolled/symbolic ratio")
    print(header + (f" {'peak GPU MB':>15}" if gpu else ""))
    for length in args.lengths:
        loop, unrolled = (
            measure(length, u, cell=args.cell, steps=args.steps) for u in (False, True)
        )
        cells = [
            f"{loop.graph_ops}/{unrolled.graph_ops}",
            f"{loop.trace_seconds:.2f}/{unrolled.trace_seconds:.2f}",
            f"{loop.first_call_seconds:.2f}/{unrolled.first_call_seconds:.2f}",
            f"{loop.step_seconds * 1e3:.1f}/{unrolled.step_seconds * 1e3:.1f}",
        ]
        ratios = [
            unrolled.graph_ops / loop.graph_ops,
            unrolled.trace_seconds / loop.trace_seconds,
            unrolled.first_call_seconds / loop.first_call_seconds,
            unrolled.step_seconds / loop.step_seconds,
        ]
        if loop.peak_gpu_mb is not None:
            cells.append(f"{loop.peak_gpu_mb:.1f}/{unrolled.peak_gpu_mb:.1f}")
            ratios.append(unrolled.peak_gpu_mb / loop.peak_gpu_mb)
        print(f"{length:>6} " + " ".join(f"{c:>15}" for c in cells))
        print(f"{'ratio':>6} " + " ".join(f"{r:>14.2f}×" for r in ratios))


if __name__ == "__main__":
    main()
