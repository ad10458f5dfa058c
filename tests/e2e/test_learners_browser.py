"""The start screen and unlocking a profile in Debian's chromium (issue 17 #2, #5): every learner's own
name, with their avatar, is what to press, the last learner like any other; a profile without a code asks
"Bạn có phải là …?" first; a locked PIN or picture code counts down with the form disabled, and after the
third lock-out sends the learner to the centre's staff."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect

from player import clock
from player.app import create_app
from player.web.server import Server
from player.web.services import services

SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))


def make_learner(page: Page, base: str, name: str, pin: str | None = None) -> None:
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill(name)
    if pin:
        page.locator("#kind-pin").check()
        page.locator("#pin").fill(pin)
        page.locator("#pin2").fill(pin)
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.get_by_role("button", name="Đổi học viên").click()
    expect(page.get_by_role("heading", name="Ai đang học?")).to_be_visible()


@pytest.mark.browser
def test_each_learner_presses_their_own_name(page: Page, own_data_dir, player_server):
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    with player_server(own_data_dir) as server:
        base = server.url.rstrip("/")
        for name, pin in (("Nguyễn Thị Lan", None), ("Trần Văn Bình", "2468"), ("Lê Minh", None)):
            make_learner(page, base, name, pin)
        # Lê Minh was the last one here: the screen offers him like anyone else.
        names = page.locator("ul.learners a.learner")
        expect(names).to_have_count(3)
        expect(names.locator(".learner-name")).to_have_text(["Lê Minh", "Nguyễn Thị Lan", "Trần Văn Bình"])
        expect(names.locator(".avatar")).to_have_count(3)
        expect(page.get_by_text("Tiếp tục với tên")).to_have_count(0)
        expect(page.locator("main .primary")).to_have_count(0)  # no name stands out
        boxes = [names.nth(index).bounding_box() for index in range(3)]
        assert len({(round(box["width"]), round(box["height"])) for box in boxes}) == 1
        assert boxes[0]["height"] >= 60  # a large target
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "start-screen-1024x768.png"))

        page.get_by_role("link", name="Nguyễn Thị Lan").click()
        expect(page.get_by_role("heading", name="Bạn có phải là Nguyễn Thị Lan?")).to_be_visible()
        page.get_by_role("link", name="Không, đó không phải tôi").click()
        expect(page.get_by_role("heading", name="Ai đang học?")).to_be_visible()
        page.get_by_role("link", name="Lê Minh").click()
        page.get_by_role("button", name="Đúng, tôi là Lê Minh").click()
        expect(page.locator(".who-name")).to_have_text("Lê Minh")
        page.get_by_role("button", name="Đổi học viên").click()
        page.get_by_role("link", name="Trần Văn Bình").click()  # a PIN: no question, its own lock
        expect(page.get_by_label("Mã PIN của bạn")).to_be_visible()
    assert seen.off_loopback(urlsplit(server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []


@pytest.mark.browser
def test_a_locked_pin_counts_down_and_then_sends_to_the_staff(page: Page, own_data_dir):
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    app = create_app(own_data_dir)
    server = Server(app, host="127.0.0.1", port=0)
    server.start_in_background()
    try:
        base = server.url.rstrip("/")
        make_learner(page, base, "Trần Văn Bình", pin="2468")
        page.get_by_role("link", name="Trần Văn Bình").click()
        pin, button = page.get_by_label("Mã PIN của bạn"), page.get_by_role("button", name="Mở", exact=True)
        for _ in range(3):
            pin.fill("0000")
            button.click()
        expect(page.locator(".lock-wait")).to_have_text("Bạn đã nhập sai nhiều lần. Bạn có thể thử lại sau 0:30.")
        expect(pin).to_be_disabled()
        expect(button).to_be_disabled()
        page.wait_for_timeout(1600)
        expect(page.locator(".lock-wait")).to_have_text(re.compile(r"thử lại sau 0:2[78]\.$"))  # counting down
        expect(page.locator(".ask-staff")).to_have_count(0)

        learner = next(row["id"] for row in services(app).store.learners.learners())
        services(app).store.learners.update_profile(learner, locked_until=clock.now() + 2)  # a short wait
        page.goto(f"{base}/learners/{learner}/unlock")
        expect(pin).to_be_disabled()
        expect(pin).to_be_enabled(timeout=4000)  # the wait is over: the form opens by itself
        expect(page.locator(".lock-ready")).to_have_text("Bây giờ bạn có thể thử lại.")
        expect(pin).to_be_focused()

        services(app).store.learners.update_profile(learner, failures=4, locked_until=0.0)
        pin.fill("1357")
        button.click()  # the fifth wrong try: the third lock-out
        expect(page.locator(".ask-staff")).to_contain_text("Hãy nhờ cán bộ ở trung tâm giúp.")
        expect(page.locator(".lock-wait")).to_contain_text("2:00")
        expect(pin).to_be_disabled()
        page.screenshot(path=str(SCREENSHOTS / "pin-locked-1024x768.png"))
    finally:
        server.close()
    assert seen.off_loopback(urlsplit(server.url).port) == []
    refusals = [error for error in seen.console_errors if "status of 403" in error or "status of 429" in error]
    assert len(refusals) == 4  # the wrong tries answer 403 (the browser logs it), nothing else went wrong
    assert len(seen.console_errors) == 4 and seen.page_errors == []
    assert [failed for failed in seen.failed if not failed.endswith("/unlock: HTTP 403")] == []
