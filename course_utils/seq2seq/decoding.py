"""Decoding variable-length outputs one token at a time: greedy search and beam search.

Both work with any decoder through a ``step`` function::

    log_probs, states = step(tokens, states)

``tokens`` is an int array ``(rows,)`` of the previous tokens, ``states`` the decoder's state for
those rows (an array, or a list of arrays, with rows first); it returns the log-probabilities of the
next token ``(rows, vocabulary)`` and the new states. Decoding starts from ``start_id`` and a
sequence ends when it emits ``end_id`` (or reaches ``max_length`` tokens).

Results are :class:`Decoded`: the tokens ``(n, max_length)`` (the end token included, then
``pad_id``), each sequence's length and its total log-probability.
"""

from dataclasses import dataclass

import numpy as np

from course_utils.validation import positive_int


@dataclass(frozen=True)
class Decoded:
    """Decoded sequences: ``tokens`` (n, max_length), ``lengths`` (n,), ``scores`` (n,)."""

    tokens: np.ndarray
    lengths: np.ndarray
    scores: np.ndarray


def _as_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


def _like(states, arrays):
    return arrays if isinstance(states, (list, tuple)) else arrays[0]


def _rows(states):
    arrays = [np.asarray(s) for s in _as_list(states)]
    if not arrays or any(a.ndim == 0 for a in arrays):
        raise ValueError("states must be an array (or a list of arrays) with one row per sequence.")
    rows = {len(a) for a in arrays}
    if len(rows) != 1:
        raise ValueError(
            f"every state array must have the same number of rows, got {sorted(rows)}."
        )
    return rows.pop()


def _check(start_id, end_id, pad_id, max_length):
    for name, value in (("start_id", start_id), ("end_id", end_id), ("pad_id", pad_id)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a token id (a non-negative integer), got {value!r}.")
    positive_int("max_length", max_length)


def _call(step, tokens, states, rows):
    log_probs, states = step(tokens, states)
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or len(log_probs) != rows:
        raise ValueError(
            f"step must return log-probabilities of shape (rows, vocabulary) = ({rows}, V), "
            f"got shape {log_probs.shape}."
        )
    return log_probs, states


def greedy(step, states, *, start_id, end_id, max_length, pad_id=0):
    """At each step keep only the most probable next token."""
    _check(start_id, end_id, pad_id, max_length)
    n = _rows(states)
    tokens = np.full((n, max_length), pad_id, dtype=np.int64)
    scores = np.zeros(n)
    lengths = np.full(n, max_length, dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    previous = np.full(n, start_id, dtype=np.int64)
    for t in range(max_length):
        log_probs, states = _call(step, previous, states, n)
        best = log_probs.argmax(axis=1)
        best_score = log_probs[np.arange(n), best]
        live = ~done
        tokens[live, t] = best[live]
        scores[live] += best_score[live]
        ended = live & (best == end_id)
        lengths[ended] = t + 1
        done |= ended
        previous = np.where(done, end_id, best)
        if done.all():
            break
    return Decoded(tokens, lengths, scores)


def beam_search(step, states, *, start_id, end_id, max_length, beam_width, pad_id=0):
    """Keep the ``beam_width`` most probable partial sequences at each step; return the best.

    A finished sequence (it emitted ``end_id``) keeps its score and stays in the beam, competing
    with the unfinished ones. ``beam_width=1`` is greedy search.
    """
    return beams(
        step,
        states,
        start_id=start_id,
        end_id=end_id,
        max_length=max_length,
        beam_width=beam_width,
        pad_id=pad_id,
    )[0]


def beams(step, states, *, start_id, end_id, max_length, beam_width, pad_id=0):
    """Like :func:`beam_search`, but return every beam: a list of ``beam_width``
    :class:`Decoded`, best first (``result[0]`` holds each sequence's best beam)."""
    _check(start_id, end_id, pad_id, max_length)
    n, k = _rows(states), positive_int("beam_width", beam_width)
    # Every sequence starts with k copies of its state; only the first copy is live at first, so
    # the beam does not fill up with k identical sequences.
    states = _like(states, [np.repeat(np.asarray(s), k, axis=0) for s in _as_list(states)])
    scores = np.tile(np.r_[0.0, np.full(k - 1, -np.inf)], n)
    tokens = np.full((n * k, max_length), pad_id, dtype=np.int64)
    lengths = np.full(n * k, max_length, dtype=np.int64)
    done = np.zeros(n * k, dtype=bool)
    previous = np.full(n * k, start_id, dtype=np.int64)
    for t in range(max_length):
        log_probs, states = _call(step, previous, states, n * k)
        vocabulary = log_probs.shape[1]
        if not 0 <= end_id < vocabulary or not 0 <= pad_id < vocabulary:
            raise ValueError(f"end_id and pad_id must be below the vocabulary size {vocabulary}.")
        # A finished beam can only be extended by padding, at no cost.
        log_probs[done] = -np.inf
        log_probs[done, pad_id] = 0.0
        candidates = (scores[:, None] + log_probs).reshape(n, k * vocabulary)
        order = np.argsort(-candidates, axis=1, kind="stable")[:, :k]
        parents = (order // vocabulary + np.arange(n)[:, None] * k).ravel()
        chosen = (order % vocabulary).ravel()
        scores = np.take_along_axis(candidates, order, axis=1).ravel()
        tokens, lengths, done = tokens[parents], lengths[parents], done[parents]
        states = _like(states, [np.asarray(s)[parents] for s in _as_list(states)])
        live = ~done
        tokens[live, t] = chosen[live]
        ended = live & (chosen == end_id)
        lengths[ended] = t + 1
        done = done | ended
        previous = np.where(done, end_id, chosen)
        if done.all():
            break
    tokens, lengths, scores = (a.reshape(n, k, *a.shape[1:]) for a in (tokens, lengths, scores))
    return [Decoded(tokens[:, b], lengths[:, b], scores[:, b]) for b in range(k)]
