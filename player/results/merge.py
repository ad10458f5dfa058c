"""Read any number of results files, skip damaged or foreign ones, and feed every statement exactly
once (by its id) into the figures. Streams: memory grows with distinct statement ids, not file sizes.

Two passes: every file is verified first (checksum, header, trailer), then the statements of the good
files are counted. For large inputs the counting is shared between processes by statement id (each
process reads every file but takes only the ids of its share), so de-duplication stays exact and the
partial figures simply add up.
"""

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from player.results import resultsfile
from player.results.export import SUFFIX
from player.results.figures import Figures
from player.results.resultsfile import Header, ResultsFileError
from player.results.seen_classes import SeenClasses
from player.web.errors import Problem, os_problem
from player.xapi.validate import problem

MAX_LISTED_PROBLEMS = 50
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
MAX_WORKERS = 4
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class FileRead:
    path: Path
    header: Header
    new_statements: int


@dataclass(frozen=True)
class Skipped:
    """A file left out, and why."""

    path: Path
    problem: Problem


@dataclass
class MergeLog:
    """What was read, what was left out and why."""

    files: list[FileRead] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    statements: int = 0
    duplicates: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)  # `file:line: problem`, the first few
    seen_classes: SeenClasses | None = None  # a read without files' headers (lrsread): the classes statements name


@dataclass
class Share:
    """What one share of the statement ids contributed (or one reader of another source: lrsread)."""

    figures: Figures
    new_per_file: list[int]
    statements: int = 0
    duplicates: int = 0
    invalid: int = 0
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (file index, line, problem)


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


def merge(inputs: Iterable[Path], figures: Figures, workers: int | None = None) -> MergeLog:
    """Verify each file, then count every statement once; `workers` processes (default: by input size)."""
    files = results_files(inputs)
    workers = workers or _workers_for(files)
    log = MergeLog()
    with _mapper(workers) as run:
        good = []
        for outcome in run(_verify, files):
            if isinstance(outcome, Skipped):
                log.skipped.append(outcome)
            else:
                good.append(outcome)
                header = outcome.header
                figures.saw_export(header.exported_at, header.device_id, header.centre, header.device_name)
        jobs = [([(item.path, item.header.device_id) for item in good], share, workers) for share in range(workers)]
        shares = list(run(_count_share, jobs))
    new_per_file = [0] * len(good)
    problems = []
    for share in shares:
        figures.absorb(share.figures)
        new_per_file = [total + new for total, new in zip(new_per_file, share.new_per_file)]
        log.statements += share.statements
        log.duplicates += share.duplicates
        log.invalid += share.invalid
        problems += share.problems
    log.files = [FileRead(item.path, item.header, new) for item, new in zip(good, new_per_file)]
    log.problems = [f"{good[index].path.name}:{line}: {reason}" for index, line, reason in sorted(problems)]
    log.problems = log.problems[:MAX_LISTED_PROBLEMS]
    return log


def _workers_for(files: list[Path]) -> int:
    """One process for small inputs; for large ones up to one per core where processes can be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawning would re-run `python -m player` in every worker (Windows): stay sequential
    try:
        size = sum(path.stat().st_size for path in files)
    except OSError:
        return 1
    return 1 if size < PARALLEL_MIN_BYTES else max(1, min(MAX_WORKERS, os.cpu_count() or 1))


@contextmanager
def _mapper(workers: int):
    """`map` in this process, or over a pool of forked worker processes."""
    if workers == 1:
        yield lambda function, items: map(function, items)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool.map


def _verify(path: Path) -> FileRead | Skipped:
    try:
        return FileRead(path, resultsfile.verify(path), 0)
    except ResultsFileError as error:
        return Skipped(path, error.problem)
    except OSError as error:
        return Skipped(path, os_problem(error))


def _count_share(job: tuple[list[tuple[Path, str]], int, int]) -> Share:
    """Count the statements whose id falls in `share` of `shares`, reading every verified file in order."""
    files, share, shares = job
    result = Share(Figures(), [0] * len(files))
    seen: set[int] = set()
    mine: Callable[[int | None], bool] = lambda key: (key or 0) % shares == share
    for index, (path, device_id) in enumerate(files):
        for number, line in resultsfile.statement_lines(path):
            statement = take_line(result, seen, index, number, line, mine)
            if statement is not None:
                result.figures.add(statement, device_id)
                result.new_per_file[index] += 1
    return result


def take_line(result: Share, seen: set[int], index: int, number: int, line: bytes,
              mine: Callable[[int | None], bool] = lambda key: True) -> dict | None:
    """The statement on line `number` of source `index` when it is `mine`, valid and not in `seen` (then
    added there); what it was (a duplicate, invalid and why) is counted in `result`."""
    key = _quick_id(line)
    if key is not None and not mine(key):
        return None
    if key is not None and key in seen:
        result.statements += 1
        result.duplicates += 1
        return None
    statement, key, reason = _statement(line)
    if not mine(key):
        return None
    result.statements += 1
    if key is not None:
        if key in seen:
            result.duplicates += 1
            return None
        seen.add(key)
        reason = problem(statement)
    if reason:
        result.invalid += 1
        if len(result.problems) < MAX_LISTED_PROBLEMS:
            result.problems.append((index, number, reason))
        return None
    return statement


def _quick_id(line: bytes) -> int | None:
    """The id of a line as our exporter writes it (`{"id":"<uuid>",…`), found without parsing the JSON:
    overlapping exports repeat many statements, and most lines belong to another process's share."""
    if line.startswith(b'{"id":"') and line[43:44] == b'"' and _UUID.match(line[7:43].decode("ascii", "replace")):
        return int(line[7:43].replace(b"-", b""), 16)
    return None


def _statement(line: bytes) -> tuple[dict | None, int | None, str | None]:
    """The statement, its id as a number (for de-duplication), or what makes it unreadable."""
    try:
        statement = resultsfile.json_line(line)
    except resultsfile.TooDeep as error:
        return None, None, str(error)
    except ValueError:
        return None, None, "not JSON"
    statement_id = statement.get("id") if isinstance(statement, dict) else None
    if not isinstance(statement_id, str) or not _UUID.match(statement_id):
        return statement, None, "statement.id: a UUID is required"
    return statement, int(statement_id.replace("-", ""), 16), None
