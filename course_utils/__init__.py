"""Helpers for the sequence-models course: profiles, devices, data, shapes, cells, widgets, grading.

Import the parts you need, e.g. ``from course_utils import config, device``. Importing the package
itself is cheap: TensorFlow is loaded (quietly) only by the modules that need it.
"""

__version__ = "0.1.0"
