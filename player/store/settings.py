"""Centre settings in one small crash-safe database: centre name, sign-out timeout, default language,
this installation's device id, the courses hidden from learners, the admin PIN's hash with its back-off state, and the current admin
session's id."""

import os
import uuid
from pathlib import Path

from player.store.atomic import DamagedFile
from player.store.databases import Databases

TABLE = "settings"
DEFAULTS = {
    "centre_name": "",
    "signout_minutes": 10,
    "language": "vi",
    "admin_pin": None,
    "admin_failures": 0,
    "admin_locked_until": 0.0,
    "admin_session": None,  # the current admin session's id (player.admin.access)
    "lan_mode": False,  # serve other PCs on the LAN (player.lan)
    "lan_allow_list": [],  # addresses or networks other PCs may come from (empty: any private network)
    "lan_remote_admin": False,  # the admin area from other PCs too
    "hidden_courses": [],  # ids of the courses learners do not see (player.library.visibility)
}


class SettingsStore:
    """Reads and changes the settings document (created with a new device id on first use)."""

    def __init__(self, path: Path, databases: Databases):
        self.path = Path(path)
        self._db = databases
        self._cached: tuple[tuple, dict] | None = None  # (the file's status, its settings)

    def get(self) -> dict:
        """All settings, defaults filled in; read again only when the file changed on disk."""
        try:
            status = _status(self.path)
        except FileNotFoundError:
            status = None
        if status is not None and self._cached is not None and self._cached[0] == status:
            return dict(self._cached[1])
        try:
            settings = self._get()
        except DamagedFile:
            settings = self._get()  # the damaged file was quarantined: start again from the defaults
        self._cached = (_status(self.path), settings)
        return dict(settings)

    def _get(self) -> dict:
        with self._db.locked(self.path) as db:
            table = db.table(TABLE)
            rows = table.all()
            if not rows:
                table.insert({"device_id": str(uuid.uuid4())})
                rows = table.all()
            return {**DEFAULTS, **rows[0]}

    def update(self, **changes) -> dict:
        """Change some settings; returns them all."""
        current = self.get()
        with self._db.locked(self.path) as db:
            table = db.table(TABLE)
            table.update(changes, doc_ids=[table.all()[0].doc_id])
        return {**current, **changes}


def _status(path: Path) -> tuple:
    info = os.stat(path)
    return info.st_ino, info.st_mtime_ns, info.st_size
