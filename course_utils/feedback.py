"""One line of feedback, instead of a traceback, for the errors a learner meets on purpose or by habit.

:func:`install` makes IPython show these errors as one line that says what happened and what to do:

- an exercise not answered yet: nbgrader's stub, ``raise NotImplementedError()``, or a cell that
  meets a name its answer would have defined (said only when the notebook shows that the name is
  the answer's; a check that meets an unknown name where the notebook is not known says both
  possibilities: the answer not written, or the lesson cells not run);
- a name that an earlier cell of the notebook defines, met after a kernel restart: which cell, and
  to run the cells above first. The notebook is known when JupyterLab started the kernel (it sets
  ``JPY_SESSION_NAME`` to the notebook's path); elsewhere (nbval, nbclient) the traceback stays;
- an interrupt (Kernel ▸ Interrupt), TensorFlow's code included: where the cell stopped;
- an error that a lesson cell shows on purpose, inside ``with grading.expect_error():``.

Every other error keeps its usual traceback, as does a learner's own typo in an answer. The cell
still fails with the same exception, so graders, nbval and ``raises-exception`` cells see the same
error as before, and ``%tb`` in the next cell prints its full traceback.

Every kernel of the course's environment loads this module as an IPython extension when it starts
(``make`` installs ``tools/ipython_kernel_config.py`` into ``.venv``), so that a restarted kernel
explains itself from its first cell on; elsewhere the setup cell installs it, when it imports
``course_utils.grading``. It imports nothing of the course.
"""

import ast
import json
import linecache
import os
import re
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

STUB = "raise NotImplementedError()"
STUB_HINT = f"write your answer in place of `{STUB}`, run that cell, then its check."
RUN_ABOVE = "run the cells above first: Run ▸ Run All Above Selected Cell."
ON_PURPOSE = "(the error this cell shows on purpose; `%tb` in a new cell prints its traceback)"
_RED, _PLAIN = "\x1b[0;31m", "\x1b[0m"
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
_KERAS_MESSAGE = re.compile(r"\x1b\[1m(.*?)\x1b\[0m", re.S)  # Keras writes a layer's error in bold


def install(shell: "InteractiveShell | None" = None) -> None:
    """Show the errors above as one line in ``shell`` (IPython's, when there is one)."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython else None
    if shell is None or getattr(shell, "_feedback_installed", False):
        return
    shell.set_custom_exc((NotImplementedError, NameError, KeyboardInterrupt), _show)
    marked: Any = shell  # a mark of this module's own, which IPython's shell does not declare
    marked._feedback_installed = True


def load_ipython_extension(shell: "InteractiveShell") -> None:
    """IPython's hook for ``--ext course_utils.feedback`` and the kernel configuration's
    ``extensions``."""
    install(shell)


class expect_error:  # lower case: it reads as a function in a cell, `with expect_error():`
    """``with grading.expect_error():`` (``grading`` hands it on) around code that fails on purpose, to show its error.

    The error still ends the cell, shown in one line, ``TypeName: message``, and a second line
    that says it is on purpose. Code that does not fail raises ``AssertionError``: the
    demonstration no longer holds.
    """

    def __enter__(self) -> "expect_error":
        return self

    def __exit__(
        self,
        etype: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if etype is None:
            failure = AssertionError(
                "this cell should fail, to show an error, but it ran without one: "
                "what it demonstrates no longer holds."
            )
            raise _one_line(failure, summary(failure))
        if error is not None and issubclass(etype, Exception):
            if not hasattr(error, "_render_traceback_"):
                _one_line(error, summary(error), ON_PURPOSE)
        return False  # the error goes on, and ends the cell


def summary(error: BaseException) -> str:
    """``TypeName: message`` on one line, without terminal colours; of a Keras layer's error, the
    message proper (the line after "Exception encountered when calling ...")."""
    text = str(error)
    keras_message = _KERAS_MESSAGE.search(text)
    if keras_message:
        text = keras_message.group(1)
    lines = [line.strip() for line in _COLOURS.sub("", text).splitlines() if line.strip()]
    name = f"{_RED}{type(error).__name__}{_PLAIN}"
    return f"{name}: {lines[0]}" if lines else name


def message(
    shell: "InteractiveShell", error: BaseException, tb: TracebackType | None
) -> str | None:
    """The line IPython shows for ``error`` (raised with traceback ``tb``), or ``None`` to show its
    traceback."""
    # the frames of code typed in the notebook's cells, not a library's
    frames: list[TracebackType] = []
    innermost = tb
    while tb is not None:
        if tb.tb_frame.f_globals is shell.user_ns:
            frames.append(tb)
        innermost, tb = tb, tb.tb_next
    if isinstance(error, KeyboardInterrupt):
        where = f"at `{_line(frames[-1])}`" if frames else "before its end"
        return (
            f"{_RED}interrupted{_PLAIN}: the cell stopped {where}; `%tb` shows the full traceback."
        )
    if not frames:
        return None
    if isinstance(error, NotImplementedError) and _line(frames[-1]) == STUB:
        return f"{_RED}not answered yet{_PLAIN}: {STUB_HINT}"
    name = getattr(error, "name", None)
    if type(error) is not NameError or not name or innermost is not frames[-1]:
        return None
    cell = _source(frames[0])
    defined = _defined_above(shell, name, cell)
    if defined is not None:
        role, section, first, unanswered = defined
        if role == "answer" and unanswered:
            return (
                f"{_RED}not answered yet{_PLAIN}: `{name}` is your answer to the exercise "
                f"{section or 'above'}: write it, run it, then this cell."
            )
        where = f"the {role} cell {f'under {section} ' if section else ''}that starts `{first}`"
        return f"{summary(error)}: it is defined by {where}; {RUN_ABOVE}"
    if "grading.check" in cell:  # the notebook is not known: which cell defines it is not either
        return (
            f"{summary(error)}: if it is your answer's name, write the answer cell above, run it, "
            f"then this check; if the lesson defines it, {RUN_ABOVE}"
        )
    return None


def _show(
    shell: "InteractiveShell",
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> None:
    try:
        line = None if hasattr(value, "_render_traceback_") else message(shell, value, tb)
    except Exception:  # never lose the error itself to a fault of this module
        line = None
    if line is not None:
        _one_line(value, line)
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def _one_line(error: BaseException, *lines: str) -> BaseException:
    """Make IPython show ``error`` as ``lines``, once: ``%tb`` then prints its full traceback."""
    shown: Any = error  # IPython asks any exception for this method, which none declares

    def render() -> list[str]:
        del shown._render_traceback_
        return list(lines)

    shown._render_traceback_ = render
    return error


def _line(tb: TracebackType) -> str:
    code = tb.tb_frame.f_code
    return linecache.getline(code.co_filename, tb.tb_lineno).strip()


def _source(tb: TracebackType) -> str:
    return "".join(linecache.getlines(tb.tb_frame.f_code.co_filename))


# The notebook, when the front end names it.


def _defined_above(
    shell: "InteractiveShell", name: str, running: str
) -> tuple[str, str | None, str, bool] | None:
    """Where the notebook defines ``name`` before the cell whose code is ``running`` (anywhere,
    when that cell is not found, say edited since the notebook was saved), as ``(role, section,
    first line, unanswered)``: ``role`` is "answer" for an exercise's answer cell, else "lesson",
    ``section`` the heading above it, and ``unanswered`` says that an answer cell holds the stub.
    ``None`` when the notebook is not known or defines no such name."""
    cells = _notebook_cells()
    if cells is None:
        return None
    code = [(i, c) for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    sources = {i: shell.transform_cell(_text(c.get("source", ""))).strip() for i, c in code}
    here = next((i for i, _ in code if sources[i] == running.strip()), len(cells))
    found: tuple[int, bool] | None = None
    for i, cell in code:
        if i >= here:
            break
        names = _bound(sources[i])
        answer = bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))
        if answer:
            names |= set(cell.get("metadata", {}).get("course", {}).get("hands_over") or [])
        if name in names:
            found = (i, answer)
    if found is None:
        return None
    i, answer = found
    first = next(iter(sources[i].splitlines()), "")
    first = first if len(first) <= 50 else first[:49] + "…"
    role = "answer" if answer else "lesson"
    return role, _section(cells[:i]), first, answer and STUB in sources[i]


def _notebook_cells() -> list[dict[str, Any]] | None:
    """The saved cells of the notebook this kernel runs, or ``None`` when it is not known."""
    session = os.environ.get("JPY_SESSION_NAME")
    if not session:
        return None
    for path in (Path(session), Path.cwd() / Path(session).name):
        if path.suffix == ".ipynb" and path.is_file():
            try:
                cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            except (OSError, ValueError, KeyError, TypeError):
                return None
            return cells if isinstance(cells, list) else None
    return None


def _section(cells: list[dict[str, Any]]) -> str | None:
    """The last heading of ``cells``, in quotes, or ``None``."""
    for cell in reversed(cells):
        if cell.get("cell_type") == "markdown":
            titles = [line for line in _text(cell["source"]).splitlines() if line.startswith("#")]
            if titles:
                return f"“{titles[-1].lstrip('#').strip()}”"
    return None


def _bound(code: str) -> set[str]:
    """The names that code binds at its top level: assignments, imports, functions, classes, loop
    and ``with`` targets (not the names inside its functions or comprehensions)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    todo: list[ast.AST] = [tree]
    while todo:
        for node in ast.iter_child_nodes(todo.pop()):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif not isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
                if not isinstance(node, ast.GeneratorExp):
                    todo.append(node)
    return names


def _text(source: object) -> str:
    return "".join(source) if isinstance(source, list) else str(source)
