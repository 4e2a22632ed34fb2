"""Notebook 07, Conv1D with RNNs: the receptive-field drawing (``figures``) and its explorer (``widget``).

The lengths and receptive fields themselves are computed in :mod:`course_utils.shapes`."""
