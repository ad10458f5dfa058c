"""Deterministic, atomic bundle writing: same inputs, byte-identical zip."""

import hashlib
import os
import tempfile
import time
import zipfile
from pathlib import Path

from courses.keys import SigningKey
from courses.manifest import Manifest
from courses.members import MANIFEST, SIGNATURE, unsafe_reason
from courses.model import Course, FileEntry
from courses.signing import signature_member

ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry
STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".mp4", ".pdf")
COMPRESS_LEVEL = 6


def bundle_timestamp() -> tuple[int, ...]:
    """Entry timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else the zip epoch."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH))
    return time.gmtime(max(epoch, ZIP_EPOCH))[:6]


def file_entry(data: bytes) -> FileEntry:
    """The checksum and size that the manifest pins for one member."""
    return FileEntry(hashlib.sha256(data).hexdigest(), len(data))


def write_bundle(path: Path, course: Course, members: dict[str, bytes], generator: str,
                 signer: SigningKey | None = None) -> Manifest:
    """Write a bundle atomically: a temporary file in the same folder, fsync, then rename.

    With a signer, the publisher's signature of the manifest is the second entry (courses.signing)."""
    for name in members:
        reason = unsafe_reason(name) or (f"{name} is reserved" if name in (MANIFEST, SIGNATURE) else None)
        if reason:
            raise ValueError(f"unsafe member name {name!r}: {reason}")
    manifest = Manifest(course=course, files={name: file_entry(data) for name, data in members.items()},
                        generator=generator)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    date_time = bundle_timestamp()
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w") as bundle:
            manifest_bytes = manifest.to_bytes()
            _add(bundle, MANIFEST, manifest_bytes, date_time)
            if signer is not None:
                _add(bundle, SIGNATURE, signature_member(signer, manifest_bytes), date_time)
            for name in sorted(members):
                _add(bundle, name, members[name], date_time)
            bundle.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return manifest


def _add(bundle: zipfile.ZipFile, name: str, data: bytes, date_time: tuple[int, ...]) -> None:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    stored = name.lower().endswith(STORED_SUFFIXES)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    bundle.writestr(info, data, compresslevel=None if stored else COMPRESS_LEVEL)
