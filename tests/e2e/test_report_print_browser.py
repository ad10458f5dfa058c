"""The report's printable class summary (issue 19 #3) in Debian's chromium: at A4 (794×1123 CSS pixels) the
title, the figures and the trainer's comment box fit the first page, the details follow on the next; the
browser's "Save as PDF" (page.pdf) is the PDF; the pages are axe-clean and show the CSV's figures."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.class_results import K1, class_exports
from test_accessibility import axe_source, violations  # noqa: F401 (a fixture)

from player.results.report import build_report

A4 = {"width": 794, "height": 1123}
SHOTS = Path("/tmp/shots-reportclasses")


@pytest.fixture
def report(tmp_path):
    build_report([class_exports(tmp_path)], tmp_path / "report")
    return tmp_path / "report"


@pytest.mark.browser
def test_the_class_summary_prints_on_a4_with_the_csvs_figures(page: Page, report, axe_source):  # noqa: F811
    page.set_viewport_size(A4)
    page.goto((report / f"class-{K1}.html").as_uri())
    expect(page.get_by_role("heading", name="Báo cáo kết quả học tập của lớp")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.emulate_media(media="print")
    page.screenshot(path=SHOTS / "class-a4-print.png")
    comment = page.locator(".comment").bounding_box()
    assert comment and comment["y"] + comment["height"] < A4["height"], "the comment box is not on the first page"
    cells = page.locator("table").first.locator("tbody tr").first.locator("td").all_inner_texts()
    row, = [line for line in csv.DictReader(io.StringIO((report / "classes.csv").read_text(encoding="utf-8-sig")))
            if line["Mã lớp"] == K1]
    columns = ("Số học viên ghi danh", "Đã bắt đầu", "Đã hoàn thành", "Đã đạt", "Điểm đầu vào trung bình",
               "Điểm cuối khoá trung bình", "Tiến bộ trung bình (điểm)")
    assert [re.sub(r"[^0-9-]", "", cell) for cell in cells[1:]] == [row[column] for column in columns]
    pdf = page.pdf(format="A4", print_background=True)
    (SHOTS / "class-a4.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2  # summary, then details
    page.emulate_media(media="screen")
    assert violations(page, axe_source) == []
    page.goto((report / "period.html").as_uri())
    page.screenshot(path=SHOTS / "period-a4.png", full_page=True)
    assert violations(page, axe_source) == []
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto((report / "index.html").as_uri())
    page.get_by_role("link", name=re.compile("^Các lớp học trong kỳ theo trung tâm")).click()
    page.get_by_role("link", name="Xã Tân Lập: Lớp DVC thôn Đông").click()
    expect(page).to_have_url(re.compile(f"class-{K1}.html$"))
    page.screenshot(path=SHOTS / "class-1024.png", full_page=True)
