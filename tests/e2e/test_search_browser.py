"""Searching in the browser (Debian's chromium): a learner types a word without accents in the top bar and
in Telex on the results page, reads the marked words and opens the lesson found; nothing leaves
127.0.0.1. The results page is photographed at 1024×768 (TRAMHOC_SCREENSHOTS names a folder to keep it)."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_a_learner_finds_a_lesson_typing_without_accents_then_in_telex(page: Page, tmp_path, content_bundle,
                                                                       publisher_key, install_bundle,
                                                                       player_server):
    data = install_bundle(tmp_path / "data", content_bundle("dich-vu-cong"), publisher_key)
    install_bundle(data, content_bundle("ky-nang-so-co-ban"))  # its publisher is trusted already
    page.set_viewport_size({"width": 1024, "height": 768})
    with player_server(data) as server:
        seen = watch(page)
        page.goto(server.url)
        page.get_by_role("link", name="Học viên mới").click()
        page.get_by_label("Tên của bạn").fill("Lò Văn Pà")
        page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()

        page.get_by_role("search").first.get_by_label("Tìm kiếm").fill("ma otp")
        page.get_by_role("button", name="Tìm", exact=True).click()
        expect(page.get_by_role("heading", name="Tìm trong các khoá học")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text("kết quả cho “ma otp”")
        first = page.locator(".search-results li").first
        expect(first.locator("mark").first).to_have_text(re.compile("^mã$", re.I))
        shot = Path(os.environ.get("TRAMHOC_SCREENSHOTS") or tmp_path) / "search-results-1024.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=False)
        print(f"\nscreenshot: {shot}")

        page.get_by_label("Từ cần tìm (gõ có dấu hay không dấu đều được)").fill("dduwowngf")
        page.get_by_role("button", name="Tìm kiếm", exact=True).click()
        expect(page.locator(".search-results li mark").first).to_have_text(re.compile("^đường$", re.I))
        title = page.locator(".search-results .search-title").first
        target = title.get_attribute("href")
        title.click()
        expect(page).to_have_url(server.url.rstrip("/") + target)
        expect(page.locator("article.lesson")).to_contain_text("đường")
        assert seen.off_loopback(urlsplit(server.url).port) == []
        assert seen.console_errors == [] and seen.page_errors == []
