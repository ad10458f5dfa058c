"""Crash-safe storage of the player's own data (learners, their records, settings) on TinyDB; attached to
the app with `init_app` and reached through `store()`. See docs/data-folder.md for the layout."""

from pathlib import Path

from flask import Flask, current_app

from player.store.atomic import DamagedFile
from player.store.databases import Databases, damaged_files
from player.store.learners import LearnerStore
from player.store.settings import SettingsStore

EXTENSION_KEY = "tramhoc_store"

__all__ = ["DamagedFile", "LearnerStore", "SettingsStore", "Store", "init_app", "store"]


class Store:
    """Every database of one data folder, sharing one lock per file."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir)
        self.databases = Databases()
        self.learners = LearnerStore(self.root / "learners", self.databases)
        self.settings = SettingsStore(self.root / "settings.json", self.databases)

    def damaged_files(self) -> list[Path]:
        """Files that were found damaged and moved aside, for the admin to see."""
        return damaged_files(self.root / "learners") + [
            path for path in self.root.glob(f"{self.settings.path.name}.damaged-*")]


def init_app(app: Flask) -> None:
    """Attach the store; the settings (and this installation's device id) exist from the start, so a
    request never writes them as a side effect."""
    app.extensions[EXTENSION_KEY] = Store(app.config["DATA_DIR"])
    app.extensions[EXTENSION_KEY].settings.get()


def store() -> Store:
    """The current app's store."""
    return current_app.extensions[EXTENSION_KEY]
