"""A Python kernel that runs code within time limits, for the grader.

Each piece of code gets a time limit; code that runs past it, or a kernel that dies (``os._exit``,
a crash), raises :class:`KernelLost`. Outputs are read and dropped: only the error, if any, is
kept, so a cell printing gigabytes costs the grader nothing. A kernel may ask for input (the
check kernel asks for what the answer kernel hands over): ``on_input`` answers it. The kernel
talks over Unix sockets in its folder, so it needs no network, and can be started inside a
sandbox (``prefix``, the sandbox's command line).
"""

import os
import subprocess
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq
from jupyter_client import KernelManager

POLL = 0.02  # seconds between looks at a busy kernel
MAX_MESSAGE_BYTES = 64_000_000  # a larger message from a kernel is dropped, unread
MAX_ERROR_CHARS = 2000  # of an error's message, kept for the report


@dataclass
class CellRun:
    """What one piece of code did: ``error`` is ``"Name: message"`` when it raised, else ``None``."""

    error: str | None


class KernelStartError(RuntimeError):
    """No kernel could be started."""


class KernelLost(Exception):
    """The kernel died, or the code ran past its time limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Manager(KernelManager):
    """A kernel manager that starts the kernel behind a command-line ``prefix``, as ``user``."""

    prefix: list[str] = []
    user: tuple[int, int] | None = None  # (uid, gid) the kernel runs as, when not this process's

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [*self.prefix, *super().format_kernel_cmd(extra_arguments)]

    def write_connection_file(self, **kwargs: Any) -> None:
        super().write_connection_file(**kwargs)
        if self.user is not None:  # the kernel reads it, as its own user
            os.chown(self.connection_file, *self.user)


def first_line(text: object) -> str:
    """The first line of ``text`` (any object's ``str``), stripped."""
    text = str(text).strip()
    return text.splitlines()[0] if text else ""


def printable(text: object) -> str:
    """``text`` with every control, format or lone surrogate character escaped (``\\x1b``,
    ``\\ud800``), so that text from a submission can be printed, stored and encoded, and cannot
    move the terminal's cursor or recolour the table."""
    return "".join(
        c
        if unicodedata.category(c) not in ("Cc", "Cf", "Cs")
        else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in str(text)
    )


class _BoundedContext(zmq.Context):
    """ZeroMQ sockets that drop any message larger than :data:`MAX_MESSAGE_BYTES`, so that a
    kernel cannot make the grader read gigabytes."""

    def socket(self, *args: Any, **kwargs: Any) -> zmq.Socket:
        sock = super().socket(*args, **kwargs)
        sock.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        return sock


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _next(channel: Any) -> dict[str, Any]:
    """The channel's next message as a dict, ``{}`` for one that cannot be read (a kernel can
    sign and send anything)."""
    try:
        return _dict(channel.get_msg(timeout=0))
    except Exception:
        return {}


def _error_line(content: Mapping[str, object]) -> str:
    """``"Name: message"`` from an error message or reply, made printable and bounded."""
    ename = str(content.get("ename", ""))[:200]
    evalue = first_line(str(content.get("evalue", ""))[:MAX_ERROR_CHARS])
    return printable(f"{ename}: {evalue}")[:MAX_ERROR_CHARS].rstrip(": ")


class Kernel:
    """A fresh ``python3`` kernel whose files (connection, sockets) live in ``folder``, its
    working folder unless ``prefix`` says otherwise; ``env`` is its environment, ``prefix``
    wraps its command line. With ``user`` (uid, gid), the kernel, run as that user by ``prefix``,
    may create files in ``folder`` until it listens, and no longer afterwards."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        env: Mapping[str, str],
        prefix: Iterable[str] = (),
        user: tuple[int, int] | None = None,
    ) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        manager = _Manager(kernel_name="python3", transport="ipc", ip=str(folder / "k"))
        manager.prefix, manager.user = list(prefix), user
        manager.connection_file = str(folder / "connection.json")
        try:
            if user is not None:
                os.chown(folder, *user)
            manager.start_kernel(
                cwd=str(folder), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            client = manager.blocking_client()
            client.context = _BoundedContext()
            client.start_channels()
            client.wait_for_ready(timeout=120)
            if user is not None:  # its sockets exist: it creates nothing more here
                os.chown(folder, os.getuid(), os.getgid())
                os.chmod(folder, 0o755)
        except Exception as error:  # no kernelspec, a broken environment, a start-up timeout...
            manager.shutdown_kernel(now=True)
            raise KernelStartError(f"a Python kernel could not start ({error})") from None
        self.manager, self.client = manager, client
        # (message id, end, time limit) of the code started, not waited for
        self.pending: tuple[str, float, float] | None = None

    def run(
        self, code: str, *, timeout: float, on_input: Callable[[str, float], str] | None = None
    ) -> CellRun:
        """Run ``code``; return its :class:`CellRun`. ``on_input(prompt, seconds_left)`` returns
        the reply to each input request. Raises :class:`KernelLost`."""
        self.start(code, timeout=timeout, allow_stdin=on_input is not None)
        return self.wait(on_input)

    def start(self, code: str, *, timeout: float, allow_stdin: bool = False) -> None:
        """Start running ``code`` and return at once; :meth:`wait` ends it."""
        msg_id = self.client.execute(code, allow_stdin=allow_stdin, stop_on_error=False)
        self.pending = (msg_id, time.monotonic() + timeout, timeout)

    def wait(self, on_input: Callable[[str, float], str] | None = None) -> CellRun:
        """Wait for the code :meth:`start` started; return its :class:`CellRun`."""
        pending, self.pending = self.pending, None
        assert pending is not None, "wait() ends the code that start() started"
        msg_id, end, timeout = pending
        client = self.client
        error: str | None = None
        reply: dict[str, Any] | None = None
        idle = False
        while reply is None or not idle:
            if time.monotonic() > end:
                raise KernelLost(f"it ran for more than {timeout:g} s, the time limit")
            busy = False
            for _ in range(1000):  # then look at the clock again, however loud the code
                if not client.iopub_channel.msg_ready():
                    break
                busy = True
                msg = _next(client.iopub_channel)
                if _dict(msg.get("parent_header")).get("msg_id") != msg_id:
                    continue
                content = _dict(msg.get("content"))
                if msg.get("msg_type") == "error":
                    error = _error_line(content)
                elif msg.get("msg_type") == "status":
                    idle = content.get("execution_state") == "idle"
            while on_input is not None and client.stdin_channel.msg_ready():
                msg = _next(client.stdin_channel)
                prompt = _dict(msg.get("content")).get("prompt")
                if msg.get("msg_type") == "input_request" and isinstance(prompt, str):
                    client.input(on_input(prompt, end - time.monotonic()))
            while client.shell_channel.msg_ready():
                msg = _next(client.shell_channel)
                if _dict(msg.get("parent_header")).get("msg_id") == msg_id:
                    reply = _dict(msg.get("content"))
            if not busy and not self.manager.is_alive():
                raise KernelLost("the kernel died (os._exit, a crash or no memory)")
            if not busy:
                time.sleep(POLL)
        if reply.get("status") != "ok" and error is None:  # an error the kernel could not report
            error = (
                _error_line(reply) or f"the cell ended with status {printable(reply.get('status'))}"
            )
        return CellRun(error)

    def shutdown(self) -> None:
        """Stop the kernel's channels and process (its children are the grader's to end)."""
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
        self.manager.cleanup_resources()


def environment(
    lib: str | os.PathLike[str], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """This process's environment, with ``lib`` first on the import path, plus ``extra``."""
    paths = [str(lib), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(extra or {})}
