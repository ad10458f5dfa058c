"""The idle sign-out in Debian's chromium (issue 17 #6), with the page's clock in the test's hands: a minute
before the centre's 10 minutes a dialog asks "Bạn vẫn đang học chứ?"; Tiếp tục keeps the learner signed in
(on the server too); nobody answering signs the learner out when the time is up."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))


@pytest.mark.browser
def test_a_minute_before_the_idle_sign_out_the_learner_is_asked(page: Page, live_server):
    page.set_viewport_size({"width": 1024, "height": 768})
    base = live_server.url.rstrip("/")
    page.clock.install()
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Đinh Văn Sáu")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.goto(base + "/courses/mini/lessons/gioi-thieu")
    dialog = page.locator("#idle-warning")
    expect(dialog).to_be_hidden()

    page.clock.run_for("08:50")
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:12")  # nine minutes without a touch
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Bạn vẫn đang học chứ?")
    expect(dialog.locator(".idle-left")).to_have_text(
        re.compile(r"^Đã một lúc không ai dùng máy: bạn sẽ được đăng xuất sau 0:[45]\d\.$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "idle-warning-1024x768.png"))
    page.mouse.move(300, 300)  # a stray move of the mouse is no answer
    with page.expect_response(lambda response: response.url.endswith("/learners/still-here")) as answered:
        dialog.get_by_role("button", name="Tiếp tục").click()
    assert answered.value.status == 204
    expect(dialog).to_be_hidden()
    expect(page.locator(".who-name")).to_have_text("Đinh Văn Sáu")

    page.clock.run_for("09:02")
    expect(dialog).to_be_visible()
    page.clock.run_for("01:00")  # nobody answers: signed out
    expect(page.get_by_role("heading", name="Ai đang học?")).to_be_visible()
    expect(page.locator(".flash")).to_have_text(["Bạn đã được đăng xuất vì máy không được sử dụng một lúc."])
