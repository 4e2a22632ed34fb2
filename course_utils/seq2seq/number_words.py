"""Numbers in words: "4012" → "four thousand and twelve", a target whose length varies.

A small sequence-to-sequence task generated offline and deterministically, whose outputs really
differ in length (1 to :data:`MAX_WORDS` words), so that a decoder must decide when to stop.

Encoding:

- inputs: one id per digit (digit ``d`` has id ``d + 1``), ``0`` = padding (:data:`PAD_ID`),
  padded at the end to :data:`MAX_DIGITS`;
- targets: ``[SOS] word word ... [EOS]`` with ids from :data:`TARGET_TOKENS`, padded with
  :data:`PAD_ID` after ``EOS`` to ``MAX_WORDS + 2`` ids, so that the loss must ignore the padding.

>>> to_words(4012), to_words(40), to_words(999999)
('four thousand and twelve', 'forty', 'nine hundred and ninety nine thousand nine hundred and ninety nine')
"""

import itertools
from dataclasses import dataclass

import numpy as np

from course_utils.seq2seq.teacher_forcing import Splits, TeacherForcing, split_bounds
from course_utils.validation import integer

UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
MAX_DIGITS = 6
LARGEST = 10**MAX_DIGITS - 1

PAD_ID = 0
PAD, SOS, EOS = "<pad>", "<sos>", "<eos>"
TARGET_TOKENS = (PAD, SOS, EOS, *UNITS, *TENS, "hundred", "thousand", "and")
"""The target vocabulary: token ``TARGET_TOKENS[i]`` has id ``i``."""
SOS_ID, EOS_ID = TARGET_TOKENS.index(SOS), TARGET_TOKENS.index(EOS)
TARGET_VOCAB_SIZE = len(TARGET_TOKENS)
INPUT_VOCAB_SIZE = 11
"""Ten digits and the padding."""
_TARGET_IDS = {token: i for i, token in enumerate(TARGET_TOKENS)}


def _below_thousand(n):
    words = []
    if n >= 100:
        words += [UNITS[n // 100], "hundred"] + (["and"] if n % 100 else [])
        n %= 100
    if n >= 20:
        words += [TENS[n // 10 - 2]] + ([UNITS[n % 10]] if n % 10 else [])
    elif n or not words:
        words.append(UNITS[n])
    return words


def to_words(n):
    """``n`` (0 to :data:`LARGEST`) in British English words, without hyphens or commas."""
    integer("n", n, 0, LARGEST)
    thousands, rest = divmod(int(n), 1000)
    if not thousands:
        return " ".join(_below_thousand(rest))
    words = [*_below_thousand(thousands), "thousand"]
    if rest:
        words += (["and"] if rest < 100 else []) + _below_thousand(rest)
    return " ".join(words)


MAX_WORDS = 11
"""The most words :func:`to_words` writes, as for 777777 ("seven hundred and seventy seven thousand
seven hundred and seventy seven")."""


def generate(n, seed=42):
    """``n`` distinct numbers as two lists: (digit strings, the numbers in words).

    Each number of digits from 1 to :data:`MAX_DIGITS` is equally likely (while numbers of that
    size remain), so that short numbers appear beside the far more numerous long ones.
    """
    integer("n", n, 1, LARGEST + 1)
    sizes = np.digitize(np.arange(LARGEST + 1), 10 ** np.arange(1, MAX_DIGITS)) + 1
    weights = 1.0 / np.bincount(sizes)[sizes]
    rng = np.random.default_rng(seed)
    picked = rng.choice(LARGEST + 1, size=n, replace=False, p=weights / weights.sum())
    picked = rng.permutation(picked)  # the draw comes out with the likeliest numbers first
    return [str(k) for k in picked], [to_words(int(k)) for k in picked]


def encode_inputs(digits):
    """Digit strings → int32 array ``(len(digits), MAX_DIGITS)``, padded at the end with 0."""
    if isinstance(digits, str):
        raise TypeError("digits must be a list of strings, not a single string: wrap it in [ ].")
    ids = np.zeros((len(digits), MAX_DIGITS), dtype=np.int32)
    for row, text in enumerate(digits):
        if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
            raise ValueError(f"{text!r} is not a number of 1 to {MAX_DIGITS} digits.")
        ids[row, : len(text)] = [int(c) + 1 for c in text]
    return ids


def encode_targets(texts):
    """Numbers in words → int32 array ``(len(texts), MAX_WORDS + 2)``: ``SOS``, the words,
    ``EOS``, then padding."""
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not a single string: wrap it in [ ].")
    ids = np.full((len(texts), MAX_WORDS + 2), PAD_ID, dtype=np.int32)
    for row, text in enumerate(texts):
        words = text.split()
        if not 1 <= len(words) <= MAX_WORDS:
            raise ValueError(f"{text!r} must have 1 to {MAX_WORDS} words.")
        try:
            codes = [SOS_ID, *(_TARGET_IDS[w] for w in words), EOS_ID]
        except KeyError as exc:
            raise ValueError(
                f"{text!r} contains {exc.args[0]!r}, which is not a number word."
            ) from None
        ids[row, : len(codes)] = codes
    return ids


def decode_targets(ids):
    """Target ids (2-D, e.g. a decoder's predictions) → texts, read up to the first ``EOS``;
    ``SOS`` and padding are skipped."""
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"ids must be 2-D (texts, positions), got shape {ids.shape}.")
    texts = []
    for row in ids.tolist():
        if any(not 0 <= i < TARGET_VOCAB_SIZE for i in row):
            raise ValueError(f"target ids must be in 0..{TARGET_VOCAB_SIZE - 1}, got {row}.")
        words = itertools.takewhile(lambda i: i != EOS_ID, row)
        texts.append(" ".join(TARGET_TOKENS[i] for i in words if i not in (PAD_ID, SOS_ID)))
    return texts


@dataclass(frozen=True)
class NumberSet(TeacherForcing):
    """One split: ``digits`` and ``targets`` (texts), ``x`` (input ids), ``y`` (target ids from
    ``SOS`` to ``EOS``, then padding)."""

    digits: list
    targets: list
    x: np.ndarray
    y: np.ndarray

    def __len__(self):
        return len(self.digits)


def load(n, seed=None, valid_fraction=0.1, test_fraction=0.1):
    """``n`` distinct numbers split into train/valid/test :class:`NumberSet` s.

    ``seed`` defaults to the course seed (``COURSE_SEED``); the same seed gives the same splits.
    """
    if seed is None:
        from course_utils import config

        seed = config.seed()
    digits, targets = generate(n, seed=seed)
    sets = []
    for start, stop in split_bounds(n, valid_fraction, test_fraction):
        d, t = digits[start:stop], targets[start:stop]
        sets.append(NumberSet(d, t, encode_inputs(d), encode_targets(t)))
    return Splits(*sets)
