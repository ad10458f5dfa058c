"""The centre's classes in one small crash-safe database: each class's name, courses, trainer, place,
start and end dates, and the ids of the learners enrolled in it (a learner may be in several)."""

import re
import uuid
from pathlib import Path

from tinydb import Query

from player.store.atomic import DamagedFile
from player.store.databases import Databases

TABLE = "classes"
CLASS_ID = re.compile(r"^[0-9a-f]{32}$")


class ClassStore:
    """Creates classes, lists them and enrols learners."""

    def __init__(self, path: Path, databases: Databases):
        self.path = Path(path)
        self._db = databases

    def create(self, fields: dict) -> dict:
        """Store a new class (fields without id or learners); returns it with its new id."""
        stored = {**fields, "id": uuid.uuid4().hex, "learners": []}
        self._write(lambda table: table.insert(stored))
        return stored

    def classes(self) -> list[dict]:
        """Every class, the latest to start first."""
        try:
            with self._db.locked(self.path) as db:
                rows = [dict(row) for row in db.table(TABLE).all()]
        except DamagedFile:
            return []
        return sorted(rows, key=lambda row: (row.get("start", ""), row.get("name", "")), reverse=True)

    def get(self, class_id: str) -> dict | None:
        """One class, or None (also for a string that is not a class id)."""
        if not isinstance(class_id, str) or not CLASS_ID.match(class_id):
            return None
        return next((row for row in self.classes() if row["id"] == class_id), None)

    def enrol(self, class_id: str, learner_ids: list[str]) -> list[str]:
        """Add learners to a class (those already in it stay once); returns the ids that were added."""
        added: list[str] = []

        def change(table):
            rows = table.search(Query().id == class_id)
            if not rows:
                raise KeyError(class_id)
            members = list(rows[0].get("learners", []))
            added.extend(learner for learner in dict.fromkeys(learner_ids) if learner not in members)
            table.update({"learners": members + added}, doc_ids=[rows[0].doc_id])
        self._write(change)
        return added

    def classes_of(self, learner_id: str) -> list[dict]:
        """The classes a learner is enrolled in."""
        return [row for row in self.classes() if learner_id in row.get("learners", [])]

    def _write(self, change) -> None:
        try:
            with self._db.locked(self.path) as db:
                change(db.table(TABLE))
        except DamagedFile:  # quarantined: a fresh file
            with self._db.locked(self.path) as db:
                change(db.table(TABLE))
