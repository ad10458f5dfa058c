"""Crash safety of importing learners, with real `kill -9` (issue 20 #3): a child process imports a learners
file (two learners to merge, one new) and is killed at a random moment of apply_import, on a fresh copy of
the same data folder each trial. After the next start (what the player does before its first request),
every file opens, nothing is damaged, and each learner is either as it was or fully imported: never a
learner with some of the new records and not the rest, never a record twice.

Forked from the test process (POSIX only), like tests/test_crash.py."""

import json
import os
import random
import shutil
import signal
import sys
import time
import uuid

import pytest

from player.paths import DataPaths
from player.store import Store
from player.transfer import moving

TRIALS = 60
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL (POSIX)")]


def _statements(count: int) -> list[dict]:
    return [{"id": str(uuid.uuid4()), "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
             "pad": "Đã học xong " * 20} for _ in range(count)]


def _learner(store, name: str, count: int) -> str:
    learner_id = store.learners.create({"name": name, "colour": 1, "created": "2026-01-01T00:00:00Z",
                                        "last_seen": "2026-01-02T00:00:00Z", "secret_kind": "pin",
                                        "secret_hash": "scrypt$old", "failures": 0, "locked_until": 0.0})["id"]
    store.learners.append(learner_id, _statements(count))
    return learner_id


def state(store, learner_id: str):
    """What a learner is, for comparing: None when absent; else name, secret, statement ids, draft keys."""
    profile = store.learners.profile(learner_id)
    if profile is None:
        return None
    ids = [row["id"] for row in store.learners.statements(learner_id)]
    assert len(ids) == len(set(ids)), "a statement stored twice"
    return (profile["name"], profile["secret_hash"], frozenset(ids),
            frozenset(draft["key"] for draft in store.learners.drafts(learner_id)))


@pytest.fixture
def crash_setup(tmp_path):
    """A target data folder holding older copies of two learners, and a newer file with three."""
    source = Store(DataPaths(tmp_path / "source"))
    source.settings.update(centre_name="Xã Tân Lập")
    lan, minh = _learner(source, "Lan", 140), _learner(source, "Minh", 30)
    target_dir = tmp_path / "target"
    target = Store(DataPaths(target_dir))
    moving.apply_import(target, moving.plan_import(target, moving.export_learners(source, [lan, minh], tmp_path)))
    source.learners.append(lan, _statements(90))  # learnt more at the source since
    source.learners.append(minh, _statements(12))
    source.learners.update_profile(lan, name="Lan Nguyễn", secret_hash="scrypt$new")
    source.learners.touch(lan, "2026-03-01T00:00:00Z")
    source.learners.put_draft(minh, "quiz-mau/on-tap", {"answers": {"q1": "b"}})
    hoa = _learner(source, "Hoa", 120)
    newer = moving.export_learners(source, [lan, minh, hoa], tmp_path / "usb")
    ids = [lan, minh, hoa]
    old = {learner_id: state(target, learner_id) for learner_id in ids}
    done_dir = tmp_path / "done"
    shutil.copytree(target_dir, done_dir)
    done = Store(DataPaths(done_dir))
    moving.apply_import(done, moving.plan_import(done, newer))
    new = {learner_id: state(done, learner_id) for learner_id in ids}
    assert all(old[i] != new[i] for i in ids)
    return target_dir, newer, ids, old, new


def child(data_dir, learners_file, ready_fd: int) -> None:
    try:
        store = Store(DataPaths(data_dir))
        plan = moving.plan_import(store, learners_file)
        os.write(ready_fd, b"s")
        moving.apply_import(store, plan)
        os.write(ready_fd, b"d")
        time.sleep(60)
    finally:
        os._exit(0)


def files_that_do_not_parse(data_dir) -> int:
    corrupt = 0
    for path in data_dir.rglob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            corrupt += 1
    return corrupt


def run_once(data_dir, learners_file, delay: float | None) -> bytes:
    """Import in a child, kill it `delay` seconds after it starts applying (None: once it is done); what it
    reported."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        child(data_dir, learners_file, write_fd)
    os.close(write_fd)
    said = os.read(read_fd, 1)  # "s": applying starts now
    if delay is None:
        said += os.read(read_fd, 1)
    else:
        time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    while chunk := os.read(read_fd, 16):
        said += chunk
    os.close(read_fd)
    return said


def test_kill_9_during_an_import_leaves_each_learner_as_it_was_or_fully_imported(crash_setup, tmp_path):
    target_dir, learners_file, ids, old, new = crash_setup
    started = time.monotonic()
    timing = tmp_path / "timing"
    shutil.copytree(target_dir, timing)
    began = time.monotonic()
    assert run_once(timing, learners_file, None) == b"sd"
    apply_seconds = time.monotonic() - began
    rng = random.Random(20261204)
    outcomes = {"as it was": 0, "part way": 0, "all imported": 0}
    mixed_learners = corrupt = 0
    for trial in range(TRIALS):
        data_dir = tmp_path / f"trial-{trial}"
        shutil.copytree(target_dir, data_dir)
        run_once(data_dir, learners_file, rng.uniform(0, apply_seconds))
        corrupt += files_that_do_not_parse(data_dir)
        store = Store(DataPaths(data_dir))  # the next start: a fresh process's view
        moving.finish_interrupted(store)  # as the player does before its first request
        corrupt += len(store.damaged_files())
        found = {learner_id: state(store, learner_id) for learner_id in ids}
        mixed_learners += sum(found[i] not in (old[i], new[i]) for i in ids)
        imported = sum(found[i] == new[i] for i in ids)
        outcomes["as it was" if imported == 0 else "all imported" if imported == len(ids) else "part way"] += 1
        assert store.paths.importing_learners() == []
        assert not any(store.paths.import_journal(i).exists() for i in ids if store.learners.profile(i))
        moving.apply_import(store, moving.plan_import(store, learners_file))  # importing again finishes it
        assert {i: state(store, i) for i in ids} == new
        shutil.rmtree(data_dir)
    print(f"\nimport crash test: {TRIALS} kills within {apply_seconds * 1000:.0f} ms of applying: {outcomes}, "
          f"{mixed_learners} half-imported learners, {corrupt} damaged files, "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    assert mixed_learners == 0 and corrupt == 0
    assert outcomes["part way"] + outcomes["as it was"] > 0  # the kills really landed inside the import
