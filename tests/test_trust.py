"""The trust store and what it decides: verified or unverified on every page, unverified bundles refused
unless the override is given, removal taking effect at once, and crash-safe writes."""

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bundle_tools import hand_made_bundle, rewrite_bundle, snapshot
from support.pages import ADMIN_PIN, text

from courses.keys import format_fingerprint, generate
from player.library.bundles import InstallError, UnverifiedBundle
from player.library.trust import TrustError, TrustStore
from player.paths import DataPaths
from player.web.services import services

FILE_NAME = DataPaths(".").trust_store.name

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
PAGES = ["/", "/courses/mini/", "/courses/mini/lessons/gioi-thieu"]
COURSE_PAGES, LESSON = PAGES[:2], PAGES[2]  # a verified publisher is named on the course's pages only


def test_add_list_find_remove(tmp_path):
    store = TrustStore(tmp_path / FILE_NAME)
    first, second = generate("Sở A"), generate("Sở B")
    store.add(second.public)
    entry = store.add(first.public, name="Sở Thông tin và Truyền thông A")
    assert [item.name for item in store.publishers()] == ["Sở B", "Sở Thông tin và Truyền thông A"]
    assert store.find(first.public.fingerprint) == entry
    with pytest.raises(TrustError, match="already trusted"):
        store.add(first.public)
    with pytest.raises(TrustError, match="at least 8 hex digits"):
        store.remove(first.public.fingerprint[:6])
    with pytest.raises(TrustError, match="No trusted key"):
        store.remove("ab" * 32)
    assert store.remove(format_fingerprint(first.public.fingerprint)) == entry  # grouped, as people read it
    assert store.remove(second.public.fingerprint[:8]).name == "Sở B"
    assert store.publishers() == []
    assert [path.name for path in tmp_path.iterdir()] == [FILE_NAME]  # no temporary file left behind
    assert json.loads((tmp_path / FILE_NAME).read_text())["publishers"] == []


def test_a_damaged_store_trusts_nobody_and_is_never_overwritten(tmp_path, publisher_key):
    path = tmp_path / FILE_NAME
    store = TrustStore(path)
    store.add(publisher_key.public)
    path.write_text('{"format": "tramhoc-trust-store", "format_version": 1, "publishers": [{"name"')
    assert store.find(publisher_key.public.fingerprint) is None
    assert not store.provenance(publisher_key.public).verified
    with pytest.raises(TrustError, match="cannot be read. Restore it from a backup"):
        store.add(generate("Sở C").public)
    assert path.read_text().endswith('[{"name"')


def test_a_store_whose_key_and_fingerprint_disagree_is_refused(tmp_path, publisher_key):
    path = tmp_path / FILE_NAME
    TrustStore(path).add(publisher_key.public)
    data = json.loads(path.read_text())
    data["publishers"][0]["fingerprint"] = "0" * 64
    path.write_text(json.dumps(data))
    with pytest.raises(TrustError, match="does not match its fingerprint"):
        TrustStore(path).publishers()


WRITER = """
import sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from courses.keys import SigningKey
from player.library.trust import TrustStore
store = TrustStore(sys.argv[1])
keys = [SigningKey(f"Sở {n}", Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32)).public for n in range(4)]
print("ready", flush=True)
while True:
    for key in keys:
        if store.find(key.fingerprint) is None:
            store.add(key)
    for key in keys:
        store.remove(key.fingerprint)
"""


def test_the_store_survives_being_killed_mid_write(tmp_path):
    """kill -9 a process that rewrites the store continuously: the file always reads back whole."""
    path = tmp_path / FILE_NAME
    root = Path(__file__).resolve().parents[1]
    rng = random.Random(6)
    sizes = set()
    for _ in range(12):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=root, stdout=subprocess.PIPE)
        assert process.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.01, 0.12))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        if path.exists():
            sizes.add(len(TrustStore(path).publishers()))  # raises TrustError if the file were half written
    assert len(sizes) > 1, "the writer was never caught between two states: the test proves nothing"


def test_pages_say_verified_publisher(client):
    for url in COURSE_PAGES:
        page = text(client.get(url))
        assert "Đơn vị phát hành đã xác minh: Sở TT&amp;TT tỉnh Mẫu" in page, url
        assert "chưa xác minh" not in page
    lesson = text(client.get(LESSON))  # the badge is on the course's pages, not repeated on every lesson
    assert "đã xác minh" not in lesson and "chưa xác minh" not in lesson and "Sở TT&amp;TT" not in lesson


def test_removing_a_publisher_makes_its_courses_unverified_at_once(app, client, publisher_key):
    services(app).trust.remove(publisher_key.public.fingerprint)
    for url in PAGES:
        page = text(client.get(url))
        assert "Khoá học chưa xác minh" in page and "đã xác minh:" not in page, url
    detail = "Tệp ghi là của “Sở TT&amp;TT tỉnh Mẫu”, nhưng trung tâm học tập này chưa tin cậy"
    assert detail in text(client.get("/courses/mini/"))


def test_the_centres_name_for_a_publisher_is_shown_as_text(app, client, publisher_key):
    trust = services(app).trust
    trust.remove(publisher_key.public.fingerprint)
    trust.add(publisher_key.public, name=HOSTILE_NAME)
    for url in COURSE_PAGES:
        page = client.get(url).get_data(as_text=True)
        assert "Đơn vị phát hành đã xác minh: &lt;img src=x onerror=alert(1)&gt;" in page
        assert HOSTILE_NAME not in page
    assert HOSTILE_NAME not in client.get(LESSON).get_data(as_text=True)


def test_an_unverified_bundle_is_refused_unless_allowed(tmp_path, mini_bundle, signed_bundle, make_player):
    app = make_player(tmp_path / "data")  # trusts nobody
    library = services(app).library
    before = snapshot(tmp_path)
    with pytest.raises(UnverifiedBundle, match="the course file is not signed"):
        library.install(mini_bundle)
    with pytest.raises(UnverifiedBundle, match="signed by a publisher this player does not trust .*Sở TT&TT tỉnh Mẫu"):
        library.install(signed_bundle)
    assert snapshot(tmp_path) == before
    library.install(mini_bundle, allow_unverified=True)
    client = app.test_client()
    client.sign_in()
    for url in PAGES:
        assert "Khoá học chưa xác minh" in text(client.get(url)), url
    assert "Tệp khoá học không có chữ ký số" in text(client.get("/courses/mini/"))


@pytest.mark.parametrize("fixture", ["mini_bundle", "signed_bundle"])
def test_the_web_form_does_not_install_unverified_bundles_and_asks_the_administrator(
        request, fixture, tmp_path, make_player):
    """The file waits, untouched, in a private folder inside the library for the admin's approval
    (tests/test_admin_installs.py), beside the signed record that it was verified; nothing else is written
    and nothing is installed."""
    bundle = request.getfixturevalue(fixture)
    client = make_player(tmp_path / "data").test_client()
    client.set_admin_pin(ADMIN_PIN)
    learner = client.application.test_client()
    learner.sign_in()
    before = snapshot(tmp_path)
    response = client.post("/install", data={"bundle": (io.BytesIO(bundle.read_bytes()), "course.tramhoc")},
                           follow_redirects=True)
    assert "không được ký bởi đơn vị phát hành mà trung tâm tin cậy" in text(response)
    assert "Đồng ý và cài đặt" in text(response)  # the admin decides
    assert "Chưa có khoá học nào" in text(learner.get("/"))
    added = {path: entry for path, entry in snapshot(tmp_path).items() if path not in before}
    waiting, = [Path(path) for path in added if path.endswith(".tramhoc")]
    assert waiting.parent.parent == tmp_path / "data" / "library" and waiting.parent.name.startswith(".upload.")
    assert waiting.read_bytes() == bundle.read_bytes()
    assert set(added) == {str(waiting.parent), str(waiting), str(DataPaths.waiting_check(waiting.parent))}
    assert {path: entry for path, entry in snapshot(tmp_path).items() if path in before} == before


def test_a_bundle_changed_in_the_library_is_caught_when_opened(app, client):
    """Someone edits the course title inside the installed file: the signature no longer matches."""
    installed = services(app).paths.course_bundle("mini")
    fake = "Khoá học GIẢ".encode()
    rewrite_bundle(installed, lambda name, data: [
        (name, data.replace("Khoá học nhỏ".encode(), fake) if name == "manifest.json" else data)])
    assert "Khoá học GIẢ" not in text(client.get("/"))
    response = client.get("/courses/mini/lessons/gioi-thieu")
    assert response.status_code == 500 and "đã bị thay đổi hoặc hỏng" in text(response)
    assert "Khoá học GIẢ" not in text(response)


def test_a_bundle_swapped_for_an_unsigned_one_shows_as_unverified(app, client, tmp_path):
    installed = services(app).paths.course_bundle("mini")
    hand_made_bundle(tmp_path / "fake.tramhoc", "mini", {"gioi-thieu": "<p>Nội dung giả</p>"})
    installed.write_bytes((tmp_path / "fake.tramhoc").read_bytes())
    for url in PAGES:
        assert "Khoá học chưa xác minh" in text(client.get(url)), url


def test_a_failed_replace_keeps_the_old_course_and_leaves_no_temporary_file(app, tmp_path, mini_course,
                                                                           publisher_key, monkeypatch):
    from test_player import signed_version

    library = services(app).library
    newer = signed_version(mini_course, "2.0.0", tmp_path / "v2", publisher_key)
    before = snapshot(library.paths.library)

    def power_cut(*args):
        raise OSError("disk full")
    monkeypatch.setattr("player.library.bundles.os.replace", power_cut)
    with pytest.raises(OSError, match="disk full"):
        library.install(newer)
    assert snapshot(library.paths.library) == before
    assert library.course("mini").version == "1.0.0"


def test_install_refusals_are_install_errors(tmp_path, make_player, mini_bundle):
    library = services(make_player(tmp_path / "data")).library
    with pytest.raises(InstallError):
        library.install(mini_bundle)
