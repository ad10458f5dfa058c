"""The report straight from an xAPI Learning Record Store: `GET statements` page by page, following the
LRS's `more` links (on its own host only: player.results.lrs), each page counted as the lines of a results
file are (player.results.merge.take_line), so the figures are the same as from files of the same statements.

Memory holds one page and the ids seen. Each page is appended to a cache in the report's folder before it
is counted, and a checkpoint says where the next page is:

    REPORT_DIR/.lrs-read/statements.jsonl   the statements read so far, one per line, fsynced per page
    REPORT_DIR/.lrs-read/checkpoint.json    the LRS, user, period and page size of the read, the next page's
                                            address, pages and statements so far, the cache's whole bytes

A read stopped by Ctrl+C or a network cut goes on from there with `resume`: the cache is counted again
and the next page fetched. Both files are removed once the report is written.

What results files carry and statements do not: a statement names its computer (device id) and centre
(context extensions) and its classes (id and name, in its grouping), not the computer's name nor the
classes' records (trainer, place, days, enrolled learners): the class tables show each class with the
courses and learners its statements name (player.results.seen_classes), its enrolment unknown. There is no
export either: a computer's
centre is the one named by its statement the LRS stored last, and its "last export" is when the LRS stored
that statement (the computer's last sync).
"""

import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path

from player.results.figures import Figures, utc_timestamp
from player.results.lrs import LrsClient, LrsError, StatementsPage
from player.results.merge import MergeLog, Share, take_line
from player.results.report import DEFAULT_ZONE, Report, build_report, report_zone
from player.results.resultsfile import encode
from player.results.seen_classes import SeenClasses
from player.results.sync import FIRST_WAIT_SECONDS, RETRIES
from player.store.atomic import write_atomic
from player.xapi.vocabulary import EXTENSION_CENTRE, EXTENSION_DEVICE, timestamp

CACHE_FOLDER = ".lrs-read"
PAGE_SIZE = 500
CHECKPOINT_FORMAT = "tramhoc-lrs-read"
_IDENTITY = ("lrs", "user", "query", "page_size")  # a checkpoint resumes only the same read


@dataclass
class LrsLog(MergeLog):
    """What was read from an LRS (no files): where from, the days it was asked for, in how many pages."""

    endpoint: str = ""
    since: str = ""  # YYYY-MM-DD, or "" for no first day
    until: str = ""
    pages: int = 0
    resumed_from: int = 0  # statements the interrupted read had cached when this one went on


@dataclass(frozen=True)
class ReadProgress:
    pages: int
    statements: int  # read so far, the resumed read's included
    new: int  # read by this run
    seconds: float  # this run's

    @property
    def rate(self) -> float:
        """Statements per second in this run."""
        return self.new / self.seconds if self.seconds > 0 else 0.0


def period_query(since: str | None, until: str | None, zone: tzinfo) -> dict:
    """xAPI's `since` and `until` for the statements of the days `since` to `until` (`YYYY-MM-DD`, either
    open) in `zone`: from the first day's midnight to the last day's last millisecond."""
    def midnight(day: str, later: int = 0) -> datetime:
        return datetime.combine(date.fromisoformat(day) + timedelta(days=later), datetime.min.time(), zone)

    return {**({"since": timestamp(midnight(since))} if since else {}),
            **({"until": timestamp(midnight(until, 1) - timedelta(milliseconds=1))} if until else {})}


def build_lrs_report(client: LrsClient, user: str, folder: Path, language: str = "vi",
                     zone_name: str = DEFAULT_ZONE, since: str | None = None, until: str | None = None,
                     codes: bool = False, page_size: int = PAGE_SIZE, resume: bool = False,
                     progress: Callable[[ReadProgress], None] = lambda done: None,
                     now: datetime | None = None) -> Report:
    """Read the LRS's statements of the days `since` to `until` (`YYYY-MM-DD`, either open) into the report
    in `folder`; raises LrsError or KeyboardInterrupt with the read so far kept for `resume`."""
    query = period_query(since, until, report_zone(zone_name))
    report = build_report([], folder, language, now, zone_name, codes, since, until, read=lambda figures: replace(
        read_lrs(client, user, Path(folder), figures, query, page_size, resume, progress),
        since=since or "", until=until or ""))
    shutil.rmtree(Path(folder) / CACHE_FOLDER, ignore_errors=True)
    return report


def read_lrs(client: LrsClient, user: str, folder: Path, figures: Figures, query: dict | None = None,
             page_size: int = PAGE_SIZE, resume: bool = False,
             progress: Callable[[ReadProgress], None] = lambda done: None, retries: int = RETRIES,
             first_wait: float = FIRST_WAIT_SECONDS) -> LrsLog:
    """Count every statement of the LRS (those `query` asks for: xAPI's since, until) into `figures`, going
    on from an interrupted read of the same LRS, user, query and page size when `resume` (else from the
    first page). The next page is fetched (in a thread) while one is counted; a stop while it is in flight
    cancels the client's RunControl."""
    cache = folder / CACHE_FOLDER
    query = query or {}
    wanted = {"format": CHECKPOINT_FORMAT, "lrs": client.statements_url, "user": user, "query": query,
              "page_size": page_size}
    point = _checkpoint(cache) if resume else None
    if point is None or any(point.get(key) != wanted[key] for key in ("format", *_IDENTITY)):
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        point = {**wanted, "next": None, "done": False, "pages": 0, "statements": 0, "bytes": 0}
    resumed_from, share, classes = point["statements"], Share(figures, [0]), SeenClasses()
    count = _counter(figures, share, classes)
    start, first_query = time.monotonic(), {"limit": page_size, **query}
    with open(cache / "statements.jsonl", "a+b") as out:
        out.truncate(point["bytes"])  # a page written after the last checkpoint is fetched again
        out.seek(0)
        for line in out:
            count(line)
        with ThreadPoolExecutor(1, thread_name_prefix="lrs-page") as fetcher:
            fetch = partial(fetcher.submit, _page, client, first_query=first_query, retries=retries,
                            first_wait=first_wait)
            fetching = None if point["done"] else fetch(point["next"])
            try:
                while fetching is not None:
                    page = fetching.result()
                    data = _keep(page, out, cache, point)
                    progress(ReadProgress(point["pages"], point["statements"], point["statements"] - resumed_from,
                                          time.monotonic() - start))
                    fetching = fetch(page.more) if page.more else None  # the LRS works while this page is counted
                    duplicates = share.duplicates
                    for line in data.splitlines(keepends=True):
                        count(line)
                    if page.more and share.duplicates - duplicates == len(page.statements):
                        raise LrsError("the LRS's next page holds only statements it sent before (its pages go "
                                       "round in a circle)", lasting=True, kind="answer", host=client.host)
            except BaseException:
                if fetching is not None and not fetching.done():
                    client.control.cancel()  # Ctrl+C stops at once: the request in flight is cut off
                raise
    endpoint = client.statements_url
    return LrsLog(statements=share.statements, duplicates=share.duplicates, invalid=share.invalid,
                  problems=[f"{endpoint} #{number}: {reason}" for _, number, reason in share.problems],
                  seen_classes=classes, endpoint=endpoint, pages=point["pages"], resumed_from=resumed_from)


def _keep(page: StatementsPage, out, cache: Path, point: dict) -> bytes:
    """Append the page's statements to the cache (fsynced, each line starting with its id, as exports do),
    then move the checkpoint past them; returns the lines appended."""
    data = b"".join(encode({"id": statement["id"], **statement}) for statement in page.statements)
    out.seek(0, os.SEEK_END)
    out.write(data)
    out.flush()
    os.fsync(out.fileno())
    point.update(next=page.more, done=page.more is None, pages=point["pages"] + 1,
                 statements=point["statements"] + len(page.statements), bytes=point["bytes"] + len(data))
    write_atomic(cache / "checkpoint.json", json.dumps(point, ensure_ascii=False).encode("utf-8"))
    return data


def _checkpoint(cache: Path) -> dict | None:
    try:
        point = json.loads((cache / "checkpoint.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return point if isinstance(point, dict) else None


def _page(client: LrsClient, url: str | None, *, first_query: dict, retries: int, first_wait: float) -> StatementsPage:
    """The next page; a connection problem is tried again `retries` times, waiting longer each time."""
    attempt = 0
    while True:
        try:
            return client.page(url, **first_query)
        except LrsError as error:
            if error.lasting or attempt == retries:
                raise
            client.control.pause(first_wait * 2 ** attempt)
            attempt += 1


def _counter(figures: Figures, share: Share, classes: SeenClasses) -> Callable[[bytes], None]:
    """Counts one cached line as merge counts a results file's line (numbered in the order read); the
    statement's own computer and centre, and when the LRS stored it, stand where a file's header would, and
    the classes it names where the header's classes would."""
    seen: set[int] = set()

    def count(line: bytes) -> None:
        statement = take_line(share, seen, 0, share.statements + 1, line)
        if statement is not None:
            extensions = (statement.get("context") or {}).get("extensions")
            device, centre = _text(extensions, EXTENSION_DEVICE), _text(extensions, EXTENSION_CENTRE)
            stored = statement.get("stored")
            stored = stored if isinstance(stored, str) else statement.get("timestamp", "")
            figures.saw_export(utc_timestamp(stored), device, centre)
            figures.add(statement, device)
            classes.add(statement, device)

    return count


def _text(extensions, key: str) -> str:
    value = extensions.get(key) if isinstance(extensions, dict) else None
    return value if isinstance(value, str) else ""
