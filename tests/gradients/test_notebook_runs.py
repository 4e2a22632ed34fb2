"""Notebook 05's committed (standard-profile) comparisons: every set-up trained from at least three
seeds, and every result printed as a mean and range (CONTRIBUTING.md, "Add a notebook")."""

import json
import re

from tests.course_files import ROOT

NOTEBOOK = ROOT / "notebooks" / "05_training_difficulties.ipynb"
SEEDS = re.compile(r"each trained from the seeds \(([\d, ]+)\)")
COUNTS = re.compile(r"(\d+) of (\d+)")
SPREAD = re.compile(r"\d+%? \(\d+%?–\d+%?\)")


def _printed():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return [
        "".join(output.get("text", ""))
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    ]


def test_every_comparison_is_trained_from_at_least_three_seeds():
    printed = "\n".join(_printed())
    runs = SEEDS.findall(printed)
    assert len(runs) == 2, "the clipping and the normalisation comparisons each say their seeds"
    assert all(len(seeds.split(",")) >= 3 for seeds in runs)
    assert {total for _, total in COUNTS.findall(printed)} == {"3"}


def test_recall_results_are_means_with_ranges():
    lines = [line for text in _printed() for line in text.splitlines() if "lag 100:" in line]
    trained = [line for line in lines if "%" in line]
    assert len(trained) == 5  # SimpleRNN, LSTM, GRU, and the two cells set to remember
    assert all(SPREAD.search(line.split("lag 100:")[1]) for line in trained)
