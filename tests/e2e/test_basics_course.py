"""The course "Kỹ năng số cơ bản" in Debian's chromium, as a learner takes it: every lesson in order with its
picture rendered (a self-check answered on the way), the final test failed once (the feedback for the choice
made), then passed with every type of question, the course complete and the certificate. Nothing leaves
127.0.0.1, no console error, no Content-Security-Policy violation. Modelled on test_quiz_browser.py's walk
through "Sử dụng dịch vụ công trực tuyến"."""

import re
from urllib.parse import urlsplit

import pytest
from browser_watch import assert_image_rendered, watch
from learner_steps import submit_test
from playwright.sync_api import Page, expect

from courses import Bundle
from courses.quiz import (
    Matching,
    MultipleChoice,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    item_keys,
    load_quiz,
    matching_options,
)

COURSE, FINAL, TITLE = "ky-nang-so-co-ban", "kiem-tra-cuoi-khoa", "Kỹ năng số cơ bản"
SELF_CHECK = ("lam-quen-dien-thoai", "tu-kiem-tra-vuot")  # lesson, question: answered on the way
WRONG_FIRST = ("ngan-hang-gui-link", "true", "Chưa đúng. Tin nhắn ngân hàng có đường link là tin nhắn giả.")


@pytest.fixture
def basics_server(tmp_path, content_bundle, publisher_key, install_bundle, player_server):
    """The player with the signed basics course installed, on loopback; and the quizzes read from the bundle
    (the final test and the self-check), to answer from their key."""
    bundle = content_bundle(COURSE)
    data = install_bundle(tmp_path / "data", bundle, publisher_key)
    with Bundle(bundle) as opened:
        final, self_check = load_quiz(opened, FINAL), load_quiz(opened, SELF_CHECK[0])
    with player_server(data) as server:
        yield server, final, self_check


def right_choice_keys(question: Question) -> list[str]:
    keys = item_keys(question.id, "choice", [choice.text for choice in question.choices])
    return [key for key, choice in zip(keys, question.choices) if choice.weight > 0]


def answer_right(page: Page, question: Question) -> None:
    """Answer with the mouse from the key in the bundle; a short answer is typed as the key writes it."""
    name = f"a-{question.id}"
    if isinstance(question, (SingleChoice, MultipleChoice)):
        for key in right_choice_keys(question):
            page.locator(f'input[name="{name}"][value="{key}"]').check()
    elif isinstance(question, TrueFalse):
        page.locator(f'input[name="{name}"][value="{str(question.correct).lower()}"]').check()
    elif isinstance(question, ShortAnswer):
        page.locator(f'input[name="{name}"]').fill(question.answers[0].text)
    elif isinstance(question, Matching):
        prompts = [pair for pair in question.pairs if pair.left]
        options = matching_options(question)
        option_keys = dict(zip(options, item_keys(question.id, "option", options)))
        for key, pair in zip(item_keys(question.id, "prompt", [p.left for p in prompts]), prompts):
            page.locator(f'select[name="{name}.{key}"]').select_option(option_keys[pair.right])
    elif isinstance(question, Ordering):  # choosing a number moves the step there (quiz.js)
        for position, key in enumerate(item_keys(question.id, "step", question.steps), 1):
            page.locator(f'select[name="{name}.{key}"]').select_option(str(position))
    else:
        raise AssertionError(question.type)


@pytest.mark.browser
def test_a_learner_completes_the_digital_basics_course(page: Page, basics_server):
    server, final, self_check = basics_server
    seen = watch(page)
    base = server.url.rstrip("/")
    heading = page.locator("article.lesson h1")

    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Lò Thị Mai")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.get_by_role("link", name="Mở khoá học").click()
    page.get_by_role("link", name="Bắt đầu học").click()

    # Every lesson before the final test, in order: its picture rendered; Done at the end of each.
    lesson_id, question_id = SELF_CHECK
    for _ in range(10):
        expect(heading).to_be_visible()
        if not page.url.endswith("/lessons/tu-dien"):
            assert_image_rendered(page, 'article.lesson img[src$=".svg"]')
        if page.url.endswith(f"/lessons/{lesson_id}"):
            question = self_check.question(question_id)
            page.locator(f'#q-{question_id} input[value="{right_choice_keys(question)[0]}"]').check()
            page.locator(f"#q-{question_id}").get_by_role("button", name="Kiểm tra câu trả lời").click()
            result = page.locator(f"section#q-{question_id}")
            expect(result.locator(".verdict")).to_contain_text("Đúng")
            expect(result).to_contain_text("Vuốt là đặt ngón tay lên màn hình")  # the explanation
        page.get_by_role("button", name="✓ Xong, sang bài tiếp").click()
    expect(page).to_have_url(f"{base}/courses/{COURSE}/lessons/{FINAL}")

    # First attempt: one wrong answer, the rest left empty; the feedback says why the answer is wrong.
    expect(page.locator(".quiz-intro")).to_contain_text("Điểm đạt: 70%")
    wrong_id, wrong_value, wrong_feedback = WRONG_FIRST
    page.locator(f'input[name="a-{wrong_id}"][value="{wrong_value}"]').check()
    submit_test(page)
    expect(page.locator(".score-verdict")).to_have_text(re.compile("Lần này bạn chưa đạt"))
    expect(page.locator(".score-box")).to_contain_text("Bạn còn 2 lần làm bài.")
    wrong = page.locator(f"section#q-{wrong_id}")
    expect(wrong.locator(".verdict")).to_contain_text("Chưa đúng")
    expect(wrong.locator(".feedback")).to_have_text(wrong_feedback)
    page.get_by_role("link", name="↻ Làm lại").first.click()

    # Second attempt: every question right, of every type (the short answer typed, the steps ordered).
    asked = page.locator("fieldset.question").evaluate_all("all => all.map(el => el.id.slice(2))")
    assert sorted(asked) == sorted(q.id for q in final.questions)
    assert {final.question(q).type for q in asked} >= {"single", "multiple", "truefalse", "short", "matching", "ordering"}
    for question_id in asked:
        answer_right(page, final.question(question_id))
    submit_test(page)
    expect(page.locator(".score-verdict")).to_have_text(re.compile("Bạn đã đạt!"))
    expect(page.locator(".score")).to_contain_text("Điểm của bạn: 100%")
    expect(page.locator("section.question-result.result-right")).to_have_count(len(final.questions))

    # The course is complete: its contents and the certificate say so.
    page.get_by_role("link", name="Tiếp tục →").first.click()
    expect(page).to_have_url(f"{base}/courses/{COURSE}/")
    expect(page.locator(".progress-text")).to_have_text("Đã học 100% · điểm kiểm tra cao nhất 100% · Đã hoàn thành khoá học")
    expect(page.locator(".toc li.done")).to_have_count(11)
    page.get_by_role("link", name="Giấy chứng nhận của bạn").click()
    expect(page.locator(".certificate-name")).to_have_text("Lò Thị Mai")
    expect(page.locator(".certificate-course")).to_have_text(TITLE)

    assert seen.requests and seen.off_loopback(urlsplit(server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []
