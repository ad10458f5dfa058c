"""Moving learners through the admin pages (issue 20 #3): export from one player's data folder to a USB stick
(a fake removable drive), import into another with progress and test attempts intact, import again (nothing
changes); what a merge changes; a damaged file refused with its name; the download; the command line."""

import errno
import re

import pytest
from quiz_helpers import open_quiz, submit
from support.pages import ADMIN_PIN, open_lesson, text

from player.cli import main as player_main
from player.results.drives import Drive
from player.transfer import learnerfile
from player.web.services import services

COURSE, TEST, READING = "quiz-mau", "on-tap", "chi-doc"


@pytest.fixture
def usb(tmp_path, monkeypatch):
    """A fake USB stick both players see."""
    stick = tmp_path / "media" / "KINGSTON"
    stick.mkdir(parents=True)
    monkeypatch.setattr("player.transfer.views.removable_drives", lambda: [Drive(stick, "KINGSTON", 2 * 1024**3)])
    return stick


@pytest.fixture
def centres(tmp_path, make_player, publisher_key, signed_quiz_bundle):
    """Two players over their own data folders, each with the quiz course, centre names set."""
    made = []
    for folder, centre in (("here", "Xã Tân Lập"), ("there", "Phường Hòa Bình")):
        app = make_player(tmp_path / folder, trusted=(publisher_key,))
        services(app).library.install(signed_quiz_bundle)
        services(app).store.settings.update(centre_name=centre)
        made.append(app)
    return made


def admin_of(app):
    client = app.test_client()
    client.set_admin_pin(ADMIN_PIN)
    return client


def learn(app, name: str = "Lan") -> str:
    """A learner who read a lesson and took the test once (failed); their id."""
    learner = app.test_client()
    learner_id = learner.sign_in(name)
    open_lesson(learner, COURSE, READING)
    learner.post(f"/courses/{COURSE}/lessons/{READING}/done")
    submit(learner, COURSE, TEST, open_quiz(learner, COURSE, TEST), {})
    return learner_id


def learner_sections(admin, learner_id: str) -> str:
    """The admin's view of a learner's progress and tests (the two sections after the heading)."""
    page = text(admin.get(f"/admin/learners/{learner_id}"))
    return page[page.index("<section"):page.index("Đặt lại")]


def flashes(response) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+" role="status">(.*?)</p>', text(response))


def test_round_trip_through_the_admin_pages_keeps_progress_and_attempts(centres, usb):
    here, there = centres
    lan = learn(here)
    admin_here, admin_there = admin_of(here), admin_of(there)
    page = text(admin_here.get("/admin/move/"))
    assert f'name="learner" value="{lan}"' in page and f'value="{usb}" checked' in page

    saved = admin_here.post("/admin/move/export", data={"learner": lan, "drive": str(usb)}, follow_redirects=True)
    written, = (usb / "TramHoc").iterdir()
    assert flashes(saved)[0].startswith("Đã lưu 1 học viên vào ổ USB “KINGSTON”, thư mục TramHoc.")
    assert "Trước khi rút USB" in flashes(saved)[1]
    assert len(learnerfile.read(written).learners) == 1

    held = admin_there.post("/admin/move/import/usb", data={"file": str(written)})
    assert held.status_code == 303
    preview = text(admin_there.get(held.headers["Location"]))
    results = services(here).store.learners.count(lan)
    assert "Từ một trung tâm khác: “Xã Tân Lập”" in preview
    assert "Học viên mới" in preview and f"{results} kết quả sẽ được thêm" in preview
    assert services(there).store.learners.learners() == []  # the preview writes nothing
    done = text(admin_there.post(held.headers["Location"]))
    assert f"1 học viên được tạo, 0 học viên được gộp, đã thêm {results} kết quả." in done

    shown = learner_sections(admin_there, lan)
    assert shown == learner_sections(admin_here, lan)
    assert "1 trên 2" in shown  # the test attempt counts on the second player too
    assert services(there).store.learners.profile(lan)["name"] == "Lan"

    with written.open("rb") as again:  # the same file, uploaded this time: nothing changes
        held = admin_there.post(f"/admin/move/import?csrf_token={admin_there.csrf_token()}",
                                data={"learners": (again, written.name)}, content_type="multipart/form-data")
    preview = text(admin_there.get(held.headers["Location"]))
    assert "Mọi thứ trong tệp này đã có trên máy" in preview and "Nhập các học viên này" not in preview
    admin_there.post(held.headers["Location"])
    assert services(there).store.learners.count(lan) == results
    assert learner_sections(admin_there, lan) == shown


def test_a_merged_learner_shows_what_the_newer_profile_changes(centres, usb):
    here, there = centres
    lan = learn(here)
    admin_here, admin_there = admin_of(here), admin_of(there)
    admin_here.post("/admin/move/export", data={"everyone": "on", "drive": str(usb)})
    first, = (usb / "TramHoc").iterdir()
    admin_there.post(admin_there.post("/admin/move/import/usb", data={"file": str(first)}).headers["Location"])
    services(here).store.learners.update_profile(lan, name="Lan Nguyễn")
    services(here).store.learners.touch(lan, "2099-01-01T00:00:00Z")
    second = learn(here, "Minh")
    admin_here.post("/admin/move/export", data={"learner": [lan, second], "drive": str(usb)})
    newer = max((usb / "TramHoc").iterdir(), key=lambda path: path.stat().st_mtime_ns)

    held = admin_there.post("/admin/move/import/usb", data={"file": str(newer)}).headers["Location"]
    preview = text(admin_there.get(held))
    assert "Đã có trên máy: gộp lại" in preview and "tên: Lan → Lan Nguyễn" in preview
    assert "1 học viên mới, 1 học viên được gộp" in preview
    admin_there.post(held)
    assert services(there).store.learners.profile(lan)["name"] == "Lan Nguyễn"
    assert {row["name"] for row in services(there).store.learners.learners()} == {"Lan Nguyễn", "Minh"}


def test_a_damaged_file_is_refused_with_its_name_and_nothing_is_kept(centres, usb):
    here, there = centres
    learn(here)
    admin_here, admin_there = admin_of(here), admin_of(there)
    admin_here.post("/admin/move/export", data={"everyone": "on", "drive": str(usb)})
    written, = (usb / "TramHoc").iterdir()
    data = bytearray(written.read_bytes())
    data[60] ^= 1
    written.write_bytes(bytes(data))
    refused = admin_there.post("/admin/move/import/usb", data={"file": str(written)}, follow_redirects=True)
    assert flashes(refused) == [f"Không nhập được tệp “{written.name}”: tổng kiểm tra không khớp: tệp đã bị sửa "
                                "hoặc bị hỏng. Chưa nhập gì cả. Hãy xuất lại tệp trên máy kia."]
    written.write_bytes(bytes(data[:len(data) // 2]))
    refused = admin_there.post("/admin/move/import/usb", data={"file": str(written)}, follow_redirects=True)
    assert f"Không nhập được tệp “{written.name}”" in flashes(refused)[0]
    assert services(there).store.learners.learners() == []
    assert services(there).paths.held_learners_folders() == []


def test_the_file_can_be_downloaded_instead(centres):
    here, _ = centres
    lan = learn(here)
    response = admin_of(here).post("/admin/move/export", data={"learner": lan, "drive": "download"})
    assert response.status_code == 200
    assert re.match(r'attachment; filename="tramhoc-learners_xa-tan-lap_\d{8}T\d{6}Z\.tramhoc-learners"',
                    response.headers["Content-Disposition"])
    body = response.get_data()
    response.close()
    assert body.endswith(b"}\n") and services(here).paths.download_folders() == []


def test_without_a_usb_stick_the_page_speaks_of_no_usb_stick(centres, usb, monkeypatch):
    here, _ = centres
    admin = admin_of(here)
    admin.post("/admin/move/export", data={"learner": learn(here), "drive": str(usb)})
    assert "Hoặc chọn tệp học viên (.tramhoc-learners)" in text(admin.get("/admin/move/"))
    monkeypatch.setattr("player.transfer.views.removable_drives", lambda: [])
    page = text(admin.get("/admin/move/"))
    assert "Chọn tệp học viên (.tramhoc-learners)" in page and "Hoặc chọn" not in page
    assert "trên USB" not in page.split("Đưa học viên từ máy khác vào")[0]  # only the download is offered


def test_the_pages_are_the_admins_only_and_need_the_csrf_token(centres, usb):
    here, _ = centres
    anonymous = here.test_client()
    assert anonymous.get("/admin/move/").status_code in (302, 303)
    assert anonymous.post("/admin/move/export", data={"everyone": "on", "drive": str(usb)}).status_code in (302, 303)
    admin = admin_of(here)
    assert admin.post("/admin/move/export", data={"everyone": "on", "drive": str(usb)}, csrf=False).status_code == 400
    assert not (usb / "TramHoc").exists()
    assert "Chuyển học viên" in text(admin.get("/admin/"))  # in the admin menu


def test_the_command_line_round_trip(centres, tmp_path, monkeypatch, capsys):
    here, there = centres
    lan = learn(here)
    results = services(here).store.learners.count(lan)
    here_data, there_data = services(here).paths.root, services(there).paths.root
    out = tmp_path / "lan.tramhoc-learners"
    assert player_main(["--data", str(here_data), "learners", "export", "-o", str(out), "--learner", lan]) == 0
    monkeypatch.setattr("builtins.input", lambda prompt: "k")
    assert player_main(["--data", str(there_data), "learners", "import", str(out)]) == 1
    said = capsys.readouterr().out
    assert "từ một trung tâm khác: “Xã Tân Lập”" in said and f"Lan ({lan}): học viên mới, {results} kết quả" in said
    assert "Chưa nhập gì cả." in said
    assert player_main(["--data", str(there_data), "learners", "import", str(out), "--yes"]) == 0
    assert player_main(["--data", str(there_data), "learners", "import", str(out), "--yes"]) == 0
    assert "Mọi thứ trong tệp này đã có trên máy" in capsys.readouterr().out
    from player.paths import DataPaths
    from player.store import Store

    assert Store(DataPaths(there_data)).learners.count(lan) == results


def test_a_full_usb_stick_is_said_in_words(centres, usb, monkeypatch):
    here, _ = centres
    lan = learn(here)

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("player.transfer.moving.export_learners", full)
    page = admin_of(here).post("/admin/move/export", data={"learner": lan, "drive": str(usb)}, follow_redirects=True)
    assert flashes(page) == ["Không ghi được vào USB “KINGSTON”: ổ đĩa đã đầy"]
    assert "No space left on device" in text(page)
