"""The trainer's report opened from disk (file://) in Debian's chromium: the charts render as real SVG
pictures, the page is not blank, and it asks nothing of any other computer."""

from datetime import datetime, timezone

import pytest
from browser_watch import painted_share, watch
from playwright.sync_api import Page, expect
from support.centres import DEVICE_A, DEVICE_B, export, scenario

from player.results.report import build_report


@pytest.fixture
def report_page(tmp_path):
    first, added, device_b = scenario()
    folder = tmp_path / "usb"
    export(folder, tmp_path, "a", first + added, "Xã Tân Lập", DEVICE_A, datetime(2025, 10, 9, tzinfo=timezone.utc))
    export(folder, tmp_path, "b", device_b, "Phường Hòa Bình", DEVICE_B, datetime(2025, 10, 5, tzinfo=timezone.utc))
    (folder / "hong.jsonl").write_text("{}\n", encoding="utf-8")
    build_report([folder], tmp_path / "report")
    return tmp_path / "report" / "index.html"


@pytest.mark.browser
def test_report_charts_render_offline(page: Page, report_page, tmp_path):
    seen = watch(page)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(report_page.as_uri())

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Báo cáo kết quả học tập")).to_be_visible()
    expect(page.locator(".problems").first).to_contain_text("hong.jsonl")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    for index in range(3):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 50, f"chart {index} has no size: {box}"
        bars = chart.locator("rect[fill]:not(.track)")
        widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
        assert any(width > 10 for width in widths), f"chart {index} draws no bar: {widths}"
        assert painted_share(page, chart.screenshot()) > 0.05, f"chart {index} looks blank"
    shot = page.screenshot(full_page=True, path=str(tmp_path / "report.png"))
    assert painted_share(page, shot) > 0.02

    assert seen.requests, "no request was recorded: the listener is broken"
    assert seen.off_machine() == []
    assert seen.requests == [report_page.as_uri()]
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []
