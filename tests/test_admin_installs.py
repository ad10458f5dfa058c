"""Installing a course that needs the admin (unsigned, unknown publisher, older version): only the admin uploads
course files (the install box is in the admin area); a file opened from Windows Explorer waits for review, the
learner at the PC sees what it is, only the admin PIN (with its back-off) or an admin session approves it, the
approval is bound to that exact file, and waiting files are cleaned up on approval, on cancel and when stale."""

import io
import os
import re
import time
from pathlib import Path

import pytest
from bundle_tools import hand_made_bundle
from support.pages import ADMIN_PIN, text
from test_player import signed_version

from builder.build import build
from courses.keys import format_fingerprint
from player.app import create_app
from player.library.approvals import MAX_AGE_SECONDS, MAX_WAITING
from player.paths import WAITING_PREFIX
from player.web.services import services

PAGES = ["/", "/courses/mini/", "/courses/mini/lessons/gioi-thieu"]
TITLE = "Khoá học nhỏ: Chữ ký số"


def set_admin_pin(app) -> None:
    """The admin PIN set on first run, from another browser (the learner's session stays a learner's)."""
    app.test_client().set_admin_pin(ADMIN_PIN)


def upload(client, bundle: Path, **form):
    """Upload a course file through the admin area's install form; returns the response (not followed)."""
    return client.post("/install", data={"bundle": (io.BytesIO(bundle.read_bytes()), "course.tramhoc"), **form})


def opened(client, bundle: Path) -> str:
    """A course file opened from Windows Explorer (player.cli holds it for review): its review page's address."""
    with bundle.open("rb") as file:
        return f"/install/{services(client.application).approvals.hold(file).id}"


def approval_of(client, address: str) -> tuple[str, str]:
    """(waiting id, the approval token its review page carries) of a waiting file's review page."""
    waiting_id = re.fullmatch(r"/install/([0-9a-f]{32})(\?back=\w+)?", address).group(1)
    page = client.get(address).get_data(as_text=True)
    return waiting_id, re.search(r'name="approval" value="([^"]+)"', page).group(1)


def hold(client, bundle: Path) -> tuple[str, str]:
    """Open a file that needs approval at this client's PC: (waiting id, its approval token)."""
    return approval_of(client, opened(client, bundle))


def waiting_folders(app) -> list[Path]:
    return sorted(services(app).paths.waiting_folders())


def installed(app) -> list[str]:
    return [course.id for course in services(app).library.courses()]


@pytest.fixture
def player(tmp_path, make_player, publisher_key):
    """A player that trusts publisher_key, with an admin PIN and no course installed."""
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    set_admin_pin(app)
    return app


@pytest.fixture
def learner(player):
    client = player.test_client()
    client.sign_in("Lan")
    return client


def test_a_learner_sees_what_an_unsigned_course_is_and_the_admin_approves_it_with_the_pin(player, learner,
                                                                                           mini_bundle):
    review = text(learner.get(opened(learner, mini_bundle)))
    assert "Cài khoá học này?" in review and TITLE in review and "phiên bản 1.0.0" in review
    assert "Không có chữ ký số" in review and "không ai bảo đảm cho nội dung của nó" in review
    assert "Hãy nhờ người quản lý trung tâm" in review and 'name="pin"' in review
    assert "Ở mọi nơi, khoá học sẽ được ghi là “Khoá học chưa xác minh”." in review  # said before it happens
    assert installed(player) == [] and len(waiting_folders(player)) == 1

    waiting_id, approval = hold(learner, mini_bundle)
    done = learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval},
                        follow_redirects=True)
    assert f"Đã cài “{TITLE}” (phiên bản 1.0.0). Ở mọi nơi, khoá học được ghi là “Khoá học chưa xác minh”." \
        in text(done)
    assert installed(player) == ["mini"]
    assert len(waiting_folders(player)) == 1  # the approved file is gone; the first upload still waits
    for url in PAGES:
        page = text(learner.get(url))
        assert "Khoá học chưa xác minh" in page and "Đơn vị phát hành đã xác minh" not in page, url
    assert 'name="pin"' in text(learner.get("/admin/"))  # typing the PIN here did not make the learner an admin


def test_a_course_from_an_unknown_publisher_shows_the_name_it_claims_and_its_fingerprint(
        tmp_path, make_player, signed_bundle, publisher_key):
    app = make_player(tmp_path / "data")  # trusts nobody
    set_admin_pin(app)
    client = app.test_client()
    review = text(client.get(opened(client, signed_bundle)))
    assert "Được ký bởi một đơn vị phát hành mà trung tâm này chưa tin cậy" in review
    assert "Tệp ghi là của “Sở TT&amp;TT tỉnh Mẫu”. Chưa ai kiểm tra tên này." in review
    assert format_fingerprint(publisher_key.public.fingerprint) in review


def test_wrong_pins_install_nothing_and_are_slowed_down(player, learner, mini_bundle, fake_clock):
    waiting_id, approval = hold(learner, mini_bundle)
    url = f"/install/{waiting_id}/approve"
    for _ in range(3):
        refused = learner.post(url, data={"pin": "000000", "approval": approval})
        assert refused.status_code == 403 and "Chưa đúng. Bạn thử lại nhé." in text(refused)
        assert TITLE in text(refused) and 'name="pin"' in text(refused)  # the same page, to try again
    locked = learner.post(url, data={"pin": ADMIN_PIN, "approval": approval})
    assert locked.status_code == 429 and "hãy chờ 30 giây rồi thử lại" in text(locked)
    assert installed(player) == []
    assert player.test_client().post("/admin/sign-in", data={"pin": ADMIN_PIN}).status_code == 429  # one back-off
    fake_clock.move(31)
    assert learner.post(url, data={"pin": ADMIN_PIN, "approval": approval}).status_code == 303
    assert installed(player) == ["mini"] and waiting_folders(player) == []


def test_a_learner_without_the_pin_cannot_approve(player, learner, mini_bundle):
    waiting_id, approval = hold(learner, mini_bundle)
    for form in ({"approval": approval}, {"pin": "", "approval": approval}, {"pin": "13579", "approval": approval}):
        assert learner.post(f"/install/{waiting_id}/approve", data=form).status_code == 403
    assert installed(player) == [] and len(waiting_folders(player)) == 1


def test_approving_needs_the_csrf_token(player, learner, mini_bundle):
    waiting_id, approval = hold(learner, mini_bundle)
    response = learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval},
                            csrf=False)
    assert response.status_code == 400
    assert installed(player) == [] and len(waiting_folders(player)) == 1
    assert learner.post(f"/install/{waiting_id}/cancel", csrf=False).status_code == 400
    assert len(waiting_folders(player)) == 1


def test_a_swapped_file_cannot_ride_on_an_approval(player, learner, mini_bundle, tmp_path):
    waiting_id, approval = hold(learner, mini_bundle)
    swapped = hand_made_bundle(tmp_path / "other.tramhoc", "mini", {"gioi-thieu": "<p>Nội dung tráo</p>"})
    (waiting_folders(player)[0] / "course.tramhoc").write_bytes(swapped.read_bytes())
    response = learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval},
                            follow_redirects=True)
    assert "Sự đồng ý này không khớp với tệp đã tải lên" in text(response)
    assert installed(player) == [] and waiting_folders(player) == []


def test_an_approval_of_one_upload_does_not_install_another(player, learner, mini_bundle, tmp_path):
    shown_id, shown_approval = hold(learner, mini_bundle)
    other = hand_made_bundle(tmp_path / "other.tramhoc", "khac", {"bai": "<p>Khoá học khác</p>"})
    other_id, _ = hold(learner, other)
    for approval in (shown_approval, shown_approval[:-3] + "AAA", "forged", ""):
        response = learner.post(f"/install/{other_id}/approve", data={"pin": ADMIN_PIN, "approval": approval},
                                follow_redirects=True)
        assert "Chưa có gì được cài" in text(response)
        assert installed(player) == []
        assert len(waiting_folders(player)) == 1  # a refused approval deletes the upload it was used on
        other_id, _ = hold(learner, other)
    response = learner.post(f"/install/{shown_id}/approve", data={"pin": ADMIN_PIN, "approval": shown_approval})
    assert response.status_code == 303 and installed(player) == ["mini"]


def test_cancel_deletes_the_waiting_file(player, learner, mini_bundle):
    waiting_id, _ = hold(learner, mini_bundle)
    response = learner.post(f"/install/{waiting_id}/cancel", follow_redirects=True)
    assert "Tệp khoá học không được cài, và đã bị xoá khỏi máy này." in text(response)
    assert waiting_folders(player) == [] and installed(player) == []
    gone = learner.get(f"/install/{waiting_id}", follow_redirects=True)
    assert "không còn chờ nữa" in text(gone)


def test_stale_uploads_are_removed_when_the_player_starts(player, learner, mini_bundle):
    stale_id, _ = hold(learner, mini_bundle)
    fresh_id, _ = hold(learner, mini_bundle)
    library = services(player).paths.library
    crashed = library / f"{WAITING_PREFIX}k2j4h5g6"  # left by the old install form's temporary folder after a crash
    crashed.mkdir()
    (crashed / "upload.tramhoc").write_bytes(b"half")
    long_ago = time.time() - MAX_AGE_SECONDS - 60
    for folder in (library / f"{WAITING_PREFIX}{stale_id}", crashed):
        os.utime(folder, (long_ago, long_ago))
    assert learner.get(f"/install/{stale_id}", follow_redirects=True).request.path == "/"  # already too old

    create_app(services(player).paths.root)  # the player starts again
    assert waiting_folders(player) == [library / f"{WAITING_PREFIX}{fresh_id}"]


def test_at_most_a_few_uploads_wait(player, learner, mini_bundle):
    first_id, _ = hold(learner, mini_bundle)
    for _ in range(MAX_WAITING):
        hold(learner, mini_bundle)
    assert len(waiting_folders(player)) == MAX_WAITING
    assert not (services(player).paths.library / f"{WAITING_PREFIX}{first_id}").exists()


def test_an_older_version_needs_the_admin_pin(player, learner, mini_course, tmp_path, signed_bundle, publisher_key):
    library = services(player).library
    library.install(signed_version(mini_course, "2.0.0", tmp_path / "v2", publisher_key))
    waiting_id, approval = hold(learner, signed_bundle)
    review = text(learner.get(f"/install/{waiting_id}"))
    assert "Máy đang có phiên bản 2.0.0 của khoá học này. Tệp này là phiên bản cũ hơn (1.0.0)" in review
    assert "Đơn vị phát hành đã xác minh: Sở TT&amp;TT tỉnh Mẫu" in review
    wrong = learner.post(f"/install/{waiting_id}/approve", data={"pin": "111111", "approval": approval})
    assert wrong.status_code == 403
    assert library.course("mini").version == "2.0.0"
    learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval})
    assert library.course("mini").version == "1.0.0" and library.provenance("mini").verified


def test_an_approval_covers_only_what_the_admin_was_shown(player, learner, mini_course, tmp_path, mini_bundle):
    """Shown as a new unsigned course; by the time it is approved a newer version got installed: it would
    now replace a newer version, which nobody approved, so it is not installed and shown again."""
    waiting_id, approval = hold(learner, mini_bundle)
    services(player).library.install(
        signed_version(mini_course, "3.0.0", tmp_path / "v3", None), allow_unverified=True)
    response = learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval},
                            follow_redirects=True)
    assert "Có điều đã thay đổi từ lúc trang này hiện ra" in text(response)
    assert "Máy đang có phiên bản 3.0.0 của khoá học này" in text(response)  # shown again, with the new fact
    assert services(player).library.course("mini").version == "3.0.0"
    assert len(waiting_folders(player)) == 1


def test_the_admin_area_installs_a_course_and_asks_only_to_confirm(player, mini_bundle, signed_bundle):
    admin = player.test_client()
    assert admin.post("/admin/sign-in", data={"pin": ADMIN_PIN}).status_code == 303
    page = text(admin.get("/admin/courses"))  # the install form is on the admin area's courses page
    assert "Cài khoá học" in page and 'name="back" value="admin"' in page

    verified = upload(admin, signed_bundle, back="admin")
    assert verified.headers["Location"] == "/admin/courses" and installed(player) == ["mini"]
    services(player).library.remove("mini")

    held = upload(admin, mini_bundle, back="admin")
    assert held.status_code == 303, text(held)
    waiting_id, approval = approval_of(admin, held.headers["Location"])
    review = text(admin.get(f"/install/{waiting_id}?back=admin"))
    assert 'name="pin"' not in review and "Đồng ý và cài đặt" in review
    assert "Tệp khoá học đang chờ bạn đồng ý" in text(admin.get("/admin/"))  # the overview says it waits
    assert "Tệp khoá học đang chờ bạn đồng ý" in text(admin.get("/admin/courses"))
    done = admin.post(f"/install/{waiting_id}/approve", data={"approval": approval, "back": "admin"})
    assert done.headers["Location"] == "/admin/courses" and installed(player) == ["mini"]
    assert "Khoá học chưa xác minh" in text(admin.get("/admin/courses"))
    assert "Tệp khoá học đang chờ bạn đồng ý" not in text(admin.get("/admin/"))


def test_before_an_admin_pin_exists_nobody_can_approve(tmp_path, make_player, mini_bundle):
    app = make_player(tmp_path / "data")
    client = app.test_client()
    waiting_id = opened(client, mini_bundle).rsplit("/", 1)[1]
    review = text(client.get(f"/install/{waiting_id}"))
    assert "Máy này chưa có mã PIN quản trị" in review and 'name="approval"' not in review
    for pin in ("", "000000"):
        assert client.post(f"/install/{waiting_id}/approve", data={"pin": pin}).status_code == 403
    assert installed(app) == []


def test_only_the_admin_uploads_course_files(player, learner, signed_bundle, mini_bundle):
    """A learner's session (or another PC in LAN mode) cannot upload: nothing is read, held or installed."""
    for bundle in (signed_bundle, mini_bundle):
        response = upload(learner, bundle)
        assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert waiting_folders(player) == [] and installed(player) == []


def test_a_damaged_upload_is_refused_and_not_kept(player, signed_bundle):
    admin = player.test_client()
    assert admin.post("/admin/sign-in", data={"pin": ADMIN_PIN}).status_code == 303
    damaged = bytearray(signed_bundle.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    response = admin.post("/install", data={"bundle": (io.BytesIO(bytes(damaged)), "x.tramhoc")},
                          follow_redirects=True)
    assert "Không cài được khoá học này" in text(response)
    assert waiting_folders(player) == [] and installed(player) == []


@pytest.mark.parametrize("waiting_id", ["0" * 32, "A" * 32, "abc", "." * 32])
def test_unknown_waiting_ids_are_gone(player, learner, waiting_id, mini_bundle):
    hold(learner, mini_bundle)
    response = learner.get(f"/install/{waiting_id}", follow_redirects=True)
    assert "không còn chờ nữa" in text(response)
    assert learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN}).status_code == 303
    assert learner.post(f"/install/{waiting_id}/cancel").status_code == 303
    assert installed(player) == [] and len(waiting_folders(player)) == 1


def test_a_full_disk_while_installing_an_approved_course_keeps_it_waiting(player, learner, mini_bundle, monkeypatch):
    waiting_id, approval = hold(learner, mini_bundle)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(services(player).library, "admit", disk_full)
    response = learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval},
                            follow_redirects=True)
    assert "Không cài được khoá học này: ổ đĩa đã đầy" in text(response)
    assert re.search(r"<summary>Chi tiết kỹ thuật \(cho người hỗ trợ\)</summary><code lang=\"en\">No space left on "
                     r"device</code>", text(response))
    assert "Cài khoá học này?" in text(response) and len(waiting_folders(player)) == 1
    monkeypatch.undo()
    again = learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval})
    assert again.status_code == 303
    assert installed(player) == ["mini"]


class CountingReads:
    """Counts the bytes read from one file, through every open() of it (pathlib's included)."""

    def __init__(self, monkeypatch, target_name: str):
        self.read = 0
        real_open = io.open

        def counting_open(file, mode="r", *args, **kwargs):
            handle = real_open(file, mode, *args, **kwargs)
            if not isinstance(file, int) and Path(os.fsdecode(file)).name == target_name and "r" in mode:
                return _Counted(handle, self)
            return handle
        monkeypatch.setattr(io, "open", counting_open)
        monkeypatch.setattr("builtins.open", counting_open)


class _Counted:
    def __init__(self, handle, counter):
        self._handle, self._counter = handle, counter

    def read(self, *args):
        data = self._handle.read(*args)
        self._counter.read += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def __iter__(self):
        return iter(self._handle)


def test_an_upload_is_read_three_times_at_most_from_upload_to_install(player, learner, mini_course, tmp_path,
                                                                      monkeypatch):
    """Hashed as it is saved (no read), verified once, hashed once more on approval: not read again for the
    review page, the approval token or the install (a course file can be 2 GB)."""
    (mini_course / "lessons" / "images" / "lon.png").write_bytes(os.urandom(3 * 1024 * 1024))
    lesson = mini_course / "lessons" / "01-gioi-thieu.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n![Ảnh lớn](images/lon.png)\n", encoding="utf-8")
    bundle = build(mini_course, tmp_path / "dist", use_cache=False)  # unsigned: it needs the admin
    size = bundle.stat().st_size
    counter = CountingReads(monkeypatch, "course.tramhoc")
    waiting_id, approval = hold(learner, bundle)
    learner.get(f"/install/{waiting_id}")
    assert learner.post(f"/install/{waiting_id}/approve", data={"pin": ADMIN_PIN, "approval": approval}
                        ).status_code == 303
    assert installed(player) == ["mini"]
    assert 2 * size <= counter.read <= 2 * size + 256 * 1024  # verified once, hashed once; the rest: manifests


def test_an_unsigned_newer_version_of_a_verified_course_needs_a_second_confirmation(
        player, learner, mini_course, tmp_path, signed_bundle):
    """Issue 14 #16: the review page says which verified course the file replaces; the PIN alone does not
    install it, nor does an approval without the confirmation box."""
    library = services(player).library
    library.install(signed_bundle)  # version 1.0.0, verified
    waiting_id, approval = hold(learner, signed_version(mini_course, "2.0.0", tmp_path / "v2", None))
    review = text(learner.get(f"/install/{waiting_id}"))
    assert "Tệp này thay thế một khoá học đã được “Sở TT&amp;TT tỉnh Mẫu” xác minh (phiên bản 1.0.0)." in review
    assert 'name="replace_verified" type="checkbox" value="yes" required' in review

    url = f"/install/{waiting_id}/approve"
    unconfirmed = learner.post(url, data={"pin": ADMIN_PIN, "approval": approval})
    assert unconfirmed.status_code == 422 and "Hãy đánh dấu ô xác nhận" in text(unconfirmed)
    assert services(player).store.settings.get()["admin_failures"] == 0  # no PIN try was spent on it
    assert library.course("mini").version == "1.0.0" and library.provenance("mini").verified

    learner.post(url, data={"pin": ADMIN_PIN, "approval": approval, "replace_verified": "yes"})
    assert library.course("mini").version == "2.0.0" and not library.provenance("mini").verified


def test_an_approval_shown_before_a_verified_course_came_does_not_replace_it(
        player, learner, mini_course, tmp_path, signed_bundle):
    waiting_id, approval = hold(learner, signed_version(mini_course, "2.0.0", tmp_path / "v2", None))
    services(player).library.install(signed_bundle)  # meanwhile, the verified 1.0.0
    response = learner.post(f"/install/{waiting_id}/approve",
                            data={"pin": ADMIN_PIN, "approval": approval, "replace_verified": "yes"},
                            follow_redirects=True)
    assert "Có điều đã thay đổi từ lúc trang này hiện ra" in text(response)
    assert services(player).library.provenance("mini").verified


def test_the_admin_sees_what_each_waiting_file_is_until_that_version_is_installed(player, learner, mini_bundle):
    hold(learner, mini_bundle)
    admin = player.test_client()
    assert admin.post("/admin/sign-in", data={"pin": ADMIN_PIN}).status_code == 303
    home = re.sub(r"\s+", " ", text(admin.get("/admin/")))
    assert f'<strong lang="vi">{TITLE}</strong> (phiên bản 1.0.0, đơn vị phát hành chưa được xác minh) · tải lên lúc' in home
    services(player).library.install(mini_bundle, allow_unverified=True)  # e.g. from a USB stick, by the CLI
    home = text(admin.get("/admin/"))
    assert "Tệp khoá học đang chờ bạn đồng ý" not in home and len(waiting_folders(player)) == 1
