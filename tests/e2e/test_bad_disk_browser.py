"""A full disk in a real browser (issue 14 #25): the lesson still shows, and says at the top why progress
cannot be saved right now."""

import errno

import pytest
from playwright.sync_api import Page, expect

from player.store import atomic


@pytest.mark.browser
def test_a_full_disk_shows_the_lesson_and_says_why_progress_is_not_saved(page: Page, own_data_dir, player_server,
                                                                        monkeypatch):
    with player_server(own_data_dir) as server:
        page.goto(f"{server.url}learners/new")
        page.get_by_label("Tên của bạn").fill("Lan")
        page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(atomic, "_replace", full)  # from now on nothing can be written
        page.goto(f"{server.url}courses/mini/lessons/gioi-thieu")
        expect(page.locator("article.lesson h1")).to_have_text("Giới thiệu về chữ ký số")
        expect(page.locator("#progress-status")).to_have_text(
            "Hiện không lưu được tiến độ học của bạn: ổ đĩa đã đầy. Bạn vẫn đọc bài được; hãy báo người quản lý "
            "trung tâm.")
