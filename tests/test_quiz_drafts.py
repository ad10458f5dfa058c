"""A test's way to submitting (issue 17 #1): Enter and "Nộp bài" lead to a summary of what is answered,
never straight to a recorded attempt; the answers typed so far are kept in the learner's store, so a reload,
a sign-out or a restart of the player brings the attempt back filled in. And an attempt whose submit
response was lost is finished, not offered again (issue 14 #10)."""

import re

import pytest
from quiz_helpers import QuizPage, answer, lesson_quiz, open_quiz, submit
from support.pages import learner_id, text

from player.web.services import services

COURSE, TEST, SELF_CHECK = "quiz-mau", "on-tap", "tu-kiem-tra"
TEST_URL = f"/courses/{COURSE}/lessons/{TEST}"


@pytest.fixture
def learner(quiz_app):
    client = quiz_app.test_client()
    client.sign_in()
    return client


def recorded_count(app, client) -> int:
    return sum(1 for _ in services(app).store.learners.statements(learner_id(client)))


def two_answers(app, page: QuizPage) -> dict:
    quiz = lesson_quiz(app, COURSE, TEST)
    return {**answer(quiz.question("dang-nhap-vneid"), "right", page), "a-ten-goi": "mã hồ sơ"}


def test_the_test_form_goes_to_a_summary_and_records_nothing(learner, quiz_app):
    page = open_quiz(learner, COURSE, TEST)
    assert f'action="{TEST_URL}/quiz/summary"' in page.html and f'data-draft="{TEST_URL}/quiz/draft"' in page.html
    before = recorded_count(quiz_app, learner)
    sent = learner.post(f"{TEST_URL}/quiz/summary", data={"attempt": page.attempt, **two_answers(quiz_app, page)})
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"{TEST_URL}/quiz/summary")
    assert recorded_count(quiz_app, learner) == before  # an Enter in an answer box submits nothing
    summary = text(learner.get(sent.headers["Location"]))
    assert "Bạn đã trả lời 2 trên 9 câu hỏi." in summary and "Còn 7 câu hỏi chưa có câu trả lời." in summary
    blank = re.findall(r'<tr class="is-blank">\s*<td><a href="([^"]+)"', summary)
    assert len(blank) == 7 and blank[0] == f"{TEST_URL}#q-giay-to-can-co"
    assert len(re.findall(r'<tr class="is-answered">', summary)) == 2
    assert "Nộp bài và kết thúc" in summary and "Quay lại làm bài" in summary


def test_confirming_the_summary_submits_the_saved_answers(learner, quiz_app):
    page = open_quiz(learner, COURSE, TEST)
    learner.post(f"{TEST_URL}/quiz/summary", data={"attempt": page.attempt, **two_answers(quiz_app, page)})
    summary = learner.get(f"{TEST_URL}/quiz/summary").get_data(as_text=True)
    confirm = summary[summary.index('<form class="quiz-confirm"'):]
    fields = dict(re.findall(r'<input type="hidden" name="(a-[^"]+)" value="([^"]*)"', confirm))
    assert fields == two_answers(quiz_app, page)
    done = submit(learner, COURSE, TEST, page, fields)
    assert done.status_code == 303 and "/quiz/" in done.headers["Location"]
    results = text(learner.get(done.headers["Location"]))
    assert results.count("Đúng") >= 2
    assert services(quiz_app).store.learners.draft(learner_id(learner), f"{COURSE}/{TEST}") is None  # dropped
    assert learner.get(f"{TEST_URL}/quiz/summary").status_code == 303  # no open attempt to sum up


def test_answers_typed_so_far_survive_a_sign_out_and_a_restart(learner, quiz_app, make_player, tmp_path):
    page = open_quiz(learner, COURSE, TEST)
    quiz = lesson_quiz(quiz_app, COURSE, TEST)
    typed = {**two_answers(quiz_app, page), **answer(quiz.question("thu-tu-nop"), "right", page),
             **answer(quiz.question("ghep-thu-tuc"), "partial", page)}
    assert learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": page.attempt, **typed}).status_code == 204
    reloaded = open_quiz(learner, COURSE, TEST)
    assert reloaded.attempt == page.attempt and 'value="mã hồ sơ"' in reloaded.block("ten-goi")  # a reload
    who = learner_id(learner)
    learner.post("/learners/sign-out")
    restarted = make_player(tmp_path / "data").test_client()  # a new browser session after a restart
    restarted.post(f"/learners/{who}/open", data={"confirm": "yes"})
    back = open_quiz(restarted, COURSE, TEST)
    assert back.attempt == page.attempt
    key = [name for name in typed if name.startswith("a-dang-nhap-vneid")][0]
    assert f'value="{typed[key]}" checked' in back.block("dang-nhap-vneid")
    assert 'value="mã hồ sơ"' in back.block("ten-goi")
    for name, position in typed.items():
        if name.startswith("a-thu-tu-nop."):
            select = re.search(rf'name="{re.escape(name)}">(.*?)</select>', back.html, re.S).group(1)
            assert f"<option selected>{position}</option>" in select
    picked = [value for name, value in typed.items() if name.startswith("a-ghep-thu-tuc.") and value]
    assert all(f'value="{value}" selected' in back.block("ghep-thu-tuc") for value in picked)


def test_a_draft_the_page_could_not_have_sent_is_refused(learner, quiz_app):
    page = open_quiz(learner, COURSE, TEST)
    assert learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": page.attempt, "a-nope": "x"}).status_code == 400
    assert learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": "0" * 32}).status_code == 409
    assert learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": page.attempt}, csrf=False).status_code == 400
    assert services(quiz_app).store.learners.draft(learner_id(learner), f"{COURSE}/{TEST}") is None


def test_a_late_draft_of_a_submitted_attempt_is_refused_quietly(learner, quiz_app):
    page = open_quiz(learner, COURSE, TEST)
    submit(learner, COURSE, TEST, page, {})
    late = learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": page.attempt, "a-ten-goi": "abc"})
    assert late.status_code == 409  # a beacon sent as the page left, after the submit
    assert services(quiz_app).store.learners.draft(learner_id(learner), f"{COURSE}/{TEST}") is None
    assert "đã được nộp" not in text(learner.get(TEST_URL))  # and it leaves no message behind


def test_a_damaged_drafts_file_is_moved_aside_and_the_test_still_opens(learner, quiz_app):
    page = open_quiz(learner, COURSE, TEST)
    learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": page.attempt, "a-ten-goi": "abc"})
    path = services(quiz_app).paths.learner_drafts(learner_id(learner))
    path.write_text('{"drafts": {"1": {"key": ', encoding="utf-8")
    services(quiz_app).store.databases.forget(path)
    assert open_quiz(learner, COURSE, TEST).attempt == page.attempt  # the session still has it
    assert learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": page.attempt, "a-ten-goi": "x"}).status_code == 204
    assert any(p.name.startswith("drafts.json.damaged-") for p in path.parent.iterdir())


def lose_the_response(client, do):
    """Do a request whose response never reaches the browser: its cookie stays as it was before."""
    cookie = client.get_cookie("session").value
    response = do()
    client.set_cookie("session", cookie)
    return response


def test_a_test_whose_submit_response_was_lost_is_finished(learner, quiz_app):
    page = open_quiz(learner, COURSE, TEST)
    results = lose_the_response(learner, lambda: submit(learner, COURSE, TEST, page, two_answers(quiz_app, page)))
    again = open_quiz(learner, COURSE, TEST)
    assert again.attempt != page.attempt  # a new attempt, within the limit
    assert "Đã làm: 1 trên 2 lần" in text(learner.get(TEST_URL))
    assert "đã được nộp" not in again.html
    assert f'href="{results.headers["Location"]}"' in again.html and "Xem kết quả lần làm trước" in again.html


def test_a_self_check_whose_response_was_lost_shows_its_result_in_place(learner, quiz_app):
    quiz = lesson_quiz(quiz_app, COURSE, SELF_CHECK)
    page = open_quiz(learner, COURSE, SELF_CHECK)
    lose_the_response(learner, lambda: submit(learner, COURSE, SELF_CHECK, page,
                                              answer(quiz.question("tu-kiem-tra-ten-mien"), "right", page)))
    shown = open_quiz(learner, COURSE, SELF_CHECK)
    assert shown.results == {"tu-kiem-tra-ten-mien": "right"} and shown.attempt != page.attempt


def test_a_lost_attempt_left_as_a_draft_is_never_reopened(learner, quiz_app):
    page = open_quiz(learner, COURSE, TEST)
    learner.post(f"{TEST_URL}/quiz/draft", data={"attempt": page.attempt, "a-ten-goi": "abc"})
    store = services(quiz_app).store.learners
    kept = store.draft(learner_id(learner), f"{COURSE}/{TEST}")
    submit(learner, COURSE, TEST, page, {})
    store.put_draft(learner_id(learner), f"{COURSE}/{TEST}", kept)  # as if the player stopped before dropping it
    with learner.session_transaction() as session:
        session.pop("quiz")
    assert open_quiz(learner, COURSE, TEST).attempt != page.attempt
