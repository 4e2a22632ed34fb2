"""Test-wide settings: the smoke profile unless told otherwise, and no downloads from the internet."""

import os

os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("MPLBACKEND", "Agg")
