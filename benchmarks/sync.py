#!/usr/bin/env python3
"""Sync benchmark: statements per second from `player.results.sync` into a real Ralph LRS on 127.0.0.1.

    .venv/bin/python benchmarks/sync.py [--statements 3000] [--batch 100]

Needs Ralph in .venv-ralph (scripts/setup test). Starts a fresh Ralph (file-system backend, with the
launcher the tests use) for each measurement, so the LRS starts empty every time:

  floor   the same batches POSTed with urllib, nothing else (no ledger, no checks)
  sync    `sync()` with its fsynced ledger: statements per second, and sync/floor
  resume  a second `sync()` when everything is delivered (reads the source and the ledger only)
"""

import argparse
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead; tests/ too, for the Ralph launcher the tests use.
sys.path[0] = str(Path(__file__).resolve().parents[1])
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))
from benchmarks._common import parse_args  # noqa: E402
from support.lrs import PASSWORD, RALPH_PYTHON, USER, Ralph  # noqa: E402


def statements(count: int) -> list[dict]:
    from player.xapi import statements as xapi_statements
    from support.statements import answered, single

    where = xapi_statements.Scope(uuid.uuid4().hex, "Học viên", "dich-vu-cong", "Dịch vụ công trực tuyến", "1.0.0",
                                  "vi", str(uuid.uuid4()), "Xã Tân Lập")
    start = datetime(2025, 10, 1, tzinfo=timezone.utc)
    answer = answered(single("q1", "Câu hỏi?", "B", "A"), "A")
    made = []
    while len(made) < count:
        when = start + timedelta(seconds=len(made))
        registration = str(uuid.uuid4())
        made += [xapi_statements.lesson_launched(where, "bai-1", "Bài 1", when),
                 xapi_statements.question_answered(where, "bai-1", "Bài 1", answer, registration, when),
                 xapi_statements.quiz_finished(where, "bai-1", "Bài 1", [answer], False, 30, registration, when)]
    return made[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--statements", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=100)
    args = parse_args(parser, quick={"statements": 200, "batch": 50})
    if not RALPH_PYTHON.exists():
        print(f"{RALPH_PYTHON} is missing: run scripts/setup test", file=sys.stderr)
        return 2
    from player.results.lrs import LrsClient
    from player.results.sync import Ledger, sync

    work = Path(tempfile.mkdtemp(prefix="tramhoc-sync-bench-"))
    made = statements(args.statements)
    source = SimpleNamespace(centre_name="Xã Tân Lập", device_id="bench", statements=lambda: iter(made))

    ralph = Ralph(RALPH_PYTHON, work / "floor")
    client = LrsClient(ralph.endpoint, USER, PASSWORD)
    start = time.perf_counter()
    for first in range(0, len(made), args.batch):
        assert client.post(made[first:first + args.batch])[0] == 200
    floor = time.perf_counter() - start
    ralph.stop()

    ralph = Ralph(RALPH_PYTHON, work / "sync")
    client = LrsClient(ralph.endpoint, USER, PASSWORD)
    start = time.perf_counter()
    outcome = sync(source, client, Ledger(work / "ledger.txt"), args.batch)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    again = sync(source, client, Ledger(work / "ledger.txt"), args.batch)
    resume = time.perf_counter() - start
    ralph.stop()
    assert outcome.sent == len(made) and again.total == 0

    print(f"{len(made):,} statements, batches of {args.batch}, Ralph 5.1 file-system backend on 127.0.0.1")
    print(f"floor  (POST only)      {floor:6.2f} s  {len(made) / floor:8,.0f} statements/s")
    print(f"sync   (with ledger)    {ours:6.2f} s  {len(made) / ours:8,.0f} statements/s   sync/floor {ours / floor:.2f}")
    print(f"resume (nothing to do)  {resume:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
