"""One line of feedback, instead of a traceback, for an exercise that is not answered yet.

In a student version each answer is nbgrader's stub, ``raise NotImplementedError()``, and its check
cell then meets a name that the answer would have defined. :func:`install` makes IPython show
either case as one line that says what to do; every other error keeps its usual traceback. The
cell still fails, so graders and ``raises-exception`` cells see the same error as before.
"""

import linecache
import sys

STUB = "raise NotImplementedError()"
STUB_HINT = f"write your answer in place of `{STUB}`, run that cell, then its check."
_RED, _PLAIN = "\x1b[0;31m", "\x1b[0m"


def install(shell=None):
    """Show unanswered exercises as one line in ``shell`` (IPython's, when there is one)."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython else None
    if shell is None or getattr(shell, "_unanswered_installed", False):
        return
    shell.set_custom_exc((NotImplementedError, NameError), _show)
    shell._unanswered_installed = True


def message(shell, error, tb):
    """What to do, if ``error`` (with traceback ``tb``) comes from an unanswered exercise."""
    frames = []
    while tb is not None:
        if tb.tb_frame.f_globals is shell.user_ns:  # code typed in a cell, not a library's
            frames.append(tb)
        tb = tb.tb_next
    if not frames:
        return None
    innermost = _line(frames[-1])
    if isinstance(error, NotImplementedError) and innermost == STUB:
        return STUB_HINT
    cell = _source(frames[0])
    if isinstance(error, NameError) and "grading.check" in cell:
        return (
            f"`{error.name}` is not defined: write the answer cell above, run it, then this check."
        )
    return None


def _show(shell, etype, value, tb, tb_offset=None):
    hint = message(shell, value, tb)
    if hint is not None:
        value._render_traceback_ = lambda: [f"{_RED}not answered yet{_PLAIN}: {hint}"]
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def _line(tb):
    code = tb.tb_frame.f_code
    return linecache.getline(code.co_filename, tb.tb_lineno).strip()


def _source(tb):
    return "".join(linecache.getlines(tb.tb_frame.f_code.co_filename))
