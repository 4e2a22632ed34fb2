"""Every graded exercise has answer variants: at least two right answers written otherwise than
the reference, and at least two plausible wrong ones."""

import importlib
from pathlib import Path

import nbformat
import pytest

from course_utils.grading import cells
from tests.course_files import NOTEBOOK_PATHS
from tests.variants.kit import Right, Wrong


def _variants(stem):
    module = Path(__file__).with_name(f"test_{stem}.py")
    if not module.exists():
        return {}
    return importlib.import_module(f"tests.variants.test_{stem}").VARIANTS


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem[:2])
def test_every_exercise_has_two_right_and_two_wrong_variants(path):
    nb = nbformat.read(path, as_version=4)
    answers = [cells.grade_id(c) for c in nb.cells if cells.is_answer(c)]
    variants = _variants(path.stem)
    missing = []
    for grade_id in answers:
        listed = variants.get(grade_id, [])
        right = sum(isinstance(v, Right) for v in listed)
        wrong = sum(isinstance(v, Wrong) for v in listed)
        if right < 2 or wrong < 2:
            missing.append(f"{grade_id} ({right} right, {wrong} wrong)")
    unknown = sorted(set(variants) - set(answers))
    assert not unknown, f"variants for answer cells {path.stem} does not have: {unknown}"
    assert not missing, f"{path.stem}: exercises without enough variants: {', '.join(missing)}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem[:2])
def test_variant_names_are_unique_per_exercise(path):
    for grade_id, listed in _variants(path.stem).items():
        names = [v.name for v in listed]
        assert len(names) == len(set(names)) and "reference" not in names, grade_id
