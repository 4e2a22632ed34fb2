"""course_utils.seq2seq.decoding: greedy and beam search against exhaustive search on small Markov chains."""

import itertools

import numpy as np
import pytest

from course_utils.seq2seq import decoding

PAD, SOS, EOS = 0, 1, 2


def markov_step(transitions):
    """A decoder whose next-token distribution depends only on the previous token."""
    log_p = np.log(transitions)

    def step(tokens, states):
        return log_p[tokens], states

    return step


def random_chain(rng, vocabulary=5):
    p = rng.dirichlet(np.ones(vocabulary), size=vocabulary)
    p[:, [PAD, SOS]] = 1e-9  # a decoder never emits padding or the start token
    return p / p.sum(axis=1, keepdims=True)


def exhaustive_best(transitions, max_length):
    """The most probable sequence, by enumerating every sequence of up to max_length tokens."""
    log_p = np.log(transitions)
    best = (-np.inf, None)
    vocabulary = len(transitions)
    for length in range(1, max_length + 1):
        for seq in itertools.product(range(vocabulary), repeat=length):
            if EOS in seq[:-1] or (length < max_length and seq[-1] != EOS):
                continue
            score = sum(log_p[a, b] for a, b in zip((SOS, *seq[:-1]), seq, strict=True))
            best = max(best, (score, seq), key=lambda item: item[0])
    return best


def test_beam_search_finds_what_greedy_misses():
    # After SOS: A (3) is likelier than B (4), but everything after A is uncertain,
    # while B is followed by EOS with probability 0.9.
    p = np.full((5, 5), 1e-9)
    p[SOS, [3, 4]] = [0.6, 0.4]
    p[3, [2, 3, 4]] = 1 / 3
    p[4, [2, 3, 4]] = [0.9, 0.05, 0.05]
    p[2, 2] = p[0, 2] = 1.0
    p /= p.sum(axis=1, keepdims=True)
    states = np.zeros((1, 1))
    kw = dict(start_id=SOS, end_id=EOS, max_length=3)
    greedy = decoding.greedy(markov_step(p), states, **kw)
    beam = decoding.beam_search(markov_step(p), states, beam_width=2, **kw)
    assert greedy.tokens[0, :2].tolist() == [3, 2]  # A, EOS: 0.6 × 1/3 = 0.2
    assert beam.tokens[0].tolist() == [4, 2, PAD]  # B, EOS: 0.4 × 0.9 = 0.36
    assert beam.lengths[0] == 2
    np.testing.assert_allclose(np.exp(beam.scores[0]), 0.36, rtol=1e-6)
    np.testing.assert_allclose(np.exp(greedy.scores[0]), 0.2, rtol=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_beam_of_width_one_is_greedy(seed):
    rng = np.random.default_rng(seed)
    p = random_chain(rng)
    kw = dict(start_id=SOS, end_id=EOS, max_length=6)
    greedy = decoding.greedy(markov_step(p), np.zeros((3, 2)), **kw)
    beam = decoding.beam_search(markov_step(p), np.zeros((3, 2)), beam_width=1, **kw)
    np.testing.assert_array_equal(greedy.tokens, beam.tokens)
    np.testing.assert_array_equal(greedy.lengths, beam.lengths)
    np.testing.assert_allclose(greedy.scores, beam.scores)


@pytest.mark.parametrize("seed", range(8))
def test_a_wide_beam_finds_the_most_probable_sequence(seed):
    rng = np.random.default_rng(seed)
    p = random_chain(rng, vocabulary=4)
    max_length = 4
    score, seq = exhaustive_best(p, max_length)
    kw = dict(start_id=SOS, end_id=EOS, max_length=max_length)
    beam = decoding.beam_search(markov_step(p), np.zeros((2, 1)), beam_width=4**max_length, **kw)
    for row in range(2):
        np.testing.assert_allclose(beam.scores[row], score, rtol=1e-9)
        assert beam.tokens[row, : beam.lengths[row]].tolist() == list(seq)
    greedy = decoding.greedy(markov_step(p), np.zeros((2, 1)), **kw)
    assert np.all(greedy.scores <= beam.scores + 1e-12)


def test_beams_come_best_first_and_states_follow_their_beam():
    # The state counts the steps taken; a step that checks it fails if states got mixed up.
    rng = np.random.default_rng(0)
    p = random_chain(rng)

    def step(tokens, states):
        counts, history = states
        assert np.all(counts == counts[0])
        return np.log(p[tokens]), [counts + 1, history * 10 + tokens]

    states = [np.zeros((3, 1)), np.zeros(3)]
    result = decoding.beams(step, states, start_id=SOS, end_id=EOS, max_length=5, beam_width=3)
    assert len(result) == 3
    scores = np.stack([r.scores for r in result], axis=1)
    assert np.all(np.diff(scores, axis=1) <= 1e-12)
    for r in result:
        assert r.tokens.shape == (3, 5)
        ended = r.tokens[np.arange(3), r.lengths - 1] == EOS
        assert np.all(ended | (r.lengths == 5))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(beam_width=0), "beam_width must be a positive integer"),
        (dict(beam_width=2.0), "beam_width must be a positive integer"),
        (dict(beam_width=2, max_length=0), "max_length must be a positive integer"),
        (dict(beam_width=2, end_id=-1), "end_id must be a token id"),
        (dict(beam_width=2, end_id=9), "below the vocabulary size"),
    ],
)
def test_bad_arguments_are_explained(kwargs, message):
    p = random_chain(np.random.default_rng(0))
    args = dict(start_id=SOS, end_id=EOS, max_length=3) | kwargs
    with pytest.raises(ValueError, match=message):
        decoding.beam_search(markov_step(p), np.zeros((2, 1)), **args)


def test_a_step_with_the_wrong_output_shape_is_explained():
    def step(tokens, states):
        return np.zeros(5), states

    with pytest.raises(ValueError, match=r"shape \(rows, vocabulary\)"):
        decoding.greedy(step, np.zeros((2, 1)), start_id=SOS, end_id=EOS, max_length=3)


def test_states_with_different_rows_are_refused():
    p = random_chain(np.random.default_rng(0))
    with pytest.raises(ValueError, match="same number of rows"):
        decoding.greedy(
            markov_step(p), [np.zeros((2, 1)), np.zeros((3, 1))], start_id=1, end_id=2, max_length=3
        )


def test_beam_table_marks_right_and_wrong_outputs():
    from course_utils.seq2seq.widget import beam_table

    table = beam_table(
        "April 22, 2019", "2019-04-22", ("2019-04-02", np.log(0.5)), [("2019-04-22", np.log(0.25))]
    )
    lines = table.splitlines()
    assert lines[0] == "input    April 22, 2019" and lines[1] == "expected 2019-04-22"
    assert lines[2].startswith("greedy   2019-04-02") and "p = 0.500 ✗" in lines[2]
    assert lines[3].startswith("beam 1   2019-04-22") and "p = 0.250 ✓" in lines[3]


def test_beam_explorer_follows_its_sliders():
    from course_utils.seq2seq.widget import BeamExplorer

    calls = []

    def decode(index, width):
        calls.append((index, width))
        return ("x", 0.0), [(f"beam{i}", -1.0) for i in range(width)]

    explorer = BeamExplorer(["a", "b"], ["x", "y"], decode, index=0, width=2)
    explorer.width.value = 4
    explorer.index.value = 1
    assert calls[-1] == (1, 4)
    text = explorer.snapshot()["text/plain"]
    assert "input    b" in text and text.count("\nbeam ") == 4
    with pytest.raises(ValueError, match="same length"):
        BeamExplorer(["a"], [], decode)
