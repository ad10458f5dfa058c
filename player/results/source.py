"""Where export and sync read this PC's statements: the one coupling point with the progress store.

The app's services hold a `StoreSource` as `statements`; a test may put any other `StatementSource` there.
"""

from collections.abc import Iterator
from typing import Protocol

from player.results.resultsfile import ClassRecord
from player.store import Store


class StatementSource(Protocol):
    """The statements recorded on this PC, which PC and centre it is, and the centre's classes."""

    centre_name: str
    device_id: str

    def statements(self) -> Iterator[dict]:
        """Every stored statement, each once, in any order; reading never changes the store."""
        ...

    def classes(self) -> list[ClassRecord]:
        """The centre's classes with the ids of their learners."""
        ...


class StoreSource:
    """Every learner's statements in the player's progress store, with the centre's settings."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def centre_name(self) -> str:
        return self.store.settings.get()["centre_name"]

    @property
    def device_id(self) -> str:
        return self.store.settings.get()["device_id"]

    def statements(self) -> Iterator[dict]:
        for row in self.store.learners.learners():
            yield from self.store.learners.statements(row["id"])

    def classes(self) -> list[ClassRecord]:
        """Every class, with its learners still on this PC (a deleted learner is left out) and their names."""
        here = {row["id"]: row["name"] for row in self.store.learners.learners()}
        return [record for row in self.store.classes.classes() if (record := ClassRecord.from_json(
            {**row, "learners": [learner for learner in row.get("learners", []) if learner in here],
             "names": here}))]
