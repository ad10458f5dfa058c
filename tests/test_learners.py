"""Profiles on a shared PC through the routes: the start screen, creating a profile, PINs and picture
codes (right, wrong, back-off), switching and signing out, sign-out after inactivity, and names that look
like HTML shown as text everywhere."""

import re

import pytest
from support.pages import open_lesson, text

import player
from player.learners.credentials import delay_after
from player.web.services import services

XSS = "<img src=x onerror=alert(1)>"


def learner_id_of(client, name: str) -> str:
    rows = services(client.application).store.learners.learners()
    return next(row["id"] for row in rows if row["name"] == name)


def test_the_start_screen_asks_who_is_learning_before_any_course(anonymous):
    page = text(anonymous.get("/"))
    assert "Ai đang học?" in page and "Học viên mới" in page and 'class="topbar"' in page
    for url in ("/courses/mini/", "/courses/mini/lessons/ky-so"):
        response = anonymous.get(url, headers={"Accept": "text/html"})
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/learners/?next=/courses/mini/")
    assert anonymous.get("/courses/mini/assets/lessons/images/dang-nhap.png").status_code == 401


def test_the_start_screen_lists_learners_in_vietnamese_dictionary_order(app, anonymous):
    for name in ("Vũ Văn An", "Đặng Thị Bình", "Dương Văn Cường", "Ân Thị Hoa", "An Văn Tú"):
        app.test_client().sign_in(name)
    page = text(anonymous.get("/"))
    shown = re.findall(r'<span class="learner-name">([^<]+)</span>', page)
    assert shown == ["An Văn Tú", "Ân Thị Hoa", "Dương Văn Cường", "Đặng Thị Bình", "Vũ Văn An"], shown


def test_creating_a_profile_signs_in_and_returns_to_the_page_asked_for(anonymous):
    response = anonymous.post("/learners/new", data={"name": "  Nguyễn   Thị Lan ", "kind": "none",
                                                     "next": "/courses/mini/"})
    assert response.status_code == 303 and response.headers["Location"] == "/courses/mini/"
    page = text(anonymous.get("/"))
    assert "Bạn đang học với tên Nguyễn Thị Lan." in page and "Khoá học nhỏ: Chữ ký số" in page
    assert '<span class="avatar avatar-0" aria-hidden="true">NL</span>' in page
    assert anonymous.get("/courses/mini/").status_code == 200


def test_names_are_stored_in_nfc(anonymous, app):
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Lan"
    anonymous.post("/learners/new", data={"name": decomposed, "kind": "none"})
    names = [row["name"] for row in services(app).store.learners.learners()]
    assert names == ["Nguyễn Thị Lan"] and names[0] != decomposed


@pytest.mark.parametrize("form, message", [
    ({"name": "   "}, "Hãy nhập tên của bạn."),
    ({"name": "x" * 41}, "Tên quá dài"),
    ({"name": "Lan", "kind": "pin", "pin": "12", "pin2": "12"}, "Mã PIN gồm 4 đến 6 chữ số."),
    ({"name": "Lan", "kind": "pin", "pin": "1234", "pin2": "1243"}, "Hai mã PIN không giống nhau."),
    ({"name": "Lan", "kind": "pictures", "picture1": "sun", "picture2": "fish"}, "Hãy chọn một hình ở mỗi hàng"),
    ({"name": "Lan", "kind": "pictures", "picture1": "sun", "picture2": "fish", "picture3": "../x"},
     "Hãy chọn một hình ở mỗi hàng"),
])
def test_bad_profile_input_is_explained_and_nothing_is_stored(anonymous, app, form, message):
    response = anonymous.post("/learners/new", data={"kind": "none", **form})
    assert response.status_code == 422 and message in text(response)
    assert services(app).store.learners.learners() == []


def test_two_learners_cannot_share_a_name(anonymous):
    anonymous.post("/learners/new", data={"name": "Lan", "kind": "none"})
    anonymous.post("/learners/sign-out")
    response = anonymous.post("/learners/new", data={"name": "LAN", "kind": "none"})
    assert response.status_code == 422 and "Đã có người dùng tên này" in text(response)


def test_every_learner_is_offered_alike_by_name(app):
    client = app.test_client()
    for name in ("Minh", "Đào Hoa", "Lan", "An"):
        client.sign_in(name)
    lan = learner_id_of(client, "Lan")
    client.post("/learners/sign-out")
    client.post(f"/learners/{lan}/open")
    client.post("/learners/sign-out")
    page = text(client.get("/"))
    assert "Tiếp tục với tên" not in page  # the last learner is nobody's default on a shared PC
    names = re.findall(r'<a class="learner" href="/learners/([0-9a-f]{32})/\?next=/">.*?'
                       r'<span class="learner-name">([^<]+)</span>', page)
    assert [name for _, name in names] == ["An", "Đào Hoa", "Lan", "Minh"]  # đ sorts as d
    assert dict((name, learner) for learner, name in names)["Lan"] == lan
    assert page.count('class="avatar ') == 4 and "primary" not in page[page.index("<h1>"):page.index("+ ")]


def test_a_name_without_a_code_asks_is_this_you_before_opening(app):
    client = app.test_client()
    lan = client.sign_in("Lan")
    client.post("/learners/sign-out")
    asked = client.get(f"/learners/{lan}/?next=/courses/mini/")
    assert asked.status_code == 200 and "Bạn có phải là Lan?" in text(asked)
    assert "Ai đang học?" in text(client.get("/"))  # asking signs nobody in
    assert 'href="/learners/?next=/courses/mini/"' in text(asked) and "Không, đó không phải tôi" in text(asked)
    form = re.search(r'<form method="post" action="([^"]+)">.*?name="next" value="([^"]*)"', text(asked)).groups()
    assert form == (f"/learners/{lan}/open", "/courses/mini/")
    opened = client.post(form[0], data={"next": form[1]})
    assert opened.status_code == 303 and opened.headers["Location"] == "/courses/mini/"
    assert "Lan" in text(client.get("/"))
    assert client.get(f"/learners/{'0' * 32}/").status_code == 404


def test_a_name_with_a_code_goes_straight_to_its_unlock_page(app):
    client = app.test_client()
    learner = client.sign_in("Hoa", kind="pin", pin="2468", pin2="2468")
    client.post("/learners/sign-out")
    chosen = client.get(f"/learners/{learner}/?next=/courses/mini/")
    assert chosen.status_code == 303 and chosen.headers["Location"].startswith(f"/learners/{learner}/unlock")
    assert "next=/courses/mini/" in chosen.headers["Location"]


def test_pin_right_wrong_and_back_off(app, fake_clock):
    client = app.test_client()
    learner = client.sign_in("Lan", kind="pin", pin="2468", pin2="2468")
    profile = services(app).store.learners.profile(learner)
    assert profile["secret_kind"] == "pin" and "2468" not in str(profile)
    assert profile["secret_hash"].startswith("scrypt$16384$8$1$")
    client.post("/learners/sign-out")

    opened = client.post(f"/learners/{learner}/open")
    assert opened.status_code == 303 and opened.headers["Location"].startswith(f"/learners/{learner}/unlock")
    assert "Ai đang học?" in text(client.get("/"))  # choosing a protected learner does not sign in
    unlock = f"/learners/{learner}/unlock"
    for attempt in range(1, 4):
        response = client.post(unlock, data={"pin": "0000"})
        assert response.status_code == 403 and "Chưa đúng. Bạn thử lại nhé." in text(response)
    assert "Bạn có thể thử lại sau 0:30." in text(response)
    locked = client.post(unlock, data={"pin": "2468"})  # even the right PIN waits
    assert locked.status_code == 429 and "Bạn có thể thử lại sau 0:30." in text(locked)
    assert "Ai đang học?" in text(client.get("/"))

    fake_clock.move(31)
    assert client.post(unlock, data={"pin": "1111"}).status_code == 403  # the 4th wrong try: a longer wait
    fake_clock.move(delay_after(4) - 1)
    assert client.post(unlock, data={"pin": "2468"}).status_code == 429
    fake_clock.move(2)
    assert client.post(unlock, data={"pin": "2468", "next": "/courses/mini/"}).headers["Location"] == "/courses/mini/"
    assert services(app).store.learners.profile(learner)["failures"] == 0


def test_a_locked_form_counts_down_disabled_and_then_sends_to_the_staff(app, fake_clock):
    client = app.test_client()
    learner = client.sign_in("Lan", kind="pin", pin="2468", pin2="2468")
    client.post("/learners/sign-out")
    unlock = f"/learners/{learner}/unlock"
    assert 'id="unlock-fields">' in text(client.get(unlock)) and "lockout" not in text(client.get(unlock))
    for _ in range(3):
        page = text(client.post(unlock, data={"pin": "0000"}))
    assert '<div class="lockout" data-wait="30" data-fields="unlock-fields">' in page
    assert 'id="unlock-fields" disabled>' in page  # nothing to press until the wait is over
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page  # no script: reload then
    assert 'data-template="Bạn đã nhập sai nhiều lần. Bạn có thể thử lại sau {time}."' in page
    assert "Hãy nhờ cán bộ ở trung tâm giúp" not in page  # the first lock-out
    fake_clock.move(12)
    assert 'data-wait="18"' in text(client.get(unlock))  # coming back to the page: still counting
    lockouts = [page]
    for _ in range(2):  # the second and third lock-outs
        fake_clock.move(delay_after(5))
        lockouts.append(text(client.post(unlock, data={"pin": "0000"})))
    assert "Hãy nhờ cán bộ ở trung tâm giúp" not in lockouts[1]
    assert 'data-wait="60"' in lockouts[1] and 'data-wait="120"' in lockouts[2]
    assert '<p class="ask-staff" role="alert">Hãy nhờ cán bộ ở trung tâm giúp.' in lockouts[2]
    fake_clock.move(121)
    opened = text(client.get(unlock))
    assert "lockout" not in opened and 'id="unlock-fields">' in opened and "Hãy nhờ cán bộ" in opened
    assert client.post(unlock, data={"pin": "2468"}).status_code == 303
    client.post("/learners/sign-out")
    assert "Hãy nhờ cán bộ" not in text(client.get(unlock))  # the right code starts afresh


def test_the_back_off_survives_a_restart(app, make_player, fake_clock):
    client = app.test_client()
    learner = client.sign_in("Lan", kind="pin", pin="2468", pin2="2468")
    client.post("/learners/sign-out")
    for _ in range(3):
        client.post(f"/learners/{learner}/unlock", data={"pin": "0000"})
    restarted = make_player(services(app).paths.root).test_client()
    assert restarted.post(f"/learners/{learner}/unlock", data={"pin": "2468"}).status_code == 429


def test_picture_code(app):
    client = app.test_client()
    code = {"picture1": "fish", "picture2": "sun", "picture3": "fish"}
    learner = client.sign_in("Bà Tư", kind="pictures", **code)
    client.post("/learners/sign-out")
    page = text(client.get(f"/learners/{learner}/unlock"))
    assert page.count('type="radio" name="picture1"') == 12 and 'alt="con cá"' in page
    assert 'src="/static/picture-fish.svg"' in page
    wrong = client.post(f"/learners/{learner}/unlock", data={"picture1": "sun", "picture2": "fish", "picture3": "fish"})
    assert wrong.status_code == 403
    right = client.post(f"/learners/{learner}/unlock", data=code)
    assert right.status_code == 303 and "Bạn đang học với tên Bà Tư." in text(client.get("/"))


def test_every_picture_exists_as_a_small_svg():
    from pathlib import Path

    from player.learners.pictures import PICTURES

    static = Path(player.__file__).parent / "static"
    assert len(PICTURES) >= 9 and len(set(PICTURES)) == len(PICTURES)
    for picture in PICTURES:
        svg = (static / f"picture-{picture}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "<script" not in svg and len(svg) < 2000


def test_switching_learner_goes_back_to_the_start_screen(client):
    assert "Đổi học viên" in text(client.get("/"))
    response = client.post("/learners/sign-out")
    assert response.status_code == 303
    assert "Ai đang học?" in text(client.get("/"))


def test_the_server_signs_out_after_inactivity(client, app, fake_clock):
    assert client.get("/courses/mini/").status_code == 200
    fake_clock.move(9 * 60)
    assert client.get("/courses/mini/").status_code == 200  # activity restarts the countdown
    fake_clock.move(10 * 60 + 1)
    response = client.get("/courses/mini/", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert "đã được đăng xuất" in text(client.get("/"))


def test_heartbeats_without_input_do_not_keep_a_learner_signed_in(client, fake_clock):
    page, visit = open_lesson(client, "mini", "gioi-thieu")
    token = {"X-CSRFToken": re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)}
    for _ in range(19):  # like a page left open for 9.5 minutes: the script beats, nobody touches anything
        fake_clock.move(30)
        beat = client.post("/activity/beat", json={"visit": visit, "active": False}, csrf=False, headers=token)
        assert beat.status_code == 200 and beat.json["ok"] is True
    fake_clock.move(31)
    response = client.post("/activity/beat", json={"visit": visit, "active": True}, csrf=False, headers=token)
    assert response.status_code == 401 and response.json["error"] == "signed_out"


def test_the_page_script_knows_the_timeout_and_the_sign_out_address(client, app):
    services(app).store.settings.update(signout_minutes=3)
    page = client.get("/courses/mini/").get_data(as_text=True)
    assert 'data-idle-seconds="180"' in page and 'data-sign-out="/learners/sign-out"' in page
    assert '<script src="/static/activity.js" defer></script>' in page
    idle = client.post("/learners/sign-out", data={"reason": "idle"}, follow_redirects=True)
    assert "đã được đăng xuất" in text(idle)


ODD_TARGETS = ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example/",
               "/\n/evil.example/", "/\r\n/evil.example/", "\t//evil.example/", " //evil.example/",
               "/\\/evil.example/", "/lessons\nSet-Cookie: x=1", "/\x00/evil.example", "/x\x7f"]


@pytest.mark.parametrize("target", ODD_TARGETS)
def test_next_never_leaves_the_player(anonymous, target):
    response = anonymous.post("/learners/new", data={"name": "Lan", "kind": "none", "next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ODD_TARGETS)
def test_every_form_with_next_sends_an_odd_target_to_the_library(anonymous, target):
    assert anonymous.post("/language", data={"lang": "en", "next": target}).headers["Location"] == "/"
    page = anonymous.get("/learners/", query_string={"next": target})
    assert page.status_code == 200 and 'href="/learners/new?next=/"' in page.get_data(as_text=True)


def test_next_keeps_the_players_own_pages(anonymous):
    target = "/courses/mini/lessons/intro?from=search"
    assert anonymous.post("/language", data={"lang": "en", "next": target}).headers["Location"] == target


def test_a_name_that_looks_like_html_is_text_everywhere(app, tmp_path):
    client = app.test_client()
    learner = client.sign_in(XSS)
    pages = [client.get(url) for url in ("/", "/courses/mini/", "/courses/mini/lessons/ky-so")]
    client.post("/learners/sign-out")
    pages.append(client.get("/"))
    client.post("/admin/pin", data={"pin": "135790", "pin2": "135790"})
    pages += [client.get("/admin/learners"), client.get(f"/admin/learners/{learner}"),
              client.get(f"/admin/learners/{learner}/delete")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert XSS not in html and "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
