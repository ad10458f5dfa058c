"""Moving learners in Debian's chromium (issue 20 #3): on the serving PC the admin opens "Move learners",
picks the learners file another centre wrote on a USB stick (a fake removable drive), sees what importing it
would do (a new learner, a merged one whose name changes, the results to add, the other centre named;
nothing written yet), imports, and sees what was done and the learner's records. Each page fits 1024×768,
passes axe, and is saved as a screenshot."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect
from support.pages import ADMIN_PIN
from test_accessibility import axe_source, violations  # noqa: F401 - axe_source is a fixture

from player.app import create_app
from player.learners import credentials
from player.paths import DataPaths
from player.results.drives import Drive
from player.store import Store
from player.transfer import moving
from player.web.services import services

SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))


def _statements(count: int) -> list[dict]:
    return [{"id": f"00000000-0000-4000-8000-{n:012d}", "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}}
            for n in range(count)]


@pytest.fixture
def usb_file(tmp_path, own_data_dir, monkeypatch) -> Path:
    """A USB stick holding a learners file from "Xã Tân Lập": Lan (already on this PC under an older name,
    with 12 more results there) and Minh (new here)."""
    source = Store(DataPaths(tmp_path / "source"))
    source.settings.update(centre_name="Xã Tân Lập")
    lan = source.learners.create({"name": "Lan", "colour": 1, "created": "2026-01-01T00:00:00Z",
                                  "last_seen": "2026-01-02T00:00:00Z", "secret_kind": None, "secret_hash": None})
    source.learners.append(lan["id"], _statements(8))
    made = services(create_app(own_data_dir))
    made.store.settings.update(admin_pin=credentials.hash_secret("admin", ADMIN_PIN), centre_name="Phường Hòa Bình")
    moving.apply_import(made.store, moving.plan_import(made.store, moving.export_learners(source, [lan["id"]],
                                                                                          tmp_path)))
    source.learners.append(lan["id"], _statements(20)[8:])
    source.learners.update_profile(lan["id"], name="Nguyễn Thị Lan")
    source.learners.touch(lan["id"], "2026-03-01T00:00:00Z")
    minh = source.learners.create({"name": "Trần Văn Minh", "colour": 2, "created": "2026-02-01T00:00:00Z",
                                   "last_seen": None, "secret_kind": None, "secret_hash": None})
    source.learners.append(minh["id"], [{**s, "id": s["id"].replace("8000", "9000")} for s in _statements(5)])
    stick = tmp_path / "media" / "KINGSTON"
    monkeypatch.setattr("player.transfer.views.removable_drives", lambda: [Drive(stick, "KINGSTON", 3 * 1024**3)])
    return moving.export_learners(source, [lan["id"], minh["id"]], stick / "TramHoc")


@pytest.mark.browser
def test_the_admin_checks_the_preview_then_imports(page: Page, own_data_dir, usb_file, player_server,
                                                   axe_source):  # noqa: F811 - the fixture
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []

    def check(name: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        problems.extend(f"{name}: {line}" for line in violations(page, axe_source))
        page.screenshot(path=str(SCREENSHOTS / f"move-{name}-1024x768.png"))
        page.screenshot(path=str(SCREENSHOTS / f"move-{name}-1024-full.png"), full_page=True)

    with player_server(own_data_dir) as server:
        base = server.url.rstrip("/")
        page.goto(base + "/admin/")
        page.locator("input[name=pin]").fill(ADMIN_PIN)
        page.locator("form[action$='/admin/sign-in'] button").click()
        page.get_by_role("link", name="Chuyển học viên").click()
        expect(page.get_by_role("heading", name="Chuyển học viên giữa các máy", exact=True)).to_be_visible()
        expect(page.get_by_label(usb_file.name)).to_be_checked()
        check("index")

        page.get_by_role("button", name="Kiểm tra tệp này").first.click()
        expect(page.get_by_role("heading", name="Kiểm tra trước khi nhập")).to_be_visible()
        expect(page.get_by_text("Từ một trung tâm khác: “Xã Tân Lập”")).to_be_visible()
        rows = page.locator("main table tbody tr")
        expect(rows.filter(has_text="Trần Văn Minh")).to_contain_text("Học viên mới")
        expect(rows.filter(has_text="Trần Văn Minh")).to_contain_text("5 kết quả sẽ được thêm")
        expect(rows.filter(has_text="Nguyễn Thị Lan")).to_contain_text("Đã có trên máy: gộp lại")
        expect(rows.filter(has_text="Nguyễn Thị Lan")).to_contain_text("tên: Lan → Nguyễn Thị Lan")
        expect(rows.filter(has_text="Nguyễn Thị Lan")).to_contain_text("12 kết quả sẽ được thêm")
        expect(page.get_by_text("Chưa có gì được ghi.")).to_be_visible()
        assert [row["name"] for row in services(create_app(own_data_dir)).store.learners.learners()] == ["Lan"]
        check("preview")
        preview = page.url

        page.get_by_role("button", name="Nhập các học viên này").click()
        expect(page.get_by_role("heading", name="Đã nhập học viên")).to_be_visible()
        expect(page.get_by_text("1 học viên được tạo, 1 học viên được gộp, đã thêm 17 kết quả.")).to_be_visible()
        check("imported")

        page.get_by_role("link", name="Nguyễn Thị Lan").click()
        expect(page.get_by_text("20 bản ghi")).to_be_visible()
        page.goto(preview)  # the file was imported and is gone: back to the first page, saying so
        expect(page.get_by_role("heading", name="Chuyển học viên giữa các máy", exact=True)).to_be_visible()
        expect(page.get_by_text("Trang này đã mở quá lâu, hoặc tệp đã được nhập rồi.")).to_be_visible()
    store = services(create_app(own_data_dir)).store
    assert sorted(row["name"] for row in store.learners.learners()) == ["Nguyễn Thị Lan", "Trần Văn Minh"]
    assert problems == [], "\n".join(problems)
    assert seen.off_loopback(urlsplit(server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []
