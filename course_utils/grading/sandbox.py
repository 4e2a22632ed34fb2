"""The answer kernel's sandbox: bubblewrap (Debian's ``bubblewrap`` package), where it runs.

The sandbox's file system is built from nothing: the system's programs and libraries (``/usr``,
``/etc``), the Python interpreter and its environment, read-only; the kernel's private copy of
``course_utils``, read-only; its channel folder (connection file, sockets, reply file); and a
size-limited ``/tmp``, its working and home folder. The repository with its history, the
instructor's notebooks, home folders, other gradings and submissions are not there. It has no
network, sees no other process, starts with a scrubbed environment and dies with the grader.

Its processes are bounded: :data:`MEMORY` of address space each, :data:`DISK` for ``/tmp`` and
for any one file, :data:`SHARED_MEMORY` for ``/dev/shm``. Started by root, the kernel runs as
the unprivileged user ``nobody``, without any capability, and its channel folder is taken back
once the kernel listens, so that it can write only its reply file. Started by another user, it
runs as that user in a user namespace without capabilities. Where bubblewrap (or, as root,
``setpriv`` and ``prlimit``) is missing or cannot start, the grader runs the answer kernel
without a sandbox and says so in the report's notes.
"""

import functools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

DISABLE = "COURSE_GRADE_SANDBOX"  # set to "off" to grade without the sandbox
MEMORY = 8 * 2**30  # address space of each process of the answer kernel (RLIMIT_AS)
DISK = 2**30  # the kernel's /tmp (a tmpfs), and any one file it writes (RLIMIT_FSIZE)
SHARED_MEMORY = 256 * 2**20  # its /dev/shm (a tmpfs)
PROCESSES = 4096  # processes and threads of its user (RLIMIT_NPROC)
PASSED_ON = ("COURSE_", "TF_", "KERAS_", "OMP_", "MKL_", "CUDA_VISIBLE_DEVICES", "PYTHONHASHSEED")


def fallback_note() -> str:
    """The report's note when the answers ran without the sandbox."""
    who = "as root, " if os.geteuid() == 0 else ""
    return (
        f"the answers ran {who}without a sandbox (bubblewrap, prlimit or setpriv is missing or "
        "cannot run here): the checks still ran in a kernel of their own, but the answers could "
        "read and write what this user can"
    )


def kernel_user() -> tuple[int, int] | None:
    """``(uid, gid)`` the answer kernel runs as: ``nobody`` when the grader is root, else
    ``None`` (the grader's own user)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def _python_folders() -> list[Path]:
    """The interpreter's installation and the environment, as real paths."""
    found = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    found.add(Path(sys.executable).resolve().parent.parent)
    return sorted(p for p in found if not any(p.is_relative_to(q) for q in found if q != p))


def _system() -> list[str]:
    """The system's programs and libraries, read-only, as bubblewrap's arguments."""
    argv = []
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    for folder in ("/usr", "/etc", "/sys"):
        if os.path.isdir(folder):
            argv += ["--ro-bind", folder, folder]
    return argv


def _folders(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """``--dir`` for every folder above ``paths``, world-readable (bubblewrap's default is 0700)."""
    above = {str(a) for p in paths for a in Path(p).parents if str(a) != "/"}
    argv = []
    for folder in sorted(above, key=lambda a: (a.count("/"), a)):
        argv += ["--perms", "0755", "--dir", folder]
    return argv


def _command(channel: Path, lib: Path) -> list[str]:
    """The sandbox's command line, to which the program's own is appended."""
    namespaces = (
        ["--unshare-all"]
        if kernel_user() is None
        else [
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
        ]
    )  # root: no user namespace, so that setpriv can become nobody
    python = [a for p in _python_folders() for a in ("--ro-bind", str(p), str(p))]
    argv = ["bwrap", *namespaces, "--die-with-parent", "--new-session", *_system(),
            "--dev", "/dev", "--proc", "/proc",
            "--size", str(DISK), "--perms", "1777", "--tmpfs", "/tmp",
            "--size", str(SHARED_MEMORY), "--perms", "1777", "--tmpfs", "/dev/shm",
            *_folders([*_python_folders(), channel, lib]),  # after /tmp, where they may be
            *python, "--ro-bind", str(lib), str(lib), "--bind", str(channel), str(channel),
            "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp",
            "--unsetenv", "JPY_PARENT_PID",  # a kernel watches its parent, unseen from here
            "--", "prlimit", f"--as={MEMORY}", f"--fsize={DISK}", f"--nproc={PROCESSES}",
            "--core=0", "--"]  # fmt: skip
    user = kernel_user()
    if user is not None:
        argv += ["setpriv", f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]  # fmt: skip
    return argv


@functools.cache
def available() -> bool:
    """Whether the sandbox can start here (and is not turned off)."""
    if os.environ.get(DISABLE, "").lower() in ("off", "0", "no"):
        return False
    needed = ["bwrap", "prlimit"] + (["setpriv"] if kernel_user() else [])
    if not all(shutil.which(tool) for tool in needed):
        return False
    with tempfile.TemporaryDirectory(prefix="course-sandbox-probe-") as folder:
        channel, lib = Path(folder, "k"), Path(folder, "lib")
        channel.mkdir()
        lib.mkdir()
        user = kernel_user()
        if user is not None:
            os.chown(channel, *user)
        try:
            probe = subprocess.run(
                [*_command(channel, lib), sys.executable, "-c", "pass"],
                capture_output=True, timeout=60, env=environment(lib, "/tmp"),
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return False
    return probe.returncode == 0


def memory_bound() -> list[str]:
    """The command line that bounds a program's memory as the sandbox's (:data:`MEMORY`), for
    the check kernel, which rebuilds what the answer hands over; ``[]`` without ``prlimit``."""
    return ["prlimit", f"--as={MEMORY}", "--"] if shutil.which("prlimit") else []


def prefix(channel: Path, lib: Path) -> list[str]:
    """The command line that runs a program in the sandbox, or ``[]`` when none is available.
    ``channel`` is the kernel's own folder (writable), ``lib`` its ``course_utils`` (read-only)."""
    return _command(channel, lib) if available() else []


def environment(lib: str | os.PathLike[str], scratch: str | os.PathLike[str]) -> dict[str, str]:
    """The answer kernel's environment: a few variables of the grader's (the course's profile
    and seed, TensorFlow's and the thread pools' settings), ``lib`` as the import path, and its
    own home, temporary and cache folders in ``scratch`` (``/tmp`` in the sandbox)."""
    kept = {k: v for k, v in os.environ.items() if k.startswith(PASSED_ON)}
    path = [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
    return {
        **kept,
        "PATH": os.pathsep.join(path),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(lib),
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "MPLCONFIGDIR": f"{scratch}/mpl",
        "IPYTHONDIR": f"{scratch}/ipython",
    }
