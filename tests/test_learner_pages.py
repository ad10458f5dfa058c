"""What learners' pages carry (issue 17 #8): no course install box on the library page (the admin area
installs), a label on a course in another language than the interface, and courses the admin hid vanish
from learners' library, search and course pages but stay in the admin area."""

from support.pages import ADMIN_PIN, learner_id, text

from player.web.services import services


def test_the_library_page_has_no_install_box_the_admin_area_has(app, client):
    library = client.get("/").get_data(as_text=True)
    assert 'name="bundle"' not in library and "Cài đặt khoá học" not in library
    admin = app.test_client()
    admin.set_admin_pin(ADMIN_PIN)
    assert 'name="bundle"' in admin.get("/admin/courses").get_data(as_text=True)


def test_the_empty_library_tells_a_learner_who_installs_courses(make_player, tmp_path):
    client = make_player(tmp_path / "data").test_client()
    client.sign_in()
    page = text(client.get("/"))
    assert "Chưa có khoá học nào" in page and "quản trị" in page


def test_a_course_in_another_language_than_the_interface_is_labelled(app, client, content_bundle):
    services(app).library.install(content_bundle("dich-vu-cong-en"))
    page = text(client.get("/"))
    english_card = page.split('lang="en">Using online public services')[1].split("</li>")[0]
    assert "Ngôn ngữ: Tiếng Anh" in english_card
    assert page.count("Ngôn ngữ:") == 1  # the Vietnamese course in the Vietnamese interface has none
    client.post("/language", data={"lang": "en", "next": "/"})
    page = text(client.get("/"))
    assert "Language: Vietnamese" in page and "Language: English" not in page


def hide(app, course_id: str, hidden: str):
    """As the admin (setting the PIN on first use), hide a course (`yes`) or show it again (`no`)."""
    admin = app.test_client()
    if services(app).store.settings.get()["admin_pin"]:
        admin.post("/admin/sign-in", data={"pin": ADMIN_PIN})
    else:
        admin.set_admin_pin(ADMIN_PIN)
    response = admin.post(f"/admin/courses/{course_id}/hidden", data={"hidden": hidden})
    assert response.status_code == 303
    return admin


def test_a_hidden_course_vanishes_from_learners_pages_and_stays_in_the_admin_area(app, client):
    assert client.get("/search?q=chữ ký số").get_data(as_text=True).count('class="search-title"') > 0
    admin = hide(app, "mini", "yes")
    assert "Khoá học nhỏ: Chữ ký số" not in text(client.get("/"))
    assert 'class="search-title"' not in client.get("/search?q=chữ ký số").get_data(as_text=True)
    for address in ("/courses/mini/", "/courses/mini/lessons/gioi-thieu", "/courses/mini/assets/images/so-do.svg",
                    "/courses/mini/certificate"):
        assert client.get(address).status_code == 404, address
    assert client.post("/courses/mini/lessons/gioi-thieu/opened", json={}).status_code == 404
    panel = text(admin.get("/admin/courses"))
    assert "Khoá học nhỏ: Chữ ký số" in panel and "Đã ẩn với học viên" in panel
    assert "Khoá học nhỏ: Chữ ký số" in text(admin.get(f"/admin/learners/{learner_id(client)}"))

    hide(app, "mini", "no")
    assert "Khoá học nhỏ: Chữ ký số" in text(client.get("/"))
    assert client.get("/courses/mini/lessons/gioi-thieu").status_code == 200
    assert services(app).store.settings.get()["hidden_courses"] == []


def test_the_hidden_courses_are_kept_in_the_data_folder(app, client, make_player):
    hide(app, "mini", "yes")
    again = make_player(services(app).paths.root).test_client()
    again.sign_in("Học viên Khác")
    assert again.get("/courses/mini/").status_code == 404


def test_only_the_admin_hides_a_course(app, client):
    response = client.post("/admin/courses/mini/hidden", data={"hidden": "yes"})
    assert response.status_code == 303 and response.location.endswith("/admin/")
    assert client.get("/courses/mini/").status_code == 200
    admin = hide(app, "mini", "no")
    assert admin.post("/admin/courses/nope/hidden", data={"hidden": "yes"}).status_code == 404


def test_each_picture_of_the_code_carries_the_mark_of_its_place(app):
    """Issue 17 #11: the style sheet shows it on the picked picture (a large tick and 1, 2 or 3), no script."""
    client = app.test_client()
    learner = client.sign_in("Bà Tư", kind="pictures", picture1="sun", picture2="fish", picture3="key")
    client.post("/learners/sign-out")
    page = client.get(f"/learners/{learner}/unlock").get_data(as_text=True)
    for number in (1, 2, 3):
        assert page.count(f'<span class="picked" aria-hidden="true"><span class="picked-tick">✓</span>'
                          f'<span class="picked-number">{number}</span></span>') == 12
