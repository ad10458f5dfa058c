"""Where export and sync read this PC's statements: the one coupling point with the progress store.

The progress store registers a `StatementSource` as `app.extensions[SOURCE_KEY]`. Until it does, a
player reads `results/statements.jsonl` in its data folder (one statement per line), with this
installation's device id and centre name in `results/device.json` (made on first use).
"""

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

SOURCE_KEY = "tramhoc_statements"


class StatementSource(Protocol):
    """The statements recorded on this PC, and which PC and centre it is."""

    centre_name: str
    device_id: str

    def statements(self) -> Iterator[dict]:
        """Every stored statement, each once, in any order; reading never changes the store."""
        ...


class JsonLinesSource:
    """Statements from a JSON-lines file (a test double, and the player's source until the store lands)."""

    def __init__(self, path: Path, centre_name: str, device_id: str):
        self.path, self.centre_name, self.device_id = Path(path), centre_name, device_id

    def statements(self) -> Iterator[dict]:
        try:
            with open(self.path, "rb") as lines:
                for line in lines:
                    if line.strip():
                        yield json.loads(line)
        except FileNotFoundError:
            return

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> "JsonLinesSource":
        folder = Path(data_dir) / "results"
        device = folder / "device.json"
        try:
            identity = json.loads(device.read_text(encoding="utf-8"))
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
            identity = {"device_id": str(uuid.uuid4()), "centre_name": ""}
            temp = device.with_suffix(".tmp")
            temp.write_text(json.dumps(identity), encoding="utf-8")
            os.replace(temp, device)
        return cls(folder / "statements.jsonl", identity["centre_name"], identity["device_id"])


def source_for(app) -> StatementSource:
    """The statement source of a player app."""
    return app.extensions.get(SOURCE_KEY) or JsonLinesSource.in_data_dir(app.config["DATA_DIR"])
