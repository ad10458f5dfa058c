"""Export chosen learners into a learners file; plan and apply its import into another player's store.

Import merges by stable ids: a learner already here (same learner id) gains the statements it lacks
(by statement id, never twice) and the drafts it lacks, and takes the file's profile fields when the file's
learner was seen more recently; a learner not here is created whole, under a name of its own when a learner
here already has its name (`Lan (Xã Tân Lập)`: two cards that look alike on the start screen would put a learner
in another's profile). Importing a file twice changes nothing.

Crash safety, per learner: a new learner is put together in a hidden folder and renamed into place in one
step. What a merged learner gains (statements, drafts, profile fields) is first written whole into its
journal (one atomic write), then applied, then the journal goes: a kill before the journal is whole leaves
the learner as it was, a kill after it is finished by `finish_interrupted` (when the player next serves or
imports), so each learner ends either as it was or fully merged, never half.
"""

import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from player import __version__
from player.paths import is_learner_id
from player.results.export import free_name, slug
from player.store.atomic import fsync_folder, write_atomic
from player.store.databases import atomic_storage
from player.store.learners import DRAFTS, PROFILE, SEGMENT_SIZE, STATEMENTS
from player.transfer import learnerfile
from player.transfer.learnerfile import LearnerFile, LearnerFileError
from player.web.i18n import N_
from player.xapi import vocabulary as xapi

MOVED_FIELDS = ("name", "colour", "secret_kind", "secret_hash")  # back-off state stays with each player
FIELD_LABELS = {"name": N_("name"), "colour": N_("colour"), "secret_kind": N_("kind of secret"),
                "secret_hash": N_("PIN or picture code")}


@dataclass(frozen=True)
class LearnerChange:
    """What importing one learner of the file does here."""

    learner_id: str
    name: str  # as it will be here
    new: bool
    changed_fields: tuple[str, ...]  # profile fields the file's newer profile changes
    before: dict = field(repr=False)  # those fields as they are here now
    statements: list[dict] = field(repr=False)  # the statements this player lacks
    drafts: list[dict] = field(repr=False)
    record: dict = field(repr=False)
    renamed_from: str | None = None  # a new learner's name in the file, when a learner here has it

    @property
    def changes_anything(self) -> bool:
        return self.new or bool(self.changed_fields or self.statements or self.drafts)


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import would do, shown to the admin before they confirm."""

    source: LearnerFile
    other_centre: bool  # the file comes from a centre with another name
    changes: list[LearnerChange]

    @property
    def statements(self) -> int:
        return sum(len(change.statements) for change in self.changes)

    @property
    def changes_anything(self) -> bool:
        return any(change.changes_anything for change in self.changes)


def export_learners(store, learner_ids: list[str], folder: Path, now: datetime | None = None) -> Path:
    """Write the chosen learners into a new file in `folder` (never over another); its path."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    centre = slug(store.settings.get()["centre_name"]) or "centre"
    path = free_name(folder, f"tramhoc-learners_{centre}_{now:%Y%m%dT%H%M%SZ}", learnerfile.SUFFIX)
    write_learners(store, learner_ids, path, now)
    return path


def write_learners(store, learner_ids: list[str], path: Path, now: datetime | None = None) -> None:
    """Write the chosen learners (profile, secret hash, drafts, statements) into the learners file `path`;
    KeyError for an id that is no learner here."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    settings = store.settings.get()
    seen = {row["id"]: row.get("last_seen") for row in store.learners.learners()}
    records = []
    for learner_id in learner_ids:
        profile = store.learners.profile(learner_id)
        if profile is None:
            raise KeyError(learner_id)
        profile = {**profile, "last_seen": seen.get(learner_id) or profile.get("last_seen")}
        drafts = store.learners.drafts(learner_id)
        records.append({"profile": profile, "drafts": drafts,
                        "statements": [dict(row) for row in store.learners.statements(learner_id)]})
    header = {"centre": settings["centre_name"], "device_id": settings["device_id"],
              "exported_at": xapi.timestamp(now), "generator": f"tramhoc-player {__version__}"}
    learnerfile.write(path, header, records)


def plan_import(store, path: Path) -> ImportPlan:
    """Read and check a learners file, and say what importing it would do (changes nothing)."""
    source = learnerfile.read(path)
    changes = []
    taken = {row.get("name", "").casefold() for row in store.learners.learners()}
    for record in source.learners:
        incoming = record["profile"]
        learner_id = incoming.get("id")
        if not is_learner_id(learner_id) or not isinstance(incoming.get("name"), str):
            raise LearnerFileError(N_("the file's learners are not complete"))
        here = store.learners.profile(learner_id)
        drafts_here = {d["key"] for d in store.learners.drafts(learner_id)} if here else set()
        known = {s.get("id") for s in store.learners.statements(learner_id)} if here else set()
        missing = list({s["id"]: s for s in record["statements"] if s["id"] not in known}.values())
        changed = ()
        if here is not None and _seen(incoming) > _seen(_indexed(store, here)):
            changed = tuple(name for name in MOVED_FIELDS if incoming.get(name) != here.get(name))
        if here is None:  # a name of its own: none of the other learners here has it
            name = _own_name(incoming["name"], source.centre, taken)
        elif "name" in changed:
            name = _own_name(incoming["name"], source.centre, taken - {here["name"].casefold()})
            changed = tuple(field for field in changed if field != "name" or name != here["name"])
        else:
            name = here["name"]
        taken.add(name.casefold())
        renamed_from = incoming["name"] if name != incoming["name"] and (here is None or "name" in changed) else None
        changes.append(LearnerChange(learner_id, name, here is None, changed,
                                     {field: here.get(field) for field in changed}, missing,
                                     [d for d in record["drafts"] if d["key"] not in drafts_here], record,
                                     renamed_from))
    centre = store.settings.get()["centre_name"]
    return ImportPlan(source, source.centre != centre, changes)


def apply_import(store, plan: ImportPlan) -> None:
    """Do what the plan says, learner by learner, each all or nothing."""
    finish_interrupted(store)
    for change in plan.changes:
        if change.new:
            _create(store, change.record, change.name)
        elif change.changes_anything:
            _merge(store, change)


def finish_interrupted(store) -> None:
    """Finish what a crash interrupted: merges whose journal is whole are done, half-made learners go."""
    for leftover in store.paths.importing_learners():
        shutil.rmtree(leftover, ignore_errors=True)
    for learner_id in store.paths.learner_ids():
        journal = store.paths.import_journal(learner_id)
        if journal.is_file():
            _replay(store, learner_id, journal)


def _own_name(name: str, centre: str, taken: set[str]) -> str:
    """`name`, or when a learner here has it, the name with the file's centre (then a number) after it."""
    numbered = [f" ({centre}, {number})" if centre else f" ({number})" for number in range(2, 100)]
    suffixes = ["", *([f" ({centre})"] if centre else []), *numbered]
    return next((name + suffix for suffix in suffixes if (name + suffix).casefold() not in taken), name)


def _create(store, record: dict, name: str) -> None:
    profile = {**record["profile"], "name": name, "failures": 0, "locked_until": 0.0}
    learner_id = profile["id"]
    staged = store.paths.importing_learner(learner_id)
    staged.mkdir()
    _put(staged / store.paths.learner_profile(learner_id).name, PROFILE, [profile])
    if record["drafts"]:
        _put(staged / store.paths.learner_drafts(learner_id).name, DRAFTS, record["drafts"])
    statements = list({s["id"]: s for s in record["statements"]}.values())
    for start in range(0, len(statements), SEGMENT_SIZE):
        segment = store.paths.statement_segment(learner_id, start // SEGMENT_SIZE + 1).name
        _put(staged / segment, STATEMENTS, statements[start:start + SEGMENT_SIZE])
    fsync_folder(staged)
    staged.replace(store.paths.learner_folder(learner_id))
    fsync_folder(store.paths.learners)
    store.learners.reconcile()  # the start screen lists them


def _merge(store, change: LearnerChange) -> None:
    incoming = change.record["profile"]
    entry = {"statements": change.statements, "drafts": change.drafts, "last_seen": incoming.get("last_seen"),
             "profile": {name: change.name if name == "name" else incoming.get(name)
                         for name in change.changed_fields}}
    journal = store.paths.import_journal(change.learner_id)
    write_atomic(journal, json.dumps(entry, ensure_ascii=False).encode("utf-8"), mode=0o600)
    _replay(store, change.learner_id, journal)


def _replay(store, learner_id: str, journal: Path) -> None:
    """Apply a merge's journal (again: what is already here is not added twice), then remove it."""
    entry = json.loads(journal.read_text(encoding="utf-8"))
    known = {s.get("id") for s in store.learners.statements(learner_id)}
    missing = [s for s in entry["statements"] if s["id"] not in known]
    for start in range(0, len(missing), SEGMENT_SIZE):
        store.learners.append(learner_id, missing[start:start + SEGMENT_SIZE])
    for draft in entry["drafts"]:
        store.learners.put_draft(learner_id, draft["key"], {k: v for k, v in draft.items() if k != "key"})
    if entry["profile"]:
        store.learners.update_profile(learner_id, **entry["profile"])
        store.learners.touch(learner_id, entry["last_seen"])
    journal.unlink()
    fsync_folder(journal.parent)


def _put(path: Path, table: str, rows: list[dict]) -> None:
    db = atomic_storage(path)
    try:
        db.table(table).insert_multiple(rows)
    finally:
        db.close()


def _indexed(store, profile: dict) -> dict:
    row = next((row for row in store.learners.learners() if row["id"] == profile["id"]), {})
    return {**profile, "last_seen": row.get("last_seen") or profile.get("last_seen")}


def _seen(profile: dict) -> str:
    return str(profile.get("last_seen") or profile.get("created") or "")
