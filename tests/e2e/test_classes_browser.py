"""Importing a class list in Debian's chromium (issue 19 #1): the admin makes a class, chooses an .xlsx
file of 50 learners made with openpyxl, checks the guessed columns, the first rows and what importing will
do (nothing written yet), imports, and sees what was made; the class page lists the 50, and one of them
finds the class's course first. Each page fits 1024×768, passes axe, and is saved as a screenshot."""

import os
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from class_lists import HEADERS, learners, xlsx
from playwright.sync_api import Page, expect
from support.pages import ADMIN_PIN
from test_accessibility import axe_source, violations  # noqa: F401 - axe_source is a fixture

from player.app import create_app
from player.learners import credentials
from player.web.services import services

SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))


def fits(page: Page) -> None:
    """Nothing is wider than the 1024-pixel window, and axe finds nothing."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024


@pytest.mark.browser
def test_an_admin_imports_a_class_of_50_from_an_xlsx_file(page: Page, own_data_dir, player_server, tmp_path,
                                                          axe_source):  # noqa: F811 - the fixture
    services(create_app(own_data_dir)).store.settings.update(admin_pin=credentials.hash_secret("admin", ADMIN_PIN))
    class_list = tmp_path / "danh-sach-lop.xlsx"
    class_list.write_bytes(xlsx([HEADERS, *learners(50)]))
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []

    def check(name: str) -> None:
        fits(page)
        problems.extend(f"{name}: {line}" for line in violations(page, axe_source))
        page.screenshot(path=str(SCREENSHOTS / f"class-{name}-1024x768.png"))
        page.screenshot(path=str(SCREENSHOTS / f"class-{name}-1024-full.png"), full_page=True)

    with player_server(own_data_dir) as server:
        base = server.url.rstrip("/")
        page.goto(base + "/admin/")
        page.locator("input[name=pin]").fill(ADMIN_PIN)
        page.locator("form[action$='/admin/sign-in'] button").click()
        page.get_by_role("link", name="Lớp học").click()
        expect(page.get_by_role("heading", name="Lớp học", exact=True)).to_be_visible()
        page.get_by_label("Tên lớp").fill("Dịch vụ công trực tuyến – thôn Đông")
        page.get_by_label("Khoá học nhỏ: Chữ ký số").check()
        page.get_by_label("Giảng viên").fill("Nguyễn Thị Hạnh")
        page.get_by_label("Địa điểm").fill("Nhà văn hoá thôn Đông")
        page.get_by_label("Ngày đầu").fill(date.today().isoformat())
        page.get_by_label("Ngày cuối").fill((date.today() + timedelta(days=14)).isoformat())
        check("new")
        page.get_by_role("button", name="Tạo lớp").click()
        expect(page.get_by_text("Chưa có học viên nào được ghi danh")).to_be_visible()

        page.get_by_label("Tệp danh sách lớp").set_input_files(class_list)
        page.get_by_role("button", name="Đọc danh sách").click()
        expect(page.get_by_role("heading", name="Kiểm tra danh sách lớp")).to_be_visible()
        expect(page.get_by_text("Chưa có gì được ghi.")).to_be_visible()
        expect(page.get_by_label("Họ và tên")).to_have_value("1")  # column B, under the title row
        expect(page.get_by_label("Tổ, thôn/xóm")).to_have_value("5")
        preview = page.locator("section[aria-labelledby=preview-title] tbody tr")
        expect(preview).to_have_count(5)
        expect(preview.first).to_contain_text("Nguyễn Thị Lan")
        expect(page.get_by_text("50 học viên mới sẽ được tạo.")).to_be_visible()
        assert len(services(create_app(own_data_dir)).store.learners.learners()) == 0
        check("import-check")

        page.get_by_role("button", name="Nhập 50 học viên vào lớp").click()
        expect(page.get_by_role("heading", name="Đã nhập danh sách lớp")).to_be_visible()
        expect(page.get_by_text("50 học viên được tạo")).to_be_visible()
        check("import-result")

        page.get_by_role("link", name="Về trang lớp").click()
        expect(page.get_by_role("heading", name="50 học viên")).to_be_visible()
        expect(page.locator("main table tbody tr")).to_have_count(50)
        check("page")

        page.goto(base + "/")
        page.get_by_role("link", name="Nguyễn Thị Lan").click()
        page.get_by_role("button", name="Đúng, tôi là Nguyễn Thị Lan").click()
        expect(page.get_by_text("Các khoá học của lớp bạn được xếp lên đầu.")).to_be_visible()
    assert problems == [], "\n".join(problems)
    assert seen.off_loopback(urlsplit(server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []
