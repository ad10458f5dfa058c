"""Read any number of results files, skip damaged or foreign ones, and feed every statement exactly
once (by its id) into the figures. Streams: memory grows with distinct statement ids, not file sizes."""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from player.results import resultsfile
from player.results.export import SUFFIX
from player.results.figures import Figures
from player.results.resultsfile import Header, ResultsFileError
from player.results.text import N_
from player.results.validate import problem

MAX_LISTED_PROBLEMS = 50
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class FileRead:
    path: Path
    header: Header
    new_statements: int


@dataclass(frozen=True)
class Skipped:
    """A file left out, and why (a gettext message id with its parameters)."""

    path: Path
    message: str
    params: dict


@dataclass
class MergeLog:
    """What was read, what was left out and why."""

    files: list[FileRead] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    statements: int = 0
    duplicates: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)  # `file:line: problem`, the first few


def results_files(inputs: Iterable[Path]) -> list[Path]:
    """The files named, and the results files inside the folders named (hidden temporary files left out)."""
    found, seen = [], set()
    for item in map(Path, inputs):
        paths = sorted(p for p in item.glob(f"*{SUFFIX}") if not p.name.startswith(".")) if item.is_dir() else [item]
        for path in paths:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def merge(inputs: Iterable[Path], figures: Figures) -> MergeLog:
    """Verify each file, then count its statements that no earlier file had."""
    log, seen = MergeLog(), set()
    for path in results_files(inputs):
        try:
            header = resultsfile.verify(path)
        except ResultsFileError as error:
            log.skipped.append(Skipped(path, error.message, error.params))
            continue
        except OSError as error:
            log.skipped.append(Skipped(path, N_("cannot be read: %(error)s"), {"error": error.strerror or error}))
            continue
        figures.saw_export(header.exported_at, header.device_id, header.centre)
        new = 0
        for number, line in resultsfile.statement_lines(path):
            log.statements += 1
            statement, key, reason = _statement(line)
            if key is not None:
                if key in seen:
                    log.duplicates += 1
                    continue
                seen.add(key)
            if reason:
                log.invalid += 1
                if len(log.problems) < MAX_LISTED_PROBLEMS:
                    log.problems.append(f"{path.name}:{number}: {reason}")
                continue
            figures.add(statement, header.device_id)
            new += 1
        log.files.append(FileRead(path, header, new))
    return log


def _statement(line: bytes) -> tuple[dict | None, int | None, str | None]:
    """The statement, its id as a number (for de-duplication) and what is wrong with it, if anything."""
    try:
        statement = json.loads(line)
    except ValueError:
        return None, None, "not JSON"
    statement_id = statement.get("id") if isinstance(statement, dict) else None
    if not isinstance(statement_id, str) or not _UUID.match(statement_id):
        return statement, None, "statement.id: a UUID is required"
    return statement, int(statement_id.replace("-", ""), 16), problem(statement)
