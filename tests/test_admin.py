"""The admin area: the admin PIN set on first use and its back-off, learners and their progress, resetting
a code, deleting a learner and removing a course after confirming, settings, checking a certificate."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

from support.pages import ADMIN_PIN, open_lesson, text

from player.web.services import services


def test_first_run_asks_for_an_admin_pin_and_then_requires_it(app):
    client = app.test_client()
    assert "Hãy đặt mã PIN quản trị trước." in text(client.get("/admin/"))
    assert "6 đến 12 chữ số" in text(client.post("/admin/pin", data={"pin": "1234", "pin2": "1234"},
                                                 follow_redirects=True))
    client.post("/admin/pin", data={"pin": ADMIN_PIN, "pin2": ADMIN_PIN})
    stored = services(app).store.settings.get()["admin_pin"]
    assert stored.startswith("scrypt$") and ADMIN_PIN not in stored
    assert "Cài đặt trung tâm" in text(client.get("/admin/"))

    other = app.test_client()  # another person at the PC
    assert "Mã PIN quản trị" in text(other.get("/admin/")) and "Cài đặt trung tâm" not in text(other.get("/admin/"))
    assert other.post("/admin/pin", data={"pin": "000000", "pin2": "000000"}).status_code == 403
    for url in ("/admin/learners/" + "0" * 32, "/admin/courses/mini/remove"):
        assert other.get(url).headers["Location"] == "/admin/"
    assert other.post("/admin/settings", data={"centre_name": "x"}).headers["Location"] == "/admin/"


def test_wrong_admin_pins_are_slowed_down(admin, app, fake_clock):
    client = app.test_client()
    for _ in range(3):
        assert client.post("/admin/sign-in", data={"pin": "000000"}).status_code == 403
    assert client.post("/admin/sign-in", data={"pin": ADMIN_PIN}).status_code == 429
    fake_clock.move(31)
    assert client.post("/admin/sign-in", data={"pin": ADMIN_PIN}).status_code == 303
    assert "Cài đặt trung tâm" in text(client.get("/admin/"))


def test_a_wrong_admin_pin_says_so_on_the_page_it_answers_with(admin, app, fake_clock):
    client = app.test_client()
    wrong = client.post("/admin/sign-in", data={"pin": "000000"})
    assert wrong.status_code == 403 and "Chưa đúng. Bạn thử lại nhé." in text(wrong)
    for _ in range(2):
        client.post("/admin/sign-in", data={"pin": "000000"})
    locked = client.post("/admin/sign-in", data={"pin": ADMIN_PIN})
    assert locked.status_code == 429 and "hãy chờ 30 giây" in text(locked).lower()
    assert "Chưa đúng" not in text(client.get("/admin/"))  # nothing left over for the next page


def test_the_admin_session_expires_like_a_learners(admin, fake_clock):
    fake_clock.move(11 * 60)
    assert "Cài đặt trung tâm" not in text(admin.get("/admin/"))


def test_learners_and_their_progress(admin, app):
    lan = app.test_client()
    lan_id = lan.sign_in("Lan")
    open_lesson(lan, "mini", "gioi-thieu")
    lan.post("/courses/mini/lessons/gioi-thieu/done")
    app.test_client().sign_in("Minh")
    page = text(admin.get("/admin/learners"))  # one summary column per learner, not a column per course
    assert re.search(r"Lan</a></td> <td>1 đang học</td>", page)
    assert re.search(r"Minh</a></td> <td><span class=\"meta\">Chưa bắt đầu</span></td>", page)
    course = text(admin.get("/admin/courses/mini"))  # each course's own page: the share done per learner
    assert re.search(r"Lan</a></td> <td>33%</td>", course) and "Minh" not in course
    assert "1 học viên khác chưa bắt đầu khoá này." in course
    detail = text(admin.get(f"/admin/learners/{lan_id}"))
    assert "Lan" in detail and "33%" in detail and "2 bản ghi" in detail


def test_reset_a_forgotten_code(admin, app):
    client = app.test_client()
    learner = client.sign_in("Lan", kind="pin", pin="2468", pin2="2468")
    client.post("/learners/sign-out")
    response = admin.post(f"/admin/learners/{learner}/secret", data={"kind": "pin", "pin": "1357", "pin2": "1357"})
    assert response.status_code == 303
    assert client.post(f"/learners/{learner}/unlock", data={"pin": "2468"}).status_code == 403
    assert client.post(f"/learners/{learner}/unlock", data={"pin": "1357"}).status_code == 303
    admin.post(f"/admin/learners/{learner}/secret", data={"kind": "none"})
    client.post("/learners/sign-out")
    assert client.post(f"/learners/{learner}/open").headers["Location"] == "/"


def test_the_reset_form_shows_and_preselects_the_code_a_learner_has_now(admin, app):
    def chosen(learner_id):
        page = admin.get(f"/admin/learners/{learner_id}").get_data(as_text=True)
        return re.findall(r'name="kind" value="(\w+)"[^>]*checked', page), page

    with_pin = app.test_client().sign_in("Lan", kind="pin", pin="2468", pin2="2468")
    assert chosen(with_pin)[0] == ["pin"] and "Hiện có: mã PIN." in chosen(with_pin)[1]
    with_nothing = app.test_client().sign_in("Minh")
    assert chosen(with_nothing)[0] == ["none"] and "Hiện có: không có mã." in chosen(with_nothing)[1]


def test_delete_a_learner_after_confirming(admin, app):
    learner = app.test_client().sign_in("Lan")
    confirm = text(admin.get(f"/admin/learners/{learner}/delete"))
    assert "Xoá Lan và toàn bộ kết quả học?" in confirm
    admin.post(f"/admin/learners/{learner}/delete", data={})  # no confirmation: nothing happens
    assert services(app).store.learners.profile(learner) is not None
    done = admin.post(f"/admin/learners/{learner}/delete", data={"confirm": "yes"}, follow_redirects=True)
    assert "Đã xoá Lan" in text(done)
    assert services(app).store.learners.profile(learner) is None
    assert "Lan" not in text(app.test_client().get("/"))


def test_remove_a_course_after_confirming(admin, app, client):
    assert "Gỡ khoá học “Khoá học nhỏ: Chữ ký số” khỏi máy này?" in text(admin.get("/admin/courses/mini/remove"))
    admin.post("/admin/courses/mini/remove", data={"confirm": "yes"})
    assert services(app).library.courses() == []
    assert client.get("/courses/mini/").status_code == 404


def test_settings_change_the_centre_timeout_and_default_language(admin, app, client):
    response = admin.post("/admin/settings", data={"centre_name": " Xã  Tân Lập ", "signout_minutes": "3",
                                                   "language": "en"}, follow_redirects=True)
    assert "Settings saved." in text(response)
    settings = services(app).store.settings.get()
    assert (settings["centre_name"], settings["signout_minutes"], settings["language"]) == ("Xã Tân Lập", 3, "en")
    assert 'lang="en"' in text(app.test_client().get("/"))  # a browser that never chose a language
    assert 'data-idle-seconds="180"' in text(client.get("/"))
    bad = admin.post("/admin/settings", data={"centre_name": "x", "signout_minutes": "0", "language": "xx"},
                     follow_redirects=True)
    assert "1 to 240 minutes" in text(bad) and "Choose a language" in text(bad)
    assert services(app).store.settings.get()["centre_name"] == "Xã Tân Lập"


def test_the_admin_area_asks_for_the_centre_name_until_it_has_one(admin, app):
    home = text(admin.get("/admin/"))
    assert "Trung tâm này tên là gì?" in home and 'action="/admin/centre-name"' in home
    assert "Hãy nhập tên trung tâm." in text(admin.post("/admin/centre-name", data={"centre_name": "  "},
                                                         follow_redirects=True))
    assert services(app).store.settings.get()["centre_name"] == ""
    saved = text(admin.post("/admin/centre-name", data={"centre_name": " Trung tâm  xã Tân Lập "},
                            follow_redirects=True))
    assert services(app).store.settings.get()["centre_name"] == "Trung tâm xã Tân Lập"
    assert "Trung tâm này tên là gì?" not in saved and '<p class="lead">Trung tâm xã Tân Lập</p>' in saved
    assert 'value="Trung tâm xã Tân Lập"' in text(admin.get("/admin/settings"))
    assert app.test_client().post("/admin/centre-name", data={"centre_name": "x"}).headers["Location"] == "/admin/"


def test_check_a_certificate_code(admin, app, client):
    for lesson in ("gioi-thieu", "dang-nhap", "ky-so"):
        client.post(f"/courses/mini/lessons/{lesson}/done")
    code = re.search(r"Mã xác minh: ([0-9A-Z-]{14})", text(client.get("/courses/mini/certificate"))).group(1)
    valid = admin.post("/admin/certificates/check", data={"code": code.lower().replace("-", " ")},
                       follow_redirects=True)
    assert "Hợp lệ: Học viên Thử đã hoàn thành “Khoá học nhỏ: Chữ ký số”" in text(valid)
    forged = admin.post("/admin/certificates/check", data={"code": "AAAA-BBBB-CCCC"}, follow_redirects=True)
    assert "Không có giấy chứng nhận nào" in text(forged)


def test_damaged_files_are_listed(admin, app):
    learner = app.test_client().sign_in("Lan")
    profile = services(app).store.learners.folder(learner) / "profile.json"
    profile.write_text("{", encoding="utf-8")
    assert services(app).store.learners.profile(learner) is None
    assert "Tệp bị hỏng" in text(admin.get("/admin/")) and "profile.json.damaged-" in text(admin.get("/admin/"))


def copy_of_cookie(client, app):
    """A new client holding a copy of `client`'s session cookie (as someone who copied it would)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_signing_out_ends_every_copy_of_the_admin_cookie(admin, app):
    copied = copy_of_cookie(admin, app)
    assert "Cài đặt trung tâm" in text(copied.get("/admin/"))
    admin.post("/admin/sign-out")
    assert "Cài đặt trung tâm" not in text(copied.get("/admin/"))
    assert copied.get("/admin/results/tramhoc-results.jsonl").status_code == 303
    admin.post("/admin/sign-in", data={"pin": ADMIN_PIN})  # signing in again does not bring the copy back
    assert "Cài đặt trung tâm" in text(admin.get("/admin/"))
    assert "Cài đặt trung tâm" not in text(copied.get("/admin/"))


def test_a_new_admin_pin_ends_every_other_admin_session(admin, app):
    copied = copy_of_cookie(admin, app)
    admin.post("/admin/pin", data={"pin": "24680246", "pin2": "24680246"})
    assert "Cài đặt trung tâm" in text(admin.get("/admin/"))
    assert "Cài đặt trung tâm" not in text(copied.get("/admin/"))


def test_an_admin_session_ends_after_an_hour_even_in_use(admin, fake_clock):
    for _ in range(6):  # in use every 9 minutes, for 54 minutes
        fake_clock.move(9 * 60)
        assert "Cài đặt trung tâm" in text(admin.get("/admin/"))
    fake_clock.move(9 * 60)
    assert "Cài đặt trung tâm" not in text(admin.get("/admin/"))


def test_parallel_wrong_admin_pins_are_checked_one_at_a_time(admin, app):
    clients = [app.test_client() for _ in range(32)]
    tokens = [client.csrf_token() for client in clients]
    start = threading.Barrier(len(clients))

    def wrong_try(client, token):
        start.wait()
        return client.post("/admin/sign-in", data={"pin": "000000"}, headers={"X-CSRFToken": token}).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(wrong_try, clients, tokens))
    assert statuses.count(403) == 3 and statuses.count(429) == 29  # the third wrong try locks for 30 s
    assert services(app).store.settings.get()["admin_failures"] == 3


def menu_links(page: str) -> list[tuple[str, str | None]]:
    """(href, aria-current) of each link in the admin menu of a page."""
    menu = re.search(r'<nav class="admin-nav".*?</nav>', page).group(0)
    return [(href, current) for href, current in re.findall(r'<a href="([^"]+)"(?: aria-current="(\w+)")?', menu)]


def test_each_admin_page_is_in_the_menu_and_marked_current_there(admin, app):
    """Issue 17 #16: real pages, one menu (player.admin.nav.PAGES), the current one marked for screen readers."""
    learner = app.test_client().sign_in("Lan")
    home = text(admin.get("/admin/"))
    pages = [href for href, _ in menu_links(home)]
    assert pages == ["/admin/", "/admin/learners", "/admin/courses", "/admin/classes/", "/admin/results/",
                     "/admin/move/", "/admin/publishers/", "/admin/lan/", "/admin/settings"]
    for href in pages:
        response = admin.get(href)
        assert response.status_code == 200, href
        assert [link for link in menu_links(text(response)) if link[1]] == [(href, "page")]
    under = {f"/admin/learners/{learner}": "/admin/learners", "/admin/courses/mini": "/admin/courses",
             "/admin/results/sync": "/admin/results/", f"/admin/learners/{learner}/delete": "/admin/learners"}
    for href, section in under.items():
        assert [link for link in menu_links(text(admin.get(href))) if link[1]] == [(section, "true")], href
    assert "admin-nav" not in text(app.test_client().get("/admin/"))  # no menu before signing in


def test_the_overview_counts_and_says_what_needs_the_admin(admin, app, mini_bundle):
    app.test_client().sign_in("Lan")
    app.test_client().sign_in("Minh")
    services(app).library.remove("mini")
    with open(mini_bundle, "rb") as upload:  # a course file a learner brought, waiting for the admin
        services(app).approvals.hold(upload)
    home = text(admin.get("/admin/"))
    assert '<strong>2</strong> học viên' in home and '<strong>0</strong> khoá học đã cài' in home
    assert "Tệp khoá học đang chờ bạn đồng ý" in home and "Trung tâm này tên là gì?" in home
    assert "Máy này chưa bao giờ gửi kết quả lên mạng." in home
    assert "Cài đặt trung tâm" not in re.sub(r'<nav class="admin-nav".*?</nav>', "", home)  # the forms moved


def test_each_action_goes_back_to_the_page_its_form_is_on(admin, app):
    learner = app.test_client().sign_in("Lan")
    settings = {"centre_name": "Xã Tân Lập", "signout_minutes": "10", "language": "vi"}
    assert admin.post("/admin/settings", data=settings).headers["Location"] == "/admin/settings"
    assert admin.post("/admin/pin", data={"pin": "1234"}).headers["Location"] == "/admin/settings"
    assert admin.post("/admin/pin", data={"pin": ADMIN_PIN, "pin2": ADMIN_PIN}).headers["Location"] == "/admin/settings"
    assert admin.post("/admin/centre-name", data={"centre_name": "Xã Tân Lập"}).headers["Location"] == "/admin/"
    assert admin.post("/admin/certificates/check", data={"code": "x"}).headers["Location"] == "/admin/learners"
    assert 'action="/admin/certificates/check"' in text(admin.get("/admin/learners"))
    deleted = admin.post(f"/admin/learners/{learner}/delete", data={"confirm": "yes"})
    assert deleted.headers["Location"] == "/admin/learners"
    assert 'href="/admin/courses"' in text(admin.get("/admin/courses/mini/remove"))  # "No, go back"
    assert admin.post("/admin/courses/mini/remove", data={"confirm": "yes"}).headers["Location"] == "/admin/courses"
    first_run = app.test_client()
    services(app).store.settings.update(admin_pin=None)
    assert first_run.post("/admin/pin", data={"pin": ADMIN_PIN, "pin2": ADMIN_PIN}).headers["Location"] == "/admin/"


def test_a_course_page_of_a_course_not_installed_is_not_found(admin):
    assert admin.get("/admin/courses/nope").status_code == 404
