"""A learner's path through the player in a real browser (Debian's chromium through Playwright):
library → course → first lesson → next lesson, images rendered, UI switched to English, and not one
request leaving 127.0.0.1, no console error, no Content-Security-Policy violation."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from pagewatch import assert_image_rendered, watch


@pytest.mark.browser
def test_learner_reads_two_lessons_then_switches_to_english(page: Page, live_server):
    seen = watch(page)
    base = live_server.url.rstrip("/")
    heading = page.locator("article.lesson h1")

    # The library, in Vietnamese by default.
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Khoá học nhỏ: Chữ ký số")).to_be_visible()
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
    next_link = page.locator('a[rel="next"]')
    expect(next_link).to_have_text("Bài tiếp →")
    next_link.click()

    # The next lesson, with its PNG screenshot and a link to the real site (shown, never fetched).
    expect(page).to_have_url(f"{base}/courses/mini/lessons/dang-nhap")
    expect(heading).to_have_text("Đăng nhập Cổng Dịch vụ công")
    expect(page.locator('a[rel="prev"]')).to_have_text("← Bài trước")
    assert_image_rendered(page, 'article.lesson img[src$="dang-nhap.png"]')
    expect(page.locator('article.lesson a[href="https://dichvucong.gov.vn"]')).to_be_visible()

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

    # The choice sticks across pages.
    page.get_by_role("link", name="Contents", exact=True).click()
    expect(page).to_have_url(f"{base}/courses/mini/")
    expect(page.get_by_role("link", name="Start learning")).to_be_visible()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Library").click()
    expect(page.get_by_role("link", name="Open course")).to_be_visible()

    # Everything stayed on this computer, and nothing went wrong on the way.
    assert seen.requests, "no request was recorded: the listener is broken"
    assert any(re.search(r"/assets/.*\.svg$", url) for url in seen.requests)
    assert any(re.search(r"/assets/.*\.png$", url) for url in seen.requests)
    assert seen.off_loopback(urlsplit(live_server.url).port) == []
    assert seen.console_errors == []
    assert seen.page_errors == []
    assert seen.failed == []
