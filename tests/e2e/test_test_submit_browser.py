"""Submitting a test in Debian's chromium (issue 17 #1, 14 #10): Enter in an answer box submits nothing;
the answers typed so far survive a reload and a sign-out; "Nộp bài" shows a summary with links to the
questions left blank and asks to confirm; a submit whose response was lost is not offered again."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect

from builder.build import build

QUIZ = Path(__file__).parents[1] / "fixtures" / "courses" / "quiz"
SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))


@pytest.fixture
def quiz_server(tmp_path, publisher_key, install_bundle, player_server):
    bundle = build(QUIZ, tmp_path / "dist", use_cache=False, signer=publisher_key)
    with player_server(install_bundle(tmp_path / "data", bundle, publisher_key)) as server:
        yield server


def saved_draft(page: Page, action) -> None:
    """Do `action` and wait until the page has saved the test's draft."""
    with page.expect_response(lambda response: response.url.endswith("/quiz/draft") and response.status == 204):
        action()


@pytest.mark.browser
def test_enter_never_submits_and_the_summary_asks_first(page: Page, quiz_server):
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    base = quiz_server.url.rstrip("/")
    test_url = f"{base}/courses/quiz-mau/lessons/on-tap"
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Nguyễn Văn Ba")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.goto(test_url)

    answer_box = page.locator('input[name="a-ten-goi"]')
    saved_draft(page, lambda: answer_box.fill("chữ ký số"))
    answer_box.press("Enter")
    page.wait_for_timeout(300)
    expect(page).to_have_url(test_url)  # nothing was sent: still the test, not a result
    expect(page.locator(".quiz-intro")).not_to_contain_text("Đã làm: 1")
    saved_draft(page, lambda: page.locator("#q-chu-ky-so-hop-le label.option").first.click())

    page.reload()
    expect(answer_box).to_have_value("chữ ký số")
    expect(page.locator("#q-chu-ky-so-hop-le input").first).to_be_checked()

    page.get_by_role("button", name="Đổi học viên").click()  # an accidental sign-out
    page.wait_for_load_state("load")
    page.goto(base + "/learners/")
    page.get_by_role("link", name="Nguyễn Văn Ba").click()
    page.get_by_role("button", name="Đúng, tôi là Nguyễn Văn Ba").click()
    page.wait_for_load_state("load")
    page.goto(test_url)
    expect(answer_box).to_have_value("chữ ký số")

    page.get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.locator("h1")).to_have_text("Trước khi nộp bài")
    expect(page.locator(".summary-count")).to_contain_text("Bạn đã trả lời 2 trên 9 câu hỏi.")
    expect(page.locator("tr.is-blank")).to_have_count(7)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "submit-summary-1024x768.png"))
    page.locator("tr.is-blank a").first.click()  # back to the first question left blank
    expect(page).to_have_url(f"{test_url}#q-dang-nhap-vneid")
    expect(page.locator("#q-dang-nhap-vneid")).to_be_in_viewport()
    page.locator("#q-dang-nhap-vneid label.option").first.click()
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    expect(page.locator("tr.is-blank")).to_have_count(6)
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    expect(page.locator("h1")).to_have_text("Kết quả của bạn")
    expect(page.locator("section#q-ten-goi .given .given-text")).to_have_text("chữ ký số")
    expect(page.locator("section#q-so-chu-so-otp .given")).to_contain_text("(bạn chưa trả lời)")
    expect(page.locator("section#q-so-chu-so-otp .right-answer")).to_have_text(re.compile(r"^\s*Đáp án đúng:\s+6\s*$"))

    page.wait_for_load_state("load")
    page.goto(f"{test_url}/quiz/summary")  # the summary of a submitted attempt leads to a new one
    expect(page).to_have_url(re.compile(r"/lessons/on-tap#quiz$"))
    expect(answer_box).to_have_value("")
    assert seen.off_loopback(urlsplit(quiz_server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []


@pytest.mark.browser
def test_a_lost_submit_response_leaves_a_finished_attempt(page: Page, quiz_server):
    base = quiz_server.url.rstrip("/")
    test_url = f"{base}/courses/quiz-mau/lessons/on-tap"
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Lò Thị Mai")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.goto(test_url)
    page.locator('input[name="a-ten-goi"]').fill("chữ ký số")
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    cookies = page.context.cookies()
    page.route("**/quiz", lambda route: (route.fetch(), route.abort("connectionreset")))  # recorded, then lost
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    page.wait_for_timeout(500)
    page.unroute("**/quiz")
    page.context.clear_cookies()
    page.context.add_cookies(cookies)  # the browser never learned the answer
    page.goto(test_url)
    expect(page.locator(".quiz-intro")).to_contain_text("Đã làm: 1 trên 2 lần")
    page.get_by_role("link", name="Xem kết quả lần làm trước").click()
    expect(page.locator("h1")).to_have_text("Kết quả của bạn")
    page.go_back()
    page.locator('input[name="a-ten-goi"]').fill("chữ ký")
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    page.get_by_role("button", name="Nộp bài và kết thúc").click()
    expect(page.locator("h1")).to_have_text("Kết quả của bạn")
    expect(page.locator(".flash")).to_have_count(0)  # not "already submitted"
    expect(page.locator("section#q-ten-goi .given .given-text")).to_have_text("chữ ký")
