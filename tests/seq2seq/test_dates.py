"""The date-translation dataset: deterministic, valid, leak-free splits and reversible encodings."""

import datetime

import numpy as np
import pytest

from course_utils.seq2seq import dates


def read_inputs(ids):
    """The texts that input ids spell in the dataset's alphabet (id ``i`` is ``INPUT_CHARS[i - 1]``),
    padding dropped."""
    return ["".join(dates.INPUT_CHARS[i - 1] for i in row if i != dates.PAD_ID) for row in ids]


@pytest.mark.parametrize(
    "style, text",
    [
        ("month_day_year", "April 22, 2019"),
        ("mon_day_year", "Apr 22, 2019"),
        ("month_ordinal_year", "April 22nd, 2019"),
        ("day_month_year", "22 April 2019"),
        ("ordinal_of_month", "the 22nd of April, 2019"),
        ("upper_day_mon_year", "22 APR 2019"),
        ("weekday_month_day_year", "Monday, April 22, 2019"),
        ("lower_month_day_year", "april 22 2019"),
    ],
)
def test_every_style_writes_the_date(style, text):
    assert dates.format_date(datetime.date(2019, 4, 22), style) == text


@pytest.mark.parametrize(
    "day, suffix",
    [
        (1, "st"),
        (2, "nd"),
        (3, "rd"),
        (4, "th"),
        (11, "th"),
        (12, "th"),
        (13, "th"),
        (21, "st"),
        (22, "nd"),
        (23, "rd"),
        (31, "st"),
    ],
)
def test_ordinal_suffixes(day, suffix):
    assert (
        dates.format_date(datetime.date(2000, 1, day), "month_ordinal_year")
        == f"January {day}{suffix}, 2000"
    )


def test_generate_is_deterministic_and_distinct():
    texts, targets = dates.generate(500, seed=3)
    assert (texts, targets) == dates.generate(500, seed=3)
    assert targets != dates.generate(500, seed=4)[1]
    assert len(set(targets)) == 500
    for target in targets:
        date = datetime.date.fromisoformat(target)
        assert dates.FIRST_DATE <= date <= dates.LAST_DATE


def test_generated_texts_name_their_target_date():
    texts, targets = dates.generate(300, seed=0)
    styles_seen = set()
    for text, target in zip(texts, targets, strict=True):
        date = datetime.date.fromisoformat(target)
        matching = [s for s in dates.STYLES if dates.format_date(date, s) == text]
        assert matching, f"{text!r} is not {target} in any style"
        styles_seen.update(matching)
        assert len(text) <= dates.MAX_INPUT_LENGTH
    assert styles_seen == set(dates.STYLES)


def test_max_input_length_is_reached():
    longest = dates.format_date(datetime.date(2014, 9, 24), "weekday_month_day_year")
    assert longest == "Wednesday, September 24, 2014"
    assert len(longest) == dates.MAX_INPUT_LENGTH


def test_styles_can_be_restricted():
    texts, _ = dates.generate(50, seed=1, styles=["day_month_year"])
    assert all(text[0].isdigit() for text in texts)


def test_input_encoding_round_trips_with_both_paddings():
    texts = ["April 22, 2019", "22 APR 2019", ""]
    post = dates.encode_inputs(texts)
    pre = dates.encode_inputs(texts, padding="pre")
    assert post.shape == pre.shape == (3, dates.MAX_INPUT_LENGTH)
    assert post.dtype == np.int32
    assert post[0, 0] == dates.INPUT_CHARS.index("A") + 1 and post[0, -1] == dates.PAD_ID
    assert pre[0, -1] == dates.INPUT_CHARS.index("9") + 1 and pre[0, 0] == dates.PAD_ID
    assert read_inputs(post) == texts == read_inputs(pre)
    assert post.max() < dates.INPUT_VOCAB_SIZE


def test_target_encoding_has_sos_and_eos_and_round_trips():
    ids = dates.encode_targets(["2019-04-22"])
    assert ids.shape == (1, dates.TARGET_LENGTH + 2)
    assert ids[0, 0] == dates.SOS_ID and ids[0, -1] == dates.EOS_ID
    assert dates.decode_targets(ids) == ["2019-04-22"]
    # a decoder's raw output: no SOS, stops at the first EOS, whatever follows
    raw = np.concatenate([ids[:, 1:], [[dates.TARGET_TOKENS.index("7")]]], axis=1)
    assert dates.decode_targets(raw) == ["2019-04-22"]


def test_load_splits_are_leak_free_and_teacher_forcing_is_shifted():
    data = dates.load(200, seed=5)
    assert (len(data.train), len(data.valid), len(data.test)) == (160, 20, 20)
    dates_by_split = [set(s.targets) for s in (data.train, data.valid, data.test)]
    assert not (dates_by_split[0] & dates_by_split[1] or dates_by_split[0] & dates_by_split[2])
    train = data.train
    assert train.x.shape == (160, dates.MAX_INPUT_LENGTH)
    assert read_inputs(train.x) == train.texts
    assert dates.decode_targets(train.y) == train.targets
    np.testing.assert_array_equal(train.decoder_inputs[:, 1:], train.decoder_targets[:, :-1])
    assert (train.decoder_inputs[:, 0] == dates.SOS_ID).all()
    assert (train.decoder_targets[:, -1] == dates.EOS_ID).all()
    assert dates.load(200, seed=5).test.texts == data.test.texts


def test_load_uses_the_course_seed(monkeypatch):
    monkeypatch.setenv("COURSE_SEED", "7")
    assert dates.load(30).train.texts == dates.load(30, seed=7).train.texts


def test_exact_match_counts_whole_dates():
    assert dates.exact_match(["2019-04-22", "2019-04-23"], ["2019-04-22", "2019-04-22"]) == 0.5


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: dates.generate(0), ValueError, "at least 1"),
        (lambda: dates.generate(2.5), TypeError, "integer"),
        (lambda: dates.generate(dates.N_DATES + 1), ValueError, "at most"),
        (lambda: dates.generate(5, styles=["klingon"]), ValueError, "styles"),
        (lambda: dates.format_date("2019-04-22"), TypeError, "datetime.date"),
        (lambda: dates.format_date(datetime.date(2019, 4, 22), "iso"), ValueError, "style"),
        (lambda: dates.encode_inputs("April 22, 2019"), TypeError, "list of strings"),
        (lambda: dates.encode_inputs(["22 avril 2019 é"]), ValueError, "alphabet"),
        (lambda: dates.encode_inputs(["x" * 40]), ValueError, "more than length"),
        (lambda: dates.encode_inputs(["a"], padding="left"), ValueError, "padding"),
        (lambda: dates.encode_targets(["22/04/2019"]), ValueError, "ISO date"),
        (lambda: dates.decode_targets([1, 2, 3]), ValueError, "2-D"),
        (lambda: dates.decode_targets([[99]]), ValueError, "outside"),
        (lambda: dates.exact_match(["a"], []), ValueError, "same length"),
        (lambda: dates.load(10, valid_fraction=1.5), ValueError, "valid_fraction"),
        (lambda: dates.load(2, valid_fraction=0.5, test_fraction=0.5), ValueError, "no training"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()
