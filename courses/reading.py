"""Reading and verifying bundles: safe names, size limits, canonical zip layout, schema, checksums and
the publisher's signature."""

import hashlib
import stat
import threading
import zipfile
import zlib
from pathlib import Path

from courses.errors import BundleError
from courses.keys import PublicKey
from courses.manifest import MAX_MANIFEST_BYTES, Manifest
from courses.members import LESSONS_DIR, MANIFEST, SIGNATURE, unsafe_reason
from courses.signing import MAX_SIGNATURE_BYTES, check_signature
from courses.zipcheck import MAX_ENTRIES, check_layout, read_end_record

__all__ = ["MAX_ENTRIES", "Bundle"]

MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, per entry larger than 1 MiB
MAX_TOTAL_RATIO = 100  # uncompressed / compressed, for the whole bundle once it unpacks to over 64 MiB
TOTAL_RATIO_FLOOR = 64 * 1024 * 1024
MAX_LESSON_BYTES = 16 * 1024 * 1024  # a lesson page is read into memory whole
_CHUNK = 1024 * 1024


class Bundle:
    """An open bundle. Opening checks its structure and signature; verify() checks every checksum."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._zip = None
        try:
            self._file = self.path.open("rb")
        except OSError as error:
            raise BundleError(f"{self.path.name}: not a readable bundle ({error.strerror or error})") from None
        try:
            end = read_end_record(self._file)
            try:
                self._zip = zipfile.ZipFile(self._file)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
                raise BundleError(f"not a readable bundle ({error})") from None
            self._infos = _check_entries(self._zip)
            self._data_starts = check_layout(self._file, self._zip.infolist(), end)
            manifest_bytes = self._read_raw(MANIFEST, MAX_MANIFEST_BYTES)
            self.signer: PublicKey | None = None
            if SIGNATURE in self._infos:
                self.signer = check_signature(self._read_raw(SIGNATURE, MAX_SIGNATURE_BYTES), manifest_bytes)
            self.manifest = Manifest.from_bytes(manifest_bytes)
            _check_listing(self.manifest, self._infos)
        except BundleError as error:
            self.close()
            prefix = f"{self.path.name}: "
            if not str(error).startswith(prefix):
                error.args = (prefix + str(error),)
            raise error from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "Bundle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the underlying file (after any read in progress)."""
        with self._lock:
            if self._zip is not None:
                self._zip.close()
            self._file.close()

    @property
    def course(self):
        """The course model from the manifest."""
        return self.manifest.course

    def verify(self) -> None:
        """Check every member's size and sha256 against the manifest, reading one chunk at a time."""
        for name in sorted(self.manifest.files):
            entry = self.manifest.files[name]
            digest, size = hashlib.sha256(), 0
            for chunk in self._chunks(name, entry.size):
                digest.update(chunk)
                size += len(chunk)
            if size != entry.size or digest.hexdigest() != entry.sha256:
                raise BundleError(f"{self.path.name}: {name} has been changed since the bundle was made")

    def has(self, name: str) -> bool:
        """True when the manifest lists this member."""
        return name in self.manifest.files

    def read(self, name: str) -> bytes:
        """A member's bytes, checked against the manifest; raises BundleError if changed."""
        entry = self.manifest.files.get(name)
        if entry is None:
            raise KeyError(name)
        data = self._read_raw(name, entry.size)
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise BundleError(f"{self.path.name}: {name} has been changed since the bundle was made")
        return data

    def _read_raw(self, name: str, limit: int) -> bytes:
        """A member's bytes, refusing more than limit of them, so a lying header cannot exhaust memory."""
        return b"".join(self._chunks(name, limit))

    def _chunks(self, name: str, limit: int):
        """A member's bytes in chunks, inflated here rather than by zipfile, so that the deflate stream must
        end exactly where the entry ends (zipfile stops once it has the promised size and would never
        look at the rest); raises BundleError past limit bytes, or on damaged data or a wrong CRC."""
        info = self._infos.get(name)
        if info is None:
            raise BundleError(f"{name} is missing")
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
        position, remaining, total, crc = self._data_starts[name], info.compress_size, 0, 0
        with self._lock:
            try:
                while remaining:
                    self._file.seek(position)
                    raw = self._file.read(min(_CHUNK, remaining))
                    if not raw:
                        raise EOFError("the file ends inside this entry")
                    position, remaining = position + len(raw), remaining - len(raw)
                    while raw:
                        if inflater is None:
                            data, raw = raw, b""
                        else:
                            data, raw = inflater.decompress(raw, _CHUNK), inflater.unconsumed_tail
                        total += len(data)
                        if total > limit:
                            raise BundleError(f"{self.path.name}: {name} is larger than the manifest says")
                        crc = zlib.crc32(data, crc)
                        yield data
                if inflater is not None and (not inflater.eof or inflater.unused_data):
                    raise ValueError("the compressed data does not end where the entry ends")
            except (zlib.error, OSError, EOFError, ValueError) as error:
                raise BundleError(f"{self.path.name}: {name} cannot be read ({error})") from None
        if total != info.file_size or crc != info.CRC:
            raise BundleError(f"{self.path.name}: {name} cannot be read (its size or CRC is wrong)")


def _check_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BundleError(f"too many entries ({len(infos)}, limit {MAX_ENTRIES})")
    by_name, total, compressed = {}, 0, 0
    for info in infos:
        name = info.filename
        reason = unsafe_reason(name)
        if reason:
            raise BundleError(f"unsafe entry name {name!r}: {reason}")
        if name in by_name:
            raise BundleError(f"duplicate entry name {name!r}")
        file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip tool records none
        if info.is_dir() or file_type not in (0, stat.S_IFREG):
            raise BundleError(f"entry {name!r} is not a regular file (symlink, folder or device)")
        if info.flag_bits & 0x41:
            raise BundleError(f"entry {name!r} is encrypted")
        total += info.file_size
        compressed += info.compress_size
        if total > MAX_TOTAL_BYTES:
            raise BundleError(f"bundle unpacks to more than {MAX_TOTAL_BYTES} bytes")
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(f"entry {name!r} is compressed suspiciously well (a zip bomb?)")
        by_name[name] = info
    if total > TOTAL_RATIO_FLOOR and total > MAX_TOTAL_RATIO * max(compressed, 1):
        raise BundleError(f"the bundle is compressed suspiciously well ({total} bytes from {compressed}; "
                          "a zip bomb?)")
    if MANIFEST not in by_name:
        raise BundleError("no manifest.json: not a tramhoc bundle")
    for name, limit in ((MANIFEST, MAX_MANIFEST_BYTES), (SIGNATURE, MAX_SIGNATURE_BYTES)):
        if name in by_name and by_name[name].file_size > limit:
            raise BundleError(f"{name} is too large ({by_name[name].file_size} bytes, limit {limit})")
    return by_name


def _check_listing(manifest: Manifest, infos: dict[str, zipfile.ZipInfo]) -> None:
    present = set(infos) - {MANIFEST, SIGNATURE}
    listed = set(manifest.files)
    if present - listed:
        raise BundleError(f"files not listed in the manifest: {', '.join(sorted(present - listed))}")
    if listed - present:
        raise BundleError(f"files missing from the bundle: {', '.join(sorted(listed - present))}")
    for name, entry in manifest.files.items():
        if infos[name].file_size != entry.size:
            raise BundleError(f"{name} has been changed since the bundle was made (size differs)")
        if name.startswith(LESSONS_DIR) and entry.size > MAX_LESSON_BYTES:
            raise BundleError(f"{name} is too large for a lesson page ({entry.size} bytes, limit {MAX_LESSON_BYTES})")
