"""tools/lab_guard.py: a folder that a running Jupyter server serves is refused, saying where that
server is (never its token); a folder no live server serves is not."""

import importlib.util
import json
import os

from tests.course_files import ROOT

spec = importlib.util.spec_from_file_location("lab_guard", ROOT / "tools" / "lab_guard.py")
lab_guard = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lab_guard)


def server_file(runtime, pid, folder):
    """What a Jupyter server writes into the runtime folder while it runs."""
    info = {"pid": pid, "root_dir": str(folder), "url": "http://127.0.0.1:8891/", "token": "s3cr3t"}
    (runtime / f"jpserver-{pid}.json").write_text(json.dumps(info))


def test_a_folder_served_by_a_running_server_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    served = tmp_path / "workspace"
    served.mkdir()
    server_file(tmp_path, os.getpid(), served)  # this process stands in for the live server
    assert lab_guard.main([str(served)]) == 1
    said = capsys.readouterr().err
    assert "already running" in said and "http://127.0.0.1:8891/lab" in said
    assert "s3cr3t" not in said and "jupyter server list" in said
    assert lab_guard.main([str(tmp_path / "other")]) == 0


def test_a_server_that_has_ended_does_not_count(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    served = tmp_path / "workspace"
    served.mkdir()
    server_file(tmp_path, 2**22 + 12345, served)  # above Linux's largest process id
    assert lab_guard.main([str(served)]) == 0
