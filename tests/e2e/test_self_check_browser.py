"""Self-checks in Debian's chromium (issue 17 #3, #4): Check, with nothing chosen or with an answer, is done in
place: no reload, the question stays where it was on the screen, the result is announced in a live region, a wrong answer shows the right one;
without script the form post still works and lands on the question, which says what to do."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from builder.build import build

QUIZ = Path(__file__).parents[1] / "fixtures" / "courses" / "quiz"
SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))
HINT = "Hãy trả lời câu hỏi này trước, rồi bấm Kiểm tra câu trả lời."


@pytest.fixture
def quiz_server(tmp_path, publisher_key, install_bundle, player_server):
    bundle = build(QUIZ, tmp_path / "dist", use_cache=False, signer=publisher_key)
    with player_server(install_bundle(tmp_path / "data", bundle, publisher_key)) as server:
        yield server


def open_self_check(page: Page, base: str) -> None:
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Hà Văn Tư")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.goto(f"{base}/courses/quiz-mau/lessons/tu-kiem-tra")


def top_of(page: Page, selector: str) -> float:
    return page.locator(selector).evaluate("el => el.getBoundingClientRect().top")


@pytest.mark.browser
def test_a_self_check_is_checked_in_place(page: Page, quiz_server):
    page.set_viewport_size({"width": 1024, "height": 768})
    open_self_check(page, quiz_server.url.rstrip("/"))
    page.evaluate("""() => {  // a long lesson: the question is far below the top
        const spacer = document.createElement("div");
        spacer.style.height = "1600px";
        document.querySelector("article.lesson h1").after(spacer);
        window.notReloaded = true;
    }""")
    question = "#q-tu-kiem-tra-ten-mien"
    page.locator(question).scroll_into_view_if_needed()
    before, scrolled = top_of(page, question), page.evaluate("window.scrollY")
    assert scrolled > 1000
    page.locator(question).get_by_role("button", name="Kiểm tra câu trả lời").click()
    expect(page.locator(f"{question} .check-hint")).to_have_text(HINT)
    expect(page.locator(".check-status")).to_have_text(HINT)
    assert page.evaluate("window.notReloaded") is True
    assert abs(top_of(page, question) - before) < 4

    page.locator(f"{question} input.answer-text").fill(".gov.vn")
    page.locator(question).get_by_role("button", name="Kiểm tra câu trả lời").click()
    expect(page.locator(f"section{question} .verdict")).to_contain_text("Đúng")
    expect(page.locator(".check-status")).to_contain_text("Đúng")
    assert page.evaluate("window.notReloaded") is True
    assert abs(top_of(page, question) - before) < 4
    expect(page.locator(f"section{question}")).to_be_focused()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "self-check-in-place-1024x768.png"))

    # A wrong answer shows the right one beside it (issue 17 #4); the other question is left as it was.
    expect(page.locator(f"section{question} .right-answer")).to_have_count(0)  # answered right
    page.locator("#q-tu-kiem-tra-otp label.option", has_text="Cán bộ công an").click()
    page.locator("#q-tu-kiem-tra-otp").get_by_role("button", name="Kiểm tra câu trả lời").click()
    expect(page.locator("section#q-tu-kiem-tra-otp .verdict")).to_contain_text("Chưa đúng")
    expect(page.locator("section#q-tu-kiem-tra-otp .given")).to_contain_text("Cán bộ công an gọi điện cho bạn")
    expect(page.locator("section#q-tu-kiem-tra-otp .right-answer")).to_have_text(re.compile(r"Đáp án đúng:\s+Chỉ mình bạn"))
    page.locator("section#q-tu-kiem-tra-otp").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "self-check-right-answer-1024x768.png"))
    page.locator(f"section{question}").get_by_role("button", name="Trả lời lại câu này").click()
    expect(page.locator(f"fieldset{question}")).to_be_visible()
    expect(page.locator("section#q-tu-kiem-tra-otp")).to_be_visible()  # left as it was
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.browser
def test_without_script_the_check_lands_on_the_question(browser: Browser, quiz_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 500})
    page = context.new_page()
    open_self_check(page, quiz_server.url.rstrip("/"))
    page.locator("#q-tu-kiem-tra-ten-mien").get_by_role("button", name="Kiểm tra câu trả lời").click()
    expect(page).to_have_url(f"{quiz_server.url.rstrip('/')}/courses/quiz-mau/lessons/tu-kiem-tra"
                             "?unanswered=tu-kiem-tra-ten-mien#q-tu-kiem-tra-ten-mien")
    expect(page.locator("#q-tu-kiem-tra-ten-mien .check-hint")).to_be_in_viewport()
    context.close()
