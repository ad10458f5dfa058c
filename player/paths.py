"""Every path inside the player's data folder, in one place (see docs/data-folder.md): no other module
joins a path under the data folder, and every name made from an id is checked here first.

The data folder is `--data`, else `$TRAMHOC_HOME`, else the default: on Windows one folder for the whole PC
(`%ProgramData%\\TramHoc`, which the installer lets every local account change), or, in the portable build,
the `data` folder beside it; elsewhere the per-user data folder.
"""

import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path, PureWindowsPath

import platformdirs

from courses.model import is_valid_id

ENV_VAR = "TRAMHOC_HOME"
WINDOWS_FOLDER = "TramHoc"  # under %ProgramData%; packaging/windows/tramhoc.nsi creates it with the same name
PORTABLE_MARKER = "tramhoc-portable.txt"  # beside the launcher, one folder above python\python.exe
PORTABLE_DATA = "data"
BUNDLE_SUFFIX = ".tramhoc"
WAITING_PREFIX = ".upload."
WAITING_FILE = "course.tramhoc"
WAITING_CHECK = "verified.token"
INSTALL_PREFIX = ".install."
DOWNLOAD_PREFIX = ".download."
KEY_UPLOAD_PREFIX = ".key-upload."
DELETED_PREFIX = ".deleted-"
IMPORTING_PREFIX = ".importing-"
IMPORT_JOURNAL = "importing.json"
HELD_LEARNERS_PREFIX = ".learners-upload."
HELD_LEARNERS_FILE = "learners.tramhoc-learners"
HELD_LEARNERS_NAME = "name.txt"
LEARNER_ID = re.compile(r"^[0-9a-f]{32}$")
WAITING_ID = re.compile(r"^[0-9a-f]{32}$")
SEGMENT = re.compile(r"^statements-(\d{5})\.json$")


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder to use, created if missing."""
    chosen = explicit or os.environ.get(ENV_VAR) or default_data_dir()
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_data_dir(platform: str = sys.platform, environ=os.environ, executable: str = sys.executable,
                     is_file=os.path.isfile) -> str:
    """The data folder when none is named: on Windows, beside a portable build, else the PC's shared one."""
    if platform != "win32":
        return platformdirs.user_data_dir("tramhoc", appauthor=False)
    program = PureWindowsPath(executable).parent.parent  # <program>\python\python(w).exe
    if is_file(str(program / PORTABLE_MARKER)):
        return str(program / PORTABLE_DATA)
    shared = environ.get("ProgramData") or environ.get("ALLUSERSPROFILE") or r"C:\ProgramData"
    return str(PureWindowsPath(shared) / WINDOWS_FOLDER)


def is_learner_id(value: object) -> bool:
    return isinstance(value, str) and LEARNER_ID.match(value) is not None


class DataPaths:
    """The layout of one data folder."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # -- the centre -----------------------------------------------------------------------------------------
    @property
    def secret_key(self) -> Path:
        """This installation's session-signing key."""
        return self.root / "secret_key"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def trust_store(self) -> Path:
        return self.root / "trusted-publishers.json"

    @property
    def webview(self) -> Path:
        """The desktop window's own browser storage."""
        return self.root / "webview"

    @property
    def player_lock(self) -> Path:
        """Locked by the one player process that serves or changes this data folder."""
        return self.root / "player.lock"

    @property
    def running_player(self) -> Path:
        """Where the player holding the lock can be reached (written once it serves)."""
        return self.root / "player.running.json"

    @property
    def search_index(self) -> Path:
        """The search index of the installed courses (derived: deleted and built again when damaged)."""
        return self.root / "search.sqlite3"

    @property
    def classes(self) -> Path:
        """The centre's classes and who is enrolled in each (player.store.classes)."""
        return self.root / "classes.json"

    # -- the library -----------------------------------------------------------------------------------------
    @property
    def library(self) -> Path:
        return self.root / "library"

    def course_bundle(self, course_id: str) -> Path:
        """The installed bundle of a course; KeyError for a string that is not a course id."""
        if not is_valid_id(course_id):
            raise KeyError(course_id)
        return self.library / f"{course_id}{BUNDLE_SUFFIX}"

    def installed_bundles(self) -> list[Path]:
        return sorted(self.library.glob(f"*{BUNDLE_SUFFIX}"))

    def install_temp(self) -> Path:
        """A new empty temporary file in the library folder (renamed into place once it is checked)."""
        handle, name = tempfile.mkstemp(dir=self.library, prefix=INSTALL_PREFIX, suffix=".tmp")
        os.close(handle)
        return Path(name)

    def waiting_folder(self, waiting_id: str) -> Path:
        """The private folder of an upload waiting for approval; KeyError for a malformed id."""
        if not isinstance(waiting_id, str) or not WAITING_ID.match(waiting_id):
            raise KeyError(waiting_id)
        return self.library / f"{WAITING_PREFIX}{waiting_id}"

    def waiting_folders(self) -> list[Path]:
        """Every folder of a waiting upload (stale ones, and any a crash left half made, included)."""
        return sorted(self.library.glob(f"{WAITING_PREFIX}*"))

    def waiting_ids(self) -> list[str]:
        """Ids of the waiting uploads' folders (stale ones included)."""
        found = (path.name[len(WAITING_PREFIX):] for path in self.waiting_folders())
        return sorted(waiting_id for waiting_id in found if WAITING_ID.match(waiting_id))

    @staticmethod
    def waiting_bundle(folder: Path) -> Path:
        return folder / WAITING_FILE

    @staticmethod
    def waiting_check(folder: Path) -> Path:
        """The signed record that a waiting upload was verified."""
        return folder / WAITING_CHECK

    # -- learners -------------------------------------------------------------------------------------------
    @property
    def learners(self) -> Path:
        return self.root / "learners"

    @property
    def learners_index(self) -> Path:
        return self.learners / "index.json"

    def learner_folder(self, learner_id: str) -> Path:
        """A learner's own folder; KeyError for a string that is not a learner id."""
        if not is_learner_id(learner_id):
            raise KeyError(learner_id)
        return self.learners / learner_id

    def learner_ids(self) -> list[str]:
        """Learners whose folder holds a profile."""
        return sorted(path.name for path in self.learners.iterdir()
                      if is_learner_id(path.name) and (path / "profile.json").is_file())

    def learner_profile(self, learner_id: str) -> Path:
        return self.learner_folder(learner_id) / "profile.json"

    def learner_drafts(self, learner_id: str) -> Path:
        """The answers of a learner's open test attempts, saved as they type (player.quizzes.drafts)."""
        return self.learner_folder(learner_id) / "drafts.json"

    def learner_listening(self, learner_id: str) -> Path:
        """Where a learner stopped in each lesson's narration, and at what speed (player.lessons.listening)."""
        return self.learner_folder(learner_id) / "listening.json"

    def statement_segment(self, learner_id: str, number: int) -> Path:
        return self.learner_folder(learner_id) / f"statements-{number:05d}.json"

    def statement_segments(self, learner_id: str) -> list[int]:
        """The numbers of a learner's statement segments on disk, in order."""
        folder = self.learner_folder(learner_id)
        if not folder.is_dir():
            return []
        return sorted(int(match.group(1)) for path in folder.iterdir() if (match := SEGMENT.match(path.name)))

    def deleted_learner(self, learner_id: str) -> Path:
        """Where a learner's folder goes while it is being deleted (a crash finishes the deletion later)."""
        return self.learners / f"{DELETED_PREFIX}{self.learner_folder(learner_id).name}"

    def deleted_learners(self) -> list[Path]:
        return sorted(self.learners.glob(f"{DELETED_PREFIX}*"))

    def importing_learner(self, learner_id: str) -> Path:
        """Where a learner moved in from a file is put together before it is renamed into place."""
        return self.learners / f"{IMPORTING_PREFIX}{self.learner_folder(learner_id).name}"

    def importing_learners(self) -> list[Path]:
        """Learners half put together, e.g. by an import a crash interrupted."""
        return sorted(self.learners.glob(f"{IMPORTING_PREFIX}*"))

    def import_journal(self, learner_id: str) -> Path:
        """What an import adds to a learner already here, written before any of it (player.transfer.moving)."""
        return self.learner_folder(learner_id) / IMPORT_JOURNAL

    def held_learners_folder(self, held_id: str) -> Path:
        """The private folder of a learners file chosen for import, held while the admin reviews it."""
        if not isinstance(held_id, str) or not WAITING_ID.match(held_id):
            raise KeyError(held_id)
        return self.root / f"{HELD_LEARNERS_PREFIX}{held_id}"

    def held_learners_folders(self) -> list[Path]:
        """Every held learners file's folder (stale ones, and any a crash left, included)."""
        return sorted(self.root.glob(f"{HELD_LEARNERS_PREFIX}*"))

    @staticmethod
    def held_learners_file(folder: Path) -> Path:
        return folder / HELD_LEARNERS_FILE

    @staticmethod
    def held_learners_name(folder: Path) -> Path:
        """The name of the file as the admin chose it."""
        return folder / HELD_LEARNERS_NAME

    # -- results ------------------------------------------------------------------------------------------
    @property
    def sync(self) -> Path:
        return self.root / "sync"

    @property
    def sync_settings(self) -> Path:
        return self.sync / "settings.json"

    @property
    def sync_last_run(self) -> Path:
        return self.sync / "last-run.json"

    def sync_ledger(self, endpoint: str) -> Path:
        """One ledger per LRS address: switching to another LRS sends everything there too."""
        key = hashlib.sha256(endpoint.rstrip("/").encode("utf-8")).hexdigest()[:16]
        return self.sync / f"acknowledged-{key}.txt"

    def download_folder(self) -> Path:
        """A new private folder for a results file being downloaded (removed once it is sent)."""
        return Path(tempfile.mkdtemp(prefix=DOWNLOAD_PREFIX, dir=self.root))

    def download_folders(self) -> list[Path]:
        """Download folders, e.g. left behind by a crash."""
        return sorted(self.root.glob(f"{DOWNLOAD_PREFIX}*"))

    def key_upload_folder(self) -> tempfile.TemporaryDirectory:
        """A temporary folder for a publisher key file being read (removed when the `with` block ends)."""
        return tempfile.TemporaryDirectory(dir=self.root, prefix=KEY_UPLOAD_PREFIX)
