"""One player per data folder: an exclusive lock on a file in it, held while a player serves the folder or a
command changes it, and released by the operating system when the process ends, so a crash or a power cut
never leaves a stale lock. A second player on the same folder would lose records (each keeps its own
caches and locks), so it is refused with a clear message instead; reading commands need no lock.

The player holding the lock writes where it can be reached beside it (`player.running.json`), so a second
launch can send the person there instead of starting another player.
"""

import json
import os
import sys

from player.paths import DataPaths
from player.store.atomic import write_atomic

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl


class AlreadyRunning(Exception):
    """Another player process holds this data folder; `url` is where it serves, when it said so."""

    def __init__(self, url: str | None):
        super().__init__(f"another player is using this data folder{f' (at {url})' if url else ''}")
        self.url = url


class FolderLock:
    """The lock of one data folder, for this process."""

    def __init__(self, paths: DataPaths):
        self.paths = paths
        self._handle: int | None = None

    def acquire(self) -> "FolderLock":
        """Take the lock, or raise AlreadyRunning; held until release() or the end of the process."""
        handle = os.open(self.paths.player_lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if sys.platform == "win32":
                msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            raise AlreadyRunning(self.running_url()) from None
        self._handle = handle
        self.paths.running_player.unlink(missing_ok=True)  # left by a player that crashed
        return self

    def announce(self, url: str) -> None:
        """Say where this player serves, for a second launch to find it."""
        payload = json.dumps({"pid": os.getpid(), "url": url}).encode("utf-8")
        write_atomic(self.paths.running_player, payload)

    def running_url(self) -> str | None:
        """Where the player holding the lock serves, if it said so."""
        try:
            url = json.loads(self.paths.running_player.read_text(encoding="utf-8")).get("url")
        except (OSError, ValueError, AttributeError):
            return None
        return url if isinstance(url, str) and url.startswith(("http://127.0.0.1:", "http://localhost:")) else None

    def release(self) -> None:
        if self._handle is None:
            return
        self.paths.running_player.unlink(missing_ok=True)
        if sys.platform == "win32":
            os.lseek(self._handle, 0, os.SEEK_SET)
            msvcrt.locking(self._handle, msvcrt.LK_UNLCK, 1)
        os.close(self._handle)  # closing releases a flock
        self._handle = None

    def __enter__(self) -> "FolderLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
