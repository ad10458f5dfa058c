"""Helpers that make real bundle files for tests: canonical rewrites, raw zip surgery, tree snapshots.

Bundles must have exactly the zip layout `courses.writing` makes (see courses/zipcheck.py), so a test
that wants to reach a *later* check (the manifest, the listing, a checksum) rewrites a bundle with
`rewrite_bundle`, which writes entries the way the real writer does; `patch_*` change single fields of
a finished zip, like an attacker with a hex editor would.
"""

import hashlib
import stat
import struct
import zipfile
from pathlib import Path

from courses import Course, Lesson, Section, write_bundle
from courses.members import MANIFEST, asset_member, lesson_member
from courses.writing import STORED_SUFFIXES

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
REGULAR = (stat.S_IFREG | 0o644) << 16

# byte offsets of fields inside a central directory record and a local header
CENTRAL_FIELDS = {"flags": (8, "<H"), "method": (10, "<H"), "crc": (16, "<L"), "compress_size": (20, "<L"),
                  "file_size": (24, "<L"), "external_attr": (38, "<L"), "header_offset": (42, "<L")}
LOCAL_FIELDS = {"flags": (6, "<H"), "method": (8, "<H"), "crc": (14, "<L"), "compress_size": (18, "<L"),
                "file_size": (22, "<L")}
END_FIELDS = {"entries_on_disk": (8, "<H"), "entries": (10, "<H"), "directory_size": (12, "<L"),
              "directory_offset": (16, "<L")}


def add_entry(archive: zipfile.ZipFile, name: str, data: bytes, *, method: int | None = None,
              external_attr: int = REGULAR) -> None:
    """Add an entry as courses.writing does (unless told otherwise)."""
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.create_system = 3
    info.external_attr = external_attr
    if method is None:
        method = zipfile.ZIP_STORED if name.lower().endswith(STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
    info.compress_type = method
    archive.writestr(info, data)


def write_entries(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    """A zip of exactly these entries, in this order, laid out like a real bundle."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            add_entry(archive, name, data)
    return path


def read_entries(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def rewrite_bundle(path: Path, transform) -> Path:
    """Rewrite a bundle's entries through transform(name, data) -> [(name, data), …], canonically."""
    entries = [item for name, data in read_entries(path) for item in transform(name, data)]
    return write_entries(path, entries)


def relist(entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Entries with the manifest's `files` updated to match their data (an unsigned, self-consistent fake)."""
    import json

    members = dict(entries)
    manifest = json.loads(members[MANIFEST])
    manifest["files"] = {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                         for name, data in entries if name.startswith(("lessons/", "assets/"))}
    raw = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    return [(name, raw if name == MANIFEST else data) for name, data in entries]


def hand_made_bundle(path: Path, course_id: str, lessons: dict[str, str], assets: dict[str, bytes] | None = None,
                     signer=None) -> Path:
    """A bundle written straight through courses.write_bundle, bypassing the builder and its checks on
    lesson HTML (as someone making a bundle by hand could)."""
    course = Course(id=course_id, title=f"Khoá học tự làm {course_id}", language="vi", version="1.0.0",
                    authors=("Không rõ",), description="",
                    sections=(Section(None, tuple(Lesson(lesson_id, f"Bài {lesson_id}", None)
                                                  for lesson_id in lessons)),))
    members = {lesson_member(lesson_id): html.encode("utf-8") for lesson_id, html in lessons.items()}
    members |= {asset_member(name): data for name, data in (assets or {}).items()}
    write_bundle(path, course, members, "hand-made", signer)
    return path


def _end_offset(data: bytes) -> int:
    return len(data) - 22


def _central_offsets(data: bytes) -> dict[str, int]:
    """Where each entry's central directory record starts, by name."""
    end = _end_offset(data)
    count, _, start = struct.unpack_from("<HLL", data, end + 10)
    offsets, position = {}, start
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, position + 28)
        offsets[data[position + 46:position + 46 + name_length].decode()] = position
        position += 46 + name_length + extra_length + comment_length
    return offsets


def region_of(path: Path, name: str) -> tuple[int, int, int]:
    """(local header start, data start, data end) of an entry."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    name_length, extra_length = struct.unpack_from("<2H", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    return info.header_offset, start, start + info.compress_size


def central_directory_region(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    size, offset = struct.unpack_from("<LL", data, _end_offset(data) + 12)
    return offset, offset + size


def _patch(path: Path, offset: int, fmt: str, value: int) -> None:
    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    path.write_bytes(bytes(data))


def patch_central(path: Path, name: str, field: str, value: int) -> None:
    """Change one field of an entry's central directory record."""
    where, fmt = CENTRAL_FIELDS[field]
    _patch(path, _central_offsets(path.read_bytes())[name] + where, fmt, value)


def patch_local(path: Path, name: str, field: str, value: int) -> None:
    """Change one field of an entry's local header."""
    where, fmt = LOCAL_FIELDS[field]
    _patch(path, region_of(path, name)[0] + where, fmt, value)


def patch_end(path: Path, field: str, value: int) -> None:
    """Change one field of the end-of-central-directory record."""
    where, fmt = END_FIELDS[field]
    _patch(path, _end_offset(path.read_bytes()) + where, fmt, value)


def flip(path: Path, offset: int) -> None:
    """Invert every bit of one byte."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def snapshot(*roots: Path) -> dict[str, tuple[int, str]]:
    """Every file and folder under the roots (a root may be a file), with size and sha256: compare two to
    prove nothing changed."""
    found = {}
    for root in roots:
        for path in [Path(root)] if Path(root).is_file() else sorted(Path(root).rglob("*")):
            key = str(path)
            if path.is_dir():
                found[key] = (-1, "folder")
            else:
                data = path.read_bytes()
                found[key] = (len(data), hashlib.sha256(data).hexdigest())
    return found
