"""Publisher keys: Ed25519 key pairs, their fingerprints, and the key files the builder and player share.

A key file is UTF-8 text: a title line, `Publisher: NAME`, `Fingerprint: …`, then a PEM block (PKCS#8 for a
private key, encrypted when it has a passphrase; SubjectPublicKeyInfo for a public key). The lines above
the PEM block are for people; the fingerprint line is checked against the key when the file is read.
"""

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from courses.errors import KeyFileError
from courses.messages import N_, Message
from courses.text import text_problem

PUBLIC_KEY_SIZE = 32
MAX_PUBLISHER_LENGTH = 120
MAX_KEY_FILE_BYTES = 16 * 1024
PRIVATE_SUFFIX, PUBLIC_SUFFIX = ".key", ".pub"
PRIVATE_TITLE = "Trạm Học publisher signing key. SECRET: never share it, keep an offline backup."
PUBLIC_TITLE = "Trạm Học publisher key (public): give it to the learning centres that should trust this publisher."
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def publisher_problem(name: str) -> Message | None:
    """Why a publisher name cannot be used, or None (names are NFC, 1-120 characters, one line, with no
    control, bidirectional or invisible characters: see courses.text)."""
    if not isinstance(name, str) or not name.strip():
        return Message(N_("the publisher name is empty"))
    if name != unicodedata.normalize("NFC", name.strip()):
        return Message(N_("the publisher name has leading or trailing spaces, or is not in Unicode NFC"))
    if len(name) > MAX_PUBLISHER_LENGTH:
        return Message(N_("the publisher name is longer than %(limit)s characters"), limit=MAX_PUBLISHER_LENGTH)
    problem = text_problem(name)
    return Message(N_("the publisher name %(problem)s"), problem=problem) if problem else None


def clean_publisher(name: str) -> str:
    """A publisher name as typed, trimmed and in NFC."""
    return unicodedata.normalize("NFC", name.strip())


def fingerprint(raw_public_key: bytes) -> str:
    """A key's fingerprint: the sha256 of its 32 raw bytes, in lowercase hex."""
    return hashlib.sha256(raw_public_key).hexdigest()


def format_fingerprint(value: str) -> str:
    """A fingerprint for people: uppercase, in groups of four (`3F2A 9C01 …`)."""
    upper = value.upper()
    return " ".join(upper[index:index + 4] for index in range(0, len(upper), 4))


def parse_fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, spaces or colons) in canonical form; may be a prefix."""
    value = re.sub(r"[\s:]", "", text).lower()
    if not value or any(c not in "0123456789abcdef" for c in value) or len(value) > 64:
        raise ValueError(f"not a key fingerprint: {text!r}")
    return value


@dataclass(frozen=True)
class PublicKey:
    """A publisher's public key and the name it was published under."""

    publisher: str
    raw: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)


@dataclass(frozen=True)
class SigningKey:
    """A publisher's private key, with the name its signatures carry."""

    publisher: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        raw = self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKey(self.publisher, raw)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def generate(publisher: str) -> SigningKey:
    """A new key pair for a publisher."""
    publisher = clean_publisher(publisher)
    problem = publisher_problem(publisher)
    if problem:
        raise ValueError(problem)
    return SigningKey(publisher, Ed25519PrivateKey.generate())


def write_key_pair(key: SigningKey, folder: Path, passphrase: bytes | None) -> tuple[Path, Path]:
    """Write FOLDER/publisher-<fp>.key (owner-only, encrypted PKCS#8 with a passphrase) and .pub."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"publisher-{key.public.fingerprint[:8]}"
    private_path, public_path = stem.with_suffix(PRIVATE_SUFFIX), stem.with_suffix(PUBLIC_SUFFIX)
    for path in (private_path, public_path):
        if path.exists():
            raise FileExistsError(Message(N_("%(path)s already exists; nothing was written"), path=path))
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    private_pem = key.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    public_pem = key.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    _write_new(private_path, _key_text(PRIVATE_TITLE, key.public, private_pem), 0o600)
    _write_new(public_path, _key_text(PUBLIC_TITLE, key.public, public_pem), 0o644)
    return private_path, public_path


def readable_by_others(path: Path) -> bool:
    """True when a key file's permissions let other users (its group, or anyone) read it. POSIX only:
    Windows keeps access in ACLs, which these bits do not show, so there it is always False."""
    if os.name != "posix":
        return False
    try:
        return bool(os.stat(path).st_mode & 0o044)
    except OSError:
        return False


def private_key_is_encrypted(path: Path) -> bool:
    """True when a private key file needs a passphrase."""
    return b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in _read(Path(path))


def load_signing_key(path: Path, passphrase: bytes | None) -> SigningKey:
    """Read a private key file; raises KeyFileError (wrong passphrase, not a key file, …)."""
    path = Path(path)
    publisher, fingerprint_line, pem = _parse(path, b"PRIVATE KEY")
    try:
        private = serialization.load_pem_private_key(pem, passphrase or None)
    except TypeError:
        raise KeyFileError(Message(N_("%(path)s: this key is protected by a passphrase; give the passphrase"),
                                   path=path)) from None
    except (ValueError, UnsupportedAlgorithm):
        reason = (N_("%(path)s: wrong passphrase, or a damaged key") if passphrase
                  else N_("%(path)s: not a readable private key"))
        raise KeyFileError(Message(reason, path=path)) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyFileError(Message(N_("%(path)s: not an Ed25519 key"), path=path))
    key = SigningKey(publisher, private)
    _check_fingerprint_line(path, fingerprint_line, key.public)
    return key


def load_public_key(path: Path) -> PublicKey:
    """Read a public key file; raises KeyFileError."""
    path = Path(path)
    if b"PRIVATE KEY-----" in _read(path):
        raise KeyFileError(Message(N_("%(path)s: this is a private key; give the public key file (%(suffix)s) "
                                      "instead, and keep the private key secret"), path=path, suffix=PUBLIC_SUFFIX))
    publisher, fingerprint_line, pem = _parse(path, b"PUBLIC KEY")
    try:
        public = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(Message(N_("%(path)s: not a readable public key"), path=path)) from None
    if not isinstance(public, Ed25519PublicKey):
        raise KeyFileError(Message(N_("%(path)s: not an Ed25519 key"), path=path))
    key = PublicKey(publisher, public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    _check_fingerprint_line(path, fingerprint_line, key)
    return key


def _key_text(title: str, public: PublicKey, pem: bytes) -> bytes:
    header = f"{title}\nPublisher: {public.publisher}\nFingerprint: {format_fingerprint(public.fingerprint)}\n"
    return header.encode("utf-8") + pem


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as source:
            data = source.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as error:
        raise KeyFileError(Message(N_("%(path)s: cannot read the key file (%(reason)s)"), path=path,
                                   reason=error.strerror or str(error))) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileError(Message(N_("%(path)s: too large for a key file"), path=path))
    return data


def _parse(path: Path, kind: bytes) -> tuple[str, str, bytes]:
    """(publisher, fingerprint line, PEM block) of a key file."""
    data = _read(path)
    start = data.find(b"-----BEGIN ")
    if start < 0 or kind not in data[start:start + 40]:
        raise KeyFileError(Message(N_("%(path)s: not a Trạm Học key file"), path=path))
    try:
        header = data[:start].decode("utf-8")
    except UnicodeDecodeError:
        raise KeyFileError(Message(N_("%(path)s: not a Trạm Học key file (not UTF-8 text)"), path=path)) from None
    fields = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
    publisher = clean_publisher(fields.get("Publisher", ""))
    problem = publisher_problem(publisher)
    if problem:
        raise KeyFileError(Message(N_("%(path)s: %(problem)s (the `Publisher:` line)"), path=path, problem=problem))
    return publisher, fields.get("Fingerprint", ""), data[start:]


def _check_fingerprint_line(path: Path, line: str, key: PublicKey) -> None:
    try:
        written = parse_fingerprint(line)
    except ValueError:
        raise KeyFileError(Message(N_("%(path)s: no readable `Fingerprint:` line"), path=path)) from None
    if written != key.fingerprint:
        raise KeyFileError(Message(N_("%(path)s: the `Fingerprint:` line does not match the key (the file was "
                                      "edited)"), path=path))


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write a new file atomically (temporary file, fsync, rename) with the given permissions."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
