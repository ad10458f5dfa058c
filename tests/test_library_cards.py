"""No single course can take the library or admin pages down (issue 14 #15, the player's side): each
course card is rendered on its own; a course whose text cannot be shown, or whose file no longer opens, is
a damaged card naming its id, and the admin can remove it from the pages."""

import shutil

import pytest
from bundle_tools import hand_made_bundle, rewrite_bundle
from support.pages import ADMIN_PIN, text

from courses.members import MANIFEST
from player.web.services import services


def broken_title_bundle(tmp_path):
    """A hand-made bundle whose title holds a lone surrogate (JSON's `\\ud800`), which renders but cannot
    be sent as UTF-8."""
    bundle = hand_made_bundle(tmp_path / "broken.tramhoc", "broken", {"bai-1": "<p>Bài.</p>"})
    return rewrite_bundle(bundle, lambda name, data: [(name, data.replace(
        "Khoá học tự làm broken".encode(), b"\\ud800 Kho\\u00e1 h\\u1ecdc h\\u1ecfng") if name == MANIFEST else data)])


@pytest.fixture(params=["lone surrogate", "does not open"])
def damaged(request, app, tmp_path):
    """A course file in the library that cannot be shown (as one installed before the reader refused it)."""
    target = services(app).paths.course_bundle("broken")
    if request.param == "lone surrogate":
        shutil.copy(broken_title_bundle(tmp_path), target)
    else:
        target.write_bytes(b"PK\x03\x04 not a course at all")
    return target


def test_a_damaged_course_does_not_take_the_library_down(damaged, client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Khoá học nhỏ: Chữ ký số" in text(page)  # the other courses are still there
    assert "Tệp khoá học “broken” bị hỏng" in text(page)
    assert 'href="/admin/courses/broken/remove"' in page.get_data(as_text=True)


def test_the_admin_sees_it_as_damaged_and_removes_it(damaged, app, client):
    admin = app.test_client()
    admin.set_admin_pin(ADMIN_PIN)
    assert admin.get("/admin/").status_code == 200
    assert "Tệp khoá học “broken” bị hỏng" in text(admin.get("/admin/"))
    assert 'href="/admin/courses/broken/remove"' in text(admin.get("/admin/courses"))
    learner = services(app).store.learners.learners()[0]["id"]
    for page in (f"/admin/learners/{learner}", "/admin/learners", "/admin/courses/mini"):
        assert admin.get(page).status_code == 200
    confirm = admin.get("/admin/courses/broken/remove")
    assert confirm.status_code == 200 and "“broken”" in text(confirm)
    admin.post("/admin/courses/broken/remove", data={"confirm": "yes"})
    assert not damaged.exists()
    assert "bị hỏng" not in text(client.get("/")) and "bị hỏng" not in text(admin.get("/admin/"))
    assert admin.get("/admin/courses/broken/remove").status_code == 404
