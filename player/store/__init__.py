"""Crash-safe storage of the player's own data (learners, their records, settings, classes) on TinyDB. See
docs/data-folder.md for the layout."""

from player.paths import DataPaths
from player.store.atomic import DamagedFile
from player.store.classes import ClassStore
from player.store.databases import Databases, damaged_files
from player.store.learners import LearnerStore
from player.store.settings import SettingsStore

__all__ = ["ClassStore", "DamagedFile", "LearnerStore", "SettingsStore", "Store"]


class Store:
    """Every database of one data folder, sharing one lock per file. The settings (and this installation's
    device id) exist from the start, so a request never writes them as a side effect."""

    def __init__(self, paths: DataPaths):
        self.paths = paths
        self.databases = Databases()
        self.learners = LearnerStore(paths, self.databases)
        self.settings = SettingsStore(paths.settings, self.databases)
        self.classes = ClassStore(paths.classes, self.databases)
        self.settings.get()

    def damaged_files(self) -> list:
        """Files that were found damaged and moved aside, for the admin to see."""
        return (damaged_files(self.paths.learners) + damaged_files(self.paths.root, self.paths.settings.name)
                + damaged_files(self.paths.root, self.paths.classes.name))
