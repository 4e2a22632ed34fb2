"""Where the course's files are, and how tests read its notebooks (as nbformat nodes)."""

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOK_PATHS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def read(path):
    """The notebook at ``path``, in nbformat 4."""
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])
