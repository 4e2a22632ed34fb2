"""The download core that every real loader uses.

:func:`fetch` downloads one file into the course data directory, verifies its sha256, and
only then moves it into place, so that no partial or corrupt file is ever left behind; it can
also unpack an archive, again atomically. Without a network it raises :class:`DatasetUnavailable`
with a message that says which URL failed and where to put the file by hand.

``keras.utils.get_file`` is not used because it has no timeout, keeps a file whose hash does not
match, and silently switches to ``/tmp/.keras`` when the cache folder is not writable.
"""

import contextlib
import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

from course_utils import config

CHUNK = 1 << 20


class DatasetUnavailable(RuntimeError):
    """A real dataset could not be obtained (offline, refused, truncated, unwritable folder...)."""


class ChecksumMismatch(DatasetUnavailable):
    """The downloaded bytes are not the published file."""


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_file(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``: it becomes ``target`` when the block succeeds
    and is removed when it fails, so readers only ever see no file or a whole one."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    try:
        yield Path(partial)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Like :func:`atomic_file`, for a folder: yield an empty temporary folder beside ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        yield staging
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _by_hand(url: str, target: Path, sha256: str | None) -> str:
    return (
        f"To work offline, download {url} on a machine with internet access and copy it to "
        f"{target}" + (f" (sha256 {sha256})" if sha256 else "") + "; the course will use it "
        "from there. Or pass source='embedded' to use the offline default."
    )


def _writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise DatasetUnavailable(
            f"The data folder {folder} is not writable ({exc.strerror}). Set COURSE_DATA_DIR "
            "to a folder you can write to."
        ) from None


def _download(url: str, partial: Path, timeout: float) -> None:
    received, expected = 0, None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            expected = response.headers.get("Content-Length")
            for chunk in iter(lambda: response.read(CHUNK), b""):
                out.write(chunk)
                received += len(chunk)
    except http.client.IncompleteRead as exc:
        received += len(exc.partial)
    if expected is not None and received != int(expected):
        raise DatasetUnavailable(
            f"The transfer of {url} was cut off after {received} of {expected} bytes. Try again."
        )


def _check_arguments(url: object, sha256: str | None, filename: str | None) -> None:
    if not isinstance(url, str) or not url.startswith(("http://", "https://", "file://")):
        raise ValueError(f"url must be an http(s):// or file:// address, got {url!r}.")
    if sha256 is not None and (len(sha256) != 64 or set(sha256.lower()) - set("0123456789abcdef")):
        raise ValueError(f"sha256 must be 64 hexadecimal digits, got {sha256!r}.")
    if filename is not None and (not filename or Path(filename).name != filename):
        raise ValueError(f"filename must be a plain file name, got {filename!r}.")


def fetch(
    url: str,
    *,
    sha256: str | None,
    filename: str | None = None,
    subdir: str = "",
    extract: bool = False,
    timeout: float = 30,
) -> Path:
    """Return the local path of ``url``'s file, downloading and verifying it if needed.

    - ``sha256``: the published checksum (``None`` only where none is published).
    - ``filename``: the name to save under (default: the URL's last part), in
      ``config.data_dir() / subdir``.
    - ``extract=True``: unpack the archive (zip, tar, tar.gz...) into a folder next to it
      and return that folder.

    A cached file is re-verified before use. Raises :class:`DatasetUnavailable` (or its subclass
    :class:`ChecksumMismatch`) with instructions when the file cannot be had.
    """
    _check_arguments(url, sha256, filename)
    folder = config.data_dir() / subdir
    target = folder / (filename or Path(urllib.request.url2pathname(url.split("?")[0])).name)
    unpacked = target.parent / (target.name.split(".")[0] + "_extracted")
    if extract and unpacked.is_dir():
        return unpacked
    if target.exists():
        if sha256 is None or sha256_of(target) == sha256.lower():
            return _extract(target, unpacked) if extract else target
        target.unlink()  # corrupt or outdated: download again
    if config.offline():
        raise DatasetUnavailable(
            f"COURSE_OFFLINE=1, so {url} was not downloaded. " + _by_hand(url, target, sha256)
        )
    _writable_folder(folder)
    with atomic_file(target) as partial:
        try:
            _download(url, partial, timeout)
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, refused, cut off
            reason: object
            if isinstance(exc, urllib.error.HTTPError):
                reason = f"HTTP {exc.code} {exc.reason}"
            else:
                reason = getattr(exc, "reason", None) or exc
            raise DatasetUnavailable(
                f"Could not download {url} ({reason}). " + _by_hand(url, target, sha256)
            ) from None
        if sha256 is not None:
            actual = sha256_of(partial)
            if actual != sha256.lower():
                raise ChecksumMismatch(
                    f"{url} downloaded, but its sha256 is {actual}, not the published {sha256}. "
                    "The file was discarded; the server may be serving a different version. "
                    + _by_hand(url, target, sha256)
                )
    return _extract(target, unpacked) if extract else target


def _extract(archive: Path, destination: Path) -> Path:
    """Unpack ``archive`` into ``destination`` atomically (via a temporary sibling folder)."""
    if destination.is_dir():
        return destination
    try:
        with atomic_folder(destination) as staging:
            if zipfile.is_zipfile(archive):
                with zipfile.ZipFile(archive) as zf:
                    zf.extractall(staging)  # ZipFile drops absolute paths and ".." itself
            else:
                with tarfile.open(archive) as tf:
                    tf.extractall(staging, filter="data")  # refuses links and paths outside staging
    except (tarfile.TarError, zipfile.BadZipFile, OSError) as exc:
        raise DatasetUnavailable(
            f"Could not unpack {archive}: {exc}. Delete it and try again."
        ) from None
    return destination
