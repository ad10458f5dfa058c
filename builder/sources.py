"""Reading source files: strict UTF-8, NFC text, and a listing of the course folder."""

import os
import unicodedata
from pathlib import Path

from builder.problems import Problems


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
        problems.add(path, error.line, "file is not UTF-8 text (save it as UTF-8 in your editor)")
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


def list_course_files(course_dir: Path) -> dict[str, Path]:
    """Every file under the course folder by its NFC POSIX relative path; hidden ones skipped."""
    files = {}
    for folder, dirs, names in os.walk(course_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = os.path.relpath(folder, course_dir).replace(os.sep, "/") + "/"
        if prefix == "./":
            prefix = ""
        for name in names:
            if not name.startswith("."):
                files[unicodedata.normalize("NFC", prefix + name)] = Path(folder, name)
    return files
