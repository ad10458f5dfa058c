"""The right answer beside the learner's own (issue 17 #4): after a test and after a self-check answered
wrong, unless the author wrote `hiện đáp án: không` (the question's `reveal: false` in the bundle)."""

import dataclasses
import json
import re

import pytest
from quiz_helpers import answer, lesson_quiz, open_quiz, submit
from support.pages import text

from builder.quiz_native import parse_native
from builder.quiz_source import QuizSyntaxError
from courses.quiz import ShortAnswer, question_from_json, question_to_dict
from player.web.services import services
from test_quizzes import rewrite_quiz

COURSE, TEST, SELF_CHECK = "quiz-mau", "on-tap", "tu-kiem-tra"


def native(source: str):
    """The question a native ```quiz block holds (lines numbered from 10), with its id set."""
    parsed = parse_native(source.split("\n"), 10, lambda text, kind, line: text)
    return dataclasses.replace(parsed.question, id="so-ngay")


def test_the_native_header_sets_reveal_and_the_bundle_keeps_it():
    hidden = native("id: so-ngay\nhiện đáp án: không\nBao nhiêu ngày?\n= 5")
    shown = native("id: so-ngay\nBao nhiêu ngày?\n= 5")
    assert hidden.reveal is False and shown.reveal is True
    assert native("id: x\nreveal: yes\nCâu?\n= 5").reveal is True
    assert question_to_dict(hidden)["reveal"] is False and "reveal" not in question_to_dict(shown)
    assert question_from_json(json.dumps(question_to_dict(hidden))) == hidden
    assert question_from_json(json.dumps(question_to_dict(shown))) == shown


def test_a_bad_reveal_value_names_its_line():
    with pytest.raises(QuizSyntaxError) as refused:
        native("id: x\nhiện đáp án: có lẽ\nCâu?\n= 5")
    assert (11, "'có lẽ' must be có/yes or không/no") in refused.value.problems


def test_a_reveal_that_is_not_a_boolean_is_refused():
    with pytest.raises(Exception, match="reveal: must be true or false"):
        question_from_json(json.dumps({**question_to_dict(native("id: x\nCâu?\n= 5")), "reveal": "no"}))


@pytest.fixture
def learner(quiz_app):
    client = quiz_app.test_client()
    client.sign_in()
    return client


def right_answer(html: str, question_id: str) -> str | None:
    block = html[html.index(f'id="q-{question_id}"'):]
    block = block[:block.index("</section>")]
    found = re.search(r'<div class="right-answer">(.*?)</div>', block, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else None


def test_the_results_of_a_test_show_the_right_answer_of_each_question_not_right(learner, quiz_app):
    quiz = lesson_quiz(quiz_app, COURSE, TEST)
    page = open_quiz(learner, COURSE, TEST)
    fields = {**answer(quiz.question("ten-goi"), "wrong", page), **answer(quiz.question("chu-ky-so-hop-le"), "right", page),
              **answer(quiz.question("thu-tu-nop"), "wrong", page), **answer(quiz.question("ghep-thu-tuc"), "wrong", page)}
    html = learner.get(submit(learner, COURSE, TEST, page, fields).headers["Location"]).get_data(as_text=True)
    short = quiz.question("ten-goi")
    assert isinstance(short, ShortAnswer)
    assert right_answer(html, "ten-goi") == f"Đáp án đúng: {short.answers[0].text}"
    assert right_answer(html, "chu-ky-so-hop-le") is None  # answered right: nothing more to show
    assert right_answer(html, "dang-nhap-vneid").startswith("Đáp án đúng:")  # left blank
    steps = right_answer(html, "thu-tu-nop")
    plain_steps = [re.sub(r"<[^>]+>", "", step).strip() for step in quiz.question("thu-tu-nop").steps]
    assert [steps.index(step) for step in plain_steps] == sorted(steps.index(step) for step in plain_steps)
    assert right_answer(html, "cam-nhan") is None  # an essay has no right answer


def test_a_wrong_self_check_shows_the_right_answer_in_place(learner, quiz_app):
    quiz = lesson_quiz(quiz_app, COURSE, SELF_CHECK)
    page = open_quiz(learner, COURSE, SELF_CHECK)
    submit(learner, COURSE, SELF_CHECK, page, answer(quiz.question("tu-kiem-tra-otp"), "wrong", page))
    html = open_quiz(learner, COURSE, SELF_CHECK).html
    assert right_answer(html, "tu-kiem-tra-otp") == "Đáp án đúng: Chỉ mình bạn"


def test_a_question_marked_do_not_reveal_never_shows_its_answer(learner, quiz_app, signed_quiz_bundle, tmp_path,
                                                                publisher_key):
    def hide(data):
        for question in data["questions"]:
            if question["id"] in ("ten-goi", "tu-kiem-tra-otp"):
                question["reveal"] = False
        return data

    changed = rewrite_quiz(signed_quiz_bundle, tmp_path / "a.tramhoc", TEST, hide, signer=publisher_key)
    changed = rewrite_quiz(changed, tmp_path / "b.tramhoc", SELF_CHECK, hide, version="1.0.1", signer=publisher_key)
    services(quiz_app).library.install(changed)
    quiz = lesson_quiz(quiz_app, COURSE, TEST)
    assert quiz.question("ten-goi").reveal is False
    page = open_quiz(learner, COURSE, TEST)
    fields = {**answer(quiz.question("ten-goi"), "wrong", page), **answer(quiz.question("so-chu-so-otp"), "wrong", page)}
    html = learner.get(submit(learner, COURSE, TEST, page, fields).headers["Location"]).get_data(as_text=True)
    assert right_answer(html, "ten-goi") is None and right_answer(html, "so-chu-so-otp") is not None
    assert quiz.question("ten-goi").answers[0].text not in html[html.index('id="q-ten-goi"'):][:3000]
    self_check = lesson_quiz(quiz_app, COURSE, SELF_CHECK)
    page = open_quiz(learner, COURSE, SELF_CHECK)
    submit(learner, COURSE, SELF_CHECK, page, answer(self_check.question("tu-kiem-tra-otp"), "wrong", page))
    shown = open_quiz(learner, COURSE, SELF_CHECK)
    assert shown.results == {"tu-kiem-tra-otp": "wrong"} and right_answer(shown.html, "tu-kiem-tra-otp") is None
    assert "Đáp án đúng" not in text(learner.get(f"/courses/{COURSE}/lessons/{SELF_CHECK}"))
