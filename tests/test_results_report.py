"""Merging exports from two simulated centres (an overlapping pair, a duplicate, a corrupted, a cut-short
and a foreign file) and checking every figure of every CSV against values worked out by hand."""

import csv
import io
import json
import shutil
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from player.cli import main
from player.results import profile
from player.results.export import export_results
from player.results.report import build_report
from player.results.source import JsonLinesSource

T0 = datetime(2025, 10, 1, 1, 0, tzinfo=timezone.utc)
DEVICE_A = "aaaaaaaa-1111-4111-8111-111111111111"
DEVICE_B = "bbbbbbbb-2222-4222-8222-222222222222"
C1 = ("dich-vu-cong", "Dịch vụ công trực tuyến", "1.0.0")
C2 = ("chu-ky-so", "Chữ ký số", "2.1.0")
Q_OTP = profile.Question("q-otp", "Có nên đọc mã OTP cho người lạ?", "choice",
                         {"choices": [("co", "Có"), ("khong", "Không")]}, ["khong"])
Q_VNEID = profile.Question("q-vneid", "VNeID mức 2 dùng được cho dịch vụ công.", "true-false", {}, ["true"])
Q_MATKHAU = profile.Question("q-matkhau", "Mật khẩu nào an toàn nhất?", "choice",
                             {"choices": [("a", "123456"), ("b", "ngày sinh"), ("c", "Cụm từ dài")]}, ["c"])
Q_BUOC = profile.Question("q-buoc", "Sắp xếp các bước.", "sequencing",
                          {"choices": [("dang-nhap", "Đăng nhập"), ("chon", "Chọn thủ tục"), ("nop", "Nộp hồ sơ")]},
                          ["dang-nhap[,]chon[,]nop"])
Q_MA = profile.Question("q-ma", "Nhập mã hồ sơ.", "fill-in", {}, ["G12.345"])
Q_KY = profile.Question("q-ky", "Chữ ký số có thể cho người khác mượn.", "true-false", {}, ["false"])
Q_USB = profile.Question("q-usb", "Thiết bị ký số là gì?", "choice",
                         {"choices": [("x", "USB token"), ("y", "Thẻ nhớ"), ("z", "Sạc điện thoại")]}, ["x"])
QUIZZES = {"q1": (C1, "an-toan", "An toàn", [Q_OTP, Q_VNEID, Q_MATKHAU]),
           "q2": (C1, "vneid", "VNeID", [Q_BUOC, Q_MA]),
           "q3": (C2, "ky-so", "Ký số", [Q_KY, Q_USB])}
CORRECT = {"q-otp": "khong", "q-vneid": "true", "q-matkhau": "c", "q-buoc": "dang-nhap[,]chon[,]nop",
           "q-ma": "G12.345", "q-ky": "false", "q-usb": "x"}


class Learner:
    """Writes one learner's statements on one device, each a minute after the last, with stable ids."""

    def __init__(self, learner_id, name, device, centre, start_minute):
        self.learner_id, self.name, self.device, self.centre = learner_id, name, device, centre
        self.minute = start_minute
        self.made = []

    def _scope(self, course):
        return profile.Scope(self.learner_id, self.name, *course, "vi", self.device, self.centre)

    def _next(self):
        when = T0 + timedelta(minutes=self.minute)
        self.minute += 1
        return when, {"statement_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.device}/{self.learner_id}/"
                                                                         f"{len(self.made)}"))}

    def _add(self, statement):
        self.made.append(statement)
        return self

    def launch(self, course, lesson):
        when, ids = self._next()
        return self._add(profile.lesson_launched(self._scope(course), lesson, lesson.title(), when, **ids))

    def spend(self, course, lesson, seconds):
        when, ids = self._next()
        return self._add(profile.lesson_experienced(self._scope(course), lesson, lesson.title(), seconds, when, **ids))

    def finish_lesson(self, course, lesson):
        when, ids = self._next()
        return self._add(profile.lesson_completed(self._scope(course), lesson, lesson.title(), when, **ids))

    def take(self, quiz, responses):
        """An attempt: `attempted`, one `answered` per question, then `passed` (all right) or `failed`."""
        course, lesson, title, questions = QUIZZES[quiz]
        where = self._scope(course)
        registration = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.device}/{self.learner_id}/{len(self.made)}/r"))
        when, ids = self._next()
        self._add(profile.quiz_attempted(where, lesson, title, registration, when, **ids))
        right = 0
        for question, response in zip(questions, responses):
            correct = response == CORRECT[question.question_id]
            right += correct
            when, ids = self._next()
            self._add(profile.question_answered(where, lesson, title, question, response, correct, registration,
                                                when, points=float(correct), **ids))
        when, ids = self._next()
        return self._add(profile.quiz_finished(where, lesson, title, right == len(questions), right,
                                               len(questions), 60, registration, when, **ids))

    def complete_course(self, course, scaled):
        when, ids = self._next()
        return self._add(profile.course_completed(self._scope(course), when, scaled, 900, **ids))


def scenario():
    """(statements of device A up to the first export, those added before the second, device B's)."""
    lan = (Learner("a1", "Nguyễn Thị Lan", DEVICE_A, "Xã Tân Lập", 0)
           .launch(C1, "an-toan").spend(C1, "an-toan", 600).finish_lesson(C1, "an-toan")
           .take("q1", ["co", "true", "a"]).take("q1", ["khong", "true", "c"])
           .take("q2", ["dang-nhap[,]chon[,]nop", "G12.345"]).complete_course(C1, 1.0))
    hoa = Learner("a3", "Trần Văn Hoà", DEVICE_A, "Xã Tân Lập", 100).launch(C1, "an-toan")
    first = lan.made + hoa.made
    lan.minute = 200
    lan.launch(C2, "ky-so").spend(C2, "ky-so", 300).take("q3", ["true", "y"])
    minh = (Learner("a2", "Lê Minh", DEVICE_A, "Xã Tân Lập", 300)
            .launch(C1, "an-toan").spend(C1, "an-toan", 120).take("q1", ["co", "true", "c"]))
    added = lan.made[len(first) - len(hoa.made):] + minh.made
    tuan = (Learner("b1", "Phạm Tuấn", DEVICE_B, "Phường Hòa Bình", 400)
            .finish_lesson(C1, "an-toan").finish_lesson(C1, "vneid")
            .take("q1", ["khong", "true", "c"]).take("q2", ["chon[,]dang-nhap[,]nop", "G12.345"]))
    mai = (Learner("b2", "Đỗ Mai", DEVICE_B, "Phường Hòa Bình", 500)
           .spend(C2, "ky-so", 90).take("q3", ["false", "x"]).complete_course(C2, 1.0))
    other_lan = Learner("a1", "Lan", DEVICE_B, "Phường Hòa Bình", 600).launch(C1, "vneid")
    broken = {**mai.made[0], "id": str(uuid.uuid4()), "result": {"score": {"raw": 7, "min": 0, "max": 5}}}
    return first, added, tuan.made + mai.made + other_lan.made + [broken]


def export(folder, tmp_path, name, statements, centre, device, when):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in statements), encoding="utf-8")
    return export_results(JsonLinesSource(path, centre, device), folder, when).path


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
    skipped = {item.path.name: item.message for item in report.log.skipped}
    assert skipped == {"hong.jsonl": "the checksum does not match: the file was changed or damaged",
                       "rut-usb.jsonl": "the file ends too early (was the USB stick removed while it was written?)",
                       "ghi-chu.jsonl": "this is not a Trạm Học results file"}
    assert report.log.statements == n_first + (n_first + n_added) + 2 * n_b
    assert report.log.duplicates == n_first + n_b
    assert report.log.invalid == 1
    assert len(report.log.problems) == 1 and "result.score.raw: must lie between min and max" in report.log.problems[0]
    assert (n_first, n_added, n_b) == (19, 13, 19)

    courses = read_csv(tmp_path / "report" / "courses.csv")
    assert courses == [
        {"Course": "Chữ ký số", "Course id": "chu-ky-so", "Learners": "2", "Completed": "1",
         "Completion rate": "50", "Took a quiz": "2", "Passed": "1", "Pass rate": "50", "Quiz attempts": "2",
         "Mean score": "50"},
        {"Course": "Dịch vụ công trực tuyến", "Course id": "dich-vu-cong", "Learners": "5", "Completed": "1",
         "Completion rate": "20", "Took a quiz": "3", "Passed": "1", "Pass rate": "33", "Quiz attempts": "6",
         "Mean score": "81"},
    ]
    centres = read_csv(tmp_path / "report" / "centres.csv")
    assert centres == [
        {"Centre": "Phường Hòa Bình", "Computers": "1", "Learners": "3", "Learners × courses": "3",
         "Completed": "1", "Completion rate": "33", "Took a quiz": "2", "Passed": "1", "Pass rate": "50",
         "Last activity (UTC)": "2025-10-01 11:00", "Last export (UTC)": "2025-10-05 00:00"},
        {"Centre": "Xã Tân Lập", "Computers": "1", "Learners": "3", "Learners × courses": "4",
         "Completed": "1", "Completion rate": "25", "Took a quiz": "3", "Passed": "1", "Pass rate": "33",
         "Last activity (UTC)": "2025-10-01 06:06", "Last export (UTC)": "2025-10-09 00:00"},
    ]
    learners = read_csv(tmp_path / "report" / "learners.csv")
    columns = ["Centre", "Computer", "Learner", "Learner id", "Course", "First activity (UTC)",
               "Last activity (UTC)", "Lessons completed", "Minutes in lessons", "Quiz attempts", "Quizzes taken",
               "Quizzes passed", "Score", "Passed", "Completed", "Completed on (UTC)"]
    expected = [
        ["Phường Hòa Bình", "bbbbbbbb", "Lan", "a1", "Dịch vụ công trực tuyến", "2025-10-01 11:00",
         "2025-10-01 11:00", "0", "0", "0", "0", "0", "", "", "no", ""],
        ["Phường Hòa Bình", "bbbbbbbb", "Phạm Tuấn", "b1", "Dịch vụ công trực tuyến", "2025-10-01 07:40",
         "2025-10-01 07:50", "2", "0", "2", "2", "1", "75", "no", "no", ""],
        ["Phường Hòa Bình", "bbbbbbbb", "Đỗ Mai", "b2", "Chữ ký số", "2025-10-01 09:20", "2025-10-01 09:25", "0", "2",
         "1", "1", "1", "100", "yes", "yes", "2025-10-01 09:25"],
        ["Xã Tân Lập", "aaaaaaaa", "Lê Minh", "a2", "Dịch vụ công trực tuyến", "2025-10-01 06:00",
         "2025-10-01 06:06", "0", "2", "1", "1", "0", "67", "no", "no", ""],
        ["Xã Tân Lập", "aaaaaaaa", "Nguyễn Thị Lan", "a1", "Chữ ký số", "2025-10-01 04:20", "2025-10-01 04:25",
         "0", "5", "1", "1", "0", "0", "no", "no", ""],
        ["Xã Tân Lập", "aaaaaaaa", "Nguyễn Thị Lan", "a1", "Dịch vụ công trực tuyến", "2025-10-01 01:00",
         "2025-10-01 01:17", "1", "10", "3", "2", "2", "100", "yes", "yes", "2025-10-01 01:17"],
        ["Xã Tân Lập", "aaaaaaaa", "Trần Văn Hoà", "a3", "Dịch vụ công trực tuyến", "2025-10-01 02:40",
         "2025-10-01 02:40", "0", "0", "0", "0", "0", "", "", "no", ""],
    ]
    assert learners == [dict(zip(columns, row)) for row in expected]
    questions = read_csv(tmp_path / "report" / "questions.csv")
    columns = ["Course", "Quiz", "Question id", "Question", "Type", "Answers", "Learners", "Correct",
               "Share correct", "Most-chosen wrong answer", "Its xAPI response", "Times chosen"]
    expected = [
        ["Chữ ký số", "Ký số", "q-ky", "Chữ ký số có thể cho người khác mượn.", "true-false", "2", "2", "1", "50",
         "true", "true", "1"],
        ["Chữ ký số", "Ký số", "q-usb", "Thiết bị ký số là gì?", "choice", "2", "2", "1", "50", "Thẻ nhớ", "y", "1"],
        ["Dịch vụ công trực tuyến", "VNeID", "q-buoc", "Sắp xếp các bước.", "sequencing", "2", "2", "1", "50",
         "Chọn thủ tục; Đăng nhập; Nộp hồ sơ", "chon[,]dang-nhap[,]nop", "1"],
        ["Dịch vụ công trực tuyến", "An toàn", "q-otp", "Có nên đọc mã OTP cho người lạ?", "choice", "4", "3", "2",
         "50", "Có", "co", "2"],
        ["Dịch vụ công trực tuyến", "An toàn", "q-matkhau", "Mật khẩu nào an toàn nhất?", "choice", "4", "3", "3",
         "75", "123456", "a", "1"],
        ["Dịch vụ công trực tuyến", "VNeID", "q-ma", "Nhập mã hồ sơ.", "fill-in", "2", "2", "2", "100", "", "", "0"],
        ["Dịch vụ công trực tuyến", "An toàn", "q-vneid", "VNeID mức 2 dùng được cho dịch vụ công.", "true-false",
         "4", "3", "4", "100", "", "", "0"],
    ]
    assert questions == [dict(zip(columns, row)) for row in expected]


def test_merging_is_idempotent_whatever_the_order_and_repetition(usb, tmp_path):
    once = build_report([usb["e1"], usb["e2"], usb["e3"]], tmp_path / "once", "en")
    shuffled = build_report([usb["e3"], usb["e2"], usb["folder"], usb["e1"], usb["e2"]], tmp_path / "again", "en")
    for name in ("courses", "centres", "learners", "questions"):
        assert (tmp_path / "once" / f"{name}.csv").read_bytes() == (tmp_path / "again" / f"{name}.csv").read_bytes()
    assert once.log.duplicates == usb["counts"][0]


def test_vietnamese_report_is_the_default_and_self_contained(usb, tmp_path, capsys):
    code = main(["report", str(usb["folder"]), "-o", str(tmp_path / "bao-cao")])
    assert code == 0
    out, err = capsys.readouterr()
    assert "hong.jsonl: bỏ qua: tổng kiểm tra không khớp" in err.lower()
    assert "4 files read, 3 skipped" in out
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
