"""The trainers' report read by a trainer (issue 17 #20): centres by name (or the computer's, with a hint),
times in the centres' time zone, raw xAPI ids only in the CSV files, chart labels that tell similar questions
apart, self-checks apart from tests, the best score beside the average of every attempt, a cut-short
export called damaged, and its scrollable tables reachable from the keyboard."""

import csv
import io
import json
import re
from datetime import datetime, timezone

import pytest
from support.centres import C1, DEVICE_A, DEVICE_B, Q_OTP, Learner, export

from courses.quiz import item_keys
from player.cli import main
from player.results import report as report_module
from player.results import resultsfile
from player.results.charts import label_lines
from player.results.report import build_report

WHEN = datetime(2025, 10, 9, tzinfo=timezone.utc)


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes()[3:].decode("utf-8"))))


def otp_key(text: str) -> str:
    return item_keys(Q_OTP.id, "choice", [choice.text for choice in Q_OTP.choices])[
        [choice.text for choice in Q_OTP.choices].index(text)]


@pytest.fixture
def usb(tmp_path, monkeypatch):
    """Two computers: one at a centre that was never named (its computer is PC-XA-01), one named."""
    folder = tmp_path / "usb"
    monkeypatch.setattr("player.results.export.platform.node", lambda: "PC-XA-01")
    tries = (Learner("a1", "Nguyễn Thị Lan", DEVICE_A, "", 0).launch(C1, "an-toan")
             .take("q1", ["Có", False, "123456"]).take("q1", ["Có", True, "123456"])
             .take("q1", ["Không", True, "Cụm từ dài"]).take("s1", ["Đăng nhập Facebook"], self_check=True))
    export(folder, tmp_path, "a", tries.made, "", DEVICE_A, WHEN)
    named = Learner("b1", "Phạm Tuấn", DEVICE_B, "Phường Hòa Bình", 100).take("q1", ["Có", True, "Cụm từ dài"])
    monkeypatch.setattr("player.results.export.platform.node", lambda: "MAY-02")
    export(folder, tmp_path, "b", named.made, "Phường Hòa Bình", DEVICE_B, WHEN)
    return folder


def test_a_centre_without_a_name_is_called_after_its_computer_with_a_hint(usb, tmp_path):
    build_report([usb], tmp_path / "en", "en")
    centres = [row["Centre"] for row in read_csv(tmp_path / "en" / "centres.csv")]
    assert centres == ["Computer PC-XA-01 (centre name not set)", "Phường Hòa Bình"]
    assert {row["Centre"] for row in read_csv(tmp_path / "en" / "learners.csv")} == set(centres)
    build_report([usb], tmp_path / "vi", "vi")
    page = (tmp_path / "vi" / "index.html").read_text(encoding="utf-8")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert cells.count("Máy PC-XA-01 (chưa đặt tên trung tâm)") == 3  # centres, learners, files read
    assert "<td></td>" not in page and ">–<" not in page
    assert ("nên được ghi bằng tên máy: Máy PC-XA-01 (chưa đặt tên trung tâm). Tại mỗi máy, hãy nhập tên "
            "trung tâm trong khu quản trị của Trạm Học (Cài đặt trung tâm) rồi xuất lại.") in page


def test_a_file_from_before_exports_named_their_computer_shows_the_computers_id(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    statements = Learner("a1", "Lan", DEVICE_A, "", 0).launch(C1, "an-toan").made
    resultsfile.write(folder / "old.jsonl", {"centre": "", "device_id": DEVICE_A, "exported_at": "2025-10-02T00:00:00.000Z",
                                             "generator": "tramhoc-player 0.0.9", "xapi_version": "1.0.3"}, statements)
    build_report([folder], tmp_path / "report", "en")
    centre, = read_csv(tmp_path / "report" / "centres.csv")
    assert centre["Centre"] == "Computer aaaaaaaa (centre name not set)"


def test_times_are_in_the_centres_time_zone(usb, tmp_path, capsys):
    build_report([usb], tmp_path / "report", "vi", now=datetime(2025, 10, 10, 17, 30, tzinfo=timezone.utc))
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Lập lúc 2025-10-11 00:30 bằng" in page
    assert "Mọi thời gian đều theo giờ Asia/Ho_Chi_Minh (UTC+07:00)." in page and "(UTC)" not in page
    assert "<td>2025-10-09 07:00</td>" in page  # the exports, made at midnight UTC
    learners = read_csv(tmp_path / "report" / "learners.csv")
    assert [row["Hoạt động đầu tiên"] for row in learners] == ["2025-10-01 08:00", "2025-10-01 09:41"]
    assert main(["report", str(usb), "-o", str(tmp_path / "utc"), "--timezone", "UTC"]) == 0
    learners = read_csv(tmp_path / "utc" / "learners.csv")
    assert [row["Hoạt động đầu tiên"] for row in learners] == ["2025-10-01 01:00", "2025-10-01 02:41"]
    assert main(["report", str(usb), "-o", str(tmp_path / "x"), "--timezone", "Sao/Hoa"]) == 2
    assert "unknown time zone 'Sao/Hoa'" in capsys.readouterr().err


def test_vietnam_time_needs_no_time_zone_database(usb, tmp_path, monkeypatch):
    def missing(name):
        raise report_module.ZoneInfoNotFoundError(name)
    monkeypatch.setattr(report_module, "ZoneInfo", missing)  # Windows without the tzdata package
    build_report([usb], tmp_path / "report", "en")
    assert read_csv(tmp_path / "report" / "learners.csv")[0]["First activity"] == "2025-10-01 08:00"


def test_raw_xapi_answer_ids_are_in_the_csv_only(usb, tmp_path):
    build_report([usb], tmp_path / "report", "en")
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    questions = {row["Question id"]: row for row in read_csv(tmp_path / "report" / "questions.csv")}
    assert questions["q-otp"]["Its xAPI response"] == otp_key("Có")
    assert questions["q-otp"]["Most-chosen wrong answer"] == "Có"
    assert otp_key("Có") not in page and "Its xAPI response" not in page
    assert '<td class="text">Có</td>' in page  # the wrong answer in words stays


def test_chart_labels_wrap_so_questions_that_begin_alike_look_different():
    first = "Khi nhận được tin nhắn có mã OTP từ ngân hàng, bạn nên đọc mã cho nhân viên ngân hàng gọi tới?"
    second = "Khi nhận được tin nhắn có mã OTP từ ngân hàng, bạn nên nhập mã vào trang web lạ?"
    assert label_lines(first) != label_lines(second)
    assert " ".join(label_lines(first)) == first and all(len(line) <= 32 for line in label_lines(first))
    long = "Một câu hỏi rất dài " * 10
    assert len(label_lines(long)) == 4 and label_lines(long)[-1].endswith("…")


def test_the_hardest_questions_chart_shows_whole_question_texts(usb, tmp_path):
    build_report([usb], tmp_path / "report", "vi")
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    chart = re.search(r'<section id="questions">.*?</svg>', page, re.S).group(0)
    shown = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text))
             for text in re.findall(r'<text text-anchor="end" class="label">.*?</text>', chart)]
    assert shown == ["Có nên đọc mã OTP cho người lạ?", "Mật khẩu nào an toàn nhất?",
                     "VNeID mức 2 dùng được cho dịch vụ công."]


def test_self_check_questions_are_counted_apart_from_tests(usb, tmp_path):
    build_report([usb], tmp_path / "report", "en")
    tests = [row["Question id"] for row in read_csv(tmp_path / "report" / "questions.csv")]
    checks = read_csv(tmp_path / "report" / "self_checks.csv")
    assert sorted(tests) == ["q-matkhau", "q-otp", "q-vneid"]
    assert [(row["Question id"], row["Quiz"], row["Answers"], row["Correct"]) for row in checks] == [
        ("q-tu-otp", "Tự kiểm tra", "1", "0")]
    course, = read_csv(tmp_path / "report" / "courses.csv")
    assert (course["Quiz attempts"], course["Took a quiz"]) == ("4", "2")  # the self-check is no test attempt
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert '<section id="self_checks">' in page and "<h2>Self-check questions</h2>" in page
    hardest = re.search(r'<section id="questions">.*?</svg>', page, re.S).group(0)
    assert "Tự kiểm tra" not in hardest


def test_the_best_score_is_named_so_and_shown_beside_the_average_of_every_attempt(usb, tmp_path):
    """Attempts of 0, 33 and 100 %: best 100 %, all attempts 44 %; never an "average score 100 %"."""
    build_report([usb], tmp_path / "report", "en")
    lan = next(row for row in read_csv(tmp_path / "report" / "learners.csv") if row["Learner"] == "Nguyễn Thị Lan")
    assert (lan["Quiz attempts"], lan["Best score"], lan["Average of all attempts"]) == ("3", "100", "44")
    course, = read_csv(tmp_path / "report" / "courses.csv")  # Tuấn: one attempt of 2/3
    assert (course["Average best score"], course["Average score of all attempts"]) == ("83", "50")
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Mean score" not in page and "Average best score" in page


@pytest.mark.parametrize("cut, message", [
    (40, "the file ends too early (was the USB stick removed while it was written?)"),
    (8, "the file ends too early (was the USB stick removed while it was written?)"),
])
def test_an_export_cut_short_in_its_first_line_is_called_cut_short_not_foreign(usb, tmp_path, cut, message):
    whole = sorted(usb.iterdir())[0].read_bytes()
    (usb / "rut-usb.jsonl").write_bytes(whole[:cut])
    report = build_report([usb], tmp_path / "report", "en")
    assert {item.path.name: item.problem.message for item in report.log.skipped} == {"rut-usb.jsonl": message}


def test_an_export_with_a_damaged_first_line_is_called_damaged(usb, tmp_path, capsys):
    lines = sorted(usb.iterdir())[0].read_bytes().split(b"\n")
    lines[0] = lines[0][:30] + b"\x00" + lines[0][31:]
    (usb / "hong.jsonl").write_bytes(b"\n".join(lines))
    (usb / "ghi-chu.jsonl").write_text(json.dumps({"note": "danh sách lớp"}) + "\n", encoding="utf-8")
    assert main(["report", str(usb), "-o", str(tmp_path / "report")]) == 0
    err = capsys.readouterr().err
    assert "hong.jsonl: bỏ qua: tệp bị hỏng: không đọc được dòng đầu tiên" in err
    assert "ghi-chu.jsonl: bỏ qua: đây không phải tệp kết quả của Trạm Học" in err


def test_every_scrollable_table_of_the_report_can_be_reached_from_the_keyboard(usb, tmp_path):
    build_report([usb], tmp_path / "report", "vi")
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    regions = re.findall(r'<div class="scroll"([^>]*)>\s*<table>', page)
    assert len(regions) == page.count("<table>") >= 5
    assert all('tabindex="0"' in attributes and 'role="region"' in attributes and 'aria-label="' in attributes
               for attributes in regions)
