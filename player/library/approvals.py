"""Course files waiting for the admin's approval (unsigned, from an unknown publisher, or older than the
installed version), each kept in a private temporary folder inside the library folder until it is
installed or abandoned.

An approval is a token signed with the player's secret key that names one waiting upload, the sha256 of
its file as the admin was shown it, and what the admin agreed to (an unverified course, an older
version). Installing re-hashes the file first: a file swapped after the page was shown is refused.
"""

import hashlib
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from courses import Bundle, BundleError, Course
from courses.model import version_key
from player.library.bundles import InstallError, Library
from player.library.trust import Provenance
from player.paths import DataPaths

MAX_AGE_SECONDS = 6 * 3600  # an upload nobody approved within this time is stale
MAX_WAITING = 5  # the oldest waiting upload gives way to a new one beyond this


class ApprovalError(Exception):
    """The approval does not belong to this exact file (swapped, expired or forged); nothing was installed."""


@dataclass(frozen=True)
class Waiting:
    """One uploaded course file waiting in its own folder."""

    id: str
    folder: Path
    uploaded: float  # seconds since the epoch

    @property
    def path(self) -> Path:
        return DataPaths.waiting_bundle(self.folder)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as data:
            while chunk := data.read(1024 * 1024):
                digest.update(chunk)
        return digest.hexdigest()


@dataclass(frozen=True)
class Review:
    """What a waiting course file is, and what installing it needs the admin to approve."""

    course: Course
    provenance: Provenance
    installed: Course | None  # the version of this course installed now, if any

    @property
    def unverified(self) -> bool:
        return not self.provenance.verified

    @property
    def older(self) -> bool:
        return self.installed is not None and version_key(self.course.version) < version_key(self.installed.version)

    @property
    def needs_approval(self) -> bool:
        return self.unverified or self.older


class PendingInstalls:
    """Waiting uploads in the library folder, and installing one once the admin approved it."""

    def __init__(self, library: Library, secret_key: bytes, max_age: float = MAX_AGE_SECONDS):
        self.library, self.paths, self.max_age = library, library.paths, max_age
        self._signer = URLSafeTimedSerializer(secret_key, salt="tramhoc install approval")
        self.clean()

    def hold(self, save) -> Waiting:
        """A new waiting upload: `save(path)` writes the uploaded file into its private folder."""
        self.clean()
        for old in self.waiting()[MAX_WAITING - 1:]:
            self.discard(old)
        waiting_id = secrets.token_hex(16)
        waiting = Waiting(waiting_id, self.paths.waiting_folder(waiting_id), time.time())
        waiting.folder.mkdir(mode=0o700)
        try:
            save(waiting.path)
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

    def review(self, waiting: Waiting) -> Review:
        """Verify the waiting file completely and say what it is; raises InstallError when it is damaged."""
        try:
            with Bundle(waiting.path) as bundle:
                bundle.verify()
                course, signer = bundle.course, bundle.signer
        except BundleError as error:
            raise InstallError(str(error)) from None
        return Review(course, self.library.trust.provenance(signer), self.library.course(course.id))

    def approval(self, waiting: Waiting, review: Review) -> str:
        """The signed token an approval form carries: this upload, this exact file, these exceptions."""
        return self._signer.dumps({"id": waiting.id, "sha256": waiting.sha256(), "unverified": review.unverified,
                                   "older": review.older})

    def install(self, waiting: Waiting, approval: str) -> Course:
        """Install a waiting upload the admin approved, then forget it; raises ApprovalError when the
        approval is not for this exact file, InstallError when installing needs more than was approved."""
        try:
            claim = self._signer.loads(approval, max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            raise ApprovalError("the approval is not valid (forged, or too old)") from None
        if not isinstance(claim, dict) or claim.get("id") != waiting.id:
            raise ApprovalError("the approval belongs to another upload")
        if claim.get("sha256") != waiting.sha256():
            raise ApprovalError("the file changed after it was shown for approval")
        course = self.library.install(waiting.path, allow_unverified=claim.get("unverified") is True,
                                      force=claim.get("older") is True)
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
