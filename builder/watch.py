"""Watch mode: rebuild a course each time one of its files changes, keeping caches in memory.

A trainer edits a lesson, saves, and the bundle is ready again a moment later; a save with mistakes
reports them and keeps the last good bundle. A change is built once the folder has stayed the same for
one poll, so a file caught half-written is never reported.
"""

import os
import threading
import time
from pathlib import Path
from typing import Callable

from builder.build import CourseBuild, Progress
from builder.problems import BuildFailed, Problem

POLL_SECONDS = 0.5

Snapshot = dict[str, tuple[int, int]]


def snapshot(course_dir: Path, ignore: Path | None = None) -> Snapshot:
    """Modification time and size of every file under the course folder (hidden ones skipped)."""
    seen = {}
    for folder, dirs, names in os.walk(course_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")
                   and (ignore is None or Path(folder, d).resolve() != ignore)]
        for name in names:
            if not name.startswith("."):
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except FileNotFoundError:
                    continue
                seen[path] = (info.st_mtime_ns, info.st_size)
    return seen


def watch(course_dir: Path, out_dir: Path, on_built: Callable[[Path, float], None],
          on_failed: Callable[[list[Problem]], None], stop: threading.Event,
          progress: Progress | None = None, poll_seconds: float = POLL_SECONDS) -> None:
    """Build now, then again after every change, until `stop` is set."""
    session = CourseBuild(course_dir, out_dir)
    ignore = Path(out_dir).resolve()
    last: Snapshot | None = None
    while not stop.is_set():
        current = snapshot(Path(course_dir), ignore)
        if current != last:
            last = _settled(Path(course_dir), ignore, current, stop, poll_seconds)
            started = time.perf_counter()
            try:
                path = session.build(progress)
            except BuildFailed as failure:
                on_failed(failure.problems)
            else:
                on_built(path, time.perf_counter() - started)
        stop.wait(poll_seconds)


def _settled(course_dir: Path, ignore: Path, current: Snapshot, stop: threading.Event,
             poll_seconds: float) -> Snapshot:
    """Wait until the folder stops changing: an editor may still be writing the file it just saved, and a
    half-written lesson would be reported as broken."""
    while not stop.wait(poll_seconds):
        again = snapshot(course_dir, ignore)
        if again == current:
            break
        current = again
    return current
