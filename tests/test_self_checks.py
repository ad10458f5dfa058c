"""Self-check questions answered in place (issue 17 #3): Check pressed with nothing answered brings the
learner back to that very question, which says what to do (no hint off-screen at the top of the lesson);
the page's script checks in place and announces the result in its live region."""

import pytest
from quiz_helpers import answer, lesson_quiz, open_quiz, submit
from support.pages import text

COURSE, SELF_CHECK = "quiz-mau", "tu-kiem-tra"
LESSON = f"/courses/{COURSE}/lessons/{SELF_CHECK}"
HINT = "Hãy trả lời câu hỏi này trước, rồi bấm Kiểm tra câu trả lời."


@pytest.fixture
def learner(quiz_app):
    client = quiz_app.test_client()
    client.sign_in()
    return client


def test_check_with_nothing_answered_says_so_at_that_question(learner):
    page = open_quiz(learner, COURSE, SELF_CHECK)
    assert 'name="check" value="tu-kiem-tra-ten-mien"' in page.block("tu-kiem-tra-ten-mien")
    assert '<p class="visually-hidden check-status" role="status"' in page.html  # the live region
    pressed = submit(learner, COURSE, SELF_CHECK, page, {"check": "tu-kiem-tra-ten-mien"})
    assert pressed.status_code == 303
    assert pressed.headers["Location"] == f"{LESSON}?unanswered=tu-kiem-tra-ten-mien#q-tu-kiem-tra-ten-mien"
    shown = open_quiz(learner, COURSE, SELF_CHECK)
    assert HINT not in shown.html
    back = learner.get(pressed.headers["Location"]).get_data(as_text=True)
    block = back[back.index('id="q-tu-kiem-tra-ten-mien"'):]
    assert HINT in block[:block.index("</fieldset>")] and back.count(HINT) == 1
    assert "Hãy trả lời một câu hỏi trước" not in back  # no flash at the top of the page


def test_a_check_value_that_is_no_question_of_the_page_falls_back_to_the_top(learner):
    page = open_quiz(learner, COURSE, SELF_CHECK)
    pressed = submit(learner, COURSE, SELF_CHECK, page, {"check": "khong-co"})
    assert pressed.headers["Location"] == f"{LESSON}#quiz"
    assert "Hãy trả lời một câu hỏi trước" in text(learner.get(pressed.headers["Location"]))


def test_check_with_an_answer_still_grades_it(learner, quiz_app):
    quiz = lesson_quiz(quiz_app, COURSE, SELF_CHECK)
    page = open_quiz(learner, COURSE, SELF_CHECK)
    fields = {"check": "tu-kiem-tra-otp", **answer(quiz.question("tu-kiem-tra-otp"), "right", page)}
    assert submit(learner, COURSE, SELF_CHECK, page, fields).headers["Location"].endswith("#q-tu-kiem-tra-otp")
    assert open_quiz(learner, COURSE, SELF_CHECK).results == {"tu-kiem-tra-otp": "right"}
