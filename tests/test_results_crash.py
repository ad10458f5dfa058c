"""Crash safety with real processes and SIGKILL: an export killed at any moment never leaves a file that
looks complete but is not, and the sync ledger never loses an acknowledged id."""

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from support.statements import many

from player.results.merge import results_files
from player.results.resultsfile import verify
from player.results.sync import Ledger

ROOT = Path(__file__).resolve().parents[1]
TRIALS = 8
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

STATEMENTS = 3000
EXPORTER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from player.results.export import export_results
    sys.path.insert(0, str(Path.cwd() / "tests"))
    from support.sources import JsonLinesSource
    work = Path(sys.argv[1])
    source = JsonLinesSource(work.parent / "statements.jsonl", "Xã Tân Lập", "6b0d3c1e-2f4a-4d8b-9c1e-0a1b2c3d4e5f")
    print("ready", flush=True)
    while True:
        print(export_results(source, work / "usb").path, flush=True)
""")

ACKNOWLEDGER = textwrap.dedent("""
    import sys, uuid
    from player.results.sync import Ledger
    print("ready", flush=True)
    while True:
        ids = [str(uuid.uuid4()) for _ in range(10)]
        Ledger(sys.argv[1]).add(ids)
        print(" ".join(ids), flush=True)
""")


def run_and_kill(code: str, argument: Path, seconds: float) -> list[str]:
    """Start a child, let it work `seconds` after it is ready, SIGKILL it; return what it printed."""
    child = subprocess.Popen([sys.executable, "-c", code, str(argument)], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout.readline().strip() == "ready"
    time.sleep(seconds)
    os.kill(child.pid, signal.SIGKILL)
    printed = child.stdout.read().splitlines()
    child.wait()
    return printed


def test_an_export_killed_at_any_moment_never_leaves_a_complete_looking_file(tmp_path):
    rng = random.Random(5)
    statements = many(STATEMENTS, "a1")
    (tmp_path / "statements.jsonl").write_text("".join(json.dumps(s) + "\n" for s in statements), encoding="utf-8")
    complete, interrupted = 0, 0
    for trial in range(TRIALS):
        work = tmp_path / str(trial)
        work.mkdir()
        printed = run_and_kill(EXPORTER, work, rng.uniform(0.02, 0.5))
        visible = results_files([work / "usb"]) if (work / "usb").exists() else []
        for path in visible:
            assert verify(path).statements == STATEMENTS, path  # every file that looks like an export is whole
        assert {str(path) for path in visible} >= set(printed)  # every export that finished is there
        complete += len(visible)
        interrupted += len([p for p in (work / "usb").glob(".*.tmp")]) if (work / "usb").exists() else 0
    print(f"\n{TRIALS} killed exporters: {complete} complete files, {interrupted} interrupted (hidden, ignored)")
    assert complete > 0


def test_a_ledger_killed_while_writing_keeps_every_acknowledged_id(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "acknowledged.txt"
    acknowledged = set()
    for _ in range(TRIALS):
        for line in run_and_kill(ACKNOWLEDGER, path, rng.uniform(0.02, 0.3)):
            acknowledged.update(line.split())
        assert acknowledged <= Ledger(path).ids
    print(f"\n{TRIALS} killed writers: {len(acknowledged)} acknowledged ids, none lost")
    assert acknowledged


def test_a_torn_last_line_is_ignored_and_the_next_write_starts_a_new_line(tmp_path):
    path = tmp_path / "acknowledged.txt"
    path.write_bytes(b"0b1c6f1e-5a8d-4d51-9a5c-2f1f1e3c4d5e\n6f1e2a3b-")  # a crash in the middle of an id
    ledger = Ledger(path)
    assert ledger.ids == {"0b1c6f1e-5a8d-4d51-9a5c-2f1f1e3c4d5e"}
    ledger.add(["7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"])
    assert Ledger(path).ids == {"0b1c6f1e-5a8d-4d51-9a5c-2f1f1e3c4d5e", "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"}
    assert path.read_bytes().endswith(b"6f1e2a3b-\n7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d\n")
