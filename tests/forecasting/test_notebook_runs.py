"""Notebook 04's committed (standard-profile) comparison: every model trained over at least three
seeds, and every run ended by early stopping, never by its epoch ceiling (CONTRIBUTING.md, "Add a notebook")."""

import json
import re
from collections import defaultdict

from tests.course_files import ROOT

NOTEBOOK = ROOT / "notebooks" / "04_forecasting_seven_days.ipynb"
RUN = re.compile(r"^seed (\d+) · (.+?)\s+· kept epoch\s+(\d+) of\s+(\d+)$", re.M)
MODELS = {"linear", "sequence-to-vector", "sequence-to-sequence", "encoder–decoder"}


def _printed():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return "\n".join(
        "".join(output.get("text", ""))
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )


def test_every_model_is_trained_on_at_least_three_seeds():
    seeds = defaultdict(set)
    for seed, name, _, _ in RUN.findall(_printed()):
        seeds[name].add(int(seed))
    assert set(seeds) == MODELS
    for name, used in seeds.items():
        assert len(used) >= 3, f"{name} was trained on seeds {sorted(used)} only"
    assert len({frozenset(used) for used in seeds.values()}) == 1, "models trained on other seeds"


def test_no_run_keeps_its_last_epoch():
    runs = RUN.findall(_printed())
    assert runs, "the committed notebook prints no 'kept epoch' line"
    last = [f"seed {s} {name}: {kept} of {ran}" for s, name, kept, ran in runs if kept == ran]
    assert not last, "runs that kept their last epoch (under-trained): " + ", ".join(last)
    ended = re.search(
        r"early stopping ended before the \d+-epoch ceiling: (\d+) of (\d+)", _printed()
    )
    assert ended and ended.group(1) == ended.group(2), "a run reached its epoch ceiling"


def test_the_comparison_prints_each_model_as_mean_and_range():
    printed = _printed()
    for name in MODELS:
        assert re.search(rf"^\s+{name}\s+\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)", printed, re.M), name
