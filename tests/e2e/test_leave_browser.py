"""Leaving the player for another site in the browser (issue 17 #9): a learner clicks a lesson's link to
the public-service portal on a PC that is offline, lands on the player's own page about it (the address,
"Máy tính này đang không có mạng…" and what to do), not on a browser error page, and goes back to the
lesson; the button that opens the site anyway opens a new window (the system browser, in the desktop
window). Nothing leaves 127.0.0.1. The page is photographed at 1024×768 (TRAMHOC_SCREENSHOTS names a folder
to keep it)."""

import os
import socket
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_offline_a_link_out_of_a_lesson_says_so_before_leaving(page: Page, tmp_path, installed_data_dir,
                                                               player_server):
    with closing(socket.socket()) as unused:
        unused.bind(("127.0.0.1", 0))
        refused = ("127.0.0.1", unused.getsockname()[1])  # nothing listens: as a PC with no network
    page.set_viewport_size({"width": 1024, "height": 768})
    with player_server(installed_data_dir, {"ONLINE_PROBE": refused}) as server:
        seen = watch(page)
        page.goto(server.url)
        page.get_by_role("link", name="Học viên mới").click()
        page.get_by_label("Tên của bạn").fill("Hà Thị Thu")
        page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
        expect(page.get_by_role("button", name="Đổi học viên")).to_be_visible()  # signed in before going on
        page.goto(f"{server.url}courses/mini/lessons/dang-nhap")

        page.locator("article.lesson").get_by_role("link", name="https://dichvucong.gov.vn").click()
        expect(page.get_by_role("heading", name="Liên kết này dẫn tới một trang web trên internet")).to_be_visible()
        expect(page.locator(".leave-address")).to_have_text("https://dichvucong.gov.vn")
        expect(page.get_by_role("status")).to_contain_text("Máy tính này đang không có mạng")
        expect(page.get_by_role("status")).to_contain_text("Wi-Fi")
        anyway = page.get_by_role("link", name="Vẫn mở trang này")
        expect(anyway).to_have_attribute("href", "https://dichvucong.gov.vn")
        expect(anyway).to_have_attribute("target", "_blank")
        shot = Path(os.environ.get("TRAMHOC_SCREENSHOTS") or tmp_path) / "leave-offline-1024.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=False)
        print(f"\nscreenshot: {shot}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024

        page.get_by_role("link", name="Quay lại bài học").click()
        assert page.url == f"{server.url}courses/mini/lessons/dang-nhap"

        assert seen.requests, "no request was recorded: the listener is broken"
        assert seen.off_loopback(urlsplit(server.url).port) == []
        assert seen.page_errors == [] and seen.console_errors == []
        page.goto("about:blank")  # let go of the server before it stops
