"""The results file: one export of a PC's statements, as JSON lines that can be checked before use.

    line 1        header   {"format": "tramhoc-results", "format_version": 2, "centre": …, "device_id": …,
                            "exported_at": …, "generator": …, "xapi_version": "1.0.3", "device_name": …,
                            "classes": […]}
                            (device_name, the computer's name, is optional: older files lack it)
    lines 2…n+1   one xAPI statement per line (compact UTF-8 JSON)
    last line     trailer  {"end": "tramhoc-results", "statements": n, "sha256": <hex of every byte before it>}

Version 2 added `classes`: the centre's classes with their courses, dates and enrolled learners' ids and
names (`ClassRecord`; `names` may be missing); a version 1 file (no classes) is still read.

A file cut short (a USB stick pulled out) has no valid trailer; a changed one fails the checksum.
Writing goes to a hidden temporary file that is renamed into place only when complete.

Reading trusts nothing (a results file may come from anyone): only regular files are opened (a FIFO or a
device named `*.jsonl` is refused without blocking), no line is read beyond MAX_LINE_BYTES, and no JSON
nested deeper than MAX_DEPTH is parsed.
"""

import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from player.web.errors import Problem, ProblemError
from player.web.i18n import N_

FORMAT = "tramhoc-results"
FORMAT_VERSION = 2
OLDEST_FORMAT_VERSION = 1
MAX_CLASS_TEXT = 200
HEADER_FIELDS = ("centre", "device_id", "exported_at", "generator", "xapi_version")
_CHUNK_LINES = 1000
MAX_LINE_BYTES = 1024 * 1024  # a statement is a few KB
MAX_DEPTH = 32  # xAPI statements nest about 8 levels deep
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_HEADER_START = b'{"format":"' + FORMAT.encode("ascii") + b'"'  # how every header this player writes begins


@dataclass(frozen=True)
class ClassRecord:
    """A class as an export carries it: its courses, trainer, place, first and last day (YYYY-MM-DD), the
    ids of its learners (the `account.name` of their statements' actor) and the names of those it knows
    ((learner id, name) pairs: a learner who has not started yet has no statement to be named by)."""

    id: str
    name: str
    courses: tuple[str, ...] = ()
    trainer: str = ""
    place: str = ""
    start: str = ""
    end: str = ""
    learners: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict:
        return {**asdict(self), "courses": list(self.courses), "learners": list(self.learners),
                "names": dict(self.names)}

    @classmethod
    def from_json(cls, value) -> "ClassRecord | None":
        """A class read from a file (which may come from anyone), or None when it is not one."""
        if not isinstance(value, dict) or not all(isinstance(value.get(key), str) and value[key]
                                                  for key in ("id", "name")):
            return None
        texts = {key: value[key][:MAX_CLASS_TEXT] for key in ("id", "name", "trainer", "place", "start", "end")
                 if isinstance(value.get(key), str)}
        lists = {key: tuple(item[:MAX_CLASS_TEXT] for item in value[key] if isinstance(item, str))
                 for key in ("courses", "learners") if isinstance(value.get(key), list)}
        names = value.get("names") if isinstance(value.get("names"), dict) else {}
        return cls(**texts, **lists, names=tuple((learner, names[learner][:MAX_CLASS_TEXT])
                                                 for learner in lists.get("learners", ())
                                                 if isinstance(names.get(learner), str) and names[learner]))


@dataclass(frozen=True)
class Header:
    """What an export says about itself."""

    centre: str
    device_id: str
    exported_at: str
    generator: str
    xapi_version: str
    statements: int
    device_name: str = ""
    classes: tuple[ClassRecord, ...] = ()


class ResultsFileError(ProblemError):
    """A file that is not a complete, unchanged results file; its Problem says how."""

    def __init__(self, message: str, **params):
        super().__init__(Problem(message, params))


def encode(item: dict) -> bytes:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def write(path: Path, header: dict, statements: Iterable[dict]) -> int:
    """Write a results file atomically (temporary file, fsync, rename); returns the statement count."""
    path = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    digest, count = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            first = encode({"format": FORMAT, "format_version": FORMAT_VERSION, **header})
            digest.update(first)
            out.write(first)
            chunk = []
            for statement in statements:
                chunk.append(encode(statement))
                count += 1
                if len(chunk) == _CHUNK_LINES:
                    _write_chunk(out, digest, chunk)
            _write_chunk(out, digest, chunk)
            out.write(encode({"end": FORMAT, "statements": count, "sha256": digest.hexdigest()}))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return count


def _write_chunk(out, digest, chunk: list[bytes]) -> None:
    data = b"".join(chunk)
    digest.update(data)
    out.write(data)
    chunk.clear()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (not possible on every system: Windows cannot open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_regular(path: Path):
    """Open a regular file for reading in binary; anything else (a FIFO, a device, a folder) raises
    ResultsFileError at once, without waiting for a writer."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ResultsFileError(N_("this is not a regular file (a pipe, a device or a folder)"))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _lines(data) -> Iterator[bytes]:
    """The lines of an open file, none longer than MAX_LINE_BYTES (raises ResultsFileError)."""
    number = 0
    while line := data.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise ResultsFileError(N_("line %(line)d is longer than %(limit)d KB"), line=number,
                                   limit=MAX_LINE_BYTES // 1024)
        yield line


def json_line(line: bytes):
    """A line's JSON value; ValueError when it is not JSON, or TooDeep when nested deeper than MAX_DEPTH."""
    if line.count(b"[") + line.count(b"{") > MAX_DEPTH and _depth(line) > MAX_DEPTH:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
    return json.loads(line)


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def _depth(line: bytes) -> int:
    """How deep the arrays and objects of a JSON line nest (strings left out; cheap: C-speed regexes)."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub(b"", _STRING.sub(b"", line)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def verify(path: Path) -> Header:
    """Read the whole file once and check header, trailer, count and checksum; raise ResultsFileError."""
    digest, lines, previous, first = hashlib.sha256(), 0, None, None
    with open_regular(path) as data:
        for line in _lines(data):
            if previous is not None:
                digest.update(previous)
            else:
                first = line
            previous = line
            lines += 1
    if first is None:
        raise ResultsFileError(N_("the file is empty"))
    header = _header(first)
    trailer = json_value(previous) if lines > 1 and previous.endswith(b"\n") else None
    if not isinstance(trailer, dict) or trailer.get("end") != FORMAT:
        raise ResultsFileError(N_("the file ends too early (was the USB stick removed while it was written?)"))
    if trailer.get("sha256") != digest.hexdigest():
        raise ResultsFileError(N_("the checksum does not match: the file was changed or damaged"))
    if trailer.get("statements") != lines - 2:
        raise ResultsFileError(N_("the file should hold %(expected)s statements but holds %(found)s"),
                               expected=trailer.get("statements"), found=lines - 2)
    device_name = header.get("device_name")
    classes = header.get("classes") if isinstance(header.get("classes"), list) else []
    return Header(**{name: header[name] for name in HEADER_FIELDS}, statements=lines - 2,
                  device_name=device_name if isinstance(device_name, str) else "",
                  classes=tuple(record for value in classes if (record := ClassRecord.from_json(value))))


def _header(line: bytes) -> dict:
    header = json_value(line)
    if header is None and (_HEADER_START.startswith(line) or line.startswith(_HEADER_START)):
        if not line.endswith(b"\n"):  # cut short within its first line
            raise ResultsFileError(N_("the file ends too early (was the USB stick removed while it was written?)"))
        raise ResultsFileError(N_("the file is damaged: its first line cannot be read"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ResultsFileError(N_("this is not a Trạm Học results file"))
    version = header.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or \
            not OLDEST_FORMAT_VERSION <= version <= FORMAT_VERSION:
        raise ResultsFileError(N_("results format version %(found)s is not supported (this player reads "
                                  "version %(supported)s)"), found=version,
                               supported=FORMAT_VERSION)
    missing = [name for name in HEADER_FIELDS if not isinstance(header.get(name), str)]
    if missing:
        raise ResultsFileError(N_("the header lacks %(fields)s"), fields=", ".join(missing))
    return header


def json_value(line: bytes):
    """A line's JSON value, or None when it is not JSON or nested too deep (a damaged line)."""
    try:
        return json_line(line)
    except ValueError:  # also UnicodeDecodeError and TooDeep
        return None


def statement_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw JSON) of each statement line of a verified file."""
    with open_regular(path) as data:
        lines = _lines(data)
        next(lines, None)
        previous = None
        for number, line in enumerate(lines, start=2):
            if previous is not None:
                yield number - 1, previous
            previous = line
