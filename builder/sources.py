"""Reading source files: strict UTF-8, NFC text, and a listing of the course folder."""

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from builder.i18n import N_, _, translate
from builder.problems import Problems
from courses.messages import Message

MB = 1024 * 1024
MAX_FILE_MB = 500  # per file; a bundle holds at most courses.reading.MAX_TOTAL_BYTES in all


class SourceEncodingError(ValueError):
    """A source file that is not UTF-8; `line` is where the first undecodable byte is."""

    def __init__(self, line: int):
        super().__init__(f"line {line}: not UTF-8")
        self.line = line


def read_source(path: Path, problems: Problems) -> str | None:
    """A UTF-8 file's text in NFC with a BOM removed; None (and a problem) if it is not UTF-8."""
    try:
        return decode_source(path.read_bytes())
    except SourceEncodingError as error:
        problems.add(path, error.line, _("file is not UTF-8 text (save it as UTF-8 in your editor)"))
        return None


def decode_source(data: bytes) -> str:
    """UTF-8 bytes (a BOM allowed) as NFC text with Unix line endings; raises SourceEncodingError."""
    try:
        return normalise(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise SourceEncodingError(data[:error.start].count(b"\n") + 1) from None


def normalise(text: str) -> str:
    """Unicode NFC with Unix line endings: one form for every piece of text we store."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class CourseFiles:
    """The files of a course folder by NFC POSIX relative path: those that may be used, and those that
    may not (with the reason, reported where a lesson refers to one: see `refusal`)."""

    paths: dict[str, Path]
    refused: dict[str, Message]


def list_course_files(course_dir: Path) -> CourseFiles:
    """Every file under the course folder (hidden ones skipped); links that lead outside the folder,
    anything but a regular file and files over MAX_FILE_MB are refused, never read."""
    root = os.path.realpath(course_dir)
    paths, refused = {}, {}
    for folder, dirs, names in os.walk(course_dir):  # links to folders are never followed
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = os.path.relpath(folder, course_dir).replace(os.sep, "/") + "/"
        if prefix == "./":
            prefix = ""
        for name in names:
            if not name.startswith("."):
                relative, path = unicodedata.normalize("NFC", prefix + name), Path(folder, name)
                problem = file_problem(path, root)
                if problem:
                    refused[relative] = problem
                else:
                    paths[relative] = path
    return CourseFiles(paths, refused)


def file_problem(path: Path, root: str) -> Message | None:
    """Why a file of the course folder (whose real path is `root`) cannot go into a bundle, or None; in English,
    translated where it is reported (the folder may be listed before the language is chosen)."""
    try:
        if path.is_symlink() and os.path.commonpath([root, os.path.realpath(path)]) != root:
            return Message(N_("links to a file outside the course folder (only files inside it are packed)"))
        info = path.stat()
    except (OSError, ValueError) as error:  # ValueError: another drive (Windows)
        return Message(N_("cannot be read (%(reason)s)"), reason=getattr(error, "strerror", None) or str(error))
    if not stat.S_ISREG(info.st_mode):
        return Message(N_("is not a regular file (a pipe or a device)"))
    if info.st_size > MAX_FILE_MB * MB:
        return Message(N_("is larger than %(limit)s MB (%(size)s MB): make it smaller or split it"),
                       limit=MAX_FILE_MB, size=-(-info.st_size // MB))
    return None


def refusal(path: str, reason: Message) -> str:
    """'<path> <why it cannot be packed>', in the chosen language."""
    return f"{path} {translate(reason)}"
