"""The zip layout a bundle must have: exactly what courses.writing makes, checked below zipfile's level.

Python's zipfile trusts the central directory: it ignores most of each entry's local header, accepts data
hidden between entries, entries that overlap (the "better zip bomb"), comments, data appended after the
end record and a central directory whose entry count disagrees with its end record. Other zip tools
may read the same file differently. A bundle is therefore refused unless its layout is the canonical
one: entries back to back from offset 0, each local header agreeing field by field with its central
directory record, no data descriptors, no extra fields but zip64 sizes, no comments, the central
directory right after the last entry and the end record at the very end. Any changed byte of the zip's
structure is then an error, and what the checksums cover is all there is.
"""

import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from courses.errors import BundleError

MAX_ENTRIES = 20_000
MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024
REGULAR_FILE_ATTRIBUTES = 0o100644 << 16  # Unix regular file, rw-r--r--, as courses.writing sets
UNIX = 3
ZIP_VERSIONS = (20, 45)  # deflate; zip64
UTF8_FLAG = 0x800
DATA_DESCRIPTOR_FLAG = 0x8
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}

_END = struct.Struct("<4s4H2LH")
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_ZIP64_EXTRA = 0x0001


@dataclass(frozen=True)
class EndRecord:
    """What the end of the zip says about its central directory."""

    entries: int
    directory_offset: int
    directory_size: int


def read_end_record(file: BinaryIO) -> EndRecord:
    """Check the end record (before zipfile parses anything): at the very end, one disk, within limits."""
    size = file.seek(0, 2)
    if size < _END.size:
        raise BundleError("not a readable bundle (not a zip file)")
    file.seek(size - _END.size)
    signature, disk, directory_disk, disk_entries, entries, directory_size, directory_offset, comment = \
        _END.unpack(file.read(_END.size))
    if signature != b"PK\x05\x06" or comment:
        raise BundleError("not a readable bundle (not a zip file, or something was added after its end)")
    if disk or directory_disk or disk_entries != entries:
        raise BundleError("split (multi-disk) zip files are not bundles")
    end = size - _END.size
    locator_at = end - _END64_LOCATOR.size
    if locator_at >= _END64.size:
        file.seek(locator_at)
        locator = _END64_LOCATOR.unpack(file.read(_END64_LOCATOR.size))
        if locator[0] == b"PK\x06\x07":
            end, entries, directory_size, directory_offset = _read_end64(file, locator, locator_at)
    if entries > MAX_ENTRIES:
        raise BundleError(f"too many entries ({entries}, limit {MAX_ENTRIES})")
    if directory_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise BundleError(f"the zip's central directory is too large ({directory_size} bytes, "
                          f"limit {MAX_CENTRAL_DIRECTORY_BYTES})")
    if directory_offset + directory_size != end:
        raise BundleError("the zip's central directory is not where its end record says "
                          "(data hidden in the file, or a damaged file)")
    return EndRecord(entries, directory_offset, directory_size)


def _read_end64(file: BinaryIO, locator: tuple, locator_at: int) -> tuple[int, int, int, int]:
    _, disk, offset, disks = locator
    if disk or disks != 1 or offset != locator_at - _END64.size:
        raise BundleError("the zip64 end record is not where its locator says")
    file.seek(offset)
    (signature, record_size, _, _, disk, directory_disk, disk_entries, entries, directory_size,
     directory_offset) = _END64.unpack(file.read(_END64.size))
    if signature != b"PK\x06\x06" or record_size != _END64.size - 12 or disk or directory_disk \
            or disk_entries != entries:
        raise BundleError("the zip64 end record is damaged")
    return offset, entries, directory_size, directory_offset


def check_layout(file: BinaryIO, infos: list[zipfile.ZipInfo], end: EndRecord) -> dict[str, int]:
    """Check every entry, field by field, against the canonical layout; raises BundleError naming the
    first difference. `infos` is zipfile's reading of the same central directory, which must agree.
    Returns where each entry's data starts."""
    if len(infos) != end.entries:
        raise BundleError(f"the zip's central directory lists {len(infos)} entries, its end record "
                          f"{end.entries}")
    file.seek(end.directory_offset)
    directory = file.read(end.directory_size)
    position = offset = 0
    data_starts = {}
    for info in infos:
        record, position = _central_record(directory, position, info.filename)
        if record.header_offset != offset or info.header_offset != offset:
            raise BundleError(f"entry {info.filename!r} does not start where the previous entry ends "
                              "(hidden data or overlapping entries)")
        if record.name != _name_bytes(info) or (record.file_size, record.compress_size) != \
                (info.file_size, info.compress_size):
            raise BundleError(f"entry {info.filename!r}: the central directory is ambiguous")
        data_starts[info.filename] = _check_local_header(file, record, info.filename)
        offset = data_starts[info.filename] + record.compress_size
        if offset > end.directory_offset:
            raise BundleError(f"entry {info.filename!r} runs into the central directory")
    if position != len(directory):
        raise BundleError("the zip's central directory has data after its last entry")
    if offset != end.directory_offset:
        raise BundleError("there is data between the last entry and the central directory")
    return data_starts


@dataclass(frozen=True)
class _Record:
    """The fields of a central directory record that its local header must repeat."""

    version: int
    flags: int
    method: int
    time: int
    date: int
    crc: int
    compress_size: int
    file_size: int
    header_offset: int
    name: bytes


def _central_record(directory: bytes, position: int, name: str) -> tuple[_Record, int]:
    """Parse and check one central directory record; returns it and where the next one starts."""
    if position + _CENTRAL.size > len(directory):
        raise BundleError("the zip's central directory is truncated")
    (signature, create_version, create_system, version, reserved, flags, method, time, date, crc, compress_size,
     file_size, name_length, extra_length, comment_length, disk, internal, external,
     header_offset) = _CENTRAL.unpack_from(directory, position)
    start = position + _CENTRAL.size
    raw_name = directory[start:start + name_length]
    extra = directory[start + name_length:start + name_length + extra_length]
    if signature != b"PK\x01\x02":
        raise BundleError("the zip's central directory is damaged")
    if method not in METHODS:
        raise BundleError(f"entry {name!r} uses compression method {method}; bundles use only "
                          f"{' or '.join(METHODS.values())}")
    if flags & DATA_DESCRIPTOR_FLAG:
        raise BundleError(f"entry {name!r} has a data descriptor (sizes after the data); bundles never do")
    if flags & ~UTF8_FLAG:
        raise BundleError(f"entry {name!r} has unexpected zip flags 0x{flags:04x}")
    file_size, compress_size, header_offset = _zip64_values(extra, [file_size, compress_size, header_offset], name)
    if (create_system, create_version, reserved, comment_length, disk, internal, external) != \
            (UNIX, version, 0, 0, 0, 0, REGULAR_FILE_ATTRIBUTES) or version not in ZIP_VERSIONS:
        raise BundleError(f"entry {name!r}: its zip attributes differ from those of a tramhoc bundle "
                          "(made or changed by another tool)")
    if method == zipfile.ZIP_STORED and compress_size != file_size:
        raise BundleError(f"stored entry {name!r} has two different sizes")
    record = _Record(version, flags, method, time, date, crc, compress_size, file_size, header_offset, raw_name)
    return record, start + name_length + extra_length + comment_length


def _check_local_header(file: BinaryIO, record: _Record, name: str) -> int:
    """Compare an entry's local header with its central record; returns where the entry's data starts."""
    file.seek(record.header_offset)
    header = file.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise BundleError(f"entry {name!r} has no local header where the central directory says")
    (_, version, reserved, flags, method, time, date, crc, compress_size, file_size, name_length,
     extra_length) = _LOCAL.unpack(header)
    raw_name = file.read(name_length)
    extra = file.read(extra_length)
    if len(extra) != extra_length:
        raise BundleError(f"entry {name!r} is cut off")
    # zipfile writes zip64 sizes into a local header only when the entry itself is large
    file_size, compress_size = _zip64_values(extra, [file_size, compress_size], name)
    local = (reserved, flags, method, time, date, crc, compress_size, file_size, raw_name)
    central = (0, record.flags, record.method, record.time, record.date, record.crc, record.compress_size,
               record.file_size, record.name)
    # the central record says zip64 (version 45) also when only the entry's offset needs it
    if local != central or version not in ZIP_VERSIONS or version > record.version:
        raise BundleError(f"entry {name!r}: its local header disagrees with the central directory")
    return record.header_offset + _LOCAL.size + name_length + extra_length


def _zip64_values(extra: bytes, values: list[int], name: str) -> list[int]:
    """Replace each 0xFFFFFFFF value by the next one from a zip64 extra field, which must hold exactly those."""
    wanted = sum(value == 0xFFFFFFFF for value in values)
    if not wanted and not extra:
        return values
    if len(extra) != 4 + 8 * wanted or struct.unpack_from("<2H", extra) != (_ZIP64_EXTRA, 8 * wanted):
        raise BundleError(f"entry {name!r} has unexpected extra fields")
    found = iter(struct.unpack_from(f"<{wanted}Q", extra, 4))
    return [next(found) if value == 0xFFFFFFFF else value for value in values]


def _name_bytes(info: zipfile.ZipInfo) -> bytes:
    return info.orig_filename.encode("utf-8" if info.flag_bits & UTF8_FLAG else "cp437")
