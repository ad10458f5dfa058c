"""The player's routes through Flask's test client: library, contents, lessons, assets, install, language."""

import io
import re

import pytest
from bundle_tools import rewrite_bundle
from support.pages import ADMIN_PIN, text

from builder.build import build
from courses.keys import format_fingerprint, write_key_pair
from player.app import create_app
from player.cli import main as player_main
from player.library.bundles import InstallError
from player.paths import ENV_VAR, resolve_data_dir
from player.web.security import CONTENT_SECURITY_POLICY
from player.web.services import services

PAGES = ["/", "/courses/mini/", "/courses/mini/lessons/gioi-thieu", "/courses/mini/lessons/dang-nhap",
         "/courses/mini/lessons/ky-so"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_a_strict_csp(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert 'lang="vi"' in text(response)


def test_library_lists_the_installed_course(client):
    page = text(client.get("/"))
    assert "Khoá học nhỏ: Chữ ký số" in page and "3 bài học" in page and "Mở khoá học" in page


def test_contents_show_sections_and_lessons_in_order(client):
    page = text(client.get("/courses/mini/"))
    positions = [page.index(title) for title in
                 ("Phần 1: Làm quen", "Giới thiệu về chữ ký số", "Đăng nhập Cổng Dịch vụ công",
                  "Phần 2: Thực hành", "Ký số một tệp PDF")]
    assert positions == sorted(positions)
    assert 'href="/courses/mini/lessons/gioi-thieu">Bắt đầu học' in page


def test_lesson_has_previous_next_and_contents(client):
    page = text(client.get("/courses/mini/lessons/dang-nhap"))
    assert 'rel="prev" href="/courses/mini/lessons/gioi-thieu"' in page
    assert 'rel="next" href="/courses/mini/lessons/ky-so"' in page
    assert "<h1>Đăng nhập Cổng Dịch vụ công</h1>" in page
    first = text(client.get("/courses/mini/lessons/gioi-thieu"))
    assert 'rel="prev"' not in first and "5 phút" in first


def test_assets_are_served_from_the_bundle_with_ranges(client):
    response = client.get("/courses/mini/assets/lessons/images/dang-nhap.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    partial = client.get("/courses/mini/assets/lessons/images/dang-nhap.png", headers={"Range": "bytes=0-3"})
    assert partial.status_code == 206 and partial.data == b"\x89PNG"
    svg = client.get("/courses/mini/assets/lessons/images/so-do.svg")
    assert svg.mimetype == "image/svg+xml" and "default-src 'none'" in svg.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/courses/nope/", "/courses/mini/lessons/nope", "/courses/MINI/",
                                 "/courses/mini/assets/lessons/images/nope.png",
                                 "/courses/mini/assets/../../secret_key", "/courses/mini/assets/manifest.json"])
def test_unknown_things_are_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in text(response)


def test_language_switch_to_english_and_back(client):
    response = client.post("/language", data={"lang": "en", "next": "/courses/mini/"})
    assert response.status_code == 303 and response.headers["Location"] == "/courses/mini/"
    page = text(client.get("/courses/mini/"))
    assert "Start learning" in page and "3 lessons" in page and 'lang="en"' in page
    client.post("/language", data={"lang": "vi", "next": "/"})
    assert "Bắt đầu học" in text(client.get("/courses/mini/"))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_install_through_the_ui(tmp_path, signed_bundle, publisher_key, make_player):
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    client, admin = app.test_client(), app.test_client()
    client.sign_in()
    admin.set_admin_pin(ADMIN_PIN)
    assert "Chưa có khoá học nào" in text(client.get("/"))
    response = admin.post("/install", data={"bundle": (io.BytesIO(signed_bundle.read_bytes()), "mini.tramhoc")},
                          follow_redirects=True)
    assert "Đã cài “Khoá học nhỏ: Chữ ký số” (phiên bản 1.0.0)." in text(response)
    assert "Đơn vị phát hành đã xác minh: Sở TT&amp;TT tỉnh Mẫu" in text(response)


def test_install_through_the_ui_refuses_a_damaged_file(tmp_path, signed_bundle, publisher_key, make_player):
    client = make_player(tmp_path / "data", trusted=(publisher_key,)).test_client()
    client.set_admin_pin(ADMIN_PIN)
    damaged = bytearray(signed_bundle.read_bytes())
    damaged[len(damaged) // 3] ^= 0xFF
    response = client.post("/install", data={"bundle": (io.BytesIO(bytes(damaged)), "mini.tramhoc")},
                           follow_redirects=True)
    assert "Không cài được khoá học này" in text(response)
    assert "Chưa cài khoá học nào." in text(response)
    assert not list((tmp_path / "data" / "library").glob("*.tramhoc"))


def tamper_installed(app, old: bytes, new: bytes) -> None:
    """Change one lesson of the installed bundle; the zip stays well-formed and the signature valid."""
    installed = services(app).paths.course_bundle("mini")

    def change(name, data):
        if name == "lessons/ky-so.html":
            assert old in data
            data = data.replace(old, new)
        return [(name, data)]
    rewrite_bundle(installed, change)


def test_a_changed_lesson_in_the_library_is_detected_when_opened(app, client):
    tamper_installed(app, b"language-text", b"language-tekt")  # same size: only the checksum can tell
    response = client.get("/courses/mini/lessons/ky-so")
    assert response.status_code == 500
    assert "đã bị thay đổi hoặc hỏng" in text(response) and "language-tekt" not in text(response)
    assert client.get("/courses/mini/lessons/gioi-thieu").status_code == 200


def test_a_resized_lesson_in_the_library_blocks_the_course(app, client):
    tamper_installed(app, "Các bước".encode(), b"<script>alert(1)</script>")
    response = client.get("/courses/mini/lessons/gioi-thieu")
    assert response.status_code == 500 and "đã bị thay đổi hoặc hỏng" in text(response)


def signed_version(course_dir, version, out, key):
    """The mini course (a writable copy) rebuilt as another version, signed by key."""
    config = course_dir / "course.yml"
    config.write_text(re.sub(r"(?m)^version: .*$", f"version: {version}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    return build(course_dir, out, use_cache=False, signer=key)


def test_newer_version_replaces_the_course_keeps_progress_and_older_is_refused_unless_forced(app, tmp_path, mini_course,
                                                                               signed_bundle, publisher_key):
    library = services(app).library
    client = app.test_client()
    client.sign_in()
    client.get("/courses/mini/lessons/gioi-thieu")
    client.post("/courses/mini/lessons/gioi-thieu/done")
    assert "Đã học 33%" in text(client.get("/courses/mini/"))
    newer = signed_version(mini_course, "2.0.0", tmp_path / "v2", publisher_key)
    library.install(newer)
    assert library.course("mini").version == "2.0.0"
    assert [path.name for path in library.paths.installed_bundles()] == ["mini.tramhoc"]  # one file per course id
    upgraded = text(client.get("/courses/mini/"))
    assert "phiên bản 2.0.0" in upgraded and "Đã học 33%" in upgraded  # the learner's progress is kept
    with pytest.raises(InstallError, match="older"):
        library.install(signed_bundle)
    assert library.course("mini").version == "2.0.0"
    assert library.install(signed_bundle, force=True).version == "1.0.0"


def test_cli_install_trust_and_list(tmp_path, signed_bundle, publisher_key, capsys):
    data = str(tmp_path / "data")
    assert player_main(["--data", data, "install", str(signed_bundle)]) == 1
    assert "tệp được ký bởi một đơn vị phát hành mà trình học này không tin cậy" in capsys.readouterr().err
    key_file = write_key_pair(publisher_key, tmp_path / "keys", None)[1]
    assert player_main(["--data", data, "trust", "add", str(key_file), "--name", "Sở TT&TT Mẫu"]) == 0
    assert format_fingerprint(publisher_key.public.fingerprint) in capsys.readouterr().out
    assert player_main(["--data", data, "install", str(signed_bundle)]) == 0
    out = capsys.readouterr().out
    assert "đã cài mini 1.0.0: Khoá học nhỏ: Chữ ký số (đơn vị phát hành đã xác minh: Sở TT&TT Mẫu)" in out
    assert player_main(["--data", data, "list"]) == 0
    assert capsys.readouterr().out == "mini\t1.0.0\tKhoá học nhỏ: Chữ ký số\tđã xác minh: Sở TT&TT Mẫu\n"


def test_cli_installs_an_unsigned_bundle_only_when_told_and_lists_it_unverified(tmp_path, mini_bundle, capsys):
    data = str(tmp_path / "data")
    assert player_main(["--data", data, "install", str(mini_bundle)]) == 1
    err = capsys.readouterr().err
    assert "tệp khoá học không có chữ ký số" in err and "--allow-unverified" in err
    assert not list((tmp_path / "data" / "library").glob("*.tramhoc"))
    assert player_main(["--data", data, "install", "--allow-unverified", str(mini_bundle)]) == 0
    assert "(CHƯA XÁC MINH)" in capsys.readouterr().out
    assert player_main(["--data", data, "list"]) == 0
    assert capsys.readouterr().out.endswith("\tCHƯA XÁC MINH\n")


def test_cli_install_refuses_a_broken_bundle_clearly(tmp_path, capsys):
    bogus = tmp_path / "bogus.tramhoc"
    bogus.write_bytes(b"not a zip")
    assert player_main(["--data", str(tmp_path / "data"), "install", str(bogus)]) == 1
    err = capsys.readouterr().err
    assert "Tệp khoá học bogus.tramhoc bị hỏng, hoặc không phải là tệp khoá học của Trạm Học." in err
    assert "(bogus.tramhoc: not a readable bundle" in err  # the technical detail, for whoever helps


def test_the_command_line_speaks_the_centres_language(tmp_path, mini_bundle, capsys):
    """Every line in one language: the one the admin chose for the centre (Vietnamese unless changed)."""
    data = tmp_path / "data"
    assert player_main(["--data", str(data), "install", str(mini_bundle)]) == 1
    vietnamese = capsys.readouterr().err
    assert "Chưa cài “Khoá học nhỏ: Chữ ký số”" in vietnamese and "Hãy tin cậy đơn vị phát hành trước" in vietnamese
    assert "not installed" not in vietnamese and "Trust its publisher" not in vietnamese
    services(create_app(data)).store.settings.update(language="en")
    assert player_main(["--data", str(data), "install", str(mini_bundle)]) == 1
    english = capsys.readouterr().err
    assert "“Khoá học nhỏ: Chữ ký số” was not installed: the course file is not signed" in english
    assert "Trust its publisher first" in english and "Chưa cài" not in english


def test_data_dir_comes_from_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert resolve_data_dir() == (tmp_path / "from-env").resolve()
    assert resolve_data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    assert (tmp_path / "explicit").is_dir()


def test_an_empty_or_short_secret_key_left_by_a_power_cut_is_replaced(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "secret_key").write_bytes(b"")
    key = create_app(tmp_path / "d").config["SECRET_KEY"]
    assert len(key) == 32 and (tmp_path / "d" / "secret_key").read_bytes() == key
    assert (tmp_path / "d" / "secret_key").stat().st_mode & 0o077 == 0
    assert not [path for path in (tmp_path / "d").iterdir() if path.name.startswith(".")]


def test_secret_key_is_private_and_stable(tmp_path):
    first = create_app(tmp_path / "d").config["SECRET_KEY"]
    assert create_app(tmp_path / "d").config["SECRET_KEY"] == first and len(first) == 32
    assert (tmp_path / "d" / "secret_key").stat().st_mode & 0o077 == 0


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client):
    response = client.post("/language", data={"lang": "en", "next": "/"}, csrf=False)
    assert response.status_code == 400
    assert "từ chối yêu cầu này" in text(response)
    assert 'lang="vi"' in text(client.get("/")) and "tramhoc_lang" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Origin": "http://127.0.0.1:9999"},
                                     {"Referer": "http://evil.example/page"}])
def test_a_post_from_a_foreign_origin_is_refused_even_with_a_token(client, headers):
    response = client.post("/language", data={"lang": "en", "next": "/"}, headers=headers)
    assert response.status_code == 403
    assert "tramhoc_lang" not in response.headers.get("Set-Cookie", "")
    assert 'lang="vi"' in text(client.get("/"))


def test_a_post_from_the_players_own_page_is_accepted(client):
    response = client.post("/language", data={"lang": "en", "next": "/"},
                           headers={"Origin": "http://localhost", "Referer": "http://localhost/courses/mini/"})
    assert response.status_code == 303
    assert 'lang="en"' in text(client.get("/"))


@pytest.mark.parametrize("host", ["evil.example", "attacker.example:8765", "127.0.0.1.nip.io"])
def test_a_request_for_a_foreign_host_name_is_refused(client, host):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: refuse any name but localhost."""
    assert client.get("/", headers={"Host": host}).status_code == 400
    assert client.post("/language", data={"lang": "en"}, headers={"Host": host}).status_code == 400


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8765", "[::1]:8765", "192.168.1.20:8765"])
def test_ip_literals_and_localhost_are_accepted_hosts(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


def test_lan_mode_can_allow_a_pc_name(tmp_path, make_player):
    client = make_player(tmp_path / "data", {"ALLOWED_HOSTS": ["tram-hoc-xa"]}).test_client()
    assert client.get("/", headers={"Host": "TRAM-HOC-XA:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "other-pc:8765"}).status_code == 400
