"""The maintainers' documents name files that exist: every path written in README.md,
ARCHITECTURE.md and CONTRIBUTING.md, and every entry of ARCHITECTURE.md's package tree."""

import re
import subprocess
from pathlib import Path

import pytest

from tests.course_files import ROOT

DOCS = ["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md"]
# Made by make or by the learner, not kept in the repository.
GENERATED = {
    "workspace",
    "student",
    ".lab",
    ".venv",
    "test-artifacts",
    "submitted",
    "source",
    "_site",
}
QUOTED = re.compile(r"`([^`\s]+)`")
PATHLIKE = re.compile(r"^\.?[\w.-]+(/[\w.-]*)+$|^[\w.-]+\.(py|md|toml|cfg|lock|sh|yml|ipynb|json)$")


def paths_named(text):
    """The file paths quoted in ``text``: `a/b.py`, `tools/`, `Makefile.md`-like names."""
    found = set()
    for token in QUOTED.findall(text):
        token = token.rstrip(".,:;")
        if PATHLIKE.match(token) and not token.startswith(("http", "/", "~", "$")):
            found.add(token)
    return found


def tree_paths(text):
    """The paths of the package tree drawn in ARCHITECTURE.md's first code block."""
    block = text.split("```")[1]
    lines = block.splitlines()
    root = lines[1].strip().rstrip("/")
    stack, found = [], []
    for line in lines[2:]:
        marker = re.search(r"[├└]── (\S+)", line)
        if not marker:
            continue
        depth = marker.start() // 4
        stack[depth:] = [marker.group(1).rstrip("/")]
        found.append("/".join([root, *stack]))
    return found


def _tracked():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    return set(listed.split())


def _exists(path, tracked):
    """A path from the repository's root, or a bare file name that a tracked file has (prose
    names a file in the folder it speaks of: "tools/ holds `workspace.py`")."""
    if path.split("/")[0] in GENERATED or "NN" in path:
        return True
    if "/" not in path:
        return any(Path(t).name == path for t in tracked)
    return (ROOT / path).exists()


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_a_document_names_exists(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    tracked = _tracked()
    missing = sorted(p for p in paths_named(text) if not _exists(p, tracked))
    assert not missing, f"{doc} names files that do not exist: {missing}"


def test_every_entry_of_the_package_tree_exists():
    found = tree_paths((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8"))
    assert len(found) > 40
    assert [p for p in found if not (ROOT / p).exists()] == []


def test_every_module_of_the_package_is_in_the_tree():
    drawn = set(tree_paths((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")))
    package = ROOT / "course_utils"
    modules = {
        str(path.relative_to(ROOT))
        for path in package.rglob("*.py")
        if path.name != "__init__.py" or path.parent == package
    }
    folders = {
        str(p.relative_to(ROOT)) for p in package.iterdir() if p.is_dir() and p.name[0] != "_"
    }
    listed = {m for m in modules if m in drawn or str(Path(m).parent) in drawn}
    assert (
        sorted(modules - listed) == []
        and sorted(folders - drawn - {"course_utils/__pycache__"}) == []
    )


def test_the_scanner_reads_paths_and_trees():
    assert paths_named("see `tests/a.py`, `make lab` and `x.md`.") == {"tests/a.py", "x.md"}
    tree = "x\n```\ncourse_utils/\n├── a.py   one\n├── b/      two\n│   └── c.py\n```"
    assert tree_paths(tree) == ["course_utils/a.py", "course_utils/b", "course_utils/b/c.py"]
