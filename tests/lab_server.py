"""Start `make lab` on a free port of 127.0.0.1 for a test, and stop it afterwards."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.course_files import ROOT


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``make lab`` in its own process group; ``url`` and ``token`` once it answers.

    A learner's lab on ``workspace`` (a fresh temporary folder unless given, never the
    repository's own workspace/), or with ``instructor=True``, ``make lab INSTRUCTOR=1`` on
    notebooks/."""

    def __init__(self, workspace=None, instructor=False, timeout=120):
        self.port = free_port()
        make_args = [f"LAB_ARGS=--port={self.port} --no-browser"]
        self.own_workspace = workspace is None and not instructor
        if self.own_workspace:
            workspace = tempfile.mkdtemp(prefix="workspace-")
        if instructor:
            make_args.append("INSTRUCTOR=1")
        else:
            make_args.append(f"WORKSPACE={workspace}")
        self.workspace = None if instructor else Path(workspace)
        self.log = open(ROOT / "test-artifacts" / f"lab-{self.port}.log", "w+")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "lab", *make_args],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = self._wait_for_token(timeout)

    def _wait_for_token(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"make lab exited with {self.process.returncode}:\n{self.output()}"
                )
            match = re.search(rf"127\.0\.0\.1:{self.port}/lab\?token=(\w+)", self.output())
            if match:
                return match.group(1)
            time.sleep(0.5)
        raise TimeoutError(f"JupyterLab did not start within {timeout} s:\n{self.output()}")

    def output(self):
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def get(self, path, token=None, method="GET"):
        """(status, body) of a request (GET unless told), with the token in the Authorization header
        if given."""
        request = urllib.request.Request(self.url + path, method=method)
        if token:
            request.add_header("Authorization", f"token {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def kernels(self):
        """The kernels the server runs, as its REST API lists them."""
        return json.loads(self.get("/api/kernels", self.token)[1])

    def shut_down_kernels(self):
        """Stop every kernel the server runs, e.g. the last notebook's before opening the next."""
        for kernel in self.kernels():
            self.get(f"/api/kernels/{kernel['id']}", self.token, method="DELETE")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        if self.own_workspace:
            shutil.rmtree(self.workspace, ignore_errors=True)
