"""Learners on disk: one folder per learner with a small profile database and their xAPI statements in
numbered segments of at most SEGMENT_SIZE, plus a small index for the start screen.

    learners/index.json                     id, name, colour, created, last_seen of every learner
    learners/<id>/profile.json              the profile: name, colour, credential hash, back-off state
    learners/<id>/drafts.json               answers typed so far in open test attempts, one per lesson
    learners/<id>/listening.json            where the learner stopped in each lesson's narration
    learners/<id>/statements-00001.json     statements, oldest first; a full segment is never rewritten

The profile is the truth; the index is rebuilt from the profiles when it is missing, damaged or out of
step. A write touches one small file, so its cost stays flat however long a centre keeps its data, and a
damaged file takes nothing else with it.
"""

import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tinydb import Query

from player.paths import DataPaths
from player.store.atomic import DamagedFile, fsync_folder
from player.store.databases import Databases

SEGMENT_SIZE = 100
PROFILE, INDEX, STATEMENTS, DRAFTS, LISTENING = "profile", "learners", "statements", "drafts", "listening"
INDEX_FIELDS = ("id", "name", "colour", "secret_kind", "created", "last_seen")


class NameTaken(ValueError):
    """Another learner already has this name (compared without regard to case)."""


class LearnerStore:
    """Profiles, the index and the statements of every learner of one data folder."""

    def __init__(self, paths: DataPaths, databases: Databases):
        self.paths = paths
        paths.learners.mkdir(parents=True, exist_ok=True)
        self._db = databases
        self._segments: dict[str, int] = {}
        self._segments_guard = threading.Lock()
        self._names_guard = threading.Lock()
        self._names_in_creation: set[str] = set()
        self.reconcile()

    def folder(self, learner_id: str) -> Path:
        """A learner's folder; KeyError for a string that is not a learner id."""
        return self.paths.learner_folder(learner_id)

    @property
    def _index_path(self) -> Path:
        return self.paths.learners_index

    @contextmanager
    def learner_lock(self, learner_id: str) -> Iterator[None]:
        """Hold while a learner's statements are appended or summarised, so the two never interleave."""
        with self._db.lock(self.folder(learner_id)):
            yield

    # -- profiles --------------------------------------------------------------------------------------
    def create(self, profile: dict) -> dict:
        """Store a new learner (profile without id); returns the stored profile with its new id. NameTaken
        when another learner has its name, or is being stored with it right now (so two PCs cannot take one
        name at once). When it cannot be stored (a full disk), nothing of it is left behind and the error is
        raised."""
        learner_id = uuid.uuid4().hex
        stored = {**profile, "id": learner_id}
        folder = self.folder(learner_id)
        name = self._reserve_name(stored["name"])
        try:
            folder.mkdir()
            try:
                fsync_folder(self.paths.learners)
                with self._db.locked(self.paths.learner_profile(learner_id)) as db:
                    db.table(PROFILE).insert(stored)
                with self._db.locked(self._index_path) as db:
                    db.table(INDEX).insert(_index_row(stored))
            except BaseException:
                self._db.forget(self.paths.learner_profile(learner_id))
                shutil.rmtree(folder, ignore_errors=True)
                raise
        finally:
            with self._names_guard:
                self._names_in_creation.discard(name)
        return stored

    def _reserve_name(self, name: str) -> str:
        """Hold `name` (case-folded) for a learner being created until it is in the index, or NameTaken.
        Only this check is serialised, not the writes of the learners being created."""
        folded = name.casefold()
        with self._names_guard:
            if folded in self._names_in_creation or any(
                    row.get("name", "").casefold() == folded for row in self._index_rows()):
                raise NameTaken(name)
            self._names_in_creation.add(folded)
        return folded

    def profile(self, learner_id: str) -> dict | None:
        """The learner's profile, or None if there is no such learner (or its profile is damaged)."""
        try:
            path = self.paths.learner_profile(learner_id)
        except KeyError:
            return None
        if not path.exists():
            return None
        try:
            with self._db.locked(path) as db:
                rows = db.table(PROFILE).all()
        except DamagedFile:  # quarantined: the learner leaves the start screen, their records stay
            with self._db.locked(self._index_path) as db:
                db.table(INDEX).remove(lambda row: row.get("id") == learner_id)
            return None
        return dict(rows[0]) if rows else None

    def update_profile(self, learner_id: str, **changes) -> dict:
        """Change fields of a profile; the index follows when a listed field changes."""
        with self._db.locked(self.paths.learner_profile(learner_id)) as db:
            table = db.table(PROFILE)
            rows = table.all()
            if not rows:
                raise KeyError(learner_id)
            table.update(changes, doc_ids=[rows[0].doc_id])
            updated = {**rows[0], **changes}
        if set(changes) & set(INDEX_FIELDS):  # only those fields: the index alone knows when it was last seen
            self._update_index_row(learner_id, {key: updated.get(key) for key in changes if key in INDEX_FIELDS})
        return updated

    def touch(self, learner_id: str, when: str) -> None:
        """Remember when the learner last signed in (orders the start screen)."""
        self._update_index_row(learner_id, {"last_seen": when})

    def learners(self) -> list[dict]:
        """Index rows of every learner, most recently seen first."""
        rows = self._index_rows()
        return sorted(rows, key=lambda row: (row.get("last_seen") or row.get("created") or ""), reverse=True)

    def delete(self, learner_id: str) -> None:
        """Remove a learner and all their records (first moved aside, so a crash cannot bring them back)."""
        folder = self.folder(learner_id)
        with self.learner_lock(learner_id):
            trash = self.paths.deleted_learner(learner_id)
            folder.replace(trash)
            fsync_folder(self.paths.learners)
            for path in trash.iterdir():
                self._db.forget(folder / path.name)
            with self._segments_guard:
                self._segments.pop(learner_id, None)
        with self._db.locked(self._index_path) as db:
            db.table(INDEX).remove(lambda row: row.get("id") == learner_id)
        shutil.rmtree(trash, ignore_errors=True)

    # -- drafts: answers of open attempts; listening: where narrations stopped --------------------------
    def draft(self, learner_id: str, key: str) -> dict | None:
        """The draft kept under `key` (a lesson), or None; a damaged drafts file is quarantined and empty."""
        return self._keyed(self.paths.learner_drafts(learner_id), DRAFTS, key)

    def put_draft(self, learner_id: str, key: str, draft: dict | None) -> None:
        """Keep `draft` under `key` durably, replacing the one before (None: drop it)."""
        self._put_keyed(learner_id, self.paths.learner_drafts(learner_id), DRAFTS, key, draft)

    def listening(self, learner_id: str, key: str) -> dict | None:
        """Where the learner stopped in the narration kept under `key` (a lesson), or None."""
        return self._keyed(self.paths.learner_listening(learner_id), LISTENING, key)

    def put_listening(self, learner_id: str, key: str, place: dict) -> None:
        """Keep where the learner stopped in a narration durably, replacing the place before."""
        self._put_keyed(learner_id, self.paths.learner_listening(learner_id), LISTENING, key, place)

    def _keyed(self, path: Path, table: str, key: str) -> dict | None:
        try:
            with self._db.locked(path) as db:
                rows = db.table(table).search(Query().key == key)
        except DamagedFile:
            return None
        return dict(rows[0]) if rows else None

    def drafts(self, learner_id: str) -> list[dict]:
        """Every draft of a learner (each with its `key`); a damaged drafts file is quarantined and empty."""
        path = self.paths.learner_drafts(learner_id)
        if not path.exists():
            return []
        try:
            with self._db.locked(path) as db:
                return [dict(row) for row in db.table(DRAFTS).all()]
        except DamagedFile:
            return []

    def _put_keyed(self, learner_id: str, path: Path, table: str, key: str, row: dict | None) -> None:
        if not self.folder(learner_id).is_dir():
            raise KeyError(learner_id)
        if row is None and not path.exists():
            return
        try:
            self._write_keyed(path, table, key, row)
        except DamagedFile:
            self._write_keyed(path, table, key, row)  # quarantined: a fresh file

    def _write_keyed(self, path: Path, table: str, key: str, row: dict | None) -> None:
        with self._db.locked(path) as db:
            rows = db.table(table)
            if row is None:
                rows.remove(Query().key == key)
            else:
                rows.upsert({**row, "key": key}, Query().key == key)

    # -- statements --------------------------------------------------------------------------------------
    def append(self, learner_id: str, statements: list[dict]) -> None:
        """Store statements durably (all or none); they are on disk when this returns."""
        if not statements:
            return
        with self.learner_lock(learner_id):
            if not self.folder(learner_id).is_dir():
                raise KeyError(learner_id)
            number = self._current_segment(learner_id)
            path = self.paths.statement_segment(learner_id, number)
            try:
                self._insert(path, statements, learner_id, number)
            except DamagedFile:
                self._insert(path, statements, learner_id, number)  # quarantined: a fresh segment

    def _insert(self, path: Path, statements: list[dict], learner_id: str, number: int) -> None:
        with self._db.locked(path) as db:
            table = db.table(STATEMENTS)
            if len(table) + len(statements) > SEGMENT_SIZE and len(table) > 0:
                number += 1
                with self._segments_guard:
                    self._segments[learner_id] = number
                path = self.paths.statement_segment(learner_id, number)
                with self._db.locked(path) as fresh:
                    fresh.table(STATEMENTS).insert_multiple(statements)
                return
            table.insert_multiple(statements)

    def statements(self, learner_id: str) -> Iterator[dict]:
        """Every stored statement of a learner, oldest first; damaged segments are quarantined and skipped.
        The statements are shared with the store's cache: read them, never change them."""
        for number in self.paths.statement_segments(learner_id):
            try:
                with self._db.locked(self.paths.statement_segment(learner_id, number)) as db:
                    rows = db.table(STATEMENTS).all()
            except DamagedFile:
                continue
            yield from rows

    def count(self, learner_id: str) -> int:
        """How many statements a learner has."""
        total = 0
        for number in self.paths.statement_segments(learner_id):
            try:
                with self._db.locked(self.paths.statement_segment(learner_id, number)) as db:
                    total += len(db.table(STATEMENTS))
            except DamagedFile:
                continue
        return total

    def _current_segment(self, learner_id: str) -> int:
        with self._segments_guard:
            known = self._segments.get(learner_id)
        if known is None:
            known = max(self.paths.statement_segments(learner_id), default=1)
            with self._segments_guard:
                self._segments[learner_id] = known
        return known

    # -- the index ---------------------------------------------------------------------------------------
    def _index_rows(self) -> list[dict]:
        try:
            with self._db.locked(self._index_path) as db:
                return [dict(row) for row in db.table(INDEX).all()]
        except DamagedFile:
            self.reconcile()
            with self._db.locked(self._index_path) as db:
                return [dict(row) for row in db.table(INDEX).all()]

    def _update_index_row(self, learner_id: str, fields: dict) -> None:
        with self._db.locked(self._index_path) as db:
            db.table(INDEX).update(fields, lambda row: row.get("id") == learner_id)

    def reconcile(self) -> None:
        """Bring the index in line with the learner folders (after a crash, a damaged index or a restore),
        and finish deletions a crash interrupted."""
        for trash in self.paths.deleted_learners():
            shutil.rmtree(trash, ignore_errors=True)
        on_disk = set(self.paths.learner_ids())
        try:
            with self._db.locked(self._index_path) as db:
                listed = {row.get("id") for row in db.table(INDEX).all()}
        except DamagedFile:
            listed = set()
        if listed == on_disk:
            return
        rows = []
        for learner_id in sorted(on_disk):
            profile = self.profile(learner_id)
            if profile is not None:
                rows.append(_index_row(profile))
        with self._db.locked(self._index_path) as db:
            table = db.table(INDEX)
            previous = {row.get("id"): row.get("last_seen") for row in table.all()}
            for row in rows:
                row["last_seen"] = previous.get(row["id"]) or row.get("last_seen")
            db.drop_table(INDEX)
            db.table(INDEX).insert_multiple(rows)


def _index_row(profile: dict) -> dict:
    return {key: profile.get(key) for key in INDEX_FIELDS}
