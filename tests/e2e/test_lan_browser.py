"""Two learners at once on two other PCs of the centre, in Debian's chromium (issue 20 #2): two browser contexts,
each reaching the player through a relay that connects from its own address (127.0.0.2, 127.0.0.3), so the
player sees two PCs on the LAN, not this one. Each learner's name, progress and records stay their own."""

import os
from collections import Counter
from pathlib import Path

import pytest
from browser_watch import watch
from playwright.sync_api import expect
from support.lan import Relay

from player.paths import DataPaths
from player.store import Store
from player.xapi.vocabulary import verb_name

SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))
VIEWPORT = {"width": 1024, "height": 768}
PCS = (("127.0.0.2", "Nguyễn Thị Lan"), ("127.0.0.3", "Trần Văn Bình"))


@pytest.mark.browser
def test_two_pcs_are_two_learners_at_once_in_the_browser(browser, own_data_dir, player_server):
    with player_server(own_data_dir) as server:
        relays = [Relay(server.port, address) for address, _ in PCS]
        contexts = [browser.new_context(viewport=VIEWPORT) for _ in PCS]
        try:
            pages = [context.new_page() for context in contexts]
            seen = [watch(page) for page in pages]
            for page, relay, (_, name) in zip(pages, relays, PCS):  # both sit down and make their profile
                page.goto(relay.url + "/learners/new")
                page.get_by_label("Tên của bạn").fill(name)
            for page in pages:
                page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
            for page, relay in zip(pages, relays):  # both open the first lesson: two visits open at once
                page.goto(relay.url + "/courses/mini/lessons/gioi-thieu")
            for page in pages:
                expect(page.locator("article.lesson h1")).to_have_text("Giới thiệu về chữ ký số")
            pages[0].get_by_role("button", name="✓ Xong, sang bài tiếp").click()  # only Lan finishes it
            expect(pages[0].locator("article.lesson h1")).to_have_text("Đăng nhập Cổng Dịch vụ công")

            for page, relay, (_, name) in zip(pages, relays, PCS):
                page.goto(relay.url + "/")
                expect(page.locator(".who-name")).to_have_text(name)
            expect(pages[0].locator(".progress-text")).to_have_text("Đã học 33%")  # 1 lesson of 3
            expect(pages[1].locator(".progress-text")).to_have_text("Đã học 0%")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for number, page in enumerate(pages, 1):
                page.screenshot(path=str(SCREENSHOTS / f"lan-pc-{number}-1024x768.png"))

            for watched in seen:
                assert watched.console_errors == [] and watched.page_errors == []
            assert pages[1].goto(relays[1].url + "/admin/").status == 403  # to the player, these are other PCs
        finally:
            for context in contexts:
                context.close()
            for relay in relays:
                relay.close()

    store = Store(DataPaths(own_data_dir))
    verbs = {row["name"]: Counter(verb_name(statement) for statement in store.learners.statements(row["id"]))
             for row in store.learners.learners()}
    assert verbs["Nguyễn Thị Lan"]["launched"] >= 1 and verbs["Nguyễn Thị Lan"]["completed"] == 1
    assert verbs["Trần Văn Bình"]["launched"] >= 1 and verbs["Trần Văn Bình"]["completed"] == 0
