"""Imports run one way: the grading tools may import the lesson's modules, never the reverse, and
the checks (imported by a learner's kernel) load none of the grading tools."""

import ast
import json
import subprocess
import sys

from tests.course_files import ROOT

PACKAGE = ROOT / "course_utils"
TOOLS = ["grader", "kernel", "handover", "sandbox", "processes", "snapshot", "release"]


def test_importing_the_checks_loads_none_of_the_grading_tools():
    code = (
        "import json, sys\n"
        "import course_utils.grading\n"
        f"print(json.dumps([n for n in {TOOLS!r} if f'course_utils.grading.{{n}}' in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def _imported(path):
    """The modules that the file at ``path`` imports, anywhere in it."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_no_lesson_module_imports_the_grading_package():
    """Only the grading package itself and ``python -m course_utils`` (its command) may."""
    allowed = {PACKAGE / "__main__.py"}
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if PACKAGE / "grading" not in path.parents and path not in allowed
        for name in _imported(path)
        if name == "course_utils.grading" or name.startswith("course_utils.grading.")
    ]
    assert offenders == [], offenders
