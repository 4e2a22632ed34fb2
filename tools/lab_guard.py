"""Refuse to start a second JupyterLab on a folder that a running one already serves.

Usage: python tools/lab_guard.py FOLDER

Exits 1, saying where the running server is (its address without the login token, and how to see
the token), when a Jupyter server of this machine's user serves FOLDER: two servers on one folder
would autosave the same notebooks over each other. Exits 0 otherwise.
"""

import sys
from pathlib import Path

from jupyter_server.serverapp import list_running_servers


def serving(folder):
    """The server info (url, pid, root_dir...) of a running Jupyter server on ``folder``, or None."""
    folder = Path(folder).resolve()
    for info in list_running_servers():
        if Path(info.get("root_dir", "")).resolve() == folder:
            return info
    return None


def main(argv):
    (folder,) = argv
    info = serving(folder)
    if info is None:
        return 0
    print(
        f"JupyterLab is already running on {folder}/, at {info['url'].rstrip('/')}/lab "
        f"(process {info['pid']}): open it there. `.venv/bin/jupyter server list` shows its "
        "address with the login token. To start it again, stop it first (Ctrl+C in its terminal).",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
