"""Sequence-to-sequence data and decoding (notebooks 01 and 10): date strings (``dates``), numbers in
words (``number_words``), their shared teacher-forcing format (``teacher_forcing``), greedy and beam
search (``decoding``) and the beam explorer (``widget``)."""
