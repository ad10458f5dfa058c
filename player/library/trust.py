"""The trust store: the publisher keys this player accepts, kept in one JSON file in the data folder.

Plain functions and a small class with no Flask in them, so the command line and an admin page can both
manage it. Whether a course is "verified" is decided when it is shown, from the key that signed its
bundle and this store: removing a publisher makes its courses unverified at once.
"""

import base64
import binascii
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from courses.keys import (
    MAX_PUBLISHER_LENGTH,
    PUBLIC_KEY_SIZE,
    PublicKey,
    clean_publisher,
    fingerprint,
    parse_fingerprint,
    publisher_problem,
)
from player.search.folding import alphabetical
from player.store.atomic import write_atomic
from player.web.errors import Problem, ProblemError
from player.web.i18n import N_

FORMAT = "tramhoc-trust-store"
FORMAT_VERSION = 1
MIN_FINGERPRINT_PREFIX = 8


class TrustError(ProblemError):
    """The trust store cannot do what was asked; its Problem says why, for the person managing it."""


@dataclass(frozen=True)
class TrustedPublisher:
    """A publisher key this player trusts, under the name the centre knows it by."""

    name: str
    fingerprint: str
    public_key: bytes
    added: str  # UTC date and time, ISO 8601


@dataclass(frozen=True)
class Provenance:
    """Who vouches for a bundle, as this player sees it: verified only when a trusted key signed it."""

    signer: PublicKey | None  # the key that validly signed the bundle; None when it is unsigned
    trusted: TrustedPublisher | None  # that key's entry in the trust store, when there is one

    @property
    def verified(self) -> bool:
        return self.trusted is not None

    @property
    def publisher(self) -> str | None:
        """The trusted name when verified, else the name the bundle claims (unchecked), else None."""
        if self.trusted:
            return self.trusted.name
        return self.signer.publisher if self.signer else None


class TrustStore:
    """Trusted publisher keys in one file; reads are cached until the file changes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._cache: tuple[tuple, dict[str, TrustedPublisher]] | None = None

    def publishers(self) -> list[TrustedPublisher]:
        """Every trusted publisher, by name."""
        return sorted(self._load().values(), key=lambda entry: (alphabetical(entry.name), entry.fingerprint))

    def find(self, key_fingerprint: str) -> TrustedPublisher | None:
        """The trusted publisher with exactly this fingerprint, or None."""
        try:
            return self._load().get(key_fingerprint)
        except TrustError:
            return None  # an unreadable store trusts nobody

    def provenance(self, signer: PublicKey | None) -> Provenance:
        """Whether a bundle signed by this key (or unsigned: None) is verified here."""
        return Provenance(signer, self.find(signer.fingerprint) if signer else None)

    def add(self, key: PublicKey, name: str | None = None) -> TrustedPublisher:
        """Trust a publisher key, under the given name or the one in its key file."""
        name = clean_publisher(name if name is not None else key.publisher)
        problem = publisher_problem(name)
        if problem:
            raise TrustError(Problem(N_("The publisher's name must be one line of 1 to %(num)d letters."),
                                     {"num": MAX_PUBLISHER_LENGTH}, detail=problem))
        with self._lock:
            entries = self._load()
            existing = entries.get(key.fingerprint)
            if existing:
                raise TrustError(Problem(N_("This publisher's key is already trusted, as “%(name)s”."),
                                         {"name": existing.name}))
            added = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
            entry = TrustedPublisher(name, key.fingerprint, key.raw, added)
            self._save({**entries, key.fingerprint: entry})
        return entry

    def remove(self, key_fingerprint: str) -> TrustedPublisher:
        """Stop trusting a key, given its fingerprint or a unique prefix of at least 8 hex digits."""
        try:
            wanted = parse_fingerprint(key_fingerprint)
        except ValueError as error:
            raise TrustError(Problem(N_("“%(fingerprint)s” is not a key fingerprint."),
                                     {"fingerprint": key_fingerprint}, detail=str(error))) from None
        if len(wanted) < MIN_FINGERPRINT_PREFIX:
            raise TrustError(Problem(N_("Give at least %(num)d hex digits of the fingerprint."),
                                     {"num": MIN_FINGERPRINT_PREFIX}))
        with self._lock:
            entries = self._load()
            matches = [value for value in entries if value.startswith(wanted)]
            if not matches:
                raise TrustError(Problem(N_("No trusted key has the fingerprint %(fingerprint)s."),
                                         {"fingerprint": key_fingerprint}))
            if len(matches) > 1:
                raise TrustError(Problem(N_("%(fingerprint)s matches several keys: give more of the fingerprint."),
                                         {"fingerprint": key_fingerprint}))
            removed = entries.pop(matches[0])
            self._save(entries)
        return removed

    def _load(self) -> dict[str, TrustedPublisher]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        cached = self._cache
        if cached and cached[0] == stamp:
            return dict(cached[1])
        entries = _parse(self.path)
        self._cache = (stamp, entries)
        return dict(entries)

    def _save(self, entries: dict[str, TrustedPublisher]) -> None:
        data = {"format": FORMAT, "format_version": FORMAT_VERSION, "publishers": [
            {"name": entry.name, "fingerprint": entry.fingerprint, "added": entry.added,
             "public_key": base64.b64encode(entry.public_key).decode("ascii")}
            for entry in sorted(entries.values(), key=lambda entry: entry.fingerprint)]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        self._cache = None


def _parse(path: Path) -> dict[str, TrustedPublisher]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != FORMAT or data["format_version"] != FORMAT_VERSION:
            raise ValueError("not a trust store of a known version")
        entries = {}
        for item in data["publishers"]:
            if not isinstance(item["added"], str) or publisher_problem(item["name"]):
                raise ValueError("a publisher has no usable name or date")
            raw = base64.b64decode(item["public_key"], validate=True)
            if len(raw) != PUBLIC_KEY_SIZE or fingerprint(raw) != item["fingerprint"]:
                raise ValueError(f"the key of {item['name']!r} does not match its fingerprint")
            entries[item["fingerprint"]] = TrustedPublisher(item["name"], item["fingerprint"], raw, item["added"])
        return entries
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as error:
        raise TrustError(Problem(N_("The list of trusted publishers (%(file)s) cannot be read. Restore it from a "
                                    "backup, or delete it and add the publishers again."), {"file": str(path)},
                                 detail=str(error))) from None
