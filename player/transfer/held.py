"""Learners files chosen for import (uploaded, or copied from a USB stick), each kept in a private folder of
the data folder while the admin looks at what importing it would do; removed once imported or cancelled,
and after MAX_AGE_SECONDS when neither happened (or a crash left it)."""

import secrets
import shutil
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from player.paths import DataPaths
from player.store.atomic import write_atomic
from player.transfer.learnerfile import MAX_FILE_BYTES, LearnerFileError
from player.web.i18n import N_

MAX_AGE_SECONDS = 6 * 3600
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Held:
    """One learners file held for import: its copy here and its name as the admin chose it."""

    id: str
    folder: Path
    name: str

    @property
    def path(self) -> Path:
        return DataPaths.held_learners_file(self.folder)


def hold(paths: DataPaths, source: BinaryIO, name: str) -> Held:
    """Copy a learners file into a new private folder; LearnerFileError when it is too large (nothing kept)."""
    clean(paths)
    held_id = secrets.token_hex(16)
    held = Held(held_id, paths.held_learners_folder(held_id), unicodedata.normalize("NFC", name)[:120])
    held.folder.mkdir(mode=0o700)
    try:
        size = 0
        with open(held.path, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise LearnerFileError(N_("the file is larger than %(limit)d MB"), limit=MAX_FILE_BYTES // 2**20)
                out.write(chunk)
        write_atomic(DataPaths.held_learners_name(held.folder), held.name.encode("utf-8"))
    except BaseException:
        discard(held)
        raise
    return held


def find(paths: DataPaths, held_id: str) -> Held | None:
    """The held file with this id, if it is still there and not stale."""
    try:
        folder = paths.held_learners_folder(held_id)
        name = DataPaths.held_learners_name(folder).read_text(encoding="utf-8")
        fresh = time.time() - folder.stat().st_mtime < MAX_AGE_SECONDS
    except (KeyError, OSError, UnicodeDecodeError):
        return None
    return Held(held_id, folder, name) if fresh else None


def discard(held: Held) -> None:
    shutil.rmtree(held.folder, ignore_errors=True)


def clean(paths: DataPaths) -> None:
    """Remove held files older than MAX_AGE_SECONDS (and folders a crash left half made)."""
    now = time.time()
    for folder in paths.held_learners_folders():
        try:
            stale = now - folder.stat().st_mtime >= MAX_AGE_SECONDS
        except FileNotFoundError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
