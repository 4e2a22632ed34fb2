"""course_utils.seq2seq.number_words: numbers in words, targets of varying length."""

import collections

import numpy as np
import pytest

from course_utils.seq2seq import number_words as nw


@pytest.mark.parametrize(
    "n, words",
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (40, "forty"),
        (47, "forty seven"),
        (100, "one hundred"),
        (101, "one hundred and one"),
        (4000, "four thousand"),
        (4012, "four thousand and twelve"),
        (4300, "four thousand three hundred"),
        (120000, "one hundred and twenty thousand"),
        (999999, "nine hundred and ninety nine thousand nine hundred and ninety nine"),
    ],
)
def test_to_words(n, words):
    assert nw.to_words(n) == words


def test_max_words_is_the_longest_number():
    assert max(len(nw.to_words(n).split()) for n in range(0, nw.LARGEST + 1, 7)) == nw.MAX_WORDS
    assert len(nw.to_words(777777).split()) == nw.MAX_WORDS


def test_generate_is_deterministic_distinct_and_spreads_the_lengths():
    digits, words = nw.generate(3000, seed=1)
    assert (digits, words) == nw.generate(3000, seed=1)
    assert len(set(digits)) == 3000
    assert all(nw.to_words(int(d)) == w for d, w in zip(digits, words, strict=True))
    sizes = collections.Counter(len(d) for d in digits)
    assert sizes[1] == 10 and sizes[2] > 50 and sizes[6] > 500
    assert any(len(d) == 1 for d in digits[-300:]), "short numbers only at the start"
    assert {len(w.split()) for w in words} >= set(range(4, nw.MAX_WORDS + 1))


def test_targets_are_padded_after_eos_and_round_trip():
    texts = ["seven", "four thousand and twelve"]
    y = nw.encode_targets(texts)
    assert y.shape == (2, nw.MAX_WORDS + 2)
    assert y[0, :3].tolist() == [nw.SOS_ID, nw.TARGET_TOKENS.index("seven"), nw.EOS_ID]
    assert (y[0, 3:] == nw.PAD_ID).all()
    assert nw.decode_targets(y) == texts
    assert nw.decode_targets(y[:, 1:]) == texts
    assert nw.decode_targets([[nw.TARGET_TOKENS.index("one"), nw.EOS_ID, 5, 6]]) == ["one"]


def test_inputs_are_digits_padded_at_the_end():
    x = nw.encode_inputs(["4012", "7"])
    assert x.tolist() == [[5, 1, 2, 3, 0, 0], [8, 0, 0, 0, 0, 0]]


def test_load_splits_without_overlap():
    data = nw.load(500, seed=3)
    assert (len(data.train), len(data.valid), len(data.test)) == (400, 50, 50)
    assert not set(data.train.digits) & set(data.test.digits)
    np.testing.assert_array_equal(data.train.decoder_inputs[:, 0], nw.SOS_ID)
    np.testing.assert_array_equal(data.train.decoder_targets, data.train.y[:, 1:])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nw.to_words(-1), "from 0 to 999999"),
        (lambda: nw.to_words(2.5), "from 0 to 999999"),
        (lambda: nw.generate(0), "from 1 to"),
        (lambda: nw.encode_inputs("42"), "wrap it in"),
        (lambda: nw.encode_inputs(["4a"]), "not a number of 1 to 6 digits"),
        (lambda: nw.encode_inputs(["1234567"]), "not a number of 1 to 6 digits"),
        (lambda: nw.encode_targets(["forty two pounds"]), "'pounds'"),
        (lambda: nw.encode_targets([""]), "1 to 11 words"),
        (lambda: nw.decode_targets([1, 2]), "2-D"),
        (lambda: nw.decode_targets([[99]]), "target ids must be in"),
        (lambda: nw.load(10, valid_fraction=1.5), "valid_fraction"),
    ],
)
def test_bad_input_is_explained(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()
