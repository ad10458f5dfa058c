"""Source files remembered between builds in one process (watch mode), keyed by their file status.

A file whose modification time is within the last two seconds is never remembered: file systems such as
FAT on a USB stick keep times to two seconds, so a second save in that window could look unchanged.
"""

import os
import time
from pathlib import Path

from builder.lesson_source import LessonSource, load_lesson
from builder.problems import Problems

SETTLE_NS = 2_000_000_000


class SourceMemo:
    """Lessons from earlier builds, reused while the file is unchanged."""

    def __init__(self):
        self._lessons: dict[Path, tuple[tuple, LessonSource]] = {}

    def lesson(self, course_dir: Path, relative: str, file: Path, problems: Problems) -> LessonSource | None:
        """load_lesson(), or the lesson loaded from the same unchanged file before."""
        status = _status(file)
        remembered = self._lessons.get(file)
        if remembered and remembered[0] == status:
            return remembered[1]
        lesson = load_lesson(course_dir, relative, file, problems)
        if lesson is not None and _settled(status):
            self._lessons[file] = (status, lesson)
        return lesson


def _status(file: Path) -> tuple:
    info = os.stat(file)
    return info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns


def _settled(status: tuple) -> bool:
    return time.time_ns() - status[0] > SETTLE_NS and time.time_ns() - status[3] > SETTLE_NS
