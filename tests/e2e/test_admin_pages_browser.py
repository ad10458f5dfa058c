"""The admin area at 1024×768 (issue 17 #16): a centre with every course of content/ and more than a page of
learners; each admin page fits the width (no sideways scrolling), its menu marks the page it is on, and the
learners' table has one summary column however many courses are installed."""

import pytest
from playwright.sync_api import Browser, expect
from support.pages import ADMIN_PIN

from player.app import create_app
from player.learners import credentials
from player.learners.profiles import secret_fields
from player.web.services import services

COURSES = ("chu-ky-so", "dich-vu-cong", "dich-vu-cong-en", "ky-nang-so-co-ban", "ky-so-can-bo-xa")
PAGES = ("/admin/", "/admin/learners", "/admin/courses", "/admin/courses/dich-vu-cong", "/admin/results/",
         "/admin/move/", "/admin/publishers/", "/admin/settings")


@pytest.fixture
def centre(tmp_path, publisher_key, content_bundle):
    made = services(create_app(tmp_path / "data"))
    made.trust.add(publisher_key.public)
    for course_id in COURSES:
        made.library.install(content_bundle(course_id))
    made.store.settings.update(admin_pin=credentials.hash_secret("admin", ADMIN_PIN),
                               centre_name="Trung tâm Phục vụ hành chính công xã Tân Lập")
    for number in range(55):
        made.store.learners.create({"name": f"Nguyễn Thị Thanh Hương {number:02d}", "colour": number % 8,
                                    "created": "2025-10-01T00:00:00Z", "last_seen": "2025-10-02T08:00:00Z",
                                    **secret_fields(None, None)})
    return tmp_path / "data"


@pytest.mark.browser
def test_every_admin_page_fits_1024_pixels(browser: Browser, centre, player_server):
    with player_server(centre) as server:
        base = server.url.rstrip("/")
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.goto(f"{base}/admin/")
        page.locator("input[name=pin]").fill(ADMIN_PIN)
        page.locator("form[action$='/admin/sign-in'] button").click()
        for path in PAGES:
            page.goto(base + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1024, f"{path} is {width} px wide"
            expect(page.locator(".admin-nav [aria-current]")).to_have_count(1)
        page.goto(f"{base}/admin/learners")
        expect(page.locator(".admin-table thead th")).to_have_count(3)
        expect(page.locator(".admin-table tbody tr")).to_have_count(50)
        page.locator(".pager").get_by_role("link", name="2").click()
        expect(page.locator(".admin-table tbody tr")).to_have_count(5)
        page.close()
