"""Deterministic, atomic bundle writing: same inputs, byte-identical zip.

The archive is laid out exactly as `zipfile` lays it out (a test holds us to that, byte for byte), but
members are deflated ahead of writing so that a caller can keep the deflated bytes of unchanged members
between builds (`deflated`, keyed by the member's sha256) and a rebuild re-compresses only what changed.

A member's data is its bytes or the path of a file. Files are read in chunks, twice: once for the
manifest's checksums, once while they are written, so memory does not grow with a file's size. A small
file to deflate is read whole instead, so that its deflated bytes can be kept; a larger one is deflated
as it is written, at every build.
"""

import binascii
import hashlib
import os
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from courses.keys import SigningKey
from courses.manifest import Manifest
from courses.members import MANIFEST, SIGNATURE, unsafe_reason
from courses.model import Course, FileEntry
from courses.signing import signature_member

ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".mp4", ".pdf")
COMPRESS_LEVEL = 6
MAX_ARCHIVE_BYTES = 0xFFFFFFFF  # no ZIP64: readers refuse bundles near this size anyway
CHUNK_BYTES = 1024 * 1024
STREAM_MIN_BYTES = 4 * 1024 * 1024  # a file to deflate at least this big is deflated as it is written
_PARALLEL_MIN_BYTES = 256 * 1024
_UTF8_NAME_FLAG = 0x800
_TOO_BIG = "the bundle would be larger than 4 GiB or hold more than 65,535 files"


@dataclass(frozen=True)
class _Member:
    """One entry: its bytes, or the file streamed into the archive (`data` None), and its checks."""

    name: str
    sha256: str
    crc: int
    size: int
    data: bytes | None = None
    file: Path | None = None


class FileChanged(ValueError):
    """A member's file changed (or went) between its checksums and its copy into the bundle, or before;
    `path` is that file."""

    def __init__(self, path: Path):
        super().__init__(f"{path} changed while the bundle was being written: build again")
        self.path = path


def bundle_timestamp() -> tuple[int, ...]:
    """Entry timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else the zip epoch."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH))
    return time.gmtime(max(epoch, ZIP_EPOCH))[:6]


def is_stored(name: str) -> bool:
    """Already-compressed media are stored as they are; everything else is deflated."""
    return name.lower().endswith(STORED_SUFFIXES)


def write_bundle(path: Path, course: Course, members: Mapping[str, bytes | Path], generator: str,
                 deflated: MutableMapping[str, bytes] | None = None, signer: SigningKey | None = None) -> Manifest:
    """Write a bundle atomically: a temporary file in the same folder, fsync, then rename.

    Each member is bytes or a file's path (read in chunks). `deflated` (optional) maps a member's sha256
    to its deflated bytes; it is read and filled in. With a signer, the publisher's signature of the
    manifest is the second entry (courses.signing). Raises FileChanged when a file changes while it is
    being written, ValueError when the bundle would be too big for a zip without ZIP64.
    """
    for name in members:
        reason = unsafe_reason(name) or (f"{name} is reserved" if name in (MANIFEST, SIGNATURE) else None)
        if reason:
            raise ValueError(f"unsafe member name {name!r}: {reason}")
    files = {name: _member(name, members[name]) for name in sorted(members)}
    manifest = Manifest.of(course, {name: FileEntry(m.sha256, m.size) for name, m in files.items()}, generator)
    entries = [_member(MANIFEST, manifest.to_bytes())]
    if signer is not None:
        entries.append(_member(SIGNATURE, signature_member(signer, entries[0].data)))
    entries.extend(files.values())
    if sum(m.size for m in entries if is_stored(m.name)) > MAX_ARCHIVE_BYTES or len(entries) > 0xFFFF:
        raise ValueError(_TOO_BIG)
    payloads = _payloads(entries, {} if deflated is None else deflated)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            _write_zip(out, entries, payloads, bundle_timestamp())
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return manifest


def _member(name: str, data: bytes | Path) -> _Member:
    """An entry with its checksums; a file is read whole only when it is small and to be deflated."""
    if isinstance(data, Path):
        if is_stored(name) or data.stat().st_size >= STREAM_MIN_BYTES:
            digest, crc, size = hashlib.sha256(), 0, 0
            for chunk in _chunks(data):
                digest.update(chunk)
                crc, size = binascii.crc32(chunk, crc), size + len(chunk)
            return _Member(name, digest.hexdigest(), crc, size, file=data)
        data = data.read_bytes()
    return _Member(name, hashlib.sha256(data).hexdigest(), binascii.crc32(data), len(data), data)


def _chunks(file: Path):
    try:
        source = open(file, "rb")
    except FileNotFoundError:  # removed since the caller listed it
        raise FileChanged(file) from None
    with source:
        while chunk := source.read(CHUNK_BYTES):
            yield chunk


def _payloads(entries: list[_Member], deflated: MutableMapping[str, bytes]) -> dict[str, bytes]:
    """The bytes that go into the archive for each entry held in memory; deflation reuses and fills
    `deflated`. Streamed entries have none."""
    held = [member for member in entries if member.data is not None]
    payloads = {member.name: member.data for member in held if is_stored(member.name)}
    missing = []
    for member in held:
        if member.name in payloads:
            continue
        cached = deflated.get(member.sha256)
        if cached is None:
            missing.append(member)
        else:
            payloads[member.name] = cached
    if missing:
        size = sum(member.size for member in missing)
        workers = min(os.cpu_count() or 1, 4) if size >= _PARALLEL_MIN_BYTES else 1
        with ThreadPoolExecutor(workers) as pool:  # zlib releases the GIL while it compresses
            for member, raw in zip(missing, pool.map(_deflate, (member.data for member in missing))):
                payloads[member.name] = deflated[member.sha256] = raw
    return payloads


def _deflate(data: bytes) -> bytes:
    """A raw deflate stream, as zipfile makes it at COMPRESS_LEVEL."""
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _write_zip(out, entries: list[_Member], payloads: dict[str, bytes], date_time: tuple[int, ...]) -> None:
    """Local headers and data, then the central directory, in zipfile's own layout (no ZIP64)."""
    infos, offset = [], 0
    for member in entries:
        info = zipfile.ZipInfo(member.name, date_time=date_time)
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_STORED if is_stored(member.name) else zipfile.ZIP_DEFLATED
        info.CRC, info.file_size, info.header_offset = member.crc, member.size, offset
        payload = payloads.get(member.name)
        info.compress_size = member.size if payload is None else len(payload)  # a streamed one's, if stored
        header = info.FileHeader(zip64=False)
        out.write(header)
        if payload is not None:
            out.write(payload)
        elif (written := _stream(out, member)) != info.compress_size:  # deflated as it was written
            info.compress_size = written
            out.seek(offset)
            out.write(info.FileHeader(zip64=False))
            out.seek(0, os.SEEK_END)
        offset += len(header) + info.compress_size
        if offset > MAX_ARCHIVE_BYTES:
            raise ValueError(_TOO_BIG)
        infos.append(info)
    directory_offset = offset
    for info in infos:
        filename, flag_bits = _encoded_name(info)
        dos_date, dos_time = _dos_date_time(info.date_time)
        record = struct.pack(
            zipfile.structCentralDir, zipfile.stringCentralDir, info.create_version, info.create_system,
            info.extract_version, info.reserved, flag_bits, info.compress_type, dos_time, dos_date,
            info.CRC, info.compress_size, info.file_size, len(filename), 0, 0, 0, info.internal_attr,
            info.external_attr, info.header_offset)
        out.write(record)
        out.write(filename)
        offset += len(record) + len(filename)
    out.write(struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(infos), len(infos),
                          offset - directory_offset, directory_offset, 0))


def _stream(out, member: _Member) -> int:
    """Copy (or deflate) a file into the archive in chunks; returns the bytes written. Raises FileChanged
    if the file is not what it was when its checksums were taken."""
    compressor = None if is_stored(member.name) else zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    crc, size, written = 0, 0, 0
    for chunk in _chunks(member.file):
        crc, size = binascii.crc32(chunk, crc), size + len(chunk)
        if compressor is not None:
            chunk = compressor.compress(chunk)
        out.write(chunk)
        written += len(chunk)
    if compressor is not None:
        tail = compressor.flush()
        out.write(tail)
        written += len(tail)
    if (crc, size) != (member.crc, member.size):
        raise FileChanged(member.file)
    return written


def _encoded_name(info: zipfile.ZipInfo) -> tuple[bytes, int]:
    """The name as zipfile stores it: ASCII, or UTF-8 with the language-encoding flag set."""
    try:
        return info.filename.encode("ascii"), info.flag_bits
    except UnicodeEncodeError:
        return info.filename.encode("utf-8"), info.flag_bits | _UTF8_NAME_FLAG


def _dos_date_time(dt: tuple[int, ...]) -> tuple[int, int]:
    return (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2], dt[3] << 11 | dt[4] << 5 | (dt[5] // 2)
