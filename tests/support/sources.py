"""A statement source over a JSON-lines file, for tests that need statements without a progress store."""

import json
from collections.abc import Iterator
from pathlib import Path


class JsonLinesSource:
    """Statements from a JSON-lines file, with a fixed centre name, device id and classes."""

    def __init__(self, path: Path, centre_name: str, device_id: str, classes: tuple = ()):
        self.path, self.centre_name, self.device_id = Path(path), centre_name, device_id
        self._classes = list(classes)

    def classes(self) -> list:
        return self._classes

    def statements(self) -> Iterator[dict]:
        try:
            with open(self.path, "rb") as lines:
                for line in lines:
                    if line.strip():
                        yield json.loads(line)
        except FileNotFoundError:
            return
