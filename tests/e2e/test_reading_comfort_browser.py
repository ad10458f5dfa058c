"""Reading comfort in Debian's chromium (issue 17 #23): a learner presses the larger "A" and "Tương phản
cao" in the top bar of a lesson; the lesson's text grows (the top bar keeps its size, so it takes no more rows
of a 768-pixel screen), its colours turn black on white, the page still fits 1024 px wide, and the choice is still there after switching learner and coming back. The lesson with
large text and high contrast, and the library, are photographed at 1024×768 (TRAMHOC_SCREENSHOTS names a
folder to keep them)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect


def font_size(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")


@pytest.mark.browser
def test_a_learner_chooses_larger_text_and_high_contrast_and_keeps_them(page: Page, tmp_path, installed_data_dir,
                                                                       player_server):
    shots = Path(os.environ.get("TRAMHOC_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1024, "height": 768})
    with player_server(installed_data_dir) as server:
        seen = watch(page)
        page.goto(server.url)
        page.get_by_role("link", name="Học viên mới").click()
        page.get_by_label("Tên của bạn").fill("Hà Thị Bảy")
        page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
        expect(page.get_by_role("button", name="Đổi học viên")).to_be_visible()  # signed in before going on
        page.screenshot(path=str(shots / "library-1024.png"))
        page.goto(f"{server.url}courses/mini/lessons/dang-nhap")
        normal = font_size(page, "article.lesson p")
        bar = page.locator("header.topbar").bounding_box()["height"]
        colour = page.locator("article.lesson p").first.evaluate("element => getComputedStyle(element).color")

        sizes = page.get_by_role("group", name="Cỡ chữ")
        sizes.get_by_role("button", name="Chữ rất lớn").click()
        expect(sizes.get_by_role("button", name="Chữ rất lớn")).to_have_attribute("aria-pressed", "true")
        assert font_size(page, "article.lesson p") >= normal * 1.3
        assert page.locator("header.topbar").bounding_box()["height"] <= bar + 1  # the top bar keeps its rows
        page.get_by_role("button", name="Tương phản cao").click()
        expect(page.get_by_role("button", name="Tương phản cao")).to_have_attribute("aria-pressed", "true")
        assert page.url == f"{server.url}courses/mini/lessons/dang-nhap"  # the same lesson, after each press
        dark = page.locator("article.lesson p").first.evaluate("element => getComputedStyle(element).color")
        assert dark == "rgb(0, 0, 0)" and dark != colour
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # nothing sideways to scroll
        page.screenshot(path=str(shots / "lesson-larger-high-contrast-1024.png"))
        sizes.get_by_role("button", name="Chữ lớn", exact=True).click()
        page.screenshot(path=str(shots / "lesson-large-high-contrast-1024.png"))

        page.get_by_role("button", name="Đổi học viên").click()
        expect(page.locator("html")).not_to_have_class("high-contrast")  # the start screen is nobody's
        page.get_by_role("link", name="Hà Thị Bảy").click()
        page.get_by_role("button", name="Đúng, tôi là Hà Thị Bảy").click()
        expect(page.locator("html")).to_have_class("text-large high-contrast")

        assert seen.off_loopback(urlsplit(server.url).port) == []
        assert seen.page_errors == [] and seen.console_errors == []
        page.goto("about:blank")  # let go of the server before it stops
