"""Converting music21's Bach chorales: in this process versus in one fresh process per CPU.

    python benchmarks/chorale_conversion.py [--files 0]

Loads TensorFlow first, as a notebook does, then converts the first ``--files`` corpus files (0:
all of them) with one worker and with one per CPU, checks that both keep the same chorales, and
prints each time and the speed-up. Each run gives its workers a fresh temporary folder, where
music21 keeps its cache of parsed files, so that both measure a first run.
"""

import argparse
import os
import tempfile
import time

import numpy as np

from course_utils import device
from course_utils.chorales import data as chorales


def timed(files, workers):
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["TMPDIR"] = scratch  # read by the workers, which start after this
        start = time.perf_counter()
        arrays, skipped, _ = chorales._convert_all(files, None, workers=workers)
        return time.perf_counter() - start, arrays, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=0, help="how many corpus files (0: all)")
    args = parser.parse_args()
    device.setup()
    files = chorales.corpus_files()
    files = dict(list(files.items())[: args.files or None])
    cpus = os.cpu_count()
    one, arrays, skipped = timed(files, 1)
    many, arrays_many, skipped_many = timed(files, cpus)
    same = skipped == skipped_many and arrays.keys() == arrays_many.keys()
    same = same and all(np.array_equal(arrays[n], arrays_many[n]) for n in arrays)
    print(f"{len(files)} files, {len(arrays)} chorales kept, {len(skipped)} skipped")
    print(f"1 worker:   {one:6.1f} s")
    print(f"{cpus} workers:  {many:6.1f} s")
    print(f"speed-up: ×{one / many:.2f} · the same chorales both ways: {same}")


if __name__ == "__main__":
    main()
