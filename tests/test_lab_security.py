"""`make lab` serves a learner's JupyterLab on 127.0.0.1 only, and refuses requests without its
token."""

import json
import re

import pytest

from tests.lab_server import ROOT, LabServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab():
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    server = LabServer()
    yield server
    server.stop()


def test_listens_on_loopback_only(lab):
    assert f"http://127.0.0.1:{lab.port}/lab?token=" in lab.output()
    assert "0.0.0.0" not in lab.output()


def test_unauthenticated_api_request_is_refused(lab):
    status, _ = lab.get("/api/contents")
    assert status == 403


def test_wrong_token_is_refused(lab):
    status, _ = lab.get("/api/contents", token="not-the-token")
    assert status == 403


def test_the_token_opens_the_course(lab):
    status, body = lab.get("/api/contents", token=lab.token)
    assert status == 200
    names = {item["name"] for item in json.loads(body)["content"]}
    assert "00_start_here.ipynb" in names


def test_the_lab_serves_the_learners_copies_not_the_solutions(lab):
    """make lab serves the workspace's learner copies, not notebooks/."""
    status, body = lab.get("/api/contents/03_return_sequences.ipynb", token=lab.token)
    sources = [cell["source"] for cell in json.loads(body)["content"]["cells"]]
    assert status == 200 and "raise NotImplementedError()" in "\n".join(sources)
    assert "BEGIN SOLUTION" not in body and "BEGIN HIDDEN TESTS" not in body
    assert (lab.workspace / "03_return_sequences.ipynb").exists()


def test_the_lab_is_a_learners_lab(lab):
    """No nbgrader menus or start-up errors, no news toast: the settings shipped in lab/."""
    log = lab.output()
    assert "nbgrader" not in log.lower(), log
    status, page = lab.get("/lab", token=lab.token)
    config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1)
    assert status == 200 and "@jupyter/nbgrader" in json.loads(config)["disabledExtensions"]
    path = "/lab/api/settings/@jupyterlab/apputils-extension:notification"
    status, body = lab.get(path, token=lab.token)
    defaults = {k: v.get("default") for k, v in json.loads(body)["schema"]["properties"].items()}
    assert status == 200 and defaults["fetchNews"] == "false"
    assert defaults["checkForUpdates"] is False
