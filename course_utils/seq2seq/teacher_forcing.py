"""What the sequence-pair datasets share: a decoder trained with teacher forcing, and splits.

A split class of such a dataset (:class:`~course_utils.seq2seq.dates.DateSet`,
:class:`~course_utils.seq2seq.number_words.NumberSet`) holds target ids ``y`` that run from
``SOS`` to ``EOS``, then padding; :class:`TeacherForcing` derives the decoder's inputs and
targets from them.
"""

import itertools
from dataclasses import dataclass


class TeacherForcing:
    """Decoder inputs and targets from the target ids ``self.y``."""

    @property
    def decoder_inputs(self):
        """Teacher forcing: the decoder reads ``SOS`` and the target shifted right (``y[:, :-1]``)."""
        return self.y[:, :-1]

    @property
    def decoder_targets(self):
        """...and learns to predict the next token, ``EOS`` included (``y[:, 1:]``)."""
        return self.y[:, 1:]


@dataclass(frozen=True)
class Splits:
    """A dataset's ``train``, ``valid`` and ``test`` splits."""

    train: object
    valid: object
    test: object


def split_bounds(n, valid_fraction, test_fraction):
    """The ``(start, stop)`` of the train, valid and test splits of ``n`` examples, in order."""
    for name, value in (("valid_fraction", valid_fraction), ("test_fraction", test_fraction)):
        if not 0 <= value < 1:
            raise ValueError(f"{name} must be in [0, 1), got {value}.")
    n_valid, n_test = round(n * valid_fraction), round(n * test_fraction)
    if n - n_valid - n_test < 1:
        raise ValueError(f"n={n} leaves no training examples with these fractions.")
    return list(itertools.pairwise((0, n - n_valid - n_test, n - n_test, n)))
