"""Two simulated centres for report tests: learners on two computers taking two courses, written as the
player writes them (player.xapi.statements, the player's question definitions), each statement with a
stable id and its own minute so every figure can be worked out by hand (see tests/test_results_report.py)."""

import json
import uuid
from datetime import datetime, timedelta, timezone

from support.sources import JsonLinesSource
from support.statements import answered, ordering, short, single, truefalse

from player.results.export import export_results
from player.xapi import statements
from player.xapi.statements import Scope

T0 = datetime(2025, 10, 1, 1, 0, tzinfo=timezone.utc)
DEVICE_A = "aaaaaaaa-1111-4111-8111-111111111111"
DEVICE_B = "bbbbbbbb-2222-4222-8222-222222222222"
C1 = ("dich-vu-cong", "Dịch vụ công trực tuyến", "1.0.0")
C2 = ("chu-ky-so", "Chữ ký số", "2.1.0")
Q_OTP = single("q-otp", "Có nên đọc mã OTP cho người lạ?", "Không", "Có")
Q_VNEID = truefalse("q-vneid", "VNeID mức 2 dùng được cho dịch vụ công.", True)
Q_MATKHAU = single("q-matkhau", "Mật khẩu nào an toàn nhất?", "Cụm từ dài", "123456", "ngày sinh")
Q_BUOC = ordering("q-buoc", "Sắp xếp các bước.", "Đăng nhập", "Chọn thủ tục", "Nộp hồ sơ")
Q_MA = short("q-ma", "Nhập mã hồ sơ.", "G12.345")
Q_KY = truefalse("q-ky", "Chữ ký số có thể cho người khác mượn.", False)
Q_USB = single("q-usb", "Thiết bị ký số là gì?", "USB token", "Thẻ nhớ", "Sạc điện thoại")
Q_TU_OTP = single("q-tu-otp", "Tự kiểm tra: mã OTP gửi qua tin nhắn dùng để làm gì?", "Xác nhận giao dịch",
                  "Đăng nhập Facebook")
QUIZZES = {"q1": (C1, "an-toan", "An toàn", [Q_OTP, Q_VNEID, Q_MATKHAU]),
           "pre1": (C1, "dau-vao", "Kiểm tra đầu vào", [Q_OTP, Q_VNEID, Q_MATKHAU]),  # a pre-test drawn from q1
           "s1": (C1, "tu-kiem-tra", "Tự kiểm tra", [Q_TU_OTP]),
           "q2": (C1, "vneid", "VNeID", [Q_BUOC, Q_MA]),
           "q3": (C2, "ky-so", "Ký số", [Q_KY, Q_USB])}
RIGHT_ORDER = ["Đăng nhập", "Chọn thủ tục", "Nộp hồ sơ"]
WRONG_ORDER = ["Chọn thủ tục", "Nộp hồ sơ", "Đăng nhập"]  # no step in its place: wholly wrong


class Learner:
    """Writes one learner's statements on one device, each a minute after the last, with stable ids; in
    `classes` ((class id, name) pairs: their grouping names them, as the player's does in a running class)."""

    def __init__(self, learner_id, name, device, centre, start_minute, classes=()):
        self.learner_id, self.name, self.device, self.centre = learner_id, name, device, centre
        self.minute, self.classes = start_minute, tuple(classes)
        self.made = []

    def _scope(self, course):
        return Scope(self.learner_id, self.name, *course, "vi", self.device, self.centre, self.classes)

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
        return self._add(statements.lesson_launched(self._scope(course), lesson, lesson.title(), when, **ids))

    def spend(self, course, lesson, seconds):
        when, ids = self._next()
        return self._add(statements.lesson_experienced(self._scope(course), lesson, lesson.title(), seconds, when, **ids))

    def finish_lesson(self, course, lesson):
        when, ids = self._next()
        return self._add(statements.lesson_completed(self._scope(course), lesson, lesson.title(), when, **ids))

    def take(self, quiz, responses, self_check=False, role=None):
        """An attempt: one `answered` per question, then `passed` (all right) or `failed`, or `completed` for a
        self-check; `role` "pre-test" or "post-test" as the player marks those. The minute where an `attempted`
        statement stood in earlier versions of this scenario is kept, so the times stay the same."""
        course, lesson, title, questions = QUIZZES[quiz]
        where = self._scope(course)
        registration = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.device}/{self.learner_id}/{len(self.made)}/r"))
        self.minute += 1
        answers = []
        for question, given in zip(questions, responses):
            answers.append(answered(question, given))
            when, ids = self._next()
            self._add(statements.question_answered(where, lesson, title, answers[-1], registration, when, **ids,
                                                   test_role=role))
        when, ids = self._next()
        passed = None if self_check else all(a.correct for a in answers)
        return self._add(statements.quiz_finished(where, lesson, title, answers, passed, 60, registration, when,
                                                  **ids, test_role=role))

    def complete_course(self, course, scaled):
        when, ids = self._next()
        return self._add(statements.course_completed(self._scope(course), when, scaled, 900, **ids))


def scenario():
    """(statements of device A up to the first export, those added before the second, device B's)."""
    lan = (Learner("a1", "Nguyễn Thị Lan", DEVICE_A, "Xã Tân Lập", 0)
           .launch(C1, "an-toan").spend(C1, "an-toan", 600).finish_lesson(C1, "an-toan")
           .take("q1", ["Có", True, "123456"]).take("q1", ["Không", True, "Cụm từ dài"])
           .take("q2", [RIGHT_ORDER, "G12.345"]).complete_course(C1, 1.0))
    hoa = Learner("a3", "Trần Văn Hoà", DEVICE_A, "Xã Tân Lập", 100).launch(C1, "an-toan")
    first = lan.made + hoa.made
    lan.minute = 200
    lan.launch(C2, "ky-so").spend(C2, "ky-so", 300).take("q3", [True, "Thẻ nhớ"])
    minh = (Learner("a2", "Lê Minh", DEVICE_A, "Xã Tân Lập", 300)
            .launch(C1, "an-toan").spend(C1, "an-toan", 120).take("q1", ["Có", True, "Cụm từ dài"]))
    added = lan.made[len(first) - len(hoa.made):] + minh.made
    tuan = (Learner("b1", "Phạm Tuấn", DEVICE_B, "Phường Hòa Bình", 400)
            .finish_lesson(C1, "an-toan").finish_lesson(C1, "vneid")
            .take("q1", ["Không", True, "Cụm từ dài"]).take("q2", [WRONG_ORDER, "G12.345"]))
    mai = (Learner("b2", "Đỗ Mai", DEVICE_B, "Phường Hòa Bình", 500)
           .spend(C2, "ky-so", 90).take("q3", [False, "USB token"]).complete_course(C2, 1.0))
    other_lan = Learner("a1", "Lan", DEVICE_B, "Phường Hòa Bình", 600).launch(C1, "vneid")
    broken = {**mai.made[0], "id": str(uuid.uuid4()), "result": {"score": {"raw": 7, "min": 0, "max": 5}}}
    return first, added, tuan.made + mai.made + other_lan.made + [broken]


def export(folder, tmp_path, name, statements, centre, device, when):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in statements), encoding="utf-8")
    return export_results(JsonLinesSource(path, centre, device), folder, when).path
