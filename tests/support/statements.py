"""Statements for tests, in exactly the shapes the player writes: made with player.xapi.statements, and
their answers with the player's own question definitions and item keys (player.quizzes.interactions)."""

import uuid
from datetime import datetime, timedelta, timezone

from courses.quiz import (
    Choice,
    Matching,
    MultipleChoice,
    NumberAnswer,
    Numeric,
    Ordering,
    Pair,
    Question,
    ShortAnswer,
    SingleChoice,
    TextAnswer,
    TrueFalse,
    item_keys,
    matching_options,
)
from player.quizzes import interactions
from player.quizzes.grading import grade_question
from player.xapi import statements
from player.xapi.statements import Answer, Scope

COURSE = ("dich-vu-cong", "Dịch vụ công trực tuyến", "1.2.0")
START = datetime(2025, 10, 1, 7, 30, tzinfo=timezone.utc)


def single(question_id: str, text: str, right: str, *wrong: str) -> SingleChoice:
    return SingleChoice(id=question_id, text=text, choices=(Choice(right, 100), *(Choice(w, 0) for w in wrong)))


def truefalse(question_id: str, text: str, correct: bool) -> TrueFalse:
    return TrueFalse(id=question_id, text=text, correct=correct)


def ordering(question_id: str, text: str, *steps: str) -> Ordering:
    return Ordering(id=question_id, text=text, steps=steps)


def short(question_id: str, text: str, *accepted: str) -> ShortAnswer:
    return ShortAnswer(id=question_id, text=text, answers=tuple(TextAnswer(a) for a in accepted))


QUESTIONS = (
    single("otp-chia-se", "Có nên đọc mã OTP cho người gọi điện tự xưng là công an không?", "Không bao giờ",
           "Có, nếu họ nói đúng tên tôi"),
    truefalse("vneid-muc-2", "Tài khoản VNeID mức 2 dùng được cho dịch vụ công.", True),
    ordering("thu-tu-nop", "Sắp xếp các bước nộp hồ sơ.", "Đăng nhập", "Chọn thủ tục", "Nộp hồ sơ"),
    Matching(id="ghep-giay-to", text="Ghép giấy tờ với thủ tục.",
             pairs=(Pair("Căn cước", "Cấp lại"), Pair("Giấy khai sinh", "Đăng ký"))),
    short("ma-ho-so", "Nhập mã hồ sơ in trên giấy hẹn.", "G12.345"),
    Numeric(id="le-phi", text="Lệ phí cấp lại (nghìn đồng)?", answers=(NumberAnswer(15000, 15000),)),
    MultipleChoice(id="giay-to-can-co", text="Cần mang theo gì?",
                   choices=(Choice("Căn cước", 50), Choice("Điện thoại", 50), Choice("Sổ hộ khẩu", -100))),
)


def response(question: Question, given):
    """The grading response a learner's form gives, from the texts they chose: a choice's text (or a list
    of them), True/False, the text typed, a dict of matching prompt -> option text, the steps in order."""
    if isinstance(question, (SingleChoice, MultipleChoice)):
        keys = dict(zip((c.text for c in question.choices), item_keys(question.id, "choice",
                                                                      [c.text for c in question.choices])))
        return keys[given] if isinstance(given, str) else [keys[text] for text in given]
    if isinstance(question, TrueFalse):
        return "true" if given else "false"
    if isinstance(question, Ordering):
        keys = dict(zip(question.steps, item_keys(question.id, "step", question.steps)))
        return [keys[step] for step in given]
    if isinstance(question, Matching):
        lefts = [pair.left for pair in question.pairs if pair.left]
        prompts = dict(zip(lefts, item_keys(question.id, "prompt", lefts)))
        options = matching_options(question)
        option_keys = dict(zip(options, item_keys(question.id, "option", options)))
        return {prompts[left]: option_keys[right] for left, right in given.items()}
    return given


def right_answer(question: Question):
    """What a learner gives to answer a question right (in `response`'s terms)."""
    if isinstance(question, SingleChoice):
        return next(c.text for c in question.choices if c.weight >= 100)
    if isinstance(question, MultipleChoice):
        return [c.text for c in question.choices if c.weight > 0]
    if isinstance(question, TrueFalse):
        return question.correct
    if isinstance(question, Ordering):
        return list(question.steps)
    if isinstance(question, Matching):
        return {pair.left: pair.right for pair in question.pairs if pair.left}
    if isinstance(question, Numeric):
        return f"{question.answers[0].low:g}"
    return question.answers[0].text


def answered(question: Question, given, language: str = "vi") -> Answer:
    """A learner's answer graded and written as the player does."""
    keyed = response(question, given)
    return interactions.answer(question, keyed, grade_question(question, keyed), language)


def scope(learner_id: str, name: str = "Nguyễn Thị Lan", device_id: str = "6b0d3c1e-2f4a-4d8b-9c1e-0a1b2c3d4e5f",
          centre: str = "Xã Tân Lập", course=COURSE) -> Scope:
    course_id, title, version = course
    return Scope(learner_id, name, course_id, title, version, "vi", device_id, centre)


def every_kind(where: Scope, when: datetime = START) -> list[dict]:
    """One statement of each kind the player writes, answers of every interaction type included."""
    registration = str(uuid.uuid4())
    lesson = ("an-toan", "An toàn khi dùng dịch vụ công")
    answers = [answered(question, right_answer(question)) for question in QUESTIONS]
    made = [statements.lesson_launched(where, *lesson, when),
            statements.lesson_experienced(where, *lesson, 312, when),
            statements.lesson_completed(where, *lesson, when)]
    made += [statements.question_answered(where, *lesson, answer, registration, when) for answer in answers]
    made += [statements.quiz_finished(where, *lesson, answers, True, 140, registration, when),
             statements.quiz_finished(where, *lesson, answers[:2] + [answered(QUESTIONS[2], ["Nộp hồ sơ", "Đăng nhập",
                                                                                            "Chọn thủ tục"])],
                                      False, 95, str(uuid.uuid4()), when),
             statements.quiz_finished(where, "tu-kiem-tra", "Tự kiểm tra", answers[:1], None, 12,
                                      str(uuid.uuid4()), when),
             statements.course_completed(where, when, 1.0, 3600)]
    return made


def many(count: int, learner_id: str) -> list[dict]:
    """`count` statements of mixed kinds for one learner, a second apart."""
    made = []
    while len(made) < count:
        made += every_kind(scope(learner_id), START + timedelta(seconds=len(made)))
    return made[:count]
