"""Statements of every kind of the profile, built with player.results.profile, for tests."""

import uuid
from datetime import datetime, timedelta, timezone

from player.xapi import statements as profile

COURSE = ("dich-vu-cong", "Dịch vụ công trực tuyến", "1.2.0")
START = datetime(2025, 10, 1, 7, 30, tzinfo=timezone.utc)
QUESTIONS = (
    profile.Question("otp-chia-se", "Có nên đọc mã OTP cho người gọi điện tự xưng là công an không?", "choice",
                     {"choices": [("co", "Có, nếu họ nói đúng tên tôi"), ("khong", "Không bao giờ")]}, ["khong"]),
    profile.Question("vneid-muc-2", "Tài khoản VNeID mức 2 dùng được cho dịch vụ công.", "true-false", {}, ["true"]),
    profile.Question("thu-tu-nop", "Sắp xếp các bước nộp hồ sơ.", "sequencing",
                     {"choices": [("dang-nhap", "Đăng nhập"), ("chon", "Chọn thủ tục"), ("nop", "Nộp hồ sơ")]},
                     ["dang-nhap[,]chon[,]nop"]),
    profile.Question("ghep-giay-to", "Ghép giấy tờ với thủ tục.", "matching",
                     {"source": [("cccd", "Căn cước"), ("khai-sinh", "Giấy khai sinh")],
                      "target": [("cap-lai", "Cấp lại"), ("dang-ky", "Đăng ký")]},
                     ["cccd[.]cap-lai[,]khai-sinh[.]dang-ky"]),
    profile.Question("ma-ho-so", "Nhập mã hồ sơ in trên giấy hẹn.", "fill-in", {}, ["G12.345"]),
    profile.Question("le-phi", "Lệ phí cấp lại (nghìn đồng)?", "numeric", {}, ["15000"]),
)


def scope(learner_id: str, name: str = "Nguyễn Thị Lan", device_id: str = "6b0d3c1e-2f4a-4d8b-9c1e-0a1b2c3d4e5f",
          centre: str = "Xã Tân Lập", course=COURSE) -> profile.Scope:
    course_id, title, version = course
    return profile.Scope(learner_id, name, course_id, title, version, "vi", device_id, centre)


def every_kind(where: profile.Scope, when: datetime = START) -> list[dict]:
    """One statement of each kind the profile defines, answers of every interaction type included."""
    registration = str(uuid.uuid4())
    lesson = ("an-toan", "An toàn khi dùng dịch vụ công")
    answers = ["khong", "true", "dang-nhap[,]chon[,]nop", "cccd[.]cap-lai[,]khai-sinh[.]dang-ky", "G12.345", "15000"]
    made = [profile.lesson_launched(where, *lesson, when), profile.lesson_experienced(where, *lesson, 312.5, when),
            profile.lesson_completed(where, *lesson, when), profile.quiz_attempted(where, *lesson, registration, when)]
    made += [profile.question_answered(where, *lesson, question, answer, True, registration, when)
             for question, answer in zip(QUESTIONS, answers)]
    made += [profile.quiz_finished(where, *lesson, True, 6, 6, 140, registration, when),
             profile.quiz_finished(where, *lesson, False, 2, 6, 95, str(uuid.uuid4()), when),
             profile.course_completed(where, when, 1.0, 3600)]
    return made


def many(count: int, learner_id: str) -> list[dict]:
    """`count` statements of mixed kinds for one learner, a second apart."""
    made = []
    while len(made) < count:
        made += every_kind(scope(learner_id), START + timedelta(seconds=len(made)))
    return made[:count]
