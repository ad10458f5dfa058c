"""Results in the admin area: export to a USB stick (a fake removable drive) or a typed folder, clear
errors (removed, full, read-only), the download, sync settings (the password never shown back), and
"Sync now" against a real Ralph LRS with its progress, its result, a wrong password and a TLS mistake; a
hung sync stopped from the admin area or with Ctrl+C."""

import errno
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
from support.lrs import PASSWORD, ROOT, USER, ids_on_lrs
from support.pages import ADMIN_PIN, open_lesson, text
from support.stub_lrs import dribble, reply

from player.app import create_app
from player.results.drives import Drive
from player.results.lrs import LrsClient
from player.results.resultsfile import statement_lines, verify
from player.results.sync import SyncSettings
from player.web.services import services


@pytest.fixture
def learner_id(app, client) -> str:
    """The signed-in learner of `client`, after reading two lessons (their statements are in the store)."""
    for lesson in ("gioi-thieu", "dang-nhap"):
        open_lesson(client, "mini", lesson)
        client.post(f"/courses/mini/lessons/{lesson}/done")
    with client.session_transaction() as session:
        return session["learner"]


def stored(app, learner: str) -> list[dict]:
    return list(services(app).store.learners.statements(learner))


@pytest.fixture
def usb(tmp_path, monkeypatch):
    """A fake USB stick: a folder the drive detection reports as a removable drive."""
    stick = tmp_path / "media" / "lan" / "KINGSTON"
    stick.mkdir(parents=True)
    monkeypatch.setattr("player.results.views.removable_drives", lambda: [Drive(stick, "KINGSTON", 3 * 1024**3)])
    return stick


def test_export_to_a_usb_stick_writes_a_file_that_verifies(app, admin, learner_id, usb):
    page = text(admin.get("/admin/results/"))
    assert f'value="{usb}" checked' in page and "USB “KINGSTON”" in page and "còn trống 3.2 GB" in page
    response = admin.post("/admin/results/export", data={"drive": str(usb)}, follow_redirects=True)
    written, = (usb / "TramHoc").iterdir()  # in a folder of its own on the stick
    expected = stored(app, learner_id)
    assert (f"Đã lưu kết quả của 1 học viên ({len(expected)} kết quả) vào ổ USB “KINGSTON”, thư mục TramHoc."
            in text(response))
    assert "Trước khi rút USB" in text(response)
    header = verify(written)
    assert header.statements == len(expected) > 0
    assert sorted(json.loads(line)["id"] for _, line in statement_lines(written)) == sorted(s["id"] for s in expected)
    assert stored(app, learner_id) == expected  # exporting changes nothing


def test_the_export_says_in_words_where_the_results_went_and_how_to_take_the_stick_out(app, admin, learner_id,
                                                                                      usb):
    """Issue 17 #17: no raw file name, "Safely remove" or "Eject": the stick by its name, the counts, and how to
    take it out in Vietnamese Windows' own words."""
    other = app.test_client()
    other.sign_in("Minh")
    open_lesson(other, "mini", "gioi-thieu")
    held = sum(services(app).store.learners.count(row["id"]) for row in services(app).store.learners.learners())
    assert f"Máy này đang có kết quả của 2 học viên ({held} kết quả)." in text(admin.get("/admin/results/"))
    page = text(admin.post("/admin/results/export", data={"drive": str(usb)}, follow_redirects=True))
    written, = (usb / "TramHoc").iterdir()
    assert verify(written).statements == held
    saved = re.search(r'<p class="flash flash-success" role="status">(.*?)</p>', page).group(1)
    assert saved == f"Đã lưu kết quả của 2 học viên ({held} kết quả) vào ổ USB “KINGSTON”, thư mục TramHoc."
    assert ("bấm vào biểu tượng “Tháo thiết bị phần cứng an toàn và đẩy phương tiện ra” ở góc phải thanh tác vụ "
            "rồi chọn “KINGSTON”, hoặc bấm chuột phải vào ổ đó trong File Explorer và chọn “Đẩy ra”.") in page
    assert "Safely remove" not in page and "Eject" not in page
    assert written.name not in saved and f"<code lang=\"en\">{written}</code>" in page  # for whoever helps


def test_export_to_a_typed_folder(app, admin, learner_id, tmp_path):
    folder = tmp_path / "ketqua"
    response = admin.post("/admin/results/export", data={"folder": f"  {folder}  "}, follow_redirects=True)
    written, = folder.iterdir()
    assert verify(written).statements == len(stored(app, learner_id))
    assert f"vào thư mục {folder}." in text(response)


@pytest.mark.parametrize("form, message", [
    ({}, "Hãy chọn một USB, hoặc nhập một thư mục."),
    ({"folder": "ketqua"}, "Hãy nhập đầy đủ đường dẫn thư mục"),
    ({"folder": "/khong/co/thu-muc/nay"}, "Không thấy /khong/co/thu-muc/nay. USB đã bị rút ra chưa?"),
    ({"drive": "/media/lan/PULLED-OUT"}, "Không thấy /media/lan/PULLED-OUT. USB đã bị rút ra chưa?"),
])
def test_export_explains_what_is_missing(admin, usb, form, message):
    response = admin.post("/admin/results/export", data=form, follow_redirects=True)
    assert message in text(response)
    assert list(usb.iterdir()) == []


@pytest.mark.parametrize("code, message", [
    (errno.ENOSPC, "đã đầy. Hãy xoá bớt tệp trên đó, hoặc dùng USB khác."),
    (errno.EROFS, "nó chỉ cho đọc hoặc đang được bảo vệ"),
    (errno.EACCES, "nó chỉ cho đọc hoặc đang được bảo vệ"),
    (errno.EIO, "USB đã bị rút ra chưa?"),
    (errno.EMFILE, "Không ghi được vào"),
])
def test_export_errors_are_explained(admin, usb, monkeypatch, code, message):
    def fail(source, folder):
        raise OSError(code, "simulated")
    monkeypatch.setattr("player.results.views.export_results", fail)
    response = admin.post("/admin/results/export", data={"drive": str(usb)}, follow_redirects=True)
    assert message in text(response) and "USB “KINGSTON”" in text(response)  # the stick by its name


def test_no_usb_stick_found(admin, monkeypatch):
    monkeypatch.setattr("player.results.views.removable_drives", lambda: [])
    assert "Không thấy USB nào. Hãy cắm USB vào" in text(admin.get("/admin/results/"))


def test_the_download_is_a_results_file_that_verifies(app, admin, learner_id, tmp_path):
    response = admin.get("/admin/results/tramhoc-results.jsonl")
    assert response.status_code == 200
    name = re.search(r'filename="?([^";]+)', response.headers["Content-Disposition"]).group(1)
    assert response.headers["Content-Disposition"].startswith("attachment") and name.startswith("tramhoc-results_")
    saved = tmp_path / name
    saved.write_bytes(response.get_data())
    response.close()
    assert verify(saved).statements == len(stored(app, learner_id))
    assert not list(services(app).paths.root.glob(".download.*"))  # the temporary copy is gone


def test_a_download_folder_a_crash_left_behind_goes_at_the_next_download_not_one_being_sent(app, admin):
    paths = services(app).paths
    left, sending = paths.download_folder(), paths.download_folder()
    an_hour_ago = time.time() - 3700
    os.utime(left, (an_hour_ago, an_hour_ago))
    admin.get("/admin/results/tramhoc-results.jsonl").close()
    assert paths.download_folders() == [sending]  # another download may still be sending it


def test_sync_settings_are_saved_and_the_password_never_shown(app, admin):
    paths = services(app).paths
    response = admin.post("/admin/results/sync-settings", data={
        "lrs": " https://lrs.example.org/xAPI/ ", "user": "xa-tan-lap", "password": "bi-mat-123"},
        follow_redirects=True)
    assert "Đã lưu cài đặt đồng bộ." in text(response)
    assert SyncSettings.load(paths) == SyncSettings("https://lrs.example.org/xAPI/", "xa-tan-lap", "bi-mat-123")
    assert paths.sync_settings.stat().st_mode & 0o077 == 0
    page = text(admin.get("/admin/results/"))
    assert "bi-mat-123" not in page and "Đã lưu mật khẩu" in page and 'value="xa-tan-lap"' in page

    admin.post("/admin/results/sync-settings", data={"lrs": "https://lrs.example.org/xAPI/", "user": "u2",
                                                     "password": ""})  # the same address: the password is kept
    assert SyncSettings.load(paths) == SyncSettings("https://lrs.example.org/xAPI/", "u2", "bi-mat-123")
    moved = admin.post("/admin/results/sync-settings", data={"lrs": "https://lrs2.example.org/xAPI/", "user": "u2",
                                                             "password": ""}, follow_redirects=True)
    assert "Địa chỉ LRS đã thay đổi: hãy nhập mật khẩu cho địa chỉ mới." in text(moved)
    assert SyncSettings.load(paths) == SyncSettings("https://lrs.example.org/xAPI/", "u2", "bi-mat-123")
    admin.post("/admin/results/sync-settings", data={"lrs": "https://lrs2.example.org/xAPI/", "user": "u2",
                                                     "password": "mat-khau-moi"})
    assert SyncSettings.load(paths) == SyncSettings("https://lrs2.example.org/xAPI/", "u2", "mat-khau-moi")
    bad = admin.post("/admin/results/sync-settings", data={"lrs": "lrs.example.org", "user": "", "password": "x"},
                     follow_redirects=True)
    assert "Địa chỉ LRS phải bắt đầu bằng http:// hoặc https://." in text(bad)
    assert "Hãy nhập tên đăng nhập" in text(bad)
    assert SyncSettings.load(paths).lrs == "https://lrs2.example.org/xAPI/"


def test_sync_now_needs_settings(admin):
    response = admin.post("/admin/results/sync", follow_redirects=True)
    assert "Hãy lưu địa chỉ LRS, tên đăng nhập và mật khẩu trước." in text(response)


def runner(app):
    return services(app).sync


def test_sync_now_runs_in_the_background_shows_progress_and_the_result(app, admin, learner_id, ralph,
                                                                      monkeypatch):
    statements = stored(app, learner_id)
    assert len(statements) >= 4
    app.config["SYNC_BATCH_SIZE"] = 2
    second_batch, go_on = threading.Event(), threading.Event()
    real_post, batches = LrsClient.post, []

    def post(self, batch):  # hold the sync after its first batch, so that the test sees it running
        batches.append(len(batch))
        if len(batches) == 2:
            second_batch.set()
            go_on.wait(10)
        return real_post(self, batch)
    monkeypatch.setattr(LrsClient, "post", post)
    admin.post("/admin/results/sync-settings", data={"lrs": ralph.endpoint, "user": USER, "password": PASSWORD})

    started = admin.post("/admin/results/sync")
    assert started.headers["Location"] == "/admin/results/sync"
    assert second_batch.wait(10)
    running = admin.get("/admin/results/sync")
    page = text(running)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert f"<strong>Đang gửi…</strong> Đã gửi 2 trên {len(statements)} bản ghi." in page
    assert f'<progress max="{len(statements)}" value="2">' in page
    results_page = text(admin.get("/admin/results/"))
    assert "http-equiv" not in results_page and 'href="/admin/results/sync">Xem tiến độ' in results_page
    again = admin.post("/admin/results/sync", follow_redirects=True)
    assert "Đang có một lần đồng bộ chạy: hãy chờ nó xong." in text(again)
    go_on.set()
    runner(app).join(10)

    done = text(admin.get("/admin/results/sync"))
    assert "http-equiv" not in done
    assert "Lần đồng bộ gần nhất" in done and f"đã xong: gửi {len(statements)}, 0 đã có sẵn trên LRS." in done
    assert sum(batches) == len(statements) and set(batches[:-1]) == {2}
    on_lrs = ids_on_lrs(ralph, learner_id)
    assert set(on_lrs) == {s["id"] for s in statements} and max(on_lrs.values()) == 1

    admin.post("/admin/results/sync")
    runner(app).join(10)
    assert "đã xong: gửi 0, 0 đã có sẵn trên LRS." in text(admin.get("/admin/results/"))
    restarted = create_app(services(app).paths.root, {"TESTING": True}).test_client()
    restarted.post("/admin/sign-in", data={"pin": ADMIN_PIN}, headers={"X-CSRFToken": csrf_of(restarted)})
    assert "đã xong: gửi 0" in text(restarted.get("/admin/results/"))  # the last result outlives a restart


def csrf_of(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


@pytest.mark.parametrize("endpoint, password, message", [
    ("{lrs}", "sai-mat-khau", "LRS không chấp nhận tên đăng nhập hoặc mật khẩu."),
    ("https://127.0.0.1:{port}/xAPI/", PASSWORD, "Không tạo được kết nối bảo mật tới 127.0.0.1:{port}."),
])
def test_a_failed_sync_says_why(app, admin, learner_id, ralph, endpoint, password, message):
    lrs = endpoint.format(lrs=ralph.endpoint, port=ralph.port)
    admin.post("/admin/results/sync-settings", data={"lrs": lrs, "user": USER, "password": password})
    admin.post("/admin/results/sync")
    runner(app).join(10)
    page = text(admin.get("/admin/results/sync"))
    assert "bị dừng: " + message.format(port=ralph.port) in page
    assert "lần đồng bộ sau sẽ tiếp tục từ đó" in page
    assert ids_on_lrs(ralph, learner_id) == {}


def test_results_are_for_the_admin_only_and_changes_need_the_csrf_token(app, admin, client, usb):
    for url in ("/admin/results/", "/admin/results/sync", "/admin/results/tramhoc-results.jsonl"):
        assert client.get(url).headers["Location"] == "/admin/", url
    for url, form in (("/admin/results/export", {"drive": str(usb)}), ("/admin/results/sync", {}),
                      ("/admin/results/sync-settings", {"lrs": "http://x/", "user": "u", "password": "p"})):
        assert client.post(url, data=form).headers["Location"] == "/admin/", url
        assert admin.post(url, data=form, csrf=False).status_code == 400, url
    assert list(usb.iterdir()) == []
    assert SyncSettings.load(services(app).paths) is None
    assert runner(app).current() is None


def test_ctrl_c_stops_the_sync_command_at_once(app, learner_id, stub):
    lrs = stub(lambda request: dribble(reply(200, "[]"), every=0.5))
    data = services(app).paths.root
    command = subprocess.Popen(
        [sys.executable, "-m", "player", "--data", str(data), "sync", "--lrs", lrs.endpoint, "--user", USER,
         "--password", PASSWORD], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 20
    while not lrs.requests and time.monotonic() < deadline:
        time.sleep(0.1)
    assert lrs.requests, "the sync command sent nothing"
    command.send_signal(signal.SIGINT)
    output, _ = command.communicate(timeout=5)
    assert command.returncode == 130, output
    assert "Traceback" not in output and "Đã dừng đồng bộ theo yêu cầu." in output


def test_a_hung_sync_can_be_stopped_from_the_admin_area_and_sync_now_works_again(app, admin, learner_id, stub):
    lrs = stub(lambda request: dribble(reply(200, "[]"), every=0.5))  # answers, but never finishes in time
    admin.post("/admin/results/sync-settings", data={"lrs": lrs.endpoint, "user": USER, "password": PASSWORD})
    admin.post("/admin/results/sync")
    running = text(admin.get("/admin/results/sync"))
    assert "Dừng đồng bộ" in running

    stopped = time.monotonic()
    page = text(admin.post("/admin/results/sync/stop", follow_redirects=True))
    assert time.monotonic() - stopped < 5  # not the 30 s a hung request would last
    assert "bị dừng: Đã dừng đồng bộ theo yêu cầu." in page and "http-equiv" not in page
    assert not runner(app).current().running
    assert admin.post("/admin/results/sync").headers["Location"] == "/admin/results/sync"
    assert runner(app).current().running  # a new run started
    runner(app).stop()
    runner(app).join(5)
