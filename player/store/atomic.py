"""A TinyDB storage that never leaves a torn file: write a temporary file beside the database, flush and
fsync it, atomically replace the database with it, then fsync the folder.

A power cut or `kill -9` at any moment leaves either the old or the new file, whole. A temporary file
left behind by such a crash is removed when the database is opened again (its write never returned, so
nobody was told it was saved). Reads are cached while the file is unchanged on disk, so TinyDB's habit of
re-reading the whole file for every operation costs one `stat`.
"""

import json
import os
import secrets
import sys
import time
from pathlib import Path

from tinydb.storages import Storage

TEMP_MARK = ".tmp-"
REPLACE_RETRIES = 20  # Windows: a virus scanner or indexer may hold the file open for a moment


class DamagedFile(Exception):
    """A database file exists but is not a whole TinyDB JSON document."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = Path(path), reason


def temp_files(path: Path) -> list[Path]:
    """Temporary files of unfinished writes to `path`."""
    return sorted(path.parent.glob(f".{path.name}{TEMP_MARK}*"))


def write_atomic(path: Path, payload: bytes, mode: int = 0o666) -> None:
    """Replace `path` with `payload` so that a crash leaves either the old or the new content.

    `mode` is the new file's permission (less the umask), e.g. 0o600 for a secret."""
    temp = path.parent / f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        _replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (POSIX; Windows cannot open folders)."""
    if sys.platform == "win32":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _replace(source: Path, target: Path) -> None:
    for attempt in range(REPLACE_RETRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == REPLACE_RETRIES - 1:
                raise
            time.sleep(0.05)


def _stamp(path: Path):
    stat = os.stat(path)
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file, written crash-safely. Not thread-safe by itself: hold the
    file's lock (see player.store.databases) around every TinyDB operation."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._cache = None  # (stamp of the file on disk, the data it holds)
        for leftover in temp_files(self.path):
            leftover.unlink(missing_ok=True)

    def read(self) -> dict | None:
        try:
            stamp = _stamp(self.path)
        except FileNotFoundError:
            self._cache = None
            return None
        if self._cache is not None and self._cache[0] == stamp:
            return self._cache[1]
        raw = self.path.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise DamagedFile(self.path, f"not readable JSON ({error})") from None
        if not isinstance(data, dict) or not all(isinstance(table, dict) for table in data.values()):
            raise DamagedFile(self.path, "not a TinyDB database (expected an object of tables)")
        self._cache = (stamp, data)
        return data

    def write(self, data: dict) -> None:
        try:
            payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            write_atomic(self.path, payload)
            self._cache = (_stamp(self.path), data)
        except BaseException:
            self._cache = None  # TinyDB changed `data` in place before a failed write
            raise

    def close(self) -> None:
        self._cache = None
