"""Which printed numbers move with the seed: a notebook run under several COURSE_SEED values.

Usage: python tools/seed_spread.py NOTEBOOK [NOTEBOOK ...] [--seeds "0 1 2"] [--profile standard] [--moving]
(or ``make seeds NB=notebooks/05_….ipynb SEEDS="0 1 2"``).

Runs the notebook once per seed, in a fresh kernel, and prints for every number its cells print
the value in the committed outputs and under each seed, marked:

- ``moves``: not the same under every seed;
- ``quoted``: the prose (a markdown cell) quotes it, as the committed run printed it;
- ``flips``: another number of the same cell, at the same place of another line of the same
  shape (a line's shape is its text after its label: the rows of one table), is above it under
  one seed and below it under another: a ranking that the seed decides.

The summary at the end lists the quoted numbers that move and every flip: before a claim about
training results lands, each of them must be covered by a multi-seed cell or reworded.
"""

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.test_prose_numbers import _appears, _prose_numbers  # noqa: E402

NUMBER = re.compile(
    r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)%?(?![\w.]?\d)",
    re.IGNORECASE,
)


def printed(cell):
    """What a code cell printed or displayed as text, figures' reprs left out."""
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        plain = "".join(output.get("data", {}).get("text/plain", ""))
        if not plain.startswith("<Figure"):
            texts.append(plain)
    return "\n".join(t for t in texts if t.strip())


def value(token):
    """A printed number as a float (a percentage as a fraction, so 76% and 0.76 compare)."""
    plain = token.replace(",", "").rstrip("%")
    number = float(plain)
    return number / 100 if token.endswith("%") else number


def numbers(cells):
    """{(cell, line skeleton, occurrence, position): token} for every number the cells print.

    A line's skeleton is its text with each number replaced by ``#``; the n-th line of a cell
    with a given skeleton is matched with the n-th such line of another run.
    """
    found = {}
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        seen = defaultdict(int)
        for line in printed(cell).splitlines():
            tokens = NUMBER.findall(line)
            if not tokens:
                continue
            skeleton = re.sub(r"\s{2,}", "  ", NUMBER.sub("#", line).strip())  # columns stay apart
            occurrence = seen[skeleton]
            seen[skeleton] += 1
            for position, token in enumerate(tokens):
                found[index, skeleton, occurrence, position] = token
    return found


def execute(path, seed, profile, timeout):
    """The notebook's cells after a run in a fresh kernel under ``COURSE_SEED=seed``."""
    nb = nbformat.read(path, as_version=4)
    os.environ.update(COURSE_SEED=str(seed), COURSE_PROFILE=profile)
    client = nbclient.NotebookClient(
        nb, timeout=timeout, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb.cells


def prose_numbers(cells):
    """(number, kind) for every number of the markdown cells (as tests/test_prose_numbers.py reads them)."""
    markdown = (c for c in cells if c["cell_type"] == "markdown")
    return [(n, kind) for c in markdown for n, kind, _ in _prose_numbers("".join(c["source"]))]


def moving(runs, keys):
    """The keys whose value is not the same under every seed (the committed run left out)."""
    seeded = [run for name, run in runs.items() if name != "committed"]
    return [k for k in keys if len({run.get(k) for run in seeded}) > 1]


def shape(skeleton):
    """A line's skeleton without its label (the text before the first gap of two spaces, or
    before the first number): lines of one table or list have the same shape."""
    if "  " in skeleton:
        return skeleton.split("  ", 1)[1]
    return skeleton[skeleton.index("#") :]


def flips(runs, keys):
    """{key: other keys} for the pairs whose order differs between two runs: numbers at the same
    place of two lines of the same shape in one cell (the same quantity for two models, say)."""
    changing = moving(runs, keys)

    def place(key):  # which number of the line's shape, its label's numbers left out
        return key[3] - (key[1].count("#") - shape(key[1]).count("#"))

    result = defaultdict(list)
    for i, a in enumerate(changing):
        for b in changing[i + 1 :]:
            if a[0] != b[0] or a[:3] == b[:3] or place(a) != place(b):
                continue
            if shape(a[1]) != shape(b[1]):
                continue
            signs = set()
            for run in runs.values():
                if a in run and b in run:
                    x, y = value(run[a]), value(run[b])
                    if x != y and x == x and y == y:  # NaN has no order
                        signs.add(x < y)
            if len(signs) == 2:
                result[a].append(b)
                result[b].append(a)
    return result


def report(cells, runs, show_all=True):
    """The table of every number, then the summary of what moves, what is quoted, what flips."""
    keys = sorted({k for run in runs.values() for k in run}, key=lambda k: (k[0], k[2], k[1], k[3]))
    order, changing, prose = flips(runs, keys), set(moving(runs, keys)), prose_numbers(cells)
    names = list(runs)
    lines, quoted_moving = [], []
    for key in keys:
        tokens = [runs[name].get(key, "—") for name in names]
        moves = key in changing
        committed = runs["committed"].get(key)
        is_quoted = committed is not None and any(_appears(n, committed, k) for n, k in prose)
        if not (show_all or moves or is_quoted):
            continue
        marks = [
            m for m, on in (("moves", moves), ("quoted", is_quoted), ("flips", key in order)) if on
        ]
        place = f"c{key[0]} {key[1][:60]} [{key[3] + 1}]" + (f" #{key[2] + 1}" if key[2] else "")
        lines.append(
            f"{place:78s} " + " ".join(f"{t:>10s}" for t in tokens) + "  " + " ".join(marks)
        )
        if moves and is_quoted:
            quoted_moving.append(place)
    header = f"{'cell, line (numbers as #) [which number]':78s} " + " ".join(
        f"{n:>10s}" for n in names
    )
    summary = [
        "",
        f"{len(keys)} numbers, {len(changing)} move with the seed, "
        f"{len(quoted_moving)} of those are quoted by the prose, {len(order)} take part in a flip.",
        "Quoted by the prose and moving with the seed:",
        *(f"  {p}" for p in quoted_moving or ["(none)"]),
        "Orders that flip between runs (one cell, the same place in rows of one shape):",
    ]
    shown = set()
    for a, others in order.items():
        for b in others:
            pair = tuple(sorted((a, b)))
            if pair in shown:
                continue
            shown.add(pair)
            values = ", ".join(f"{n} {runs[n].get(a, '—')} vs {runs[n].get(b, '—')}" for n in names)
            summary.append(
                f"  c{a[0]}: «{a[1][:40]}» [{a[3] + 1}] vs «{b[1][:40]}» [{b[3] + 1}]: {values}"
            )
    if not shown:
        summary.append("  (none)")
    return "\n".join([header, *lines, *summary])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path, nargs="+")
    parser.add_argument("--seeds", default="0 1 2", help='seeds, space-separated (default "0 1 2")')
    parser.add_argument("--profile", default="standard")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    parser.add_argument(
        "--moving", action="store_true", help="list only numbers that move or are quoted"
    )
    options = parser.parse_args(argv)
    for notebook in options.notebooks:
        path = notebook.resolve()
        if not path.is_file():
            sys.exit(
                f"{notebook}: no such notebook (NB=notebooks/05_training_difficulties.ipynb, say)."
            )
        committed = json.loads(path.read_text(encoding="utf-8"))["cells"]
        runs = {"committed": numbers(committed)}
        for seed in options.seeds.split():
            start = time.perf_counter()
            try:
                cells = execute(path, int(seed), options.profile, options.timeout)
            except nbclient.exceptions.CellExecutionError as error:
                sys.exit(
                    f"{notebook.name}, COURSE_SEED={seed}: a cell failed:\n{str(error)[-2000:]}"
                )
            runs[f"seed {seed}"] = numbers(cells)
            took = time.perf_counter() - start
            print(f"{notebook.name}, COURSE_SEED={seed}: {took:.0f} s", file=sys.stderr)
        print(f"# {notebook.name}\n" + report(committed, runs, show_all=not options.moving) + "\n")


if __name__ == "__main__":
    main()
