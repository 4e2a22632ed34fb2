"""Date translation: dates written in words ("April 22, 2019") → ISO format ("2019-04-22").

A small, real sequence-to-sequence task generated offline and deterministically: the input and
output lengths differ, the input comes in several written styles (full or abbreviated month names,
ordinal suffixes, day-first or month-first, a weekday in front, upper or lower case), and the
order changes (the year comes first in the output but last in the input).

Encoding:

- inputs: one id per character of :data:`INPUT_CHARS`, ``0`` = padding (:data:`PAD_ID`), padded
  to :data:`MAX_INPUT_LENGTH` (at the end by default, or at the start with ``padding="pre"``);
- targets: ``[SOS] y y y y - m m - d d [EOS]`` with ids from :data:`TARGET_TOKENS`, so that a
  decoder is trained with teacher forcing (:attr:`DateSet.decoder_inputs` → :attr:`DateSet.decoder_targets`)
  and decoded greedily or by beam search from :data:`SOS_ID` until :data:`EOS_ID`.

>>> data = load(1000, seed=42)
>>> data.train.texts[0], data.train.targets[0]
('May 29th, 2048', '2048-05-29')
"""

import datetime
import string
from dataclasses import dataclass

import numpy as np

from course_utils.seq2seq.teacher_forcing import Splits, TeacherForcing, split_bounds

FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2099, 12, 31)
N_DATES = (LAST_DATE - FIRST_DATE).days + 1

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

STYLES = {
    "month_day_year": "{Month} {day}, {year}",  # April 22, 2019
    "mon_day_year": "{Mon} {day}, {year}",  # Apr 22, 2019
    "month_ordinal_year": "{Month} {ordinal}, {year}",  # April 22nd, 2019
    "day_month_year": "{day} {Month} {year}",  # 22 April 2019
    "ordinal_of_month": "the {ordinal} of {Month}, {year}",  # the 22nd of April, 2019
    "upper_day_mon_year": "{day2} {MON} {year}",  # 22 APR 2019
    "weekday_month_day_year": "{Weekday}, {Month} {day}, {year}",  # Monday, April 22, 2019
    "lower_month_day_year": "{month} {day} {year}",  # april 22 2019
}
"""The written styles, by name: a ``str.format`` template each (see :func:`format_date`)."""

PAD_ID = 0
INPUT_CHARS = " ," + string.digits + string.ascii_letters
"""The input alphabet; character ``INPUT_CHARS[i]`` has id ``i + 1`` (id 0 is padding)."""
INPUT_VOCAB_SIZE = len(INPUT_CHARS) + 1

PAD, SOS, EOS = "<pad>", "<sos>", "<eos>"
TARGET_TOKENS = (PAD, SOS, EOS, *string.digits, "-")
"""The target vocabulary: token ``TARGET_TOKENS[i]`` has id ``i``."""
SOS_ID, EOS_ID = TARGET_TOKENS.index(SOS), TARGET_TOKENS.index(EOS)
TARGET_VOCAB_SIZE = len(TARGET_TOKENS)
TARGET_LENGTH = len("2019-04-22")
"""Characters in an ISO date; an encoded target has ``TARGET_LENGTH + 2`` ids (SOS and EOS)."""

_INPUT_IDS = {char: i + 1 for i, char in enumerate(INPUT_CHARS)}
_TARGET_IDS = {token: i for i, token in enumerate(TARGET_TOKENS)}


def _ordinal(day):
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def format_date(date, style="month_day_year"):
    """Write ``date`` (a ``datetime.date``) in one of the :data:`STYLES`.

    >>> format_date(datetime.date(2019, 4, 22), "month_ordinal_year")
    'April 22nd, 2019'
    """
    if not isinstance(date, datetime.date):
        raise TypeError(f"date must be a datetime.date, got {type(date).__name__}.")
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}; got {style!r}.")
    month = MONTHS[date.month - 1]
    return STYLES[style].format(
        Month=month,
        month=month.lower(),
        Mon=month[:3],
        MON=month[:3].upper(),
        Weekday=WEEKDAYS[date.weekday()],
        day=date.day,
        day2=f"{date.day:02d}",
        ordinal=_ordinal(date.day),
        year=f"{date.year:04d}",
    )


def _longest(style):
    return len(
        STYLES[style].format(
            Month=max(MONTHS, key=len),
            month=max(MONTHS, key=len),
            Mon="Mon",
            MON="MON",
            Weekday=max(WEEKDAYS, key=len),
            day=31,
            day2="31",
            ordinal="31st",
            year="2019",
        )
    )


MAX_INPUT_LENGTH = max(_longest(style) for style in STYLES)
"""The longest input any style writes (in characters): the padded input length."""


def _check_count(n, name="n"):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__}.")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, got {n}.")


def _check_styles(styles):
    styles = tuple(STYLES) if styles is None else tuple(styles)
    unknown = [s for s in styles if s not in STYLES]
    if unknown or not styles:
        raise ValueError(
            f"styles must be a non-empty subset of {', '.join(STYLES)}; got {unknown}."
        )
    return styles


def generate(n, seed=42, styles=None):
    """``n`` distinct random dates from 1900–2099 as two lists: (written texts, ISO texts).

    Each date is written in a style drawn uniformly from ``styles`` (default: all of
    :data:`STYLES`). The same ``seed`` always gives the same data.
    """
    _check_count(n)
    if n > N_DATES:
        raise ValueError(f"n must be at most {N_DATES} (the distinct dates in 1900–2099), got {n}.")
    styles = _check_styles(styles)
    rng = np.random.default_rng(seed)
    offsets = rng.choice(N_DATES, size=n, replace=False)
    style_ids = rng.integers(len(styles), size=n)
    dates = [FIRST_DATE + datetime.timedelta(days=int(d)) for d in offsets]
    texts = [format_date(d, styles[s]) for d, s in zip(dates, style_ids, strict=True)]
    return texts, [d.isoformat() for d in dates]


def encode_inputs(texts, length=MAX_INPUT_LENGTH, padding="post"):
    """Written dates → int32 array ``(len(texts), length)`` of character ids, 0 = padding.

    ``padding="post"`` pads at the end (for masking, ``Embedding(mask_zero=True)``);
    ``"pre"`` pads at the start, so that every text ends on the last time step.
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not a single string: wrap it in [ ].")
    if padding not in ("post", "pre"):
        raise ValueError(f'padding must be "post" or "pre", got {padding!r}.')
    ids = np.zeros((len(texts), length), dtype=np.int32)
    for row, text in enumerate(texts):
        if len(text) > length:
            raise ValueError(f"{text!r} has {len(text)} characters, more than length={length}.")
        try:
            codes = [_INPUT_IDS[char] for char in text]
        except KeyError as exc:
            raise ValueError(
                f"{text!r} contains {exc.args[0]!r}, which is not in the input alphabet "
                "(space, comma, digits and ASCII letters)."
            ) from None
        if codes:
            if padding == "pre":
                ids[row, length - len(codes) :] = codes
            else:
                ids[row, : len(codes)] = codes
    return ids


def encode_targets(texts):
    """ISO dates → int32 array ``(len(texts), TARGET_LENGTH + 2)``: ``SOS``, the characters, ``EOS``."""
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not a single string: wrap it in [ ].")
    ids = np.zeros((len(texts), TARGET_LENGTH + 2), dtype=np.int32)
    for row, text in enumerate(texts):
        if len(text) != TARGET_LENGTH or any(c not in _TARGET_IDS for c in text):
            raise ValueError(f"{text!r} is not an ISO date such as '2019-04-22'.")
        ids[row] = [SOS_ID, *(_TARGET_IDS[c] for c in text), EOS_ID]
    return ids


def decode_targets(ids):
    """Target ids (2-D, e.g. a decoder's predictions) → texts.

    Reading stops at the first ``EOS``; ``SOS`` and padding are skipped, so both encoded targets
    and raw decoder outputs (without ``SOS``) decode to plain text.
    """
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"ids must be 2-D (texts, positions), got shape {ids.shape}.")
    texts = []
    for row in ids.tolist():
        chars = []
        for i in row:
            if not 0 <= i < TARGET_VOCAB_SIZE:
                raise ValueError(f"target id {i} is outside 0..{TARGET_VOCAB_SIZE - 1}.")
            if i == EOS_ID:
                break
            if i not in (PAD_ID, SOS_ID):
                chars.append(TARGET_TOKENS[i])
        texts.append("".join(chars))
    return texts


def exact_match(predicted, expected):
    """The fraction of predicted texts equal to the expected ones (whole dates, not characters)."""
    predicted, expected = list(predicted), list(expected)
    if len(predicted) != len(expected) or not expected:
        raise ValueError(
            f"need two non-empty lists of the same length, got {len(predicted)} and {len(expected)}."
        )
    return sum(p == e for p, e in zip(predicted, expected, strict=True)) / len(expected)


@dataclass(frozen=True)
class DateSet(TeacherForcing):
    """One split: the texts and their encodings.

    ``x``: input ids ``(n, MAX_INPUT_LENGTH)``, padded at the end; ``y``: target ids
    ``(n, TARGET_LENGTH + 2)`` from ``SOS`` to ``EOS``.
    """

    texts: list
    targets: list
    x: np.ndarray
    y: np.ndarray

    def __len__(self):
        return len(self.texts)


def load(n, seed=None, valid_fraction=0.1, test_fraction=0.1, styles=None):
    """``n`` distinct dates split into train/valid/test :class:`DateSet` s (no date in two splits).

    ``seed`` defaults to the course seed (``COURSE_SEED``); the same seed gives the same splits.
    """
    _check_count(n)
    bounds = split_bounds(n, valid_fraction, test_fraction)
    if seed is None:
        from course_utils import config

        seed = config.seed()
    texts, targets = generate(n, seed=seed, styles=styles)
    sets = []
    for start, stop in bounds:
        t, y = texts[start:stop], targets[start:stop]
        sets.append(DateSet(t, y, encode_inputs(t), encode_targets(y)))
    return Splits(*sets)
