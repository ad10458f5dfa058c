"""Merging exports from two simulated centres (an overlapping pair, a duplicate, a corrupted, a cut-short
and a foreign file) and checking every figure of every CSV against values worked out by hand; crafted files
(a FIFO, JSON nested too deep, an endless line) are named and skipped."""

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from support.centres import (
    C1,
    DEVICE_A,
    DEVICE_B,
    Q_BUOC,
    Q_MATKHAU,
    Q_OTP,
    Q_USB,
    WRONG_ORDER,
    Learner,
    export,
    scenario,
)

from courses.quiz import item_keys
from player.cli import main
from player.results import merge, resultsfile
from player.results.report import build_report


ROOT = Path(__file__).resolve().parents[1]


def key(question, text: str) -> str:
    """The opaque key the player writes for one of a question's choices or steps."""
    role, texts = ("step", question.steps) if hasattr(question, "steps") else (
        "choice", [choice.text for choice in question.choices])
    return item_keys(question.id, role, texts)[list(texts).index(text)]


@pytest.fixture
def usb(tmp_path):
    """A USB stick with the three exports, a copy of one, and three files that must be left out."""
    first, added, device_b = scenario()
    folder = tmp_path / "usb"
    e1 = export(folder, tmp_path, "a1", first, "Xa Tan Lap (ten cu)", DEVICE_A, datetime(2025, 10, 2, tzinfo=timezone.utc))
    e2 = export(folder, tmp_path, "a2", first + added, "Xã Tân Lập", DEVICE_A, datetime(2025, 10, 9, tzinfo=timezone.utc))
    e3 = export(folder, tmp_path, "b", device_b, "Phường Hòa Bình", DEVICE_B, datetime(2025, 10, 5, tzinfo=timezone.utc))
    shutil.copy(e3, folder / "ban-sao.jsonl")
    data = bytearray(e2.read_bytes())
    spot = data.index("Lê Minh".encode("utf-8"))
    data[spot:spot + 2] = b"Le"  # a changed byte: "Le Minh"
    (folder / "hong.jsonl").write_bytes(bytes(data))
    (folder / "rut-usb.jsonl").write_bytes(e1.read_bytes()[:-300])
    (folder / "ghi-chu.jsonl").write_text('{"note": "danh sách lớp"}\n', encoding="utf-8")
    (folder / f".{e1.name}.x1y2.tmp").write_bytes(e1.read_bytes()[:100])  # an export interrupted mid-write
    return {"folder": folder, "e1": e1, "e2": e2, "e3": e3, "counts": (len(first), len(added), len(device_b))}


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} lacks the UTF-8 byte-order mark Excel needs"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


def test_report_figures_match_the_hand_computed_ones(usb, tmp_path):
    report = build_report([usb["folder"], usb["e3"]], tmp_path / "report", "en")
    n_first, n_added, n_b = usb["counts"]

    # Files: three exports and the copy read; the damaged, cut-short and foreign ones named and left out.
    assert sorted(item.path.name for item in report.log.files) == sorted(
        [usb["e1"].name, usb["e2"].name, usb["e3"].name, "ban-sao.jsonl"])
    skipped = {item.path.name: item.problem.message for item in report.log.skipped}
    assert skipped == {"hong.jsonl": "the checksum does not match: the file was changed or damaged",
                       "rut-usb.jsonl": "the file ends too early (was the USB stick removed while it was written?)",
                       "ghi-chu.jsonl": "this is not a Trạm Học results file"}
    assert report.log.statements == n_first + (n_first + n_added) + 2 * n_b
    assert report.log.duplicates == n_first + n_b
    assert report.log.invalid == 1
    assert len(report.log.problems) == 1 and "result.score.raw: must lie between min and max" in report.log.problems[0]
    assert (n_first, n_added, n_b) == (16, 11, 16)

    courses = read_csv(tmp_path / "report" / "courses.csv")
    # Issue 17 #20: the average of the best scores says so, beside the average of every attempt (Dịch vụ
    # công: attempts of 1/3, 1, 1, 2/3, 1 and 1/2 average 75 %; the best scores 81 %).
    assert courses == [
        {"Course": "Chữ ký số", "Course id": "chu-ky-so", "Learners": "2", "Completed": "1",
         "Completion rate": "50", "Took a quiz": "2", "Passed": "1", "Pass rate": "50", "Quiz attempts": "2",
         "Average best score": "50", "Average score of all attempts": "50"},
        {"Course": "Dịch vụ công trực tuyến", "Course id": "dich-vu-cong", "Learners": "5", "Completed": "1",
         "Completion rate": "20", "Took a quiz": "3", "Passed": "1", "Pass rate": "33", "Quiz attempts": "6",
         "Average best score": "81", "Average score of all attempts": "75"},
    ]
    centres = read_csv(tmp_path / "report" / "centres.csv")  # times in Asia/Ho_Chi_Minh (UTC+7), not UTC
    assert centres == [
        {"Centre": "Phường Hòa Bình", "Computers": "1", "Learners": "3", "Learners × courses": "3",
         "Completed": "1", "Completion rate": "33", "Took a quiz": "2", "Passed": "1", "Pass rate": "50",
         "Last activity": "2025-10-01 18:00", "Last export": "2025-10-05 07:00"},
        {"Centre": "Xã Tân Lập", "Computers": "1", "Learners": "3", "Learners × courses": "4",
         "Completed": "1", "Completion rate": "25", "Took a quiz": "3", "Passed": "1", "Pass rate": "33",
         "Last activity": "2025-10-01 13:06", "Last export": "2025-10-09 07:00"},
    ]
    learners = read_csv(tmp_path / "report" / "learners.csv")
    columns = ["Centre", "Computer", "Learner", "Learner id", "Course", "First activity",
               "Last activity", "Lessons completed", "Minutes in lessons", "Quiz attempts", "Quizzes taken",
               "Quizzes passed", "Best score", "Average of all attempts", "Passed", "Completed", "Completed on"]
    expected = [
        ["Phường Hòa Bình", "bbbbbbbb", "Lan", "a1", "Dịch vụ công trực tuyến", "2025-10-01 18:00",
         "2025-10-01 18:00", "0", "0", "0", "0", "0", "", "", "", "no", ""],
        ["Phường Hòa Bình", "bbbbbbbb", "Phạm Tuấn", "b1", "Dịch vụ công trực tuyến", "2025-10-01 14:40",
         "2025-10-01 14:50", "2", "0", "2", "2", "1", "75", "75", "no", "no", ""],
        ["Phường Hòa Bình", "bbbbbbbb", "Đỗ Mai", "b2", "Chữ ký số", "2025-10-01 16:20", "2025-10-01 16:25", "0", "2",
         "1", "1", "1", "100", "100", "yes", "yes", "2025-10-01 16:25"],
        ["Xã Tân Lập", "aaaaaaaa", "Lê Minh", "a2", "Dịch vụ công trực tuyến", "2025-10-01 13:00",
         "2025-10-01 13:06", "0", "2", "1", "1", "0", "67", "67", "no", "no", ""],
        ["Xã Tân Lập", "aaaaaaaa", "Nguyễn Thị Lan", "a1", "Chữ ký số", "2025-10-01 11:20", "2025-10-01 11:25",
         "0", "5", "1", "1", "0", "0", "0", "no", "no", ""],
        ["Xã Tân Lập", "aaaaaaaa", "Nguyễn Thị Lan", "a1", "Dịch vụ công trực tuyến", "2025-10-01 08:00",
         "2025-10-01 08:17", "1", "10", "3", "2", "2", "100", "78", "yes", "yes", "2025-10-01 08:17"],
        ["Xã Tân Lập", "aaaaaaaa", "Trần Văn Hoà", "a3", "Dịch vụ công trực tuyến", "2025-10-01 09:40",
         "2025-10-01 09:40", "0", "0", "0", "0", "0", "", "", "", "no", ""],
    ]
    assert learners == [dict(zip(columns, row)) for row in expected]
    questions = read_csv(tmp_path / "report" / "questions.csv")
    columns = ["Course", "Quiz", "Question id", "Question", "Type", "Answers", "Learners", "Correct",
               "Share correct", "Most-chosen wrong answer", "Its xAPI response", "Times chosen"]
    expected = [
        ["Chữ ký số", "Ký số", "q-ky", "Chữ ký số có thể cho người khác mượn.", "true-false", "2", "2", "1", "50",
         "true", "true", "1"],
        ["Chữ ký số", "Ký số", "q-usb", "Thiết bị ký số là gì?", "choice", "2", "2", "1", "50", "Thẻ nhớ",
         key(Q_USB, "Thẻ nhớ"), "1"],
        ["Dịch vụ công trực tuyến", "VNeID", "q-buoc", "Sắp xếp các bước.", "sequencing", "2", "2", "1", "50",
         "; ".join(WRONG_ORDER), "[,]".join(key(Q_BUOC, step) for step in WRONG_ORDER), "1"],
        ["Dịch vụ công trực tuyến", "An toàn", "q-otp", "Có nên đọc mã OTP cho người lạ?", "choice", "4", "3", "2",
         "50", "Có", key(Q_OTP, "Có"), "2"],
        ["Dịch vụ công trực tuyến", "An toàn", "q-matkhau", "Mật khẩu nào an toàn nhất?", "choice", "4", "3", "3",
         "75", "123456", key(Q_MATKHAU, "123456"), "1"],
        ["Dịch vụ công trực tuyến", "VNeID", "q-ma", "Nhập mã hồ sơ.", "fill-in", "2", "2", "2", "100", "", "", "0"],
        ["Dịch vụ công trực tuyến", "An toàn", "q-vneid", "VNeID mức 2 dùng được cho dịch vụ công.", "true-false",
         "4", "3", "4", "100", "", "", "0"],
    ]
    assert questions == [dict(zip(columns, row)) for row in expected]


def test_merging_is_idempotent_whatever_the_order_repetition_and_worker_count(usb, tmp_path, monkeypatch):
    once = build_report([usb["e1"], usb["e2"], usb["e3"]], tmp_path / "once", "en")
    shuffled = build_report([usb["e3"], usb["e2"], usb["folder"], usb["e1"], usb["e2"]], tmp_path / "again", "en")
    monkeypatch.setattr(merge, "PARALLEL_MIN_BYTES", 0)  # as for a large input: counted by 3 processes
    monkeypatch.setattr(merge, "MAX_WORKERS", 3)
    monkeypatch.setattr(merge.os, "cpu_count", lambda: 3)
    shared = build_report([usb["folder"]], tmp_path / "shared", "en")
    for name in ("courses", "centres", "learners", "questions"):
        expected = (tmp_path / "once" / f"{name}.csv").read_bytes()
        assert (tmp_path / "again" / f"{name}.csv").read_bytes() == expected, name
        assert (tmp_path / "shared" / f"{name}.csv").read_bytes() == expected, name
    n_first, n_added, n_b = usb["counts"]
    assert once.log.duplicates == n_first  # e2 repeats e1
    assert shuffled.log.duplicates == shared.log.duplicates == n_first + n_b  # and the copy repeats e3
    assert (shared.log.statements, shared.log.invalid) == (2 * n_first + n_added + 2 * n_b, 1)
    assert shared.log.problems == [f"ban-sao.jsonl:{n_b + 1}: statement.result.score.raw: must lie between min and max"]


def test_vietnamese_report_is_the_default_and_self_contained(usb, tmp_path, capsys):
    code = main(["report", str(usb["folder"]), "-o", str(tmp_path / "bao-cao")])
    assert code == 0
    out, err = capsys.readouterr()
    assert "hong.jsonl: bỏ qua: tổng kiểm tra không khớp" in err.lower()
    assert "Đã đọc 4 tệp, bỏ qua 3 tệp" in out and "skipped" not in out + err
    page = (tmp_path / "bao-cao" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    assert "Báo cáo kết quả học tập" in page
    assert "Tỉ lệ hoàn thành" in page
    assert page.count("<svg") == 3
    for forbidden in ("<script", "http://", "https://", "@import", "url("):
        assert forbidden not in page.replace('xmlns="http://www.w3.org/2000/svg"', ""), forbidden
    header = (tmp_path / "bao-cao" / "courses.csv").read_bytes()[3:].decode("utf-8").splitlines()[0]
    assert header.startswith("Khoá học,Mã khoá học,Học viên,Hoàn thành,Tỉ lệ hoàn thành")


def test_report_with_nothing_readable_says_so(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.jsonl").write_text("not json\n", encoding="utf-8")
    assert main(["report", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--lang", "en"]) == 1
    assert "x.jsonl: skipped: this is not a Trạm Học results file" in capsys.readouterr().err
    assert "No results file could be read." in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_unknown_report_language_is_refused(tmp_path, capsys):
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "out"), "--lang", "fr"]) == 2
    assert "no translation for 'fr'" in capsys.readouterr().err


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path):
    hostile = Learner("x1", "=HYPERLINK(\"http://example.com\")", DEVICE_A, "@Xã Tân Lập", 0).launch(C1, "an-toan")
    path = export(tmp_path / "usb", tmp_path, "x", hostile.made, "@Xã Tân Lập", DEVICE_A,
                  datetime(2025, 10, 2, tzinfo=timezone.utc))
    build_report([path], tmp_path / "report", "en")
    row = read_csv(tmp_path / "report" / "learners.csv")[0]
    assert (row["Centre"], row["Learner"]) == ("'@Xã Tân Lập", "'=HYPERLINK(\"http://example.com\")")
    assert read_csv(tmp_path / "report" / "centres.csv")[0]["Centre"] == "'@Xã Tân Lập"


def signed_lines(lines: list[bytes], **header_fields: str) -> bytes:
    """A results file around `lines` whose trailer matches (so only what is inside can be wrong)."""
    header = resultsfile.encode({"format": resultsfile.FORMAT, "format_version": resultsfile.FORMAT_VERSION,
                                 "centre": "Xã Tân Lập", "device_id": DEVICE_A, "exported_at": "2025-10-02T00:00:00Z",
                                 "generator": "tramhoc test", "xapi_version": "1.0.3", **header_fields})
    body = header + b"".join(lines)
    trailer = {"end": resultsfile.FORMAT, "statements": len(lines), "sha256": hashlib.sha256(body).hexdigest()}
    return body + resultsfile.encode(trailer)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_crafted_file_is_named_and_skipped_and_never_stops_the_report(tmp_path):
    first, _, _ = scenario()
    folder = tmp_path / "usb"
    folder.mkdir()
    export(folder, tmp_path, "tot", first, "Xã Tân Lập", DEVICE_A, datetime(2025, 10, 2, tzinfo=timezone.utc))
    os.mkfifo(folder / "ong.jsonl")  # nobody ever writes to it: opening it for reading would wait forever
    deep = b"[" * 200_000 + b"]" * 200_000 + b"\n"
    (folder / "sau-dau.jsonl").write_bytes(deep + b'{"end":"tramhoc-results"}\n')  # a header nested too deep
    (folder / "sau-giua.jsonl").write_bytes(signed_lines([b'{"id":"' + str(uuid.uuid4()).encode() + b'","x":'
                                                          + deep.strip() + b"}\n"]))  # a statement nested too deep
    (folder / "dong-dai.jsonl").write_bytes(signed_lines([b'{"id":"x","pad":"' + b"a" * (2 << 20) + b'"}\n']))
    started = time.monotonic()

    done = subprocess.run([sys.executable, "-m", "player", "report", str(folder), "-o", str(tmp_path / "out"),
                           "--lang", "en"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})

    assert time.monotonic() - started < 60
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert f"{folder / 'ong.jsonl'}: skipped: this is not a regular file (a pipe, a device or a folder)" in done.stderr
    assert f"{folder / 'sau-dau.jsonl'}: skipped: this is not a Trạm Học results file" in done.stderr
    assert f"{folder / 'dong-dai.jsonl'}: skipped: line 2 is longer than 1024 KB" in done.stderr
    assert "sau-giua.jsonl:2: nested deeper than 32 levels" in done.stderr
    assert f"2 files read, 3 skipped, {len(first)} records counted (0 duplicates, 1 invalid)" in done.stdout


def test_no_csv_cell_of_any_column_can_become_a_formula(tmp_path):
    first, _, _ = scenario()
    (tmp_path / "usb").mkdir()
    (tmp_path / "usb" / "x.jsonl").write_bytes(signed_lines(
        [resultsfile.encode(statement) for statement in first], exported_at="=cmd|' /C calc'!A0",
        centre="+Xã Tân Lập", device_id="@SUM(A1)", generator="-2+3", xapi_version="\t1.0.3"))

    report = build_report([tmp_path / "usb"], tmp_path / "report", "en")

    assert len(report.log.files) == 1
    cells = [cell for table in report.tables for row in read_rows(tmp_path / "report" / f"{table.name}.csv")
             for cell in row]
    assert any(cell.startswith("'=cmd|") for cell in cells)  # the export time, kept as text
    formulas = [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                and not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell)]
    assert formulas == []


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes()[3:].decode("utf-8"))))
