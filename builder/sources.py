"""Reading source files: strict UTF-8, NFC text, and a listing of the course folder."""

import os
import unicodedata
from pathlib import Path

from builder.problems import Problems


def read_source(path: Path, problems: Problems) -> str | None:
    """A UTF-8 file's text in NFC with a BOM removed; None (and a problem) if it is not UTF-8."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        problems.add(path, line, "file is not UTF-8 text (save it as UTF-8 in your editor)")
        return None
    return normalise(text)


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
