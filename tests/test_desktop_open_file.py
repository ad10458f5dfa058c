"""Opening a .tramhoc file from Windows Explorer (`TramHoc.exe open FILE`, the installer's file association):
the player opens at the install review of that file, where today's approval rules apply; a file that is not a
course says why and opens the start page; while a player runs, the person is sent to it."""

import pytest
from support.pages import text

from player import cli, desktop
from player.app import create_app
from player.paths import DataPaths
from player.store.folder_lock import FolderLock

TITLE = "Khoá học nhỏ: Chữ ký số"


@pytest.fixture
def window(monkeypatch):
    """What run_window was asked to show, instead of a window; messages told to the person."""
    shown, told = [], []
    monkeypatch.setattr(desktop, "run_window", lambda app, storage, announce, start, lan_port=None: shown.append(start))
    monkeypatch.setattr(desktop, "tell", told.append)
    return shown, told


def test_a_course_file_opens_in_the_install_review(tmp_path, window, mini_bundle):
    shown, told = window
    folder = tmp_path / "data"
    assert cli.main(["--data", str(folder), "open", str(mini_bundle)]) == 0
    assert len(shown) == 1 and shown[0].startswith("install/") and not told
    review = create_app(folder).test_client().get("/" + shown[0])
    assert review.status_code == 200
    assert TITLE in text(review) and "Không cài (xoá tệp)" in text(review)  # unsigned: it waits for the admin


def test_a_file_that_is_not_a_course_says_why_and_opens_the_start_page(tmp_path, window):
    shown, told = window
    bad = tmp_path / "not-a-course.tramhoc"
    bad.write_bytes(b"not a zip")
    assert cli.main(["--data", str(tmp_path / "data"), "open", str(bad)]) == 0
    assert shown == [""]
    assert len(told) == 1 and told[0].startswith("not-a-course.tramhoc: ")


def test_while_a_player_runs_a_course_file_sends_the_person_to_it(tmp_path, window, monkeypatch, mini_bundle):
    shown, told = window
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    folder = tmp_path / "data"
    folder.mkdir()
    with FolderLock(DataPaths(folder)) as running:
        running.announce("http://127.0.0.1:8765/")
        assert cli.main(["--data", str(folder), "open", str(mini_bundle)]) == 0
    assert opened == ["http://127.0.0.1:8765/"] and not shown
    assert len(told) == 1 and mini_bundle.name in told[0] and "khu quản trị" in told[0]
