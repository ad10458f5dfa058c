"""Sync in the background for the admin area: one run at a time, its progress readable while it runs, a
run that can be stopped (and ends by itself at its deadline), and the last run's result kept in the data folder (`sync/last-run.json`) so it is still shown after a restart."""

import dataclasses
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from player.paths import DataPaths
from player.results.lrs import LrsClient, LrsError, RunControl
from player.results.source import StatementSource
from player.results.sync import BATCH_SIZE, Ledger, SyncOutcome, SyncSettings, sync
from player.store.atomic import write_atomic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncRun:
    """One sync run as the admin sees it; `problem` is an LrsError kind (or "unexpected") when it failed."""

    lrs: str
    started: str  # UTC, ISO 8601
    running: bool = True
    done: int = 0
    total: int = 0
    finished: str | None = None
    sent: int = 0
    already_there: int = 0
    rejected: int = 0
    problem: str | None = None
    host: str = ""
    moved_to: str = ""  # where the LRS's address redirected to (problem "moved")


class SyncRunner:
    """Runs `sync` in a thread for one data folder; never two runs at once."""

    def __init__(self, paths: DataPaths):
        self.paths = paths
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._control: RunControl | None = None
        self._run = _load(paths.sync_last_run)

    def current(self) -> SyncRun | None:
        """The run going on now, else the last one (None before the first)."""
        return self._run

    def start(self, settings: SyncSettings, source: StatementSource, batch_size: int = BATCH_SIZE) -> bool:
        """Start sending `source` in the background; False (and nothing started) while another run goes on."""
        with self._lock:
            if self._run is not None and self._run.running:
                return False
            self._run = SyncRun(settings.lrs, _now())
            self._control = RunControl()
            self._thread = threading.Thread(target=self._work, args=(settings, source, batch_size, self._control),
                                            name="tramhoc-sync", daemon=True)
            self._thread.start()
        return True

    def stop(self) -> bool:
        """Cancel the running run at once, even in the middle of a request; False when none is running."""
        with self._lock:
            if self._run is None or not self._run.running or self._control is None:
                return False
            self._control.cancel()
        return True

    def join(self, timeout: float | None = None) -> None:
        """Wait for the running run to end (for tests and shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _work(self, settings: SyncSettings, source: StatementSource, batch_size: int, control: RunControl) -> None:
        def progress(outcome: SyncOutcome) -> None:
            self._update(done=outcome.done, total=outcome.total)

        try:
            client = LrsClient(settings.lrs, settings.user, settings.password, control=control)
            outcome = sync(source, client, Ledger(self.paths.sync_ledger(settings.lrs)), batch_size, progress)
        except LrsError as error:
            log.warning("sync to %s stopped: %s", settings.lrs, error)
            final = {"problem": error.kind, "host": error.host, "moved_to": error.moved_to}
        except Exception:  # the admin must see that it stopped, whatever happened on this computer
            log.exception("sync to %s failed", settings.lrs)
            final = {"problem": "unexpected"}
        else:
            final = {"done": outcome.done, "total": outcome.total, "sent": outcome.sent,
                     "already_there": outcome.already_there, "rejected": len(outcome.rejected)}
        finished = dataclasses.replace(self._run, **final, running=False, finished=_now())
        try:
            self.paths.sync.mkdir(parents=True, exist_ok=True)
            write_atomic(self.paths.sync_last_run, json.dumps(dataclasses.asdict(finished)).encode("utf-8"))
        except OSError:
            log.exception("could not keep the result of the sync")
        self._run = finished

    def _update(self, **changes) -> None:
        self._run = dataclasses.replace(self._run, **changes)


def _load(path) -> SyncRun | None:
    try:
        run = SyncRun(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return dataclasses.replace(run, running=False)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
