"""A learner's path through the player in a real browser (Debian's chromium through Playwright):
who is learning (a new profile) → library → course → first lesson (Done) → next lesson, images rendered,
progress shown, UI switched to English, and not one request leaving 127.0.0.1, no console error, no
Content-Security-Policy violation."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import assert_image_rendered, watch
from playwright.sync_api import Page, expect

from player.app import create_app
from player.web.server import Server


@pytest.mark.browser
def test_learner_reads_two_lessons_then_switches_to_english(page: Page, live_server):
    seen = watch(page)
    base = live_server.url.rstrip("/")
    heading = page.locator("article.lesson h1")

    # Who is learning? In Vietnamese by default; a new learner makes a profile with a picture code.
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Ai đang học?")).to_be_visible()
    page.get_by_role("link", name="Học viên mới").click()
    page.get_by_label("Tên của bạn").fill("Nguyễn Thị Lan")
    page.get_by_label("Mã hình (ba hình)").check()
    for number, picture in ((1, "con cá"), (2, "mặt trời"), (3, "chìa khoá")):
        page.get_by_role("group", name=f"Hình {number}").get_by_alt_text(picture).click()
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()

    # The library, for this learner.
    expect(page.locator(".who-name")).to_have_text("Nguyễn Thị Lan")
    expect(page.get_by_role("heading", name="Khoá học nhỏ: Chữ ký số")).to_be_visible()
    expect(page.locator(".progress-text")).to_have_text("Đã học 0%")
    page.get_by_role("link", name="Mở khoá học").click()

    # The course's contents.
    expect(page).to_have_url(f"{base}/courses/mini/")
    expect(page.get_by_role("heading", name="Phần 1: Làm quen")).to_be_visible()
    page.get_by_role("link", name="Bắt đầu học").click()

    # The first lesson, with its SVG diagram.
    expect(page).to_have_url(f"{base}/courses/mini/lessons/gioi-thieu")
    expect(heading).to_have_text("Giới thiệu về chữ ký số")
    expect(page.locator("article.lesson")).to_contain_text("Không bao giờ chia sẻ mã PIN của bạn.")
    assert_image_rendered(page, 'article.lesson img[src$="so-do.svg"]')
    expect(page.locator('a[rel="next"]')).to_have_text("Bài tiếp →")
    page.get_by_role("button", name="✓ Xong, sang bài tiếp").click()  # the end of the lesson: Done

    # The next lesson, with its PNG screenshot and a link to the real site (shown, never fetched), through
    # the player's page about leaving (issue 17 #9).
    expect(page).to_have_url(f"{base}/courses/mini/lessons/dang-nhap")
    expect(heading).to_have_text("Đăng nhập Cổng Dịch vụ công")
    expect(page.locator('a[rel="prev"]')).to_have_text("← Bài trước")
    assert_image_rendered(page, 'article.lesson img[src$="dang-nhap.png"]')
    expect(page.locator('article.lesson a[href="/leave?to=https%3A%2F%2Fdichvucong.gov.vn"]')).to_be_visible()

    # Switch the interface to English: same page, English controls, the lesson stays Vietnamese.
    page.locator("#lang").select_option("en")
    page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{base}/courses/mini/lessons/dang-nhap")
    expect(page.locator('a[rel="next"]')).to_have_text("Next →")
    expect(page.get_by_role("link", name="Contents", exact=True)).to_be_visible()
    expect(page.locator("form.language button[type=submit]")).to_have_text("Change")
    expect(heading).to_have_text("Đăng nhập Cổng Dịch vụ công")
    assert_image_rendered(page, 'article.lesson img[src$="dang-nhap.png"]')

    # The choice sticks across pages, and the progress shows: one lesson of three done, the next to go on.
    page.get_by_role("link", name="Contents", exact=True).click()
    expect(page).to_have_url(f"{base}/courses/mini/")
    expect(page.get_by_role("link", name="Continue: Đăng nhập Cổng Dịch vụ công")).to_be_visible()
    expect(page.locator(".toc li.done")).to_have_count(1)
    expect(page.locator(".toc li.done a")).to_have_text("Giới thiệu về chữ ký số")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Library").click()
    expect(page.locator(".card").get_by_role("link", name="Continue: Đăng nhập Cổng Dịch vụ công")).to_be_visible()
    expect(page.locator(".progress-text")).to_have_text("33% done")
    expect(page.locator("progress")).to_have_attribute("value", "33")

    # Everything stayed on this computer, and nothing went wrong on the way.
    assert seen.requests, "no request was recorded: the listener is broken"
    assert any(re.search(r"/assets/.*\.svg$", url) for url in seen.requests)
    assert any(re.search(r"/assets/.*\.png$", url) for url in seen.requests)
    assert seen.off_loopback(urlsplit(live_server.url).port) == []
    assert seen.console_errors == []
    assert seen.page_errors == []
    assert seen.failed == []


def switch_learner(page: Page) -> None:
    page.get_by_role("button", name="Đổi học viên").click()
    expect(page.get_by_role("heading", name="Ai đang học?")).to_be_visible()


@pytest.mark.browser
def test_two_learners_resume_at_their_own_place_after_a_restart(page: Page, own_data_dir):
    seen = watch(page)
    first = Server(create_app(own_data_dir), host="127.0.0.1", port=0)
    first.start_in_background()
    try:
        base = first.url.rstrip("/")
        for name in ("Lan", "Minh"):
            page.goto(base + "/learners/new")
            page.get_by_label("Tên của bạn").fill(name)
            page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
            expect(page.locator(".who-name")).to_have_text(name)
            page.get_by_role("link", name="Mở khoá học").click()
            page.get_by_role("link", name="Bắt đầu học").click()
            expect(page.locator("article.lesson h1")).to_have_text("Giới thiệu về chữ ký số")
            if name == "Lan":  # Lan reads the whole course; Minh only opens the first lesson
                for button, after in (("✓ Xong, sang bài tiếp", "/lessons/dang-nhap"),
                                      ("✓ Xong, sang bài tiếp", "/lessons/ky-so"), ("✓ Xong, về mục lục", "/mini/")):
                    page.get_by_role("button", name=button).click()
                    expect(page).to_have_url(re.compile(re.escape(after) + "$"))
            switch_learner(page)
        page.goto("about:blank")  # let go of the first player (its page's icon still loading) before it stops
    finally:
        first.close()

    second = Server(create_app(own_data_dir), host="127.0.0.1", port=0)  # the player was restarted
    second.start_in_background()
    try:
        page.goto(second.url)
        page.get_by_role("link", name="Minh").click()
        page.get_by_role("button", name="Đúng, tôi là Minh").click()
        expect(page.locator(".progress-text")).to_have_text("Đã học 0%")
        expect(page.get_by_role("link", name="Mở khoá học")).to_have_count(0)  # in progress: one click back
        page.get_by_role("link", name="Học tiếp: Giới thiệu về chữ ký số").click()
        expect(page.locator("article.lesson h1")).to_have_text("Giới thiệu về chữ ký số")
        switch_learner(page)

        page.get_by_role("link", name="Lan").click()
        page.get_by_role("button", name="Đúng, tôi là Lan").click()
        expect(page.locator(".progress-text")).to_have_text("Đã học 100% · Đã hoàn thành khoá học")
        expect(page.locator(".card").get_by_role("link", name="Giấy chứng nhận của bạn")).to_be_visible()
        page.get_by_role("link", name="Khoá học nhỏ: Chữ ký số").click()
        expect(page.locator(".toc li.done")).to_have_count(3)
        page.get_by_role("link", name="Giấy chứng nhận của bạn").click()
        expect(page.locator(".certificate-name")).to_have_text("Lan")
        expect(page.locator(".certificate-course")).to_have_text("Khoá học nhỏ: Chữ ký số")
        expect(page.locator(".certificate-code")).to_have_text(re.compile(r"Mã xác minh: \w{4}-\w{4}-\w{4}$"))
        expect(page.locator(".certificate-actions").get_by_role("button")).to_have_text(["In"])  # one Print
        expect(page.get_by_text(re.compile(r"^ngày \d{1,2} tháng \d{1,2} năm \d{4}$"))).to_be_visible()
        with page.expect_download() as saved:  # "Lưu PDF" saves a file, wherever the page is shown
            page.get_by_role("link", name="Lưu PDF").click()
        assert saved.value.suggested_filename == "certificate-mini.pdf"
        assert Path(saved.value.path()).read_bytes().startswith(b"%PDF")
        expect(page).to_have_url(re.compile(r"/courses/mini/certificate$"))  # saving left the page where it was
        shots = Path(os.environ.get("TRAMHOC_SCREENSHOTS") or own_data_dir.parent)
        page.screenshot(path=str(shots / "certificate-1024.png"))
        page.get_by_role("link", name="Quay lại khoá học").click()
        expect(page.locator(".toc li.done")).to_have_count(3)
    finally:
        second.close()
    ours = {urlsplit(first.url).port, urlsplit(second.url).port}
    assert [url for url in seen.off_loopback(urlsplit(second.url).port) if urlsplit(url).port not in ours] == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []
