"""Listening to a lesson in Debian's chromium (issue 17 #24): the large controls play the bundle's MP3 (a
generated silence), change its speed, go back 10 seconds, work from the keyboard, and after a reload the
lesson starts where the learner stopped, at the speed they chose; a section's narration has its own
controls, and playing it pauses the lesson's."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))


@pytest.fixture
def narration_server(tmp_path, signed_narration_bundle, publisher_key, install_bundle, player_server):
    with player_server(install_bundle(tmp_path / "data", signed_narration_bundle, publisher_key)) as server:
        yield server


def current_time(page: Page, number: int = 0) -> float:
    return page.locator("section.narration audio").nth(number).evaluate("audio => audio.currentTime")


@pytest.mark.browser
def test_a_narration_plays_changes_speed_and_starts_again_where_it_stopped(page: Page, narration_server):
    base = narration_server.url.rstrip("/")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Lò Văn Pà")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    expect(page.get_by_role("button", name="Đổi học viên")).to_be_visible()  # signed in before going on
    page.goto(f"{base}/courses/nghe-thu/lessons/loi-chao")

    box = page.locator("section.narration").first
    audio = box.locator("audio")
    expect(box.get_by_role("button", name="Phát")).to_be_visible()
    assert audio.get_attribute("controls") is None  # the large controls replace the browser's own
    expect(box.locator(".narration-time")).to_have_text("0:00 / 0:20")
    box.get_by_role("button", name="1,25×").click()
    expect(box.get_by_role("button", name="1,25×")).to_have_attribute("aria-pressed", "true")
    expect(box.get_by_role("button", name="1×")).to_have_attribute("aria-pressed", "false")

    box.get_by_role("button", name="Phát").focus()
    page.keyboard.press("Enter")  # from the keyboard
    expect(box.get_by_role("button", name="Tạm dừng")).to_be_visible()
    assert audio.evaluate("audio => audio.playbackRate") == 1.25
    page.wait_for_function("() => document.querySelector('section.narration audio').currentTime > 3")
    with page.expect_response(lambda response: response.url.endswith("/listening")) as saved:
        box.get_by_role("button", name="Tạm dừng").click()
    assert saved.value.status == 204
    stopped = current_time(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "narration-lesson-1024.png"))

    page.reload()
    expect(box.locator(".narration-time")).to_have_text(f"0:{int(stopped):02d} / 0:20")
    assert abs(current_time(page) - round(stopped, 1)) < 0.2
    expect(box.get_by_role("button", name="1,25×")).to_have_attribute("aria-pressed", "true")
    assert audio.evaluate("audio => audio.playbackRate") == 1.25
    assert box.get_by_label("Vị trí").get_attribute("aria-valuetext") == f"0:{int(stopped):02d} / 0:20"

    box.get_by_role("button", name="Lùi 10 giây").click()
    assert current_time(page) == pytest.approx(max(0, round(stopped, 1) - 10), abs=0.2)

    part = page.locator("section.narration").nth(1)
    expect(part.locator(".narration-time")).to_have_text("0:00 / 0:04")
    box.get_by_role("button", name="Phát").click()
    expect(box.get_by_role("button", name="Tạm dừng")).to_be_visible()
    part.get_by_role("button", name="Phát").click()
    expect(part.get_by_role("button", name="Tạm dừng")).to_be_visible()
    expect(box.get_by_role("button", name="Phát")).to_be_visible()  # the lesson's narration paused
    page.wait_for_function("() => document.querySelectorAll('section.narration audio')[1].currentTime > 0.5")
    part.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "narration-section-1024.png"))
