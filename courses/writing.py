"""Deterministic, atomic bundle writing: same inputs, byte-identical zip.

The archive is laid out exactly as `zipfile` lays it out (a test holds us to that, byte for byte), but
members are deflated ahead of writing so that a caller can keep the deflated bytes of unchanged members
between builds (`deflated`, keyed by the member's sha256) and a rebuild re-compresses only what changed.
"""

import binascii
import hashlib
import os
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
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
_PARALLEL_MIN_BYTES = 256 * 1024
_UTF8_NAME_FLAG = 0x800


def bundle_timestamp() -> tuple[int, ...]:
    """Entry timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else the zip epoch."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH))
    return time.gmtime(max(epoch, ZIP_EPOCH))[:6]


def file_entry(data: bytes) -> FileEntry:
    """The checksum and size that the manifest pins for one member."""
    return FileEntry(hashlib.sha256(data).hexdigest(), len(data))


def is_stored(name: str) -> bool:
    """Already-compressed media are stored as they are; everything else is deflated."""
    return name.lower().endswith(STORED_SUFFIXES)


def write_bundle(path: Path, course: Course, members: dict[str, bytes], generator: str,
                 deflated: MutableMapping[str, bytes] | None = None, signer: SigningKey | None = None) -> Manifest:
    """Write a bundle atomically: a temporary file in the same folder, fsync, then rename.

    `deflated` (optional) maps a member's sha256 to its deflated bytes; it is read and filled in. With a
    signer, the publisher's signature of the manifest is the second entry (courses.signing).
    """
    for name in members:
        reason = unsafe_reason(name) or (f"{name} is reserved" if name in (MANIFEST, SIGNATURE) else None)
        if reason:
            raise ValueError(f"unsafe member name {name!r}: {reason}")
    files = {name: file_entry(data) for name, data in members.items()}
    manifest = Manifest.of(course, files, generator)
    contents = {MANIFEST: manifest.to_bytes()}
    if signer is not None:
        contents[SIGNATURE] = signature_member(signer, contents[MANIFEST])
    order = [*contents, *sorted(members)]
    contents.update(members)
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in contents.items() if name not in files}
    hashes.update((name, entry.sha256) for name, entry in files.items())
    payloads = _payloads(contents, hashes, {} if deflated is None else deflated)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            _write_zip(out, [(name, contents[name], payloads[name]) for name in order], bundle_timestamp())
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return manifest


def _payloads(contents: dict[str, bytes], hashes: dict[str, str],
              deflated: MutableMapping[str, bytes]) -> dict[str, bytes]:
    """Each member's bytes as they go into the archive; deflation reuses and fills `deflated`."""
    payloads = {name: data for name, data in contents.items() if is_stored(name)}
    missing = []
    for name, data in contents.items():
        if name in payloads:
            continue
        cached = deflated.get(hashes[name])
        if cached is None:
            missing.append(name)
        else:
            payloads[name] = cached
    if missing:
        size = sum(len(contents[name]) for name in missing)
        workers = min(os.cpu_count() or 1, 4) if size >= _PARALLEL_MIN_BYTES else 1
        with ThreadPoolExecutor(workers) as pool:  # zlib releases the GIL while it compresses
            for name, raw in zip(missing, pool.map(_deflate, (contents[name] for name in missing))):
                payloads[name] = deflated[hashes[name]] = raw
    return payloads


def _deflate(data: bytes) -> bytes:
    """A raw deflate stream, as zipfile makes it at COMPRESS_LEVEL."""
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _write_zip(out, entries: list[tuple[str, bytes, bytes]], date_time: tuple[int, ...]) -> None:
    """Local headers and data, then the central directory, in zipfile's own layout (no ZIP64)."""
    infos, offset = [], 0
    for name, data, payload in entries:
        info = zipfile.ZipInfo(name, date_time=date_time)
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_STORED if is_stored(name) else zipfile.ZIP_DEFLATED
        info.CRC = binascii.crc32(data)
        info.file_size, info.compress_size = len(data), len(payload)
        info.header_offset = offset
        header = info.FileHeader(zip64=False)
        out.write(header)
        out.write(payload)
        offset += len(header) + len(payload)
        infos.append(info)
    if offset > MAX_ARCHIVE_BYTES or len(infos) > 0xFFFF:
        raise ValueError("the bundle would be larger than 4 GiB or hold more than 65,535 files")
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


def _encoded_name(info: zipfile.ZipInfo) -> tuple[bytes, int]:
    """The name as zipfile stores it: ASCII, or UTF-8 with the language-encoding flag set."""
    try:
        return info.filename.encode("ascii"), info.flag_bits
    except UnicodeEncodeError:
        return info.filename.encode("utf-8"), info.flag_bits | _UTF8_NAME_FLAG


def _dos_date_time(dt: tuple[int, ...]) -> tuple[int, int]:
    return (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2], dt[3] << 11 | dt[4] << 5 | (dt[5] // 2)
