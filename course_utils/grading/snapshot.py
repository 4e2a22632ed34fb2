"""The course's files as they were before a grading, put back after it if an answer changed them.

With the sandbox, an answer cannot write them at all; without it, this keeps one grading from
changing what the next one sees (a rewritten check, a planted ``.pyc``, another source notebook).
It also puts back edits made by anyone else while the grading ran: without the sandbox, do not
edit the course while grading.
"""

import os
from collections.abc import Iterable
from pathlib import Path


class Snapshot:
    """Every file under ``folders`` (recursively), read now."""

    def __init__(self, folders: Iterable[str | os.PathLike[str]]) -> None:
        self.folders = sorted({Path(f).resolve() for f in folders if Path(f).is_dir()})
        self.files = self._read()

    def _read(self) -> dict[Path, bytes]:
        return {
            p: p.read_bytes() for folder in self.folders for p in folder.rglob("*") if p.is_file()
        }

    def restore(self) -> list[str]:
        """Put back changed and deleted files, remove added ones; return notes on what changed
        (compiled ``__pycache__`` files are put right silently)."""
        now = {p for folder in self.folders for p in folder.rglob("*") if p.is_file()}
        changed = []
        for path in now - set(self.files):
            path.unlink(missing_ok=True)
            changed.append(path)
        for path, data in self.files.items():
            if not path.is_file() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                changed.append(path)
        shown = [str(p) for p in changed if "__pycache__" not in p.parts]
        if not shown:
            return []
        listed = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
        return [f"the submission changed the course's files ({listed}); they were put back"]
