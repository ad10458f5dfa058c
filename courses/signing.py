"""Bundle signatures: a publisher's Ed25519 signature of the manifest, kept in its own member.

The manifest pins the sha256 and size of every other member, so signing its exact bytes signs the whole
course. The signed message is `CONTEXT`, the publisher's name in UTF-8, a NUL byte, then the manifest
bytes: the name cannot be changed without breaking the signature, and the key signs nothing else that
could be mistaken for a bundle. Ed25519 signatures are deterministic, so signed builds stay reproducible.
"""

import base64
import binascii
import json

from cryptography.exceptions import InvalidSignature

from courses.errors import BundleError
from courses.keys import PUBLIC_KEY_SIZE, PublicKey, SigningKey, fingerprint, publisher_problem

FORMAT = "tramhoc-signature"
FORMAT_VERSION = 1
ALGORITHM = "ed25519"
CONTEXT = b"tramhoc-bundle-signature-v1\x00"
MAX_SIGNATURE_BYTES = 64 * 1024
SIGNATURE_SIZE = 64
_FIELDS = {"format", "format_version", "algorithm", "publisher", "public_key", "fingerprint", "signature"}


def signed_message(publisher: str, manifest_bytes: bytes) -> bytes:
    """The exact bytes a publisher's key signs for a bundle."""
    return CONTEXT + publisher.encode("utf-8") + b"\x00" + manifest_bytes


def signature_member(key: SigningKey, manifest_bytes: bytes) -> bytes:
    """The signature member for a manifest: canonical UTF-8 JSON, sorted keys."""
    public = key.public
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "algorithm": ALGORITHM,
        "publisher": public.publisher,
        "public_key": base64.b64encode(public.raw).decode("ascii"),
        "fingerprint": public.fingerprint,
        "signature": base64.b64encode(key.sign(signed_message(public.publisher, manifest_bytes))).decode("ascii"),
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def check_signature(raw: bytes, manifest_bytes: bytes) -> PublicKey:
    """The key that validly signed these manifest bytes; raises BundleError for anything else.

    This says only that the holder of that key signed the manifest. Whether to trust the key is the
    player's decision (its trust store), not the bundle's.
    """
    data = _parse(raw)
    publisher = data["publisher"]
    problem = publisher_problem(publisher)
    if problem:
        raise BundleError(f"signature: {problem}")
    public_raw = _base64(data["public_key"], PUBLIC_KEY_SIZE, "public_key")
    signature = _base64(data["signature"], SIGNATURE_SIZE, "signature")
    if data["fingerprint"] != fingerprint(public_raw):
        raise BundleError("signature: the fingerprint does not belong to the public key")
    key = PublicKey(publisher, public_raw)
    try:
        key.verifier().verify(signature, signed_message(publisher, manifest_bytes))
    except (InvalidSignature, ValueError):
        raise BundleError("the signature does not match the manifest: the course was changed after it was "
                          "signed, or the signature belongs to another bundle") from None
    return key


def _parse(raw: bytes) -> dict:
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise BundleError(f"signature is too large ({len(raw)} bytes, limit {MAX_SIGNATURE_BYTES})")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BundleError(f"signature is not valid UTF-8 JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleError("signature: not a tramhoc signature")
    version = data.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise BundleError(f"unsupported signature format version {version!r}; this player reads version "
                          f"{FORMAT_VERSION} (update the player)")
    if set(data) != _FIELDS:
        raise BundleError(f"signature: expected exactly the fields {', '.join(sorted(_FIELDS))}")
    if data["algorithm"] != ALGORITHM:
        raise BundleError(f"signature: unsupported algorithm {data['algorithm']!r} (only {ALGORITHM})")
    for field in ("publisher", "public_key", "fingerprint", "signature"):
        if not isinstance(data[field], str):
            raise BundleError(f"signature.{field}: wrong type")
    return data


def _base64(text: str, size: int, field: str) -> bytes:
    try:
        value = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise BundleError(f"signature.{field}: not base64") from None
    if len(value) != size:
        raise BundleError(f"signature.{field}: {len(value)} bytes, expected {size}")
    if base64.b64encode(value).decode("ascii") != text:
        raise BundleError(f"signature.{field}: not in canonical base64")
    return value
