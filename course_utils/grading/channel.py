"""The answer kernel's reply file, read by the grader as untrusted data.

The grader sends each request to the answer kernel inside the code it runs there, and the kernel
writes its reply into one file that the grader created in the kernel's folder. Whatever the
answer did to that file, the grader opens it without following links or waiting on a pipe,
reads only a regular file, at most :data:`MAX_BYTES` of it, and parses it only when it holds at
most :data:`MAX_CONTAINERS` lists and dicts, each nested at most :data:`MAX_DEPTH` deep. Anything
else is a :class:`BadReply`, which fails the exercise that asked, never the grading.
"""

import json
import os
import stat
from typing import Any

MAX_BYTES = 100_000_000
MAX_CONTAINERS = 1_000_000
MAX_DEPTH = 200  # a dict handed over 40 levels deep is 121 levels of JSON
_FLAGS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class BadReply(ValueError):
    """A reply the grader does not accept; the message says what the kernel did, for the report
    ("the answer's kernel ...")."""


def _open_regular(path: str | os.PathLike[str], flags: int) -> int:
    try:
        fd = os.open(path, flags | _FLAGS)
    except OSError as error:
        raise BadReply(f"left a reply file that cannot be opened ({error.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise BadReply("replaced its reply file by something that is not a file")
    return fd


def clear(path: str | os.PathLike[str]) -> None:
    """Empty the reply file before a request (raises :class:`BadReply` if it is not a file)."""
    os.close(_open_regular(path, os.O_WRONLY | os.O_TRUNC))


def read(path: str | os.PathLike[str]) -> tuple[str, dict[str, Any]]:
    """The reply in ``path``, parsed and checked; returned as canonical JSON text and as data."""
    with os.fdopen(_open_regular(path, os.O_RDONLY), "rb") as file:
        raw = file.read(MAX_BYTES + 1)
    if not raw:
        raise BadReply("gave no reply")
    if len(raw) > MAX_BYTES:
        raise BadReply(f"sent a reply larger than {MAX_BYTES // 1_000_000} MB")
    if raw.count(b"[") + raw.count(b"{") > MAX_CONTAINERS:
        raise BadReply(f"sent a reply of more than {MAX_CONTAINERS:,} lists and dicts")
    try:
        reply = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise BadReply("sent something that is not data") from None
    if _depth(reply) > MAX_DEPTH or not _well_formed(reply):
        raise BadReply("sent a reply of the wrong form")
    return json.dumps(reply), reply


def _depth(data: object) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend(
                (v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def _well_formed(reply: object) -> bool:
    """``{"values": {...}, "errors": {name: text}}``, ``{"value": ...}`` or ``{"error": [kind,
    message]}``, as :mod:`course_utils.grading.handover` writes them."""
    if not isinstance(reply, dict):
        return False
    errors = reply.get("errors", {})
    error = reply.get("error", ["", ""])
    return (
        isinstance(reply.get("values", {}), dict)
        and isinstance(errors, dict)
        and all(isinstance(v, str) for v in errors.values())
        and isinstance(error, list)
        and len(error) == 2
        and all(isinstance(e, str) for e in error)
    )
