"""Write the package's copies of the lesson code: the notebooks' code cells tagged ``save``.

A ``save`` cell starts with the line ``# saved in course_utils/<module>.py`` and holds definitions
only (functions, classes, constants). The module keeps them between two marker lines::

    # --- lesson code: begin (made by `make lesson-code` from the notebooks' save cells) ---
    ...
    # --- lesson code: end ---

Everything between the markers is written here, cell by cell in notebook order, each cell's
definitions preceded by a comment that names the notebook and the section (the nearest markdown
heading above the cell) they come from. Everything outside the markers is written by hand, except
the module's import block at the top: it is rewritten to hold the module's own imports (those its
hand-written code uses) and the imports of the names the cells use, as their notebook imports
them (in any code cell, the nearest one above the cell first). A name the module defines itself,
by hand or in another saved cell, is not imported: so ``pipeline.py`` keeps its quiet
``tf = import_tensorflow()`` and ``decoding.py`` its private helpers. The result goes through
``ruff check --select I --fix`` and ``ruff format``, so that it passes the lint phase.

    python tools/lesson_code.py            # write every module (what `make lesson-code` runs)
    python tools/lesson_code.py --check    # change nothing; exit 1 naming what differs
"""

import argparse
import ast
import builtins
import difflib
import json
import re
import subprocess
import symtable
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
COMMAND = "make lesson-code"
HEADER = re.compile(r"# saved in (course_utils/[\w/]+\.py)[ \t]*$")
BEGIN = "# --- lesson code: begin"
BEGIN_LINE = f"{BEGIN} (made by `{COMMAND}` from the notebooks' save cells) ---"
END_LINE = "# --- lesson code: end ---"
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$")
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)


class LessonCodeError(Exception):
    """A ``save`` cell or a module that the generator cannot use as it is."""


@dataclass
class SavedCell:
    """One ``save`` cell: where it is, where it goes, and what it defines and uses."""

    notebook: Path
    index: int  # among all the notebook's cells
    module: str  # "course_utils/….py"
    body: str  # the cell's source without its header line
    section: str
    names: list  # top-level names it defines, in order
    imports: dict = field(default_factory=dict)  # name -> import statement, from the notebook

    @property
    def label(self):
        first = ", ".join(f"`{n}`" for n in self.names[:3]) + (", …" if len(self.names) > 3 else "")
        return f'{self.notebook.name} cell {self.index} ({first}; section "{self.section}")'


# --------------------------------------------------------------------------- reading notebooks


def _python(source):
    """A code cell's source with IPython's ``%`` and ``!`` lines blanked, or None if it is not
    Python."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _import_statement(node, alias):
    """The import statement that binds ``alias`` alone, as text."""
    name = f"{alias.name} as {alias.asname}" if alias.asname else alias.name
    if isinstance(node, ast.Import):
        return f"import {name}"
    return f"from {'.' * node.level}{node.module or ''} import {name}"


def _bound_name(alias):
    return alias.asname or alias.name.split(".")[0]


def _notebook_imports(cells):
    """[(cell index, name, import statement)] of every top-level import in the code cells."""
    found = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        tree = _python("".join(cell["source"]))
        for node in tree.body if tree else []:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    found.append((index, _bound_name(alias), _import_statement(node, alias)))
    return found


def _section(cells, index):
    """The nearest markdown heading above cell ``index``."""
    for cell in reversed(cells[:index]):
        if cell["cell_type"] == "markdown":
            headings = [HEADING.match(line) for line in "".join(cell["source"]).splitlines()]
            headings = [h.group(1) for h in headings if h]
            if headings:
                return headings[-1]
    return "(no heading above)"


def _top_level_names(tree):
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.extend(_bound_name(a) for a in node.names)
    return names


def used_names(source):
    """The module-level names that ``source`` reads: at its top level, or in any function or
    class inside it that does not define them itself."""
    used = set()

    def visit(table):
        for symbol in table.get_symbols():
            if not symbol.is_referenced():
                continue
            if table.get_type() == "module" or symbol.is_global():
                used.add(symbol.get_name())
        for child in table.get_children():
            visit(child)

    visit(symtable.symtable(source, "<cell>", "exec"))
    return used


def saved_cells(notebook):
    """The ``save`` cells of ``notebook`` (a path), checked; a ``LessonCodeError`` otherwise."""
    notebook = Path(notebook)
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    imports = _notebook_imports(cells)
    found = []
    for index, cell in enumerate(cells):
        if "save" not in cell.get("metadata", {}).get("tags", []):
            continue
        where = f"{notebook.name} cell {index}"
        source = "".join(cell["source"])
        first, _, body = source.partition("\n")
        header = HEADER.match(first)
        if cell["cell_type"] != "code" or not header:
            raise LessonCodeError(
                f"{where} is tagged `save` but does not start with the line "
                "`# saved in course_utils/<module>.py`, which names the module that keeps it."
            )
        module = header.group(1)
        if not (ROOT / module).is_file():
            raise LessonCodeError(
                f"{where} is saved in {module}, which does not exist: create the module with "
                f"the two marker lines\n    {BEGIN_LINE}\n    {END_LINE}\nor name another one."
            )
        try:
            tree = ast.parse(body)
        except SyntaxError as error:
            raise LessonCodeError(f"{where} is not valid Python: {error}") from None
        others = [n for n in tree.body if not isinstance(n, DEFINITIONS)]
        if others or not tree.body:
            line = others[0].lineno + 1 if others else 1
            raise LessonCodeError(
                f"{where} is tagged `save` but holds something other than definitions (line "
                f"{line}): a saved cell holds functions, classes and constants only; its imports "
                "come from the notebook's import cells."
            )
        names = _top_level_names(tree)
        bound = {}
        for at, name, statement in imports:  # the nearest import above the cell wins
            if name not in bound or (
                at < index and (bound[name][0] > index or at > bound[name][0])
            ):
                bound[name] = (at, statement)
        found.append(
            SavedCell(
                notebook=notebook,
                index=index,
                module=module,
                body=body.strip("\n") + "\n",
                section=_section(cells, index),
                names=names,
                imports={name: statement for name, (_, statement) in bound.items()},
            )
        )
    return found


# --------------------------------------------------------------------------- writing modules


def _split(module, text):
    """(text before the region, text after it) of ``module``, the marker lines excluded."""
    lines = text.splitlines(keepends=True)
    begins = [i for i, line in enumerate(lines) if line.startswith(BEGIN)]
    ends = [i for i, line in enumerate(lines) if line.rstrip("\n") == END_LINE]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise LessonCodeError(
            f"{module} must hold the lesson code between one pair of marker lines:\n"
            f"    {BEGIN_LINE}\n    {END_LINE}"
        )
    return "".join(lines[: begins[0]]), "".join(lines[ends[0] + 1 :])


def _import_block(tree):
    """The leading import statements of a module: (first line, last line, nodes); lines 1-based."""
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    nodes = []
    for node in body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            break
        nodes.append(node)
    if not nodes:
        return None, None, []
    return nodes[0].lineno, nodes[-1].end_lineno, nodes


def _comment(cell):
    text = (
        f'From notebooks/{cell.notebook.name}, section "{cell.section}": edit it in the '
        f"notebook, then run `{COMMAND}`."
    )
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, 96))


def _ruff(arguments, text, filename):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *arguments, "--stdin-filename", str(filename), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise LessonCodeError(f"ruff could not process {filename}:\n{result.stderr.strip()}")
    return result.stdout


def module_text(module, cells, current):
    """The text ``module`` should have, from its ``current`` text and its saved ``cells``."""
    before, after = _split(module, current)
    first, last, import_nodes = _import_block(ast.parse(before))
    lines = before.splitlines(keepends=True)
    if first:
        head, tail = lines[: first - 1], lines[last:]
    else:  # no imports yet: they go after the docstring
        tree = ast.parse(before)
        docstring = tree.body and isinstance(tree.body[0], ast.Expr)
        end = tree.body[0].end_lineno if docstring else 0
        head, tail = [*lines[:end], "\n"], lines[end:]
    head, tail = "".join(head), "".join(tail)
    hand_names = set(_top_level_names(ast.parse(before + after)))
    hand_imports = {}
    for node in import_nodes:
        for alias in node.names:
            hand_imports[_bound_name(alias)] = _import_statement(node, alias)
    used_by_hand = used_names(head + tail + after)

    defined = {}
    for cell in cells:
        for name in cell.names:
            if name in hand_names and name not in hand_imports:
                raise LessonCodeError(
                    f"{cell.label}: `{name}` is also written by hand in {module}; "
                    "keep one of the two (the notebook's, if it is lesson code)."
                )
            if name in defined:
                raise LessonCodeError(
                    f"{cell.label}: `{name}` is also defined by {defined[name].label}."
                )
            defined[name] = cell
    own = (hand_names - set(hand_imports)) | set(defined)
    # The hand-written code's imports, and its explicit re-exports (`import x as x`).
    statements = {
        s
        for name, s in hand_imports.items()
        if name in used_by_hand or s.endswith(f" {name} as {name}")
    }
    for cell in cells:
        for name in sorted(used_names(cell.body) - own - set(dir(builtins))):
            if name not in cell.imports:
                raise LessonCodeError(
                    f"{cell.label} uses `{name}`, which {module} does not define and the "
                    "notebook does not import; define it in a saved cell, or import it in the "
                    "notebook's import cells."
                )
            statement = cell.imports[name]
            target = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            if re.match(rf"(from|import) {re.escape(target)}( |$)", statement):
                raise LessonCodeError(
                    f"{cell.label} uses `{name}`, which the notebook imports from {module} "
                    "itself; the module must define it."
                )
            statements.add(statement)

    region = "\n\n".join(_comment(cell) + cell.body for cell in cells)
    text = (
        head
        + "".join(f"{s}\n" for s in sorted(statements))
        + tail
        + f"\n\n{BEGIN_LINE}\n"
        + (f"{region}\n\n" if region else "")
        + f"{END_LINE}\n"
        + after
    )
    path = ROOT / module
    text = _ruff(["check", "--select", "I", "--fix", "--exit-zero", "--quiet"], text, path)
    return _ruff(["format", "--quiet"], text, path)


def regenerate(notebooks=None):
    """{module: (current text, generated text)} for every module the ``notebooks`` save into.

    Without ``notebooks``: every notebook, and every module that has the marker lines (one whose
    cells have all gone gets an empty region).
    """
    everything = notebooks is None
    paths = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")) if everything else notebooks
    by_module = {}
    for path in paths:
        for cell in saved_cells(path):
            by_module.setdefault(cell.module, []).append(cell)
    if everything:
        for path in sorted((ROOT / "course_utils").rglob("*.py")):
            if BEGIN in path.read_text(encoding="utf-8"):
                by_module.setdefault(path.relative_to(ROOT).as_posix(), [])
    result = {}
    for module, cells in sorted(by_module.items()):
        current = (ROOT / module).read_text(encoding="utf-8")
        result[module] = (current, module_text(module, cells, current))
    return result, by_module


def differences(notebooks=None):
    """One line per module whose file differs from what its saved cells make, naming the cells
    whose definitions differ (empty if every module is up to date)."""
    result, by_module = regenerate(notebooks)
    problems = []
    for module, (current, generated) in result.items():
        if current == generated:
            continue
        try:
            in_file = definitions(current)
        except SyntaxError:
            in_file = {}
        changed = [
            cell
            for cell in by_module[module]
            if any(definitions(cell.body)[n] != in_file.get(n) for n in definitions(cell.body))
        ]
        if changed:
            problems.extend(
                f"{module}: {cell.label} differs from the module's copy" for cell in changed
            )
        else:
            problems.append(f"{module}: its imports, comments or layout differ from what is made")
    return problems


def definitions(source):
    """{name: source text} of the top-level definitions of ``source`` (decorators included)."""
    found = {}
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if not isinstance(node, DEFINITIONS):
            continue
        start = node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else None
        start = start or node.lineno
        text = "\n".join(lines[start - 1 : node.end_lineno])
        for name in _top_level_names(ast.Module(body=[node], type_ignores=[])):
            found[name] = text
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if different")
    parser.add_argument("--diff", action="store_true", help="with --check, print the diffs")
    parser.add_argument("notebooks", nargs="*", type=Path, help="only these notebooks")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = differences(args.notebooks or None)
            if args.diff:
                for module, (current, generated) in regenerate(args.notebooks or None)[0].items():
                    sys.stdout.writelines(
                        difflib.unified_diff(
                            current.splitlines(keepends=True),
                            generated.splitlines(keepends=True),
                            f"{module} (file)",
                            f"{module} (from the notebooks)",
                        )
                    )
            for problem in problems:
                print(problem)
            if problems:
                print(f"Run `{COMMAND}` to write the modules from the notebooks.")
                return 1
            return 0
        for module, (current, generated) in regenerate(args.notebooks or None)[0].items():
            if current != generated:
                (ROOT / module).write_text(generated, encoding="utf-8")
                print(f"wrote {module}")
        return 0
    except LessonCodeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
