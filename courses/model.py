"""The course model shared by the builder and the player."""

import re
from dataclasses import dataclass

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SEMVER_PATTERN = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$")
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def is_valid_id(value: object) -> bool:
    """True for a course or lesson id: lowercase ASCII letters, digits and hyphens, at most 64."""
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def version_key(version: str) -> tuple:
    """Sort key for a semver string; a pre-release sorts before its release."""
    match = SEMVER_PATTERN.match(version)
    if match is None:
        raise ValueError(f"not a semantic version: {version!r}")
    major, minor, patch, pre = match.groups()
    pre_key = (1,) if pre is None else (0, *((0, int(p)) if p.isdigit() else (1, p) for p in pre.split(".")))
    return (int(major), int(minor), int(patch), pre_key)


@dataclass(frozen=True)
class Lesson:
    """One lesson: its stable id, title, estimated reading time and narration (an MP3 asset's path in the
    course, the member `assets/<narration>`; since format version 3)."""

    id: str
    title: str
    minutes: int | None = None
    narration: str | None = None


@dataclass(frozen=True)
class Section:
    """An ordered group of lessons; a course without sections has one untitled section."""

    title: str | None
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True)
class Course:
    """A course's metadata and its table of contents."""

    id: str
    title: str
    language: str
    version: str
    authors: tuple[str, ...]
    description: str
    sections: tuple[Section, ...]
    pretest: str | None = None  # the id of the test lesson taken before the first lesson, if any

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        """All lessons in reading order."""
        return tuple(lesson for section in self.sections for lesson in section.lessons)

    @property
    def counted_lessons(self) -> tuple[Lesson, ...]:
        """The lessons that count toward completing the course: all but the pre-test."""
        return tuple(lesson for lesson in self.lessons if lesson.id != self.pretest)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def neighbours(self, lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
        """The lessons before and after this one in reading order."""
        lessons = self.lessons
        index = next(i for i, lesson in enumerate(lessons) if lesson.id == lesson_id)
        before = lessons[index - 1] if index > 0 else None
        after = lessons[index + 1] if index + 1 < len(lessons) else None
        return before, after


@dataclass(frozen=True)
class FileEntry:
    """The pinned checksum and size of one bundle member."""

    sha256: str
    size: int
