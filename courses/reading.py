"""Reading and verifying bundles: safe names, size limits, schema and checksums."""

import hashlib
import stat
import threading
import zipfile
from pathlib import Path

from courses.errors import BundleError
from courses.manifest import MAX_MANIFEST_BYTES, Manifest
from courses.members import MANIFEST, unsafe_reason

MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, per entry larger than 1 MiB
_CHUNK = 1024 * 1024


class Bundle:
    """An open bundle. Opening checks its structure; verify() checks every checksum."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile) as error:
            raise BundleError(f"{self.path.name}: not a readable bundle ({error})") from None
        self._lock = threading.Lock()
        try:
            self._infos = _check_entries(self._zip)
            self.manifest = Manifest.from_bytes(self._read_raw(MANIFEST, MAX_MANIFEST_BYTES))
            _check_listing(self.manifest, self._infos)
        except BundleError as error:
            self._zip.close()
            raise BundleError(f"{self.path.name}: {error}") from None

    def __enter__(self) -> "Bundle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the underlying file."""
        self._zip.close()

    @property
    def course(self):
        """The course model from the manifest."""
        return self.manifest.course

    def verify(self) -> None:
        """Check every member's size and sha256 against the manifest."""
        for name in sorted(self.manifest.files):
            self.read(name)

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
        """Read at most limit+1 bytes of a member, so a lying header cannot exhaust memory."""
        info = self._infos.get(name)
        if info is None:
            raise BundleError(f"{name} is missing")
        chunks, total = [], 0
        try:
            with self._lock, self._zip.open(info) as member:
                while total <= limit:
                    chunk = member.read(min(_CHUNK, limit + 1 - total))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    total += len(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise BundleError(f"{self.path.name}: {name} cannot be read ({error})") from None
        if total > limit:
            raise BundleError(f"{self.path.name}: {name} is larger than the manifest says")
        return b"".join(chunks)


def _check_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BundleError(f"too many entries ({len(infos)}, limit {MAX_ENTRIES})")
    by_name, total = {}, 0
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
        if info.flag_bits & 0x1:
            raise BundleError(f"entry {name!r} is encrypted")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleError(f"bundle unpacks to more than {MAX_TOTAL_BYTES} bytes")
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(f"entry {name!r} is compressed suspiciously well (a zip bomb?)")
        by_name[name] = info
    if MANIFEST not in by_name:
        raise BundleError("no manifest.json: not a tramhoc bundle")
    return by_name


def _check_listing(manifest: Manifest, infos: dict[str, zipfile.ZipInfo]) -> None:
    present = set(infos) - {MANIFEST}
    listed = set(manifest.files)
    if present - listed:
        raise BundleError(f"files not listed in the manifest: {', '.join(sorted(present - listed))}")
    if listed - present:
        raise BundleError(f"files missing from the bundle: {', '.join(sorted(listed - present))}")
    for name, entry in manifest.files.items():
        if infos[name].file_size != entry.size:
            raise BundleError(f"{name} has been changed since the bundle was made (size differs)")
