"""One player per data folder: a second player or changing command is refused while one holds the folder,
reading commands still work, and the lock dies with its process (kill -9 leaves nothing stale)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from player.cli import main as player_main
from player.paths import DataPaths
from player.store.folder_lock import AlreadyRunning, FolderLock

ROOT = Path(__file__).resolve().parents[1]
HOLD = """
import sys, time
from player.paths import DataPaths
from player.store.folder_lock import FolderLock
lock = FolderLock(DataPaths(sys.argv[1])).acquire()
lock.announce("http://127.0.0.1:8799/")
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture
def held(tmp_path):
    """Another process holding the data folder's lock, as a running player does."""
    data = tmp_path / "data"
    data.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(data)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    try:
        yield data, holder
    finally:
        holder.kill()
        holder.wait()


def test_a_second_lock_on_the_folder_is_refused_and_learns_where_the_first_serves(tmp_path):
    paths = DataPaths(tmp_path)
    first = FolderLock(paths).acquire()
    first.announce("http://127.0.0.1:8765/")
    with pytest.raises(AlreadyRunning) as refused:
        FolderLock(paths).acquire()
    assert refused.value.url == "http://127.0.0.1:8765/"
    first.release()
    FolderLock(paths).acquire().release()  # free again
    assert not paths.running_player.exists()


def test_an_address_elsewhere_is_never_offered(tmp_path):
    paths = DataPaths(tmp_path)
    with FolderLock(paths) as lock:
        lock.announce("http://evil.example/")
        with pytest.raises(AlreadyRunning) as refused:
            FolderLock(paths).acquire()
    assert refused.value.url is None


def test_commands_that_change_the_folder_wait_for_the_running_player(held, mini_bundle, capsys):
    data, _ = held
    for command in (["install", str(mini_bundle)], ["serve"], ["trust", "remove", "abcdef12"], ["sync"]):
        assert player_main(["--data", str(data), *command]) == 1, command
        assert "Trạm Học đang chạy với thư mục dữ liệu này" in capsys.readouterr().err, command
    assert not list((data / "library").glob("*.tramhoc"))
    assert player_main(["--data", str(data), "list"]) == 0  # reading needs no lock
    assert player_main(["--data", str(data), "trust", "list"]) == 0


def test_a_second_window_opens_the_running_player_instead(held, monkeypatch, capsys):
    data, _ = held
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    assert player_main(["--data", str(data), "open"]) == 0
    assert opened == ["http://127.0.0.1:8799/"]
    assert "http://127.0.0.1:8799/" in capsys.readouterr().err


def test_a_killed_player_leaves_no_stale_lock(held):
    data, holder = held
    with pytest.raises(AlreadyRunning):
        FolderLock(DataPaths(data)).acquire()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    deadline = time.monotonic() + 5
    while True:
        try:
            lock = FolderLock(DataPaths(data)).acquire()
            break
        except AlreadyRunning:
            assert time.monotonic() < deadline, "the lock outlived its process"
            time.sleep(0.05)
    assert not DataPaths(data).running_player.exists()  # what the dead player announced is gone too
    lock.release()
