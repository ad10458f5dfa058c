"""Picking a picture code in Debian's chromium (issue 17 #11): each picked picture carries a large tick and
its place in the code (1, 2, 3), drawn by the style sheet alone (no script needed); picking another picture
in a row moves the mark. The page with two pictures picked is photographed at 1024×768
(TRAMHOC_SCREENSHOTS names a folder to keep it)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from player.app import create_app
from player.learners.profiles import secret_fields
from player.web.services import services


def picture(page: Page, row: int, name: str):
    return page.locator("fieldset.pictures").nth(row - 1).locator("label.picture", has=page.locator(
        f'input[value="{name}"]'))


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no script"])
def test_each_picked_picture_shows_a_large_tick_and_its_place(javascript, browser, tmp_path, own_data_dir,
                                                              player_server):
    learner = services(create_app(own_data_dir)).store.learners.create({
        "name": "Bà Tư", "colour": 2, "created": "2025-10-01T00:00:00Z", "last_seen": None,
        **secret_fields("pictures", "sun-fish-key")})
    context = browser.new_context(viewport={"width": 1024, "height": 768}, java_script_enabled=javascript)
    page = context.new_page()
    with player_server(own_data_dir) as server:
        page.goto(f"{server.url}learners/{learner['id']}/unlock")
        expect(page.locator(".picked:visible")).to_have_count(0)
        picture(page, 1, "moon").click()
        picture(page, 1, "sun").click()  # changed her mind: the mark moves
        picture(page, 2, "fish").click()
        marks = page.locator(".picked:visible")
        expect(marks).to_have_count(2)
        expect(marks).to_have_text(["✓1", "✓2"])
        expect(picture(page, 1, "sun").locator(".picked")).to_be_visible()
        expect(picture(page, 2, "fish").locator(".picked")).to_be_visible()
        mark, image = (picture(page, 1, "sun").locator(".picked").bounding_box(),
                       picture(page, 1, "sun").locator("img").bounding_box())
        assert mark["height"] >= 28 and mark["width"] >= 40  # large: not a thin border
        assert mark["y"] < image["y"] + 8 and mark["x"] + mark["width"] > image["x"] + image["width"]  # on its corner
        shot = Path(os.environ.get("TRAMHOC_SCREENSHOTS") or tmp_path) / f"picture-code-two-picked-{javascript}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        print(f"\nscreenshot: {shot}")

        picture(page, 3, "key").click()
        expect(page.locator(".picked:visible")).to_have_text(["✓1", "✓2", "✓3"])
        page.get_by_role("button", name="Mở", exact=True).click()
        expect(page.get_by_role("heading", name="Khoá học của bạn")).to_be_visible()
        page.goto("about:blank")  # let go of the server before it stops
    context.close()
