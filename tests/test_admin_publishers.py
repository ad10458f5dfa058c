"""Trusted publishers in the admin area: the list, adding a key in two steps (upload, then confirm after
comparing the fingerprint), refusing private keys and other files, and removing a key after naming the
courses that become unverified. Only a signed-in admin may, and every change needs the CSRF token."""

import io
import re

import pytest
from support.pages import ADMIN_PIN, text

from courses.keys import format_fingerprint, generate, write_key_pair
from player.web.services import services

PUBLISHER = "Sở TT&TT tỉnh Mẫu"


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def key_files(tmp_path, publisher_key):
    """The test publisher's private (.key) and public (.pub) key files."""
    return write_key_pair(publisher_key, tmp_path / "keys", None)


@pytest.fixture
def untrusting(tmp_path, make_player, signed_bundle):
    """A player that trusts nobody, with the signed mini course installed anyway (unverified)."""
    app = make_player(tmp_path / "data")
    services(app).library.install(signed_bundle, allow_unverified=True)
    return app


@pytest.fixture
def admin(untrusting):
    client = untrusting.test_client()
    client.set_admin_pin(ADMIN_PIN)
    return client


def check(client, path, name="publisher.pub"):
    return client.post("/admin/publishers/check", data={"keyfile": (io.BytesIO(path.read_bytes()), name)})


def test_adding_a_publisher_takes_two_steps_and_shows_the_fingerprint_first(admin, untrusting, key_files,
                                                                           publisher_key):
    trust = services(untrusting).trust
    assert "Chưa tin cậy đơn vị phát hành nào" in text(admin.get("/admin/publishers/"))
    shown = check(admin, key_files[1])
    page = text(shown)
    assert shown.status_code == 200 and "Kiểm tra dấu vân tay" in page
    assert "Chưa có gì được thêm." in page and "Sở TT&amp;TT tỉnh Mẫu" in page
    assert format_fingerprint(publisher_key.public.fingerprint) in page
    assert "Có, hai dấu vân tay giống nhau: tin cậy đơn vị này" in page
    assert trust.publishers() == []  # step 1 adds nothing

    client = untrusting.test_client()
    client.sign_in()
    assert "Khoá học chưa xác minh" in text(client.get("/"))
    done = admin.post("/admin/publishers/add", data={"token": token_of(shown), "name": " Sở TT&TT Mẫu "},
                      follow_redirects=True)
    assert "“Sở TT&amp;TT Mẫu” giờ là đơn vị phát hành được tin cậy." in text(done)
    entry, = trust.publishers()
    assert (entry.name, entry.fingerprint) == ("Sở TT&TT Mẫu", publisher_key.public.fingerprint)
    listing = text(admin.get("/admin/publishers/"))
    assert "Sở TT&amp;TT Mẫu" in listing and format_fingerprint(entry.fingerprint) in listing
    assert re.search(r"</code></td> <td>[^<]*\d[^<]*</td> <td>1</td>", listing)  # when added; 1 course
    assert "Đơn vị phát hành đã xác minh: Sở TT&amp;TT Mẫu" in text(client.get("/"))

    again = check(admin, key_files[1])
    assert again.status_code == 303
    assert "đã được tin cậy, với tên “Sở TT&amp;TT Mẫu”" in text(admin.get("/admin/publishers/"))


def test_the_name_defaults_to_the_one_in_the_key_file(admin, untrusting, key_files):
    shown = check(admin, key_files[1])
    admin.post("/admin/publishers/add", data={"token": token_of(shown), "name": ""})
    assert [entry.name for entry in services(untrusting).trust.publishers()] == [PUBLISHER]


def test_the_confirmation_adds_exactly_the_key_that_was_shown(admin, untrusting, key_files):
    shown = check(admin, key_files[1])
    forged = token_of(shown)[:-4] + "AAAA"
    response = admin.post("/admin/publishers/add", data={"token": forged, "name": "x"}, follow_redirects=True)
    assert "Trang này đã mở quá lâu" in text(response)
    assert services(untrusting).trust.publishers() == []


def test_a_private_key_is_refused_with_a_warning(admin, untrusting, key_files):
    response = check(admin, key_files[0], "publisher.key")
    assert response.status_code == 303
    page = text(admin.get("/admin/publishers/"))
    assert "Đây là khoá BÍ MẬT của đơn vị phát hành" in page
    assert services(untrusting).trust.publishers() == []
    assert not list(services(untrusting).paths.root.glob(".key-upload.*"))


NOT_A_KEY = "Đây không phải tệp khoá của đơn vị phát hành"


@pytest.mark.parametrize("data, message", [
    (None, "Hãy chọn tệp khoá của đơn vị phát hành (.pub) trước."),
    (b"not a key", NOT_A_KEY),
    ("Publisher: Sở\nFingerprint: 00\n-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n".encode(),
     NOT_A_KEY),
    (b"x" * 20_000, NOT_A_KEY),
])
def test_other_files_are_not_keys(admin, untrusting, tmp_path, data, message):
    path = tmp_path / "file.pub"
    path.write_bytes(data or b"")
    response = check(admin, path) if data is not None else admin.post("/admin/publishers/check", data={})
    assert response.status_code == 303
    assert message in text(admin.get("/admin/publishers/"))
    assert services(untrusting).trust.publishers() == []
    assert not list(services(untrusting).paths.root.glob(".key-upload.*"))


def test_a_hostile_name_is_shown_as_text(admin, untrusting, tmp_path):
    key = generate("<img src=x onerror=alert(1)>")
    page = check(admin, write_key_pair(key, tmp_path / "k", None)[1]).get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_removing_a_publisher_names_the_courses_that_become_unverified(admin, untrusting, publisher_key):
    trust = services(untrusting).trust
    trust.add(publisher_key.public)
    other = trust.add(generate("Sở khác").public)
    url = f"/admin/publishers/{publisher_key.public.fingerprint}/remove"
    confirm = text(admin.get(url))
    assert "Thôi tin cậy “Sở TT&amp;TT tỉnh Mẫu”?" in confirm
    assert "các khoá học đã cài sau đây sẽ hiện là “Khoá học chưa xác minh”:" in confirm
    assert "<li>Khoá học nhỏ: Chữ ký số</li>" in confirm
    assert "Không có khoá học đã cài nào" in text(admin.get(f"/admin/publishers/{other.fingerprint}/remove"))

    admin.post(url, data={})  # not confirmed: nothing happens
    assert len(trust.publishers()) == 2
    done = admin.post(url, data={"confirm": "yes"}, follow_redirects=True)
    assert "Đã thôi tin cậy “Sở TT&amp;TT tỉnh Mẫu”." in text(done)
    assert [entry.name for entry in trust.publishers()] == ["Sở khác"]
    client = untrusting.test_client()
    client.sign_in()
    assert "Khoá học chưa xác minh" in text(client.get("/courses/mini/"))
    assert admin.get(url).status_code == 404


def test_publishers_are_for_the_admin_only_and_changes_need_the_csrf_token(untrusting, admin, key_files,
                                                                            publisher_key):
    trust = services(untrusting).trust
    shown = check(admin, key_files[1])
    assert admin.post("/admin/publishers/add", data={"token": token_of(shown)}, csrf=False).status_code == 400
    assert trust.publishers() == []

    learner = untrusting.test_client()
    learner.sign_in()
    for url in ("/admin/publishers/", f"/admin/publishers/{publisher_key.public.fingerprint}/remove"):
        assert learner.get(url).headers["Location"] == "/admin/"
    assert check(learner, key_files[1]).headers["Location"] == "/admin/"
    assert learner.post("/admin/publishers/add", data={"token": token_of(shown)}).headers["Location"] == "/admin/"
    assert trust.publishers() == []
    trust.add(publisher_key.public)
    remove = f"/admin/publishers/{publisher_key.public.fingerprint}/remove"
    assert learner.post(remove, data={"confirm": "yes"}).headers["Location"] == "/admin/"
    assert admin.post(remove, data={"confirm": "yes"}, csrf=False).status_code == 400
    assert len(trust.publishers()) == 1
