"""Run a notebook's code cells one at a time in a fresh kernel, within time limits.

Used by the grader. Each cell gets at most ``cell_timeout`` seconds and the whole run ends at
``deadline``; a cell that runs past its limit, or a kernel that dies (``os._exit``, a crash), ends
the run with :class:`KernelLost` naming the cell. Outputs are capped, so that a cell printing
gigabytes costs the grader little memory. Built on ``nbclient``.
"""

import contextlib
import math
import os
import subprocess
import time
from dataclasses import dataclass

from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

_WHOLE_RUN = "the time limit of the whole run was reached"
OUTPUT_LIMIT = 1_000_000  # characters of output kept per cell (a figure is ~50,000)


@dataclass
class CellRun:
    """What one code cell did: ``error`` is ``"Name: message"`` when it raised, else ``None``."""

    index: int
    error: str | None
    outputs: list


class KernelStartError(RuntimeError):
    """No kernel could be started."""


class KernelLost(Exception):
    """The kernel died, or cell ``index`` ran past its time limit (``deadline_reached`` when that
    was the deadline of the whole run); ``runs`` are the cells that ran before."""

    def __init__(self, index, reason, runs, deadline_reached=False):
        super().__init__(reason)
        self.index, self.reason, self.runs = index, reason, runs
        self.deadline_reached = deadline_reached


def _size(content):
    if "text" in content:
        return len(content["text"])
    if "data" in content:
        return sum(len(str(value)) for value in content["data"].values())
    return len(str(content))


class _CappedClient(NotebookClient):
    """An nbclient that keeps at most ``OUTPUT_LIMIT`` characters of output per cell, except the
    lines that start with ``keep_prefix``, which it always keeps."""

    def __init__(self, *args, keep_prefix, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept, self._prefix = {}, keep_prefix

    def _stream(self, msg, text):
        header = {**msg["header"], "msg_type": "stream"}
        content = {"name": "stdout", "text": text}
        return {**msg, "header": header, "msg_type": "stream", "content": content}

    def output(self, outs, msg, display_id, cell_index):
        content = msg["content"]
        if msg["msg_type"] == "error":
            content["evalue"] = str(content.get("evalue", ""))[:2000]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-20:]]
            return super().output(outs, msg, display_id, cell_index)
        size = _size(content)
        kept = self._kept[cell_index] = self._kept.get(cell_index, 0) + size
        if kept <= OUTPUT_LIMIT:
            return super().output(outs, msg, display_id, cell_index)
        if kept - size <= OUTPUT_LIMIT:
            note = f"[output cut: more than {OUTPUT_LIMIT:,} characters]\n"
            super().output(outs, self._stream(msg, note), None, cell_index)
        lines = str(content.get("text", "")).splitlines(keepends=True)
        wanted = "".join(line for line in lines if line.startswith(self._prefix))
        if wanted:
            return super().output(outs, self._stream(msg, wanted), None, cell_index)
        return None


def _first_line(text):
    text = str(text).strip()
    return text.splitlines()[0] if text else ""


def run_cells(nb, *, cwd, cell_timeout, deadline, keep_prefix="\0", env=None):
    """Execute every code cell of ``nb`` (in place) in a fresh ``python3`` kernel started in ``cwd``.

    Returns a list of :class:`CellRun`, one per code cell. Raises :class:`KernelLost` when the
    kernel dies or a cell exceeds ``cell_timeout`` seconds or the ``deadline`` (a
    ``time.monotonic()`` value); the kernel is shut down in every case. Output lines starting
    with ``keep_prefix`` are kept even past the output limit. ``env`` is the kernel's environment
    (this process's when ``None``).
    """
    client = _CappedClient(
        nb,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        allow_errors=False,
        interrupt_on_timeout=False,
        record_timing=False,
        shutdown_kernel="immediate",
        iopub_timeout=10,
        raise_on_iopub_timeout=False,
        keep_prefix=keep_prefix,
    )
    runs = []
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(
                client.setup_kernel(stderr=subprocess.DEVNULL, env=env or os.environ)
            )
        except Exception as error:  # no kernelspec, a broken environment, a start-up timeout...
            raise KernelStartError(f"a Python kernel could not start ({error})") from None
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise KernelLost(index, _WHOLE_RUN, runs, deadline_reached=True)
            client.timeout = max(1, math.ceil(min(cell_timeout, left)))
            error = None
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as exc:
                error = f"{exc.ename}: {_first_line(exc.evalue)}".rstrip(": ")
            except CellTimeoutError:
                if left < cell_timeout:
                    raise KernelLost(index, _WHOLE_RUN, runs, deadline_reached=True) from None
                reason = f"it ran for more than {client.timeout} s, the time limit"
                raise KernelLost(index, reason, runs) from None
            except DeadKernelError:
                raise KernelLost(
                    index, "the kernel died (os._exit, a crash or no memory)", runs
                ) from None
            runs.append(CellRun(index, error, cell.outputs))
    return runs
