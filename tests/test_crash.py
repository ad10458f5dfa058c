"""Crash safety with real `kill -9`: a child process records events through the store as fast as it can
and is killed at a random moment, again and again on the same data folder. Afterwards every database
file must open and every event the child acknowledged (printed after the write returned) must be there.

The child is forked from the test process (POSIX only), so each trial costs milliseconds, not a Python
start-up; the writes, files and kill are real."""

import json
import os
import random
import signal
import sys
import time
import uuid

import pytest

from player.paths import DataPaths
from player.store import Store
from player.store.atomic import TEMP_MARK

TRIALS = 200
LEARNERS = 3
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL (POSIX)")]


def child(data_dir, learner_ids: list[str], ack_fd: int, seed: int) -> None:
    """Record events until killed; acknowledge each id on `ack_fd` only after its write returned."""
    try:
        store = Store(DataPaths(data_dir))
        rng = random.Random(seed)
        number = 0
        while True:
            learner = learner_ids[number % len(learner_ids)]
            batch = [{"id": str(uuid.uuid4()), "n": number, "pad": "Đã học xong " * rng.randint(1, 40)}
                     for _ in range(rng.choice((1, 1, 1, 5)))]  # single events, sometimes a quiz-sized batch
            store.learners.append(learner, batch)
            os.write(ack_fd, "".join(f"{event['id']}\n" for event in batch).encode())
            if number % 7 == 3:  # profile and settings files are written too
                store.learners.update_profile(learner, failures=number)
                store.settings.update(centre_name=f"Trạm {number}")
            number += 1
    finally:
        os._exit(0)  # never run the test process's exit handlers in the child


def open_everything(data_dir) -> int:
    """How many database files do not parse as whole JSON documents."""
    corrupt = 0
    for path in data_dir.rglob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            corrupt += 1
    return corrupt


def test_kill_9_at_random_moments_loses_nothing_acknowledged(tmp_path):
    data_dir = tmp_path / "data"
    store = Store(DataPaths(data_dir))
    learner_ids = [store.learners.create({"name": f"Học viên {n}"})["id"] for n in range(LEARNERS)]
    rng = random.Random(20240601)
    acknowledged: set[str] = set()
    corrupt = lost = leftovers = killed_mid_run = 0
    started = time.monotonic()
    for trial in range(TRIALS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            child(data_dir, learner_ids, write_fd, trial)
        os.close(write_fd)
        time.sleep(rng.uniform(0.002, 0.06))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed_mid_run += os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        chunks = []
        while chunk := os.read(read_fd, 65536):
            chunks.append(chunk)
        os.close(read_fd)
        lines = b"".join(chunks).decode().split("\n")
        acknowledged.update(line for line in lines[:-1] if line)  # a last line without "\n" was cut short

        leftovers += sum(1 for _ in data_dir.rglob(f".*{TEMP_MARK}*"))
        corrupt += open_everything(data_dir)
        reopened = Store(DataPaths(data_dir))  # a fresh process's view: no caches
        stored = {row["id"] for learner in learner_ids for row in reopened.learners.statements(learner)}
        lost += len(acknowledged - stored)
        corrupt += len(reopened.damaged_files())
        assert all(reopened.learners.profile(learner) for learner in learner_ids)
        assert reopened.settings.get()["device_id"]
    elapsed = time.monotonic() - started
    print(f"\ncrash test: {TRIALS} trials ({killed_mid_run} killed by SIGKILL) in {elapsed:.1f} s, "
          f"{len(acknowledged)} events acknowledged, {corrupt} corrupt files, {lost} lost events, "
          f"{leftovers} temp files left by kills (removed on open)", file=sys.stderr)
    assert killed_mid_run == TRIALS
    assert len(acknowledged) > TRIALS  # the child really wrote between kills
    assert corrupt == 0 and lost == 0
