"""Two simulated centres for report tests: learners on two computers taking two courses, written with
player.results.profile, each statement with a stable id and its own minute so every figure can be
worked out by hand (see tests/test_results_report.py)."""

import json
import uuid
from datetime import datetime, timedelta, timezone

from player.xapi import statements as profile
from player.results.export import export_results
from support.sources import JsonLinesSource

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
