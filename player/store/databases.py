"""One TinyDB and one lock per database file, shared by every thread of the app; damaged files are moved
aside (quarantined) and reported, never silently overwritten."""

import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from tinydb import TinyDB

from player.store.atomic import AtomicJSONStorage, DamagedFile

log = logging.getLogger(__name__)
DAMAGED_MARK = ".damaged-"
MAX_OPEN = 256


def atomic_storage(path: Path) -> TinyDB:
    """A TinyDB over `path` written crash-safely."""
    return TinyDB(path, storage=AtomicJSONStorage)


class Databases:
    """Opens database files on demand and serialises access to each one."""

    def __init__(self, max_open: int = MAX_OPEN):
        self._max_open = max_open
        self._locks: dict[Path, threading.RLock] = {}
        self._open: OrderedDict[Path, TinyDB] = OrderedDict()
        self._guard = threading.Lock()

    def lock(self, path: Path) -> threading.RLock:
        """The one lock of `path` (a database file, or a folder whose files change together)."""
        path = Path(path)
        with self._guard:
            lock = self._locks.get(path)
            if lock is None:
                lock = self._locks[path] = threading.RLock()
            return lock

    @contextmanager
    def locked(self, path: Path) -> Iterator[TinyDB]:
        """The database at `path`, held exclusively for the duration of the `with` block. A damaged
        file is quarantined and DamagedFile raised; the next use of `path` starts a fresh database."""
        path = Path(path)
        with self.lock(path):
            database = self._database(path)
            try:
                yield database
            except DamagedFile as damage:
                self.forget(path)
                quarantine(damage)
                raise

    def forget(self, path: Path) -> None:
        """Drop the open database of `path` (after deleting or quarantining its file)."""
        with self._guard:
            database = self._open.pop(Path(path), None)
        if database is not None:
            database.close()

    def _database(self, path: Path) -> TinyDB:
        """Called with the path's lock held, so opening (which removes stale temp files) never races a
        write of the same file."""
        with self._guard:
            database = self._open.get(path)
            if database is not None:
                self._open.move_to_end(path)
                return database
        database = atomic_storage(path)
        with self._guard:
            self._open[path] = database
            while len(self._open) > self._max_open:
                self._open.popitem(last=False)  # its lock stays; a later use reopens the file
        return database


def quarantine(damage: DamagedFile) -> Path | None:
    """Move a damaged file aside as `NAME.damaged-STAMP`, keep it for inspection, and log it."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = damage.path.with_name(f"{damage.path.name}{DAMAGED_MARK}{stamp}")
    try:
        damage.path.replace(target)
    except FileNotFoundError:
        return None
    log.error("damaged data file moved aside: %s (%s)", target, damage.reason)
    return target


def damaged_files(root: Path, name: str | None = None) -> list[Path]:
    """Every quarantined file under `root` (only those of the file called `name`, directly in `root`, when
    it is given), oldest first."""
    found = root.glob(f"{name}{DAMAGED_MARK}*") if name else root.rglob(f"*{DAMAGED_MARK}*")
    return sorted(found, key=lambda path: path.name.rsplit(DAMAGED_MARK, 1)[1])
