"""Noticing that a course folder changed: inotify on Linux (at once, and no work while nothing happens),
a poll every quarter second elsewhere. Events only say "look again": what changed is decided by comparing
snapshots of every file's modification time and size (builder.watch.snapshot), so a swap file or a
touched folder does not cause a build.

A file caught half-written must not be built. With inotify, a save is taken as finished once every file
modified since the last look has been closed (editors write, then close) or the folder has been quiet for
QUIET_SECONDS; without it, once two polls see the same snapshot.
"""

import ctypes
import ctypes.util
import os
import select
import struct
import sys
import threading
from pathlib import Path

from builder.watch import Snapshot, snapshot

POLL_SECONDS = 0.25  # without inotify: how often to look
QUIET_SECONDS = 0.05  # with inotify: a file still open for writing is taken as saved after this much quiet
IDLE_SECONDS = 0.5  # with inotify: look anyway this often (and notice `stop`)
_MODIFY, _CLOSE_WRITE = 0x2, 0x8
_EVENTS = _MODIFY | 0x4 | _CLOSE_WRITE | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800  # modify, attrib,
# close-write, moved from/to, create, delete, delete-self, move-self
_ONLY_DIRECTORIES = 0x01000000
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then len bytes of name


class FolderWatcher:
    """Changes of the files under one folder (hidden files and folders left out)."""

    def __init__(self, folder: Path, use_inotify: bool = True):
        self.folder = Path(folder)
        self._fd = _inotify_fd() if use_inotify else None
        self._writing: set[tuple[int, bytes]] = set()  # (watch, name) of files modified and not yet closed
        if self._fd is not None:
            self._watch_folders()

    @property
    def immediate(self) -> bool:
        """True when changes are reported as they happen (inotify), False when the folder is polled."""
        return self._fd is not None

    def snapshot(self) -> Snapshot:
        return snapshot(self.folder)

    def next_change(self, last: Snapshot, stop: threading.Event) -> Snapshot | None:
        """Block until the folder differs from `last` and has stopped changing (an editor may still be
        writing what it saves); the new snapshot, or None once `stop` is set."""
        while not stop.is_set():
            self._wait(IDLE_SECONDS, stop)
            current = snapshot(self.folder)
            if current != last:
                return self._settled(current, stop)
        return None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _settled(self, current: Snapshot, stop: threading.Event) -> Snapshot | None:
        if self._fd is not None:
            while self._wait(0, stop):  # a save began while `current` was taken (a truncated file): look again
                current = snapshot(self.folder)
            if not self._writing:
                return current  # every file written was closed before `current` was taken
            while self._writing and self._wait(QUIET_SECONDS, stop) and not stop.is_set():
                pass  # a file is still being written: wait for it to be closed, or for a quiet moment
            self._writing.clear()
            return None if stop.is_set() else snapshot(self.folder)
        while not stop.wait(POLL_SECONDS):
            again = snapshot(self.folder)
            if again == current:
                return current
            current = again
        return None

    def _wait(self, timeout: float, stop: threading.Event) -> bool:
        """True when woken by an event, False after `timeout` (without inotify: after a poll interval)."""
        if self._fd is None:
            stop.wait(min(timeout, POLL_SECONDS))
            return False
        readable, _, _ = select.select([self._fd], [], [], timeout)
        if not readable:
            return False
        try:
            while data := os.read(self._fd, 65536):
                self._note(data)
        except BlockingIOError:
            pass
        self._watch_folders()  # a folder made since is watched too
        return True

    def _note(self, data: bytes) -> None:
        """Keep track of the files written and not yet closed."""
        offset = 0
        while offset + _EVENT.size <= len(data):
            watch, mask, _, length = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size:offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            if name.startswith(b"."):
                continue  # an editor's swap or backup file: never part of the course
            if mask & _CLOSE_WRITE:
                self._writing.discard((watch, name))
            elif mask & _MODIFY:
                self._writing.add((watch, name))

    def _watch_folders(self) -> None:
        for folder, dirs, _ in os.walk(self.folder):
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            _LIBC.inotify_add_watch(self._fd, os.fsencode(folder), _EVENTS | _ONLY_DIRECTORIES)


def _load_libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1.argtypes = (ctypes.c_int,)
        libc.inotify_add_watch.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32)
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _load_libc()


def _inotify_fd() -> int | None:
    if _LIBC is None:
        return None
    fd = _LIBC.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    return fd if fd >= 0 else None
