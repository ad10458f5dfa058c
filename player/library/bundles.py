"""The course library: verified bundles installed under the data folder, one file per course."""

import os
import shutil
import threading
from pathlib import Path

from courses import Bundle, BundleError, Course
from courses.model import version_key
from courses.quiz import load_quizzes
from player.library.trust import Provenance, TrustStore
from player.paths import DataPaths


class InstallError(Exception):
    """A bundle could not be installed; the message is for the person installing it."""


class UnverifiedBundle(InstallError):
    """A bundle is unsigned, or signed by a publisher this player does not trust."""

    def __init__(self, course: Course, provenance: Provenance):
        self.course, self.provenance = course, provenance
        if provenance.signer is None:
            why = "the course file is not signed, so nobody vouches for its content"
        else:
            why = (f"it is signed by a key this player does not trust (the file names its publisher "
                   f"“{provenance.signer.publisher}”)")
        super().__init__(f"{course.title}: not installed: {why}")


class Library:
    """Installs, lists and opens course bundles kept in one folder."""

    def __init__(self, paths: DataPaths, trust: TrustStore):
        self.paths = paths
        paths.library.mkdir(parents=True, exist_ok=True)
        self.trust = trust
        self._open: dict[str, tuple[tuple[int, int], Bundle]] = {}
        self._lock = threading.Lock()

    def install(self, source: Path, force: bool = False, allow_unverified: bool = False) -> Course:
        """Verify a bundle completely, then copy it into the library atomically.

        A bundle must be signed by a trusted publisher unless allow_unverified is given; an older version
        than the installed one needs force. Nothing is written unless every check passes."""
        try:
            with Bundle(source) as bundle:
                bundle.verify()
                manifest, signer = bundle.manifest, bundle.signer
                load_quizzes(bundle)  # checksums do not prove a quiz is well-formed
                course = manifest.course
        except BundleError as error:
            raise InstallError(str(error)) from None
        provenance = self.trust.provenance(signer)
        if not provenance.verified and not allow_unverified:
            raise UnverifiedBundle(course, provenance)
        installed = self.course(course.id)
        if installed and version_key(course.version) < version_key(installed.version) and not force:
            raise InstallError(f"{course.title}: version {installed.version} is installed; "
                               f"{course.version} is older (use --force to install it anyway)")
        temp = self.paths.install_temp()
        try:
            with open(temp, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            with Bundle(temp) as copy:
                copy.verify()
                if (copy.manifest, copy.signer) != (manifest, signer):
                    raise InstallError(f"{course.title}: the file changed while it was being installed")
            self._forget(course.id)  # Windows cannot replace a file that is still open
            os.replace(temp, self._path(course.id))
        except BundleError as error:
            temp.unlink(missing_ok=True)
            raise InstallError(str(error)) from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return course

    def remove(self, course_id: str) -> None:
        """Uninstall a course (learners' records of it stay in their own files)."""
        with self._lock:
            cached = self._open.pop(course_id, None)
            if cached:
                cached[1].close()
            self._path(course_id).unlink(missing_ok=True)

    def courses(self) -> list[Course]:
        """Every installed course that opens cleanly, by title."""
        found = []
        for path in self.paths.installed_bundles():
            course = self.course(path.stem)
            if course is not None:
                found.append(course)
        return sorted(found, key=lambda course: course.title.casefold())

    def course(self, course_id: str) -> Course | None:
        """The installed course with this id, or None."""
        try:
            return self.bundle(course_id).course
        except (KeyError, BundleError):
            return None

    def provenance(self, course_id: str) -> Provenance:
        """Who vouches for an installed course now (the trust store may have changed since it was installed)."""
        return self.trust.provenance(self.bundle(course_id).signer)

    def bundle(self, course_id: str) -> Bundle:
        """The open bundle of an installed course (reopened, and its signature checked, if the file changed)."""
        path = self._path(course_id)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise KeyError(course_id) from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._open.get(course_id)
            if cached and cached[0] == stamp:
                return cached[1]
            bundle = Bundle(path)
            if bundle.course.id != course_id:
                bundle.close()
                raise BundleError(f"{path.name} holds course {bundle.course.id!r}, not {course_id!r}")
            if cached:
                cached[1].close()
            self._open[course_id] = (stamp, bundle)
            return bundle

    def _forget(self, course_id: str) -> None:
        with self._lock:
            cached = self._open.pop(course_id, None)
        if cached:
            cached[1].close()

    def _path(self, course_id: str) -> Path:
        return self.paths.course_bundle(course_id)
