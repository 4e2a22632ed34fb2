"""The download core, against files served from 127.0.0.1 (never the internet)."""

import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import pytest

from course_utils import datasets
from course_utils.datasets import ChecksumMismatch, DatasetUnavailable, fetch

PAYLOAD = b"note0,note1,note2,note3\n74,70,65,58\n" * 100


def _serve(folder, name, data=PAYLOAD):
    (folder / name).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def _leftovers(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_success_then_cache(http_server, data_dir):
    url, served = http_server
    sha = _serve(served, "chorales.csv")
    path = fetch(f"{url}/chorales.csv", sha256=sha, subdir="bach")
    assert path == data_dir / "bach" / "chorales.csv"
    assert path.read_bytes() == PAYLOAD
    (served / "chorales.csv").unlink()  # a second call must not need the server
    assert fetch(f"{url}/chorales.csv", sha256=sha, subdir="bach") == path
    assert _leftovers(data_dir / "bach") == ["chorales.csv"]


def test_checksum_mismatch_leaves_no_file(http_server, data_dir):
    url, served = http_server
    _serve(served, "chorales.csv")
    with pytest.raises(ChecksumMismatch) as info:
        fetch(f"{url}/chorales.csv", sha256="0" * 64)
    assert "not the published" in str(info.value)
    assert _leftovers(data_dir) == []


def test_corrupt_cached_file_is_downloaded_again(http_server, data_dir):
    url, served = http_server
    sha = _serve(served, "a.csv")
    data_dir.mkdir()
    (data_dir / "a.csv").write_bytes(b"half a file")
    assert fetch(f"{url}/a.csv", sha256=sha).read_bytes() == PAYLOAD


def test_connection_refused_names_url_and_target(data_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/jsb_chorales.tgz"
    with pytest.raises(DatasetUnavailable) as info:
        fetch(url, sha256="a" * 64, subdir="bach")
    message = str(info.value)
    assert url in message
    assert str(data_dir / "bach" / "jsb_chorales.tgz") in message
    assert "source='embedded'" in message
    assert _leftovers(data_dir / "bach") == []


def test_truncated_transfer_leaves_no_file(http_server, data_dir):
    url, served = http_server
    sha = _serve(served, "big.bin")
    with pytest.raises(DatasetUnavailable, match="cut off"):
        fetch(f"{url}/truncated/big.bin", sha256=sha)
    assert _leftovers(data_dir) == []


def test_missing_file_on_server(http_server, data_dir):
    url, _ = http_server
    with pytest.raises(DatasetUnavailable, match="HTTP 404"):
        fetch(f"{url}/nothing.zip", sha256=None)


def test_offline_flag_uses_a_file_placed_by_hand(http_server, data_dir, monkeypatch):
    url, served = http_server
    sha = _serve(served, "x.csv")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(DatasetUnavailable, match="COURSE_OFFLINE=1"):
        fetch(f"{url}/x.csv", sha256=sha)
    data_dir.mkdir(exist_ok=True)
    shutil.copy(served / "x.csv", data_dir / "x.csv")  # what the message tells a learner to do
    assert fetch(f"{url}/x.csv", sha256=sha) == data_dir / "x.csv"


def _tgz(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_extract_tar_gz(http_server, data_dir):
    url, served = http_server
    sha = _serve(served, "jsb.tgz", _tgz({"jsb/train/chorale_000.csv": PAYLOAD}))
    folder = fetch(f"{url}/jsb.tgz", sha256=sha, extract=True)
    assert (folder / "jsb" / "train" / "chorale_000.csv").read_bytes() == PAYLOAD
    assert fetch(f"{url}/jsb.tgz", sha256=sha, extract=True) == folder


def test_extract_zip(http_server, data_dir):
    url, served = http_server
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a/b.txt", "hello")
    sha = _serve(served, "a.zip", buffer.getvalue())
    assert (fetch(f"{url}/a.zip", sha256=sha, extract=True) / "a" / "b.txt").read_text() == "hello"


def test_hostile_archive_is_refused_and_leaves_nothing_extracted(http_server, data_dir):
    url, served = http_server
    sha = _serve(served, "evil.tgz", _tgz({"../../escaped.txt": b"x"}))
    with pytest.raises(DatasetUnavailable, match="Could not unpack"):
        fetch(f"{url}/evil.tgz", sha256=sha, extract=True)
    assert not (data_dir.parent / "escaped.txt").exists()
    assert _leftovers(data_dir) == ["evil.tgz"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"url": "ftp://x/y", "sha256": None}, "http"),
        ({"url": "http://x/y", "sha256": "abc"}, "64 hexadecimal"),
        ({"url": "http://x/y", "sha256": None, "filename": "../y"}, "plain file name"),
    ],
)
def test_bad_arguments(kwargs, match, data_dir):
    url = kwargs.pop("url")
    with pytest.raises(ValueError, match=match):
        fetch(url, **kwargs)


READ_ONLY = """
import os, sys
from course_utils.datasets import DatasetUnavailable, fetch
try:
    fetch(sys.argv[1], sha256=None)
except DatasetUnavailable as exc:
    print("UNAVAILABLE:", exc)
print("LEFT:", sorted(os.listdir(os.environ["COURSE_DATA_DIR"])))
"""


def test_read_only_data_directory(http_server, data_dir):
    url, served = http_server
    _serve(served, "x.csv")
    data_dir.mkdir()
    data_dir.chmod(0o555)
    command = [sys.executable, "-c", textwrap.dedent(READ_ONLY), f"{url}/x.csv"]
    if os.geteuid() == 0:
        # root ignores file modes; drop the capabilities that let it, as an ordinary user has none.
        if not shutil.which("setpriv"):
            pytest.skip("setpriv (util-linux) is needed to test a read-only folder as root")
        caps = "-dac_override,-dac_read_search,-fowner"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, env=os.environ
        )
    finally:
        data_dir.chmod(0o755)
    assert "UNAVAILABLE: The data folder" in result.stdout, result.stdout + result.stderr[-2000:]
    assert "not writable" in result.stdout and "COURSE_DATA_DIR" in result.stdout
    assert "LEFT: []" in result.stdout


def test_from_source_convention(capsys):
    def unavailable():
        raise DatasetUnavailable("offline")

    assert (
        datasets.from_source("embedded", download=unavailable, embedded=lambda: "E", name="X")
        == "E"
    )
    assert datasets.from_source("auto", download=lambda: "D", embedded=lambda: "E", name="X") == "D"
    assert datasets.from_source("auto", download=unavailable, embedded=lambda: "E", name="X") == "E"
    assert "X: the real dataset is unavailable" in capsys.readouterr().out
    with pytest.raises(DatasetUnavailable):
        datasets.from_source("download", download=unavailable, embedded=lambda: "E", name="X")
    with pytest.raises(ValueError, match="'auto', 'download', 'embedded'"):
        datasets.from_source("web", download=unavailable, embedded=lambda: "E", name="X")


def test_default_source_follows_the_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert datasets.default_source() == "auto"
    monkeypatch.setenv("COURSE_PROFILE", "standard")
    assert datasets.default_source() == "embedded"


def test_atomic_file_and_folder_leave_nothing_when_the_block_fails(tmp_path):
    from course_utils.download import atomic_file, atomic_folder

    with atomic_file(tmp_path / "cache.npz") as partial:
        partial.write_bytes(b"whole")
    assert (tmp_path / "cache.npz").read_bytes() == b"whole"
    for manager, name in ((atomic_file, "other.npz"), (atomic_folder, "shards")):
        with pytest.raises(RuntimeError, match="interrupted"), manager(tmp_path / name):
            raise RuntimeError("interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.npz"]
