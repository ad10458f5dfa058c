"""The course library: verified bundles installed under the data folder, one file per course."""

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from courses import Bundle, BundleError, Course, Manifest
from courses.keys import PublicKey
from courses.model import is_valid_id, version_key
from courses.quiz import load_quizzes
from player.library.trust import Provenance, TrustStore
from player.paths import DataPaths
from player.search.folding import alphabetical
from player.web.errors import Problem, ProblemError, bundle_problem
from player.web.i18n import N_


class InstallError(ProblemError):
    """A bundle could not be installed; its Problem says why, for the person installing it."""


class UnverifiedBundle(InstallError):
    """A bundle is unsigned, or signed by a publisher this player does not trust."""

    def __init__(self, course: Course, provenance: Provenance):
        self.course, self.provenance = course, provenance
        if provenance.signer is None:
            super().__init__(Problem(N_("“%(title)s” was not installed: the course file is not signed, so nobody "
                                        "vouches for its content."), {"title": course.title}))
        else:
            super().__init__(Problem(N_("“%(title)s” was not installed: it is signed by a publisher this player does "
                                        "not trust (the file names its publisher “%(publisher)s”)."),
                                     {"title": course.title, "publisher": provenance.signer.publisher}))


class ReplacesVerified(InstallError):
    """An unverified bundle that would replace an installed course a trusted publisher vouches for."""

    def __init__(self, course: Course, publisher: str):
        super().__init__(Problem(N_("“%(title)s” was not installed: it would replace a course verified by "
                                    "“%(publisher)s” with a file nobody this centre trusts vouches for."),
                                 {"title": course.title, "publisher": publisher}))


class OlderVersion(InstallError):
    """A bundle older than the installed version of its course."""

    def __init__(self, course: Course, installed: Course):
        super().__init__(Problem(N_("“%(title)s”: version %(installed)s is installed; this file holds the older "
                                    "version %(version)s."),
                                 {"title": course.title, "installed": installed.version, "version": course.version}))


@dataclass(frozen=True)
class Opened:
    """What a bundle file says it is, and who signed it (its signature over the manifest was checked)."""

    manifest: Manifest
    signer: PublicKey | None

    @property
    def course(self) -> Course:
        return self.manifest.course


def opened(path: Path) -> Opened:
    """A bundle's manifest and signer, read cheaply (structure and signature; not every member)."""
    try:
        with Bundle(path) as bundle:
            return Opened(bundle.manifest, bundle.signer)
    except BundleError as error:
        raise InstallError(bundle_problem(error, path.name)) from None


def verified(path: Path) -> Opened:
    """A bundle checked completely: every member against its checksum, and its quizzes well-formed."""
    try:
        with Bundle(path) as bundle:
            bundle.verify()
            load_quizzes(bundle)  # checksums do not prove a quiz is well-formed
            return Opened(bundle.manifest, bundle.signer)
    except BundleError as error:
        raise InstallError(bundle_problem(error, path.name)) from None


class Library:
    """Installs, lists and opens course bundles kept in one folder."""

    def __init__(self, paths: DataPaths, trust: TrustStore):
        self.paths = paths
        paths.library.mkdir(parents=True, exist_ok=True)
        self.trust = trust
        self._open: dict[str, tuple[tuple[int, int], Bundle]] = {}
        self._lock = threading.Lock()

    def install(self, source: Path, force: bool = False, allow_unverified: bool = False) -> Course:
        """Install a bundle from anywhere (a USB stick): copied into the library, the copy verified
        completely, then put in place atomically.

        A bundle must be signed by a trusted publisher unless allow_unverified is given (which also lets it
        replace a verified course: on the command line the flag is the admin's explicit choice); an older
        version than the installed one needs force. All is decided before anything is copied; nothing is
        left behind unless every check passes."""
        found = opened(source)
        try:
            self._admissible(found, force, allow_unverified, replace_verified=allow_unverified)
        except InstallError:
            verified(source)  # a damaged file is refused as damaged, whatever else is wrong with it
            raise
        temp = self.paths.install_temp()
        try:
            with open(temp, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            if verified(temp) != found:
                raise InstallError(Problem(N_("“%(title)s”: the file changed while it was being installed. Try "
                                              "again."), {"title": found.course.title}))
            self._put(temp, found.course.id)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return found.course

    def admit(self, path: Path, force: bool = False, allow_unverified: bool = False,
              replace_verified: bool = False) -> Course:
        """Install a bundle that is already in the library folder and was verified (an approved upload): it
        is moved into place, not copied or read again. An unverified one replaces a verified course only
        with replace_verified (the admin's second confirmation)."""
        found = opened(path)
        self._admissible(found, force, allow_unverified, replace_verified)
        self._put(path, found.course.id)
        return found.course

    def _admissible(self, opened: "Opened", force: bool, allow_unverified: bool, replace_verified: bool) -> None:
        provenance = self.trust.provenance(opened.signer)
        if not provenance.verified and not allow_unverified:
            raise UnverifiedBundle(opened.course, provenance)
        installed = self.course(opened.course.id)
        vouching = self.vouching_for(opened.course.id)
        if not provenance.verified and vouching is not None and not replace_verified:
            raise ReplacesVerified(opened.course, vouching)
        if installed and version_key(opened.course.version) < version_key(installed.version) and not force:
            raise OlderVersion(opened.course, installed)

    def _put(self, path: Path, course_id: str) -> None:
        self._forget(course_id)  # Windows cannot replace a file that is still open
        os.replace(path, self._path(course_id))

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
        return sorted(found, key=lambda course: alphabetical(course.title))

    def damaged(self) -> list[str]:
        """Ids of the installed course files that no longer open (shown as damaged, so they can be removed)."""
        return [path.stem for path in self.paths.installed_bundles()
                if is_valid_id(path.stem) and self.course(path.stem) is None]

    def course(self, course_id: str) -> Course | None:
        """The installed course with this id, or None."""
        try:
            return self.bundle(course_id).course
        except (KeyError, BundleError):
            return None

    def vouching_for(self, course_id: str) -> str | None:
        """The trusted publisher vouching for the installed version of a course now, or None."""
        try:
            found = self.provenance(course_id)
        except (KeyError, BundleError):
            return None
        return found.publisher if found.verified else None

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
