"""Course files uploaded in the player: each kept in a private temporary folder inside the library folder
until it is installed or abandoned; those that need the admin (unsigned, from an unknown publisher, or
older than the installed version) wait there for an approval.

An upload is read three times at most, however large: hashed as it is saved, verified completely once
(every member against its checksum; the result is kept beside the file, signed with the player's secret
key, bound to that sha256), and, when the admin approves it, hashed once more before it is moved into
place. An approval is a token signed with the same key that names one waiting upload, the sha256 the
admin was shown and what the admin agreed to (an unverified course, an older version, replacing a verified
course, which also needs a second confirmation on the page): a file swapped after the page was shown has
another sha256 and is refused.
"""

import hashlib
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from courses import Course
from courses.model import version_key
from player.library.bundles import InstallError, Library, opened, verified
from player.library.trust import Provenance
from player.paths import DataPaths
from player.store.atomic import write_atomic
from player.web.errors import Problem
from player.web.i18n import N_

MAX_AGE_SECONDS = 6 * 3600  # an upload nobody approved within this time is stale
MAX_WAITING = 5  # the oldest waiting upload gives way to a new one beyond this
CHUNK = 1024 * 1024
NOT_CHECKED = Problem(N_("This upload was not checked (the player stopped while it was being saved). Choose the "
                         "course file again."))


class ApprovalError(Exception):
    """The approval does not belong to this exact file (swapped, expired or forged); nothing was installed."""


@dataclass(frozen=True)
class Waiting:
    """One uploaded course file in its own folder."""

    id: str
    folder: Path
    uploaded: float  # seconds since the epoch

    @property
    def path(self) -> Path:
        return DataPaths.waiting_bundle(self.folder)

    @property
    def check_path(self) -> Path:
        """The signed record that this file, by its sha256, was verified completely."""
        return DataPaths.waiting_check(self.folder)


@dataclass(frozen=True)
class Review:
    """What a waiting course file is, and what installing it needs the admin to approve."""

    course: Course
    provenance: Provenance
    installed: Course | None  # the version of this course installed now, if any
    sha256: str  # of the file as it was verified
    installed_publisher: str | None = None  # the trusted publisher vouching for the installed version, if any

    @property
    def unverified(self) -> bool:
        return not self.provenance.verified

    @property
    def older(self) -> bool:
        return self.installed is not None and version_key(self.course.version) < version_key(self.installed.version)

    @property
    def replaces_verified(self) -> bool:
        """An unverified file that would replace a course a trusted publisher vouches for: the admin confirms
        that a second time."""
        return self.unverified and self.installed_publisher is not None

    @property
    def needs_approval(self) -> bool:
        return self.unverified or self.older


class PendingInstalls:
    """Uploads in the library folder, and installing one (at once, or once the admin approved it)."""

    def __init__(self, library: Library, secret_key: bytes, max_age: float = MAX_AGE_SECONDS):
        self.library, self.paths, self.max_age = library, library.paths, max_age
        self._approvals = URLSafeTimedSerializer(secret_key, salt="tramhoc install approval")
        self._checks = URLSafeSerializer(secret_key, salt="tramhoc verified upload")
        self.clean()

    def hold(self, upload: BinaryIO) -> Waiting:
        """Save an uploaded file in a new private folder, hashing it on the way, and verify it completely;
        raises InstallError (and keeps nothing) when it is not a sound course file, OSError when it cannot
        be saved."""
        self.clean()
        for old in self.waiting()[MAX_WAITING - 1:]:
            self.discard(old)
        waiting_id = secrets.token_hex(16)
        waiting = Waiting(waiting_id, self.paths.waiting_folder(waiting_id), time.time())
        waiting.folder.mkdir(mode=0o700)
        try:
            digest = hashlib.sha256()
            with open(waiting.path, "wb") as out:
                while chunk := upload.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            verified(waiting.path)
            write_atomic(waiting.check_path, self._checks.dumps({"id": waiting_id, "sha256": digest.hexdigest()})
                         .encode("ascii"))
        except BaseException:
            self.discard(waiting)
            raise
        return waiting

    def find(self, waiting_id: str) -> Waiting | None:
        """The waiting upload with this id, if it is still there and not stale."""
        try:
            folder = self.paths.waiting_folder(waiting_id)
        except KeyError:
            return None
        try:
            uploaded = folder.stat().st_mtime
        except FileNotFoundError:
            return None
        waiting = Waiting(waiting_id, folder, uploaded)
        return waiting if time.time() - uploaded < self.max_age and waiting.path.is_file() else None

    def waiting(self) -> list[Waiting]:
        """Every waiting upload that is not stale, the newest first."""
        found = [self.find(waiting_id) for waiting_id in self.paths.waiting_ids()]
        return sorted((w for w in found if w), key=lambda w: w.uploaded, reverse=True)

    def listed(self) -> list[tuple[Waiting, Review | None]]:
        """The waiting uploads, each with what it is (None when it can no longer be read), leaving out an
        upload of a course that is now installed at that very version: it is done with."""
        shown = []
        for waiting in self.waiting():
            try:
                review = self.review(waiting)
            except InstallError:
                shown.append((waiting, None))
                continue
            if review.installed is None or review.installed.version != review.course.version:
                shown.append((waiting, review))
        return shown

    def review(self, waiting: Waiting) -> Review:
        """What a waiting file is, from its manifest (cheap: the file was verified when it was saved);
        raises InstallError when it is damaged or its verification is not on record."""
        sha256 = self._verified_sha256(waiting)
        found = opened(waiting.path)
        return Review(found.course, self.library.trust.provenance(found.signer), self.library.course(found.course.id),
                      sha256, self.library.vouching_for(found.course.id))

    def approval(self, waiting: Waiting, review: Review) -> str:
        """The signed token an approval form carries: this upload, this exact file, these exceptions."""
        return self._approvals.dumps({"id": waiting.id, "sha256": review.sha256, "unverified": review.unverified,
                                      "older": review.older, "replaces_verified": review.replaces_verified})

    def install_now(self, waiting: Waiting) -> Course:
        """Install a waiting upload that needs no approval (just verified, in this request), then forget it."""
        course = self.library.admit(waiting.path)
        self.discard(waiting)
        return course

    def install(self, waiting: Waiting, approval: str, replace_confirmed: bool = False) -> Course:
        """Install a waiting upload the admin approved, then forget it; raises ApprovalError when the
        approval is not for this exact file, InstallError when installing needs more than was approved
        (replacing a verified course needs that shown on the page and confirmed: replace_confirmed)."""
        try:
            claim = self._approvals.loads(approval, max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            raise ApprovalError("the approval is not valid (forged, or too old)") from None
        if not isinstance(claim, dict) or claim.get("id") != waiting.id:
            raise ApprovalError("the approval belongs to another upload")
        if claim.get("sha256") != _sha256(waiting.path):
            raise ApprovalError("the file changed after it was shown for approval")
        course = self.library.admit(waiting.path, allow_unverified=claim.get("unverified") is True,
                                    force=claim.get("older") is True,
                                    replace_verified=claim.get("replaces_verified") is True and replace_confirmed)
        self.discard(waiting)
        return course

    def discard(self, waiting: Waiting) -> None:
        shutil.rmtree(waiting.folder, ignore_errors=True)

    def clean(self) -> None:
        """Remove stale uploads (and any left by a crash or a power cut)."""
        now = time.time()
        for folder in self.paths.waiting_folders():
            try:
                stale = now - folder.stat().st_mtime >= self.max_age
            except FileNotFoundError:
                continue
            if stale:
                shutil.rmtree(folder, ignore_errors=True)

    def _verified_sha256(self, waiting: Waiting) -> str:
        try:
            claim = self._checks.loads(waiting.check_path.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError, BadSignature, ValueError, TypeError):
            raise InstallError(NOT_CHECKED) from None
        if not isinstance(claim, dict) or claim.get("id") != waiting.id or not isinstance(claim.get("sha256"), str):
            raise InstallError(NOT_CHECKED)
        return claim["sha256"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
