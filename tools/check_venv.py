"""Compare the packages installed in this Python environment with the lock file's versions.

Usage: python tools/check_venv.py requirements.lock [--warn]

Exits 1 (0 with --warn) and says how to rebuild when a locked package is missing or installed
at another version, since the committed notebook outputs come from the locked versions.
"""

import sys
from importlib.metadata import PackageNotFoundError, version

from packaging.utils import canonicalize_name


def locked_versions(path):
    """{canonical name: version} from the ``name==version`` lines of a lock file."""
    pins = {}
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            pins[canonicalize_name(name)] = pinned.strip()
    return pins


def differences(pins):
    """Lines describing each locked package that is missing or at another version."""
    found = []
    for name, pinned in sorted(pins.items()):
        try:
            installed = version(name)
        except PackageNotFoundError:
            found.append(f"{name} is missing (the lock says {pinned})")
            continue
        if installed != pinned:
            found.append(f"{name} {installed} is installed, the lock says {pinned}")
    return found


def main(argv):
    lock, warn = argv[0], "--warn" in argv[1:]
    found = differences(locked_versions(lock))
    if not found:
        return 0
    print(f"{sys.prefix} does not match {lock}:", file=sys.stderr)
    for line in found[:10]:
        print(f"  {line}", file=sys.stderr)
    if len(found) > 10:
        print(f"  ... and {len(found) - 10} more", file=sys.stderr)
    print(
        "The committed outputs and the tests assume the locked versions: "
        "`make venv` rebuilds the environment from the lock.",
        file=sys.stderr,
    )
    if warn:
        print("Starting anyway.", file=sys.stderr)
    return 0 if warn else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
