"""Matplotlib drawings for the lessons, one module per topic (model families, RNN cells...).

Every function returns a ``matplotlib.figure.Figure`` with a title, and draws nothing that a cell
of the notebook does not also demonstrate.
"""
