"""Every measured number in a notebook's prose is printed by the committed run (CONTRIBUTING.md, "Add a notebook").

A number in a markdown cell (a decimal, a percentage, a number with thousands separators or in
scientific notation) must be printed by a code cell above it or by the code cell it introduces,
or be a definition that appears in the notebook's code or the result of arithmetic written out
("32 × 32 × 8 = 8,192"), or be a fact cited from elsewhere and listed in ``CITED`` with its
source. The short answer in the first cell may quote figures printed anywhere in the notebook. A
percentage is backed by a printed fraction that rounds to it (94 % by 0.944), and a number said
to be approximate ("about 0.02") by a printed number that rounds to it.
Plain integers are not checked: they are mostly counts and sizes that the code defines.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRESENT = sorted((ROOT / "notebooks").glob("*.ipynb"))

NUMBER = re.compile(
    r"(?<![\w.\-/√±×])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+e-\d+|\d+(?=\s?%))(?![\w.]?\d)(\s?%)?"
)
VERSION = re.compile(r"(?:Keras|TensorFlow|Python|music21|CUDA|cuDNN|version|and)\s+$")
APPROXIMATE = re.compile(r"(?:about|around|roughly|~)\s*$")
ARITHMETIC = re.compile(r"(?:[\d.,]+\s*[×*/+−-]\s*)+[\d.,]+\s*=\s*$|√\d+\s*≈\s*$")
PRINTED_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")

# Facts the prose quotes from elsewhere: notebook stem → {number: where it comes from}.
CITED = {
    "00_start_here": {"8.0": "NVIDIA's compute capability of the A100"},
    "08_video_classification": {
        "13,320": "UCF101's size (its paper)",
        "9,537": "UCF101's split 1",
        "3,783": "UCF101's split 1",
        "6.5": "UCF101's download size",
        "10,000": "Moving MNIST's size",
        "819,200,096": "the Moving MNIST file's size in bytes",
    },
    "09_sketchrnn_classification": {
        "42.5": "the textbook's 3rd-edition solution notebook",
        "71.4": "the textbook's 3rd-edition solution notebook",
        "60.7": "the textbook's 3rd-edition solution notebook",
        "49.7": "the textbook's 2nd-edition solution notebook",
        "77.6": "the textbook's 2nd-edition solution notebook",
        "69.0": "the textbook's 2nd-edition solution notebook",
        "70,000": "Quick, Draw!'s sketch-rnn files per class",
        "2,500": "Quick, Draw!'s sketch-rnn files per class",
    },
    "11_distributed_training": {
        "2.0": "TensorFlow's release notes",
        "2.1": "TensorFlow's release notes",
        "2.2": "TensorFlow's release notes",
    },
}


def _source(cell):
    return "".join(cell["source"])


def _printed(cell):
    """The text a code cell printed or displayed."""
    texts = []
    for output in cell.get("outputs", []):
        texts.append("".join(output.get("text", "")))
        data = output.get("data", {})
        texts += [
            "".join(data.get(kind, "")) for kind in ("text/plain", "text/markdown", "text/html")
        ]
    return "\n".join(texts)


def _prose_numbers(text):
    """(number, approximate?, context) for each number of the markdown ``text``, outside code
    spans and versions."""
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"\b\d+(?:\.\d+){3}\b", "", text)  # addresses such as 127.0.0.1
    for match in NUMBER.finditer(text):
        before = text[: match.start()]
        if not VERSION.search(before) and not ARITHMETIC.search(before):
            context = " ".join(text[max(0, match.start() - 50) : match.end() + 20].split())
            kind = "%" if match.group(2) else "≈" if APPROXIMATE.search(before) else "="
            yield match.group(1), kind, context


def _spellings(number):
    plain = number.replace(",", "")
    return {number, plain, f"{int(plain):_}" if plain.isdigit() else plain}


def _appears(number, text, kind="="):
    """Whether ``text`` prints ``number``: as written, or rounded to it for kinds "%" and "≈"."""
    if any(re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", text) for form in _spellings(number)):
        return True
    if kind == "=" or "," in number:
        return False
    decimals = len(number.partition(".")[2])
    printed = [float(p) for p in PRINTED_NUMBER.findall(text)]
    if kind == "%":
        printed += [100 * p for p in printed if p <= 1]
    return any(round(p, decimals) == float(number) for p in printed)


def unbacked_numbers(nb, cited):
    """The prose numbers of ``nb`` that nothing backs, as (cell index, number, context)."""
    cells = nb["cells"]
    code = "\n".join(_source(c) for c in cells if c["cell_type"] == "code")
    everything = "\n".join(_printed(c) for c in cells if c["cell_type"] == "code")
    printed, missing = "", []
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            printed += "\n" + _printed(cell)
            continue
        below = next((c for c in cells[index + 1 :] if c["cell_type"] == "code"), None)
        backing = everything if index == 0 else printed + "\n" + _printed(below or {})
        for number, kind, context in _prose_numbers(_source(cell)):
            if number in cited or _appears(number, backing, kind) or _appears(number, code):
                continue
            missing.append((index, number, context))
    return missing


@pytest.mark.parametrize("path", PRESENT, ids=lambda p: p.stem)
def test_every_number_in_the_prose_is_printed_defined_or_cited(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    missing = unbacked_numbers(nb, CITED.get(path.stem, {}))
    assert not missing, "numbers in the prose that no cell above prints:\n" + "\n".join(
        f"  cell {i}: {number!r} in “…{context}…”" for i, number, context in missing
    )


def test_the_check_finds_a_typed_number_and_accepts_a_printed_one():
    def notebook(printed):
        return {
            "cells": [
                {"cell_type": "markdown", "source": ["# Title"]},
                {"cell_type": "code", "source": ["print(acc)"], "outputs": [{"text": printed}]},
                {
                    "cell_type": "markdown",
                    "source": ["It reaches 97.3% (3,200 steps), MSE about 0.02."],
                },
            ]
        }

    assert unbacked_numbers(notebook("acc 97.3% after 3200 steps, MSE 0.0213\n"), {}) == []
    missing = unbacked_numbers(notebook("acc 97.4%, MSE 0.0263\n"), {})
    assert [number for _, number, _ in missing] == ["97.3", "3,200", "0.02"]
