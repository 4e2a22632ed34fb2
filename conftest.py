"""Test-wide settings: the smoke profile unless told otherwise.

No matplotlib backend is forced here: nbval's kernels inherit this environment and must keep
Jupyter's inline backend, or figures would vanish from the outputs they compare.
"""

import os

os.environ.setdefault("COURSE_PROFILE", "smoke")
