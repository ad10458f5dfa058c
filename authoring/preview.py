"""The live preview: a course folder built in memory and shown by the player's own pages.

A Preview owns a player of its own over a temporary data folder (deleted on close: nothing is recorded in
any real data folder), trusting a signing key made for this run only, with a preview learner who is
always signed in. Each build that succeeds is installed into that player; a build with problems keeps
the last good version installed and its problems are shown on every page (authoring.preview_web). Every
build, good or not, moves `generation` on, which reloads the open pages.
"""

import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from authoring import preview_web
from authoring.changes import FolderWatcher
from builder import GENERATOR
from builder.build import CompiledCourse, CourseBuild
from builder.problems import BuildFailed, Problem
from builder.watch import Snapshot, snapshot
from courses.keys import generate
from courses.writing import write_bundle
from player.app import create_app
from player.learners import profiles
from player.library.bundles import InstallError
from player.web.services import services

PUBLISHER = "Bản xem trước · preview"
LEARNER = "Xem trước · preview"
EDITOR_URL = "vscode://file/{path}:{line}"
STATIC_MAX_AGE = 3600
MEMORY_FOLDER = Path("/dev/shm")  # Linux's folder in memory: nothing the preview writes needs to survive
MEMORY_LIMIT = 256 * 1024 * 1024  # a course folder bigger than this (videos) is previewed from the disk
MEMORY_MARGIN = 64 * 1024 * 1024  # room kept free there beyond a bundle, its replacement and the records


@dataclass(frozen=True)
class BuildReport:
    """The outcome of the latest build."""

    generation: int
    problems: tuple[Problem, ...]  # () when it built
    course_id: str | None  # the course shown: the last one that built (None before any did)
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems


class Preview:
    """One course folder, rebuilt on demand and shown by a private player (`app`)."""

    def __init__(self, course_dir: Path, editor_url: str | None = EDITOR_URL):
        self.course_dir = Path(course_dir)
        self.editor_url = EDITOR_URL if editor_url is None else editor_url
        self.root = Path(tempfile.mkdtemp(prefix="tramhoc-preview-", dir=_memory_folder(self.course_dir)))
        self.run_id = secrets.token_hex(8)  # pages of an earlier preview run reload when they see another
        self._key = key = generate(PUBLISHER)
        # The player's own styles and scripts do not change while a course is previewed: the browser keeps
        # them, so a reload asks for the page alone.
        self.app = create_app(self.root / "data", {"SEND_FILE_MAX_AGE_DEFAULT": STATIC_MAX_AGE})
        services(self.app).trust.add(key.public)
        with self.app.app_context():
            self.learner_id = profiles.create(LEARNER, None, None)["id"]
        # No disk cache: renderings and deflated members are kept in memory, between builds, like watch.
        self._build = CourseBuild(self.course_dir)
        self._changed = threading.Condition()
        self.closed = False
        self.report = BuildReport(0, (), None, 0.0)
        preview_web.init_app(self.app, self)

    def rebuild(self) -> BuildReport:
        """Build the folder now; install the result, or keep the last good version and its problems."""
        started = time.perf_counter()
        course_id, problems = self.report.course_id, ()
        try:
            compiled = self._build.compile()
            self._install(compiled, course_id)
        except BuildFailed as failure:
            problems = tuple(failure.problems)
        except (OSError, ValueError, InstallError) as error:  # a full disk, a bundle too big to write
            problems = (Problem(self.course_dir.as_posix(), 0, f"the preview could not show this build: {error}"),)
        else:
            self._build.render_cache.commit()
            self._build.deflated.commit()
            course_id = compiled.course.id
        with self._changed:
            self.report = BuildReport(self.report.generation + 1, problems, course_id,
                                      time.perf_counter() - started)
            self._changed.notify_all()
        if not problems:
            # Opened now, while the pages start reloading, not by the first of them to ask (which waits for it).
            services(self.app).library.bundle(course_id)
        return self.report

    def _install(self, compiled: CompiledCourse, shown: str | None) -> None:
        """Put a build into the preview's player. The first one (or one whose course id changed) is
        installed like any course, through Library.admit; a later one replaces the installed file in place,
        atomically, and the library reopens it (as it does any bundle whose file changed), which saves the
        admission's reading of the whole bundle on every save. Where an open file cannot be replaced
        (Windows), admit it again."""
        library, paths = services(self.app).library, services(self.app).paths
        course = compiled.course
        if course.id == shown:
            try:
                write_bundle(paths.course_bundle(course.id), course, compiled.members, GENERATOR,
                             self._build.deflated, self._key)
                return
            except PermissionError:
                pass
        staged = self.root / compiled.bundle_name
        write_bundle(staged, course, compiled.members, GENERATOR, self._build.deflated, self._key)
        library.admit(staged, force=True)  # signed by the trusted key; force: whatever the version
        if shown not in (None, course.id):
            library.remove(shown)  # the author changed the course id

    def wait(self, since: int, timeout: float) -> int:
        """The generation, once it is past `since` or `timeout` seconds have passed."""
        with self._changed:
            self._changed.wait_for(lambda: self.report.generation > since or self.closed, timeout)
            return self.report.generation

    def run(self, stop: threading.Event, on_build: Callable[[BuildReport], None] = lambda report: None,
            watcher: FolderWatcher | None = None) -> None:
        """Build now, then after every change of the folder, until `stop` is set."""
        watcher = watcher or FolderWatcher(self.course_dir)
        try:
            last: Snapshot | None = watcher.snapshot()
            on_build(self.rebuild())
            while (last := watcher.next_change(last, stop)) is not None:
                on_build(self.rebuild())
        finally:
            watcher.close()

    def close(self) -> None:
        """Let waiting pages go and delete the temporary player and everything it recorded."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()
        shutil.rmtree(self.root, ignore_errors=True)


def _memory_folder(course_dir: Path) -> Path | None:
    """Where the preview's player goes: in memory when the system has such a folder and the course is not
    too big for it (no fsync of what is thrown away anyway), else the temporary folder (None)."""
    if not (MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK)):
        return None
    size = sum(size for _, size in snapshot(course_dir).values())
    room = shutil.disk_usage(MEMORY_FOLDER).free  # a container's may be small
    return MEMORY_FOLDER if size <= MEMORY_LIMIT and 3 * size + MEMORY_MARGIN <= room else None
