"""Send this PC's statements to an xAPI Learning Record Store: only those it has not acknowledged, in
batches, resuming after a network failure or a restart, never duplicating.

What the LRS acknowledged is appended to a ledger file (one statement id per line, fsynced after each
batch), kept per LRS address. A crash can at worst tear the last line: that batch is sent again, and
the LRS answers that it has those ids already. When a batch fails half-way (connection lost, 409
conflict, 400 rejected), each of its statements is checked with `GET ?statementId=` and the missing
ones are sent one by one with `PUT ?statementId=` (idempotent).

Nothing is marked delivered on faith: a batch only for the ids the LRS's answer lists (any others of the
batch are looked up), a PUT only on a 2xx, or on a 409 once a read shows the LRS holds that id.
"""

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from player.paths import DataPaths
from player.results.lrs import LrsClient, LrsError, RunControl, lrs_problem
from player.results.source import StatementSource
from player.store.atomic import write_atomic
from player.web.i18n import Language

BATCH_SIZE = 100
RETRIES = 2
FIRST_WAIT_SECONDS = 1.0
PASSWORD_VARIABLE = "TRAMHOC_LRS_PASSWORD"
_UUID_LINE = re.compile(rb"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\n$")


class Ledger:
    """The ids an LRS has acknowledged, kept in an append-only file that survives crashes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.ids: set[str] = set()
        try:
            with open(self.path, "rb") as lines:
                self.ids = {line[:36].decode("ascii").lower() for line in lines if _UUID_LINE.match(line)}
        except FileNotFoundError:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def __contains__(self, statement_id: str) -> bool:
        return statement_id.lower() in self.ids

    def add(self, statement_ids: Iterable[str]) -> None:
        """Record ids as delivered, durably, before the caller moves on."""
        new = [sid.lower() for sid in statement_ids if sid.lower() not in self.ids]
        if not new:
            return
        with open(self.path, "ab") as out:
            if out.tell() and not _ends_with_newline(self.path):
                out.write(b"\n")  # a line torn by a crash stays alone on its line
            out.write("".join(f"{sid}\n" for sid in new).encode("ascii"))
            out.flush()
            os.fsync(out.fileno())
        self.ids.update(new)


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as data:
        data.seek(-1, os.SEEK_END)
        return data.read(1) == b"\n"


@dataclass
class SyncOutcome:
    total: int = 0  # statements the LRS had not acknowledged when the run began
    sent: int = 0  # stored by the LRS in this run
    already_there: int = 0  # found on the LRS (sent by an earlier, interrupted run, or 409 Conflict)
    rejected: list[str] = field(default_factory=list)  # ids the LRS refused as invalid (400)

    @property
    def done(self) -> int:
        return self.sent + self.already_there + len(self.rejected)


def sync(source: StatementSource, client: LrsClient, ledger: Ledger, batch_size: int = BATCH_SIZE,
         progress: Callable[[SyncOutcome], None] = lambda outcome: None, retries: int = RETRIES,
         first_wait: float = FIRST_WAIT_SECONDS) -> SyncOutcome:
    """Send every statement of `source` that `ledger` lacks; raises LrsError when the LRS stays out of
    reach (what was acknowledged so far is kept, and the next run goes on from there)."""
    outcome = SyncOutcome(total=sum(1 for _ in _pending(source, ledger)))
    progress(outcome)
    for batch in _batches(_pending(source, ledger), batch_size):
        for attempt in range(retries + 1):
            try:
                if attempt == 0:
                    _send_batch(batch, client, ledger, outcome)
                else:
                    _settle_one_by_one(batch, client, ledger, outcome)
                break
            except LrsError as error:
                if error.lasting or attempt == retries:
                    raise
                client.control.pause(first_wait * 2 ** attempt)
        progress(outcome)
    return outcome


def _pending(source: StatementSource, ledger: Ledger) -> Iterator[dict]:
    for statement in source.statements():
        if statement["id"] not in ledger:
            yield statement


def _batches(statements: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch = []
    for statement in statements:
        batch.append(statement)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _send_batch(batch: list[dict], client: LrsClient, ledger: Ledger, outcome: SyncOutcome) -> None:
    status, stored = client.post(batch)
    if status == 200:  # the ids it stored; an LRS may leave out those it already had: they are looked up
        ledger.add(stored)
        outcome.sent += len({sid.lower() for sid in stored})
    _settle_one_by_one(batch, client, ledger, outcome)  # what the answer did not confirm, one by one


def _settle_one_by_one(batch: list[dict], client: LrsClient, ledger: Ledger, outcome: SyncOutcome) -> None:
    """For a batch whose fate is unknown: keep what arrived, PUT what did not, note what is refused."""
    for statement in batch:
        statement_id = statement["id"]
        if statement_id in ledger or statement_id in outcome.rejected:
            continue
        if client.has(statement_id):
            outcome.already_there += 1
        else:
            status = client.put(statement)
            if status == 400:
                outcome.rejected.append(statement_id)
                continue
            if 200 <= status < 300:
                outcome.sent += 1
            elif status == 409 and client.has(statement_id):  # the LRS holds a statement with this id
                outcome.already_there += 1
            else:
                raise LrsError(f"the LRS answered HTTP {status} to storing statement {statement_id} but does not "
                               "hold it", lasting=True, kind="answer", host=client.host)
        ledger.add([statement_id])


@dataclass(frozen=True)
class SyncSettings:
    """The LRS to send to (kept for the next sync and for the admin area)."""

    lrs: str
    user: str
    password: str

    @classmethod
    def load(cls, paths: DataPaths) -> "SyncSettings | None":
        try:
            data = json.loads(paths.sync_settings.read_text(encoding="utf-8"))
            return cls(data["lrs"], data["user"], data["password"])
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None

    def save(self, paths: DataPaths) -> None:
        """Written crash-safely, readable by this user only (the password must be sent, so it is kept)."""
        path = paths.sync_settings
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"lrs": self.lrs, "user": self.user, "password": self.password}, ensure_ascii=False)
        write_atomic(path, payload.encode("utf-8"), mode=0o600)


def run_sync_command(paths: DataPaths, source: StatementSource, lrs: str | None, user: str | None,
                     password: str | None, batch_size: int = BATCH_SIZE, echo=print, lang: Language | None = None) -> int:
    """`python -m player sync`: settings from the arguments (then saved) or from the last sync; messages
    in `lang` (Vietnamese by default)."""
    lang = lang or Language()
    password = password or os.environ.get(PASSWORD_VARIABLE)
    saved = SyncSettings.load(paths)
    if lrs:
        if user is None or password is None:
            echo(lang.gettext("sync: give --user and --password (or %(variable)s) with --lrs",
                              variable=PASSWORD_VARIABLE))
            return 2
        settings = SyncSettings(lrs, user, password)
    elif saved:
        settings = SyncSettings(saved.lrs, user or saved.user, password or saved.password)
    else:
        echo(lang.gettext("sync: no LRS yet; give --lrs URL --user NAME --password SECRET"))
        return 2

    def show(outcome: SyncOutcome) -> None:
        echo(lang.gettext("sync: %(done)d of %(total)d records delivered", done=outcome.done, total=outcome.total))

    try:
        client = LrsClient(settings.lrs, settings.user, settings.password, control=RunControl())
        outcome = sync(source, client, Ledger(paths.sync_ledger(settings.lrs)), batch_size, show)
    except LrsError as error:
        if not error.lasting:
            settings.save(paths)
        reason = lrs_problem(error.kind, error.host, error.moved_to).text(lang.gettext)
        echo(lang.gettext("sync stopped: %(reason)s Records delivered so far are remembered; run sync again to go "
                          "on.", reason=reason) + f" ({error})")
        return 1
    except KeyboardInterrupt:  # Ctrl+C: what the ledger holds was acknowledged; the rest goes next time
        echo(lang.gettext("sync stopped: %(reason)s Records delivered so far are remembered; run sync again to go "
                          "on.", reason=lrs_problem("cancelled").text(lang.gettext)))
        return 130
    settings.save(paths)
    echo(lang.gettext("sync finished: %(sent)d sent, %(there)d already on the LRS, %(refused)d refused as invalid",
                      sent=outcome.sent, there=outcome.already_there, refused=len(outcome.rejected))
         + (f" ({', '.join(outcome.rejected[:5])}…)" if outcome.rejected else ""))
    return 0 if not outcome.rejected else 1
