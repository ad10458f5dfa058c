"""An unsigned course installed through the admin area in a real browser (the learners' library has no
install box, issue 17 #8): the administrator signs in with the admin PIN, the page says what the file is and
that it is not signed, the administrator approves it, can hide it from learners and show it again, and a
learner then sees the course labelled "unverified" on the library, course and lesson pages; every request
stays on 127.0.0.1, with no console error and no Content-Security-Policy violation."""

from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect

from player.app import create_app
from player.learners import credentials
from player.web.services import services

ADMIN_PIN = "482615"


@pytest.mark.browser
def test_an_admin_installs_an_unsigned_course_in_the_admin_area_and_learners_see_it_unverified(
        page: Page, tmp_path, mini_bundle, player_server):
    data = tmp_path / "data"
    services(create_app(data)).store.settings.update(admin_pin=credentials.hash_secret("admin", ADMIN_PIN))
    with player_server(data) as server:
        seen = watch(page)
        page.goto(server.url)
        page.get_by_role("link", name="Học viên mới").click()
        page.get_by_label("Tên của bạn").fill("Lan")
        page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
        expect(page.get_by_text("Chưa có khoá học nào")).to_be_visible()
        expect(page.get_by_label("Tệp khoá học (.tramhoc)")).to_have_count(0)  # learners install nothing

        # The administrator signs in to the admin area (a wrong PIN first) and chooses the course file there.
        page.get_by_role("link", name="Quản trị").click()
        page.get_by_label("Mã PIN quản trị").fill("000000")
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_text("Chưa đúng. Bạn thử lại nhé.")).to_be_visible()
        page.get_by_label("Mã PIN quản trị").fill(ADMIN_PIN)
        page.get_by_role("button", name="Đăng nhập").click()
        page.locator("nav.admin-nav").get_by_role("link", name="Khoá học").click()
        page.get_by_label("Tệp khoá học (.tramhoc)").set_input_files(str(mini_bundle))
        page.get_by_role("button", name="Cài đặt", exact=True).click()
        expect(page.get_by_role("heading", name="Cài khoá học này?")).to_be_visible()
        review = page.locator("section.review")
        expect(review.get_by_role("heading", name="Khoá học nhỏ: Chữ ký số")).to_be_visible()
        expect(review).to_contain_text("phiên bản 1.0.0")
        expect(review).to_contain_text("Không có chữ ký số")
        page.get_by_role("button", name="Đồng ý và cài đặt").click()
        expect(page.get_by_text("Đã cài “Khoá học nhỏ: Chữ ký số” (phiên bản 1.0.0).")).to_be_visible()

        # Hidden from learners, then shown again: the admin area lists it all along.
        course = page.locator(".admin-course", has_text="Khoá học nhỏ: Chữ ký số")
        course.get_by_role("button", name="Ẩn với học viên").click()
        expect(course).to_contain_text("Đã ẩn với học viên")
        page.get_by_role("link", name="Thư viện").click()
        expect(page.locator(".card", has_text="Khoá học nhỏ: Chữ ký số")).to_have_count(0)
        page.get_by_role("link", name="Quản trị").click()
        page.locator("nav.admin-nav").get_by_role("link", name="Khoá học").click()
        course.get_by_role("button", name="Hiện lại cho học viên").click()
        expect(page.get_by_text("Học viên lại thấy “Khoá học nhỏ: Chữ ký số”.")).to_be_visible()
        page.get_by_role("button", name="Thoát khu quản trị").click()

        # Back on the library: installed, and labelled unverified wherever the learner meets it.
        card = page.locator(".card", has_text="Khoá học nhỏ: Chữ ký số")
        expect(card.locator(".provenance.unverified")).to_contain_text("Khoá học chưa xác minh")
        card.get_by_role("link", name="Mở khoá học").click()
        expect(page.locator(".provenance.unverified")).to_contain_text("Tệp khoá học không có chữ ký số")
        page.get_by_role("link", name="Bắt đầu học").click()
        expect(page.locator("article.lesson h1")).to_have_text("Giới thiệu về chữ ký số")
        expect(page.locator(".provenance.unverified")).to_contain_text("Khoá học chưa xác minh")
        expect(page.locator(".provenance.verified")).to_have_count(0)

        assert seen.requests, "no request was recorded: the listener is broken"
        assert seen.off_loopback(urlsplit(server.url).port) == []
        assert seen.page_errors == [] and seen.dialogs == []
        failed, = seen.failed  # only the wrong PIN's answer, which Chromium also logs as a console error
        assert failed.endswith("/admin/sign-in: HTTP 403")
        logged, = seen.console_errors
        assert "status of 403" in logged and "/sign-in" in logged
        page.goto("about:blank")  # let go of the server before it stops
