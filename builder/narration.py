"""Each lesson's narration: the MP3 its front matter names (`narration: audio/01-gioi-thieu.mp3`, relative to
the lesson file), or else an MP3 beside the lesson with the same name (`01-gioi-thieu.md` → `01-gioi-thieu.mp3`).
Every one is checked before anything is written: it exists, it can be packed, and it is MPEG audio."""

import posixpath
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from builder.i18n import _
from builder.lesson_source import LessonSource
from builder.problems import Problems
from builder.sources import CourseFiles, refusal

SUFFIX = ".mp3"
_HEADER_BYTES = 4


def find_narrations(course_dir: Path, lessons: dict[str, LessonSource], listing: CourseFiles,
                    problems: Problems) -> dict[str, str]:
    """The narration of every lesson that has one: lesson source path -> the MP3's path in the course folder."""
    found = {}
    for path, lesson in lessons.items():
        if lesson.narration is not None:
            target, problem = _named(path, lesson.narration, listing)
            where, line = lesson.file, lesson.narration_line
        else:
            target = posixpath.splitext(path)[0] + SUFFIX
            if target not in listing.paths and target not in listing.refused:
                continue
            problem, where, line = _file_problem(target, listing), course_dir / target, 0
        if problem:
            problems.add(where, line, _("narration: %(problem)s") % {"problem": problem})
        else:
            found[path] = target
    return found


def check_recordings(course_dir: Path, assets: set[str], listing: CourseFiles, problems: Problems) -> None:
    """Every other MP3 a lesson plays (a section's narration, a sound) must be MPEG audio too."""
    for asset in sorted(assets):
        if asset.lower().endswith(SUFFIX) and (problem := _file_problem(asset, listing)):
            problems.add(course_dir / asset, 0, problem)


def _named(lesson_path: str, written: str, listing: CourseFiles) -> tuple[str, str | None]:
    """The course path of a narration named in front matter, and what is wrong with it (or None)."""
    if urlsplit(written).scheme or written.startswith(("/", "\\")):
        return "", (_("'%(path)s' must be a path relative to the lesson file (the course must work offline)")
                   % {"path": written})
    target = unicodedata.normalize("NFC", posixpath.normpath(posixpath.join(posixpath.dirname(lesson_path), written)))
    if target == ".." or target.startswith("../"):
        return target, _("'%(path)s' points outside the course folder") % {"path": written}
    if not target.lower().endswith(SUFFIX):
        return target, _("'%(path)s' is not an MP3 file: save the recording as .mp3") % {"path": written}
    if target not in listing.paths and target not in listing.refused:
        return target, _("no file %(file)s (from '%(path)s')") % {"file": target, "path": written}
    return target, _file_problem(target, listing)


def _file_problem(target: str, listing: CourseFiles) -> str | None:
    """Why a course file cannot be a narration: refused for packing, or not MPEG audio inside."""
    if target in listing.refused:
        return refusal(target, listing.refused[target])
    with open(listing.paths[target], "rb") as file:
        header = file.read(_HEADER_BYTES)
    if not is_mp3(header):
        return (_("%(file)s is not MP3 audio (it is another kind of file renamed .mp3): export the recording as "
                  "MP3 again") % {"file": target})
    return None


def is_mp3(header: bytes) -> bool:
    """True for the start of an MP3 file: an ID3 tag, or an MPEG audio frame header (11 sync bits, a layer)."""
    if header.startswith(b"ID3"):
        return True
    return len(header) >= 2 and header[0] == 0xFF and header[1] & 0xE0 == 0xE0 and header[1] & 0x06 != 0
