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


def greedy(step, states, *, start_id, end_id, max_length, pad_id=0):
    """At each step keep only the most probable next token."""
    _check(start_id, end_id, pad_id, max_length)
    n = _rows(states)
    tokens, lengths, done, previous = _blank(n, max_length, start_id, pad_id)
    scores = np.zeros(n)
    for t in range(max_length):
        log_probs, states = _call(step, previous, states, n)
        best = log_probs.argmax(axis=1)
        scores[~done] += log_probs[np.arange(n), best][~done]
        done, previous = _append(t, best, tokens, lengths, done, end_id)
        if done.all():
            break
    return Decoded(tokens, lengths, scores)


# --- lesson code: begin (made by `make lesson-code` from the notebooks' save cells) ---
# From notebooks/10_variable_length_and_unrolling.ipynb, section "Decoding one token at a time":
# edit it in the notebook, then run `make lesson-code`.
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
    """Like ``beam_search``, but return every beam: a list of ``beam_width``
    ``Decoded``, best first (``result[0]`` holds each sequence's best beam)."""
    _check(start_id, end_id, pad_id, max_length)
    n, k = _rows(states), positive_int("beam_width", beam_width)
    states, scores = _first_beams(states, n, k)
    tokens, lengths, done, previous = _blank(n * k, max_length, start_id, pad_id)
    for t in range(max_length):
        log_probs, states = _call(step, previous, states, n * k)
        log_probs = _pad_finished(log_probs, done, end_id, pad_id)
        scores, parents, chosen = _best_extensions(scores, log_probs, k)
        tokens, lengths, done = tokens[parents], lengths[parents], done[parents]
        states = _like(states, [np.asarray(s)[parents] for s in _as_list(states)])
        done, previous = _append(t, chosen, tokens, lengths, done, end_id)
        if done.all():
            break
    return _by_rank(tokens, lengths, scores, n, k)


# From notebooks/10_variable_length_and_unrolling.ipynb, section "Decoding one token at a time":
# edit it in the notebook, then run `make lesson-code`.
def _first_beams(states, n, k):
    """``k`` copies of each sequence's state (rows ``i·k`` to ``i·k + k − 1``) and their scores:
    only the first copy is live (the others score −∞), so that the beam does not fill up with
    ``k`` identical sequences."""
    states = _like(states, [np.repeat(np.asarray(s), k, axis=0) for s in _as_list(states)])
    return states, np.tile(np.r_[0.0, np.full(k - 1, -np.inf)], n)


def _pad_finished(log_probs, done, end_id, pad_id):
    """A finished beam can only be extended by padding, at no cost."""
    vocabulary = log_probs.shape[1]
    if not 0 <= end_id < vocabulary or not 0 <= pad_id < vocabulary:
        raise ValueError(f"end_id and pad_id must be below the vocabulary size {vocabulary}.")
    log_probs[done] = -np.inf
    log_probs[done, pad_id] = 0.0
    return log_probs


def _best_extensions(scores, log_probs, k):
    """Each sequence's ``k`` best extensions among its ``k`` beams × every token: their scores,
    the rows they extend (``parents``) and the tokens they add."""
    n, vocabulary = len(scores) // k, log_probs.shape[1]
    candidates = (scores[:, None] + log_probs).reshape(n, k * vocabulary)
    order = np.argsort(-candidates, axis=1, kind="stable")[:, :k]
    parents = (order // vocabulary + np.arange(n)[:, None] * k).ravel()
    best = np.take_along_axis(candidates, order, axis=1).ravel()
    return best, parents, (order % vocabulary).ravel()


def _by_rank(tokens, lengths, scores, n, k):
    """The ``n × k`` rows of beams as ``k`` ``Decoded``, best first."""
    tokens, lengths, scores = (a.reshape(n, k, *a.shape[1:]) for a in (tokens, lengths, scores))
    return [Decoded(tokens[:, b], lengths[:, b], scores[:, b]) for b in range(k)]


# From notebooks/10_variable_length_and_unrolling.ipynb, section "Decoding one token at a time":
# edit it in the notebook, then run `make lesson-code`.
def _blank(rows, max_length, start_id, pad_id):
    """Where decoding starts for ``rows`` sequences: tokens all ``pad_id``, lengths
    ``max_length``, none done, and ``start_id`` as the token each one reads first."""
    tokens = np.full((rows, max_length), pad_id, dtype=np.int64)
    lengths = np.full(rows, max_length, dtype=np.int64)
    return tokens, lengths, np.zeros(rows, dtype=bool), np.full(rows, start_id, dtype=np.int64)


def _append(t, chosen, tokens, lengths, done, end_id):
    """Write ``chosen`` as token ``t`` of the unfinished rows and end those that chose ``end_id``
    (in place); return the rows now done and the tokens the next step reads."""
    live = ~done
    tokens[live, t] = chosen[live]
    ended = live & (chosen == end_id)
    lengths[ended] = t + 1
    done = done | ended
    return done, np.where(done, end_id, chosen)


# From notebooks/10_variable_length_and_unrolling.ipynb, section "Decoding one token at a time":
# edit it in the notebook, then run `make lesson-code`.
def _as_list(states):
    """The state arrays as a list, whether ``states`` is one array or a list of them."""
    return list(states) if isinstance(states, (list, tuple)) else [states]


def _like(states, arrays):
    """``arrays`` in the form of ``states``: a list, or its one array."""
    return arrays if isinstance(states, (list, tuple)) else arrays[0]


def _rows(states):
    """The number of sequences: the number of rows of every state array."""
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
    """Token ids must be integers ≥ 0, and ``max_length`` an integer ≥ 1."""
    for name, value in (("start_id", start_id), ("end_id", end_id), ("pad_id", pad_id)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a token id (a non-negative integer), got {value!r}.")
    positive_int("max_length", max_length)


def _call(step, tokens, states, rows):
    """Run ``step``; check that it returns log-probabilities of shape ``(rows, vocabulary)``."""
    log_probs, states = step(tokens, states)
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or len(log_probs) != rows:
        raise ValueError(
            f"step must return log-probabilities of shape (rows, vocabulary) = ({rows}, V), "
            f"got shape {log_probs.shape}."
        )
    return log_probs, states


# --- lesson code: end ---
