"""Helpers for the sequence-models course, laid out as ARCHITECTURE.md describes.

Shared modules (``config``, ``device``, ``download``, ``datasets``, ``validation``, ``figures``,
``widgets``, ``training``), one folder per topic (``shapes``, ``cells``, ``gradients``,
``forecasting``, ``convolution``, ``videos``, ``sketches``, ``seq2seq``, ``distribution``,
``chorales``), and the instructor's ``grading``. Import the parts you need, e.g.
``from course_utils import config, device``: importing the package itself loads nothing, and
TensorFlow is loaded (quietly) only by the modules that need it.
"""

__version__ = "0.1.0"
