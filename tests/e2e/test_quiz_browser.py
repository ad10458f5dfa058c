"""Quizzes in Debian's chromium. A learner walks through the whole real course "Sử dụng dịch vụ công trực
tuyến": every lesson in order (a self-check on the way), fails the final test once (sees the feedback for
the choice made, tries again), passes it answering partly by keyboard alone, sees the course complete and
the certificate. And a test with every type of question, failed, then passed (steps ordered with the Move
up buttons). Nothing leaves 127.0.0.1, no console error, no Content-Security-Policy violation."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from learner_steps import submit_test
from playwright.sync_api import Page, expect

from builder.build import build
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

COURSE, FINAL = "dich-vu-cong", "kiem-tra-cuoi-khoa"
KEYBOARD = ("muc-do-2-qua-dien-thoai", "an-toan-viec-nen-lam")  # answered with Tab, Space and arrows only


def serve_with_quiz(tmp_path, bundle: Path, lesson_id: str, publisher_key, install_bundle, player_server):
    """The player with `bundle` installed, served on loopback, and that lesson's quiz (its key, from the bundle)."""
    data = install_bundle(tmp_path / "data", bundle, publisher_key)
    with Bundle(bundle) as opened:
        quiz = load_quiz(opened, lesson_id)
    with player_server(data) as server:
        yield server, quiz


@pytest.fixture
def course_server(tmp_path, content_bundle, publisher_key, install_bundle, player_server):
    yield from serve_with_quiz(tmp_path, content_bundle(COURSE), FINAL, publisher_key, install_bundle, player_server)


def answer_right(page: Page, question: Question) -> None:
    """Answer with the mouse, from the key in the bundle."""
    name = f"a-{question.id}"
    if isinstance(question, (SingleChoice, MultipleChoice)):
        keys = item_keys(question.id, "choice", [choice.text for choice in question.choices])
        for key, choice in zip(keys, question.choices):
            if choice.weight > 0:
                page.locator(f'input[name="{name}"][value="{key}"]').check()
    elif isinstance(question, TrueFalse):
        page.locator(f'input[name="{name}"][value="{str(question.correct).lower()}"]').check()
    elif isinstance(question, ShortAnswer):  # typed without diacritics: the question allows it
        page.locator(f'input[name="{name}"]').fill("ma ho so")
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


def tab_until(page: Page, test: str, limit: int = 80) -> None:
    """Press Tab until `test` (JavaScript about `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({test}); }})()"):
            return
    raise AssertionError(f"Tab never reached {test}")


def answer_by_keyboard(page: Page, question: Question) -> None:
    """Tab to the question; a radio group takes the arrow keys, a checkbox Space."""
    name = f"a-{question.id}"
    tab_until(page, f'el.name === "{name}"')
    if isinstance(question, TrueFalse):  # Tab lands on "Đúng"; the arrow moves to "Sai" and chooses it
        page.keyboard.press("Space" if question.correct else "ArrowDown")
        return
    keys = item_keys(question.id, "choice", [choice.text for choice in question.choices])
    right = {key for key, choice in zip(keys, question.choices) if choice.weight > 0}
    for index in range(len(question.choices)):
        if index:
            page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") in right:
            page.keyboard.press("Space")


@pytest.mark.browser
def test_a_learner_completes_the_online_public_services_course(page: Page, course_server):
    server, final = course_server
    seen = watch(page)
    base = server.url.rstrip("/")
    heading = page.locator("article.lesson h1")

    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Trần Văn Bình")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.get_by_role("link", name="Mở khoá học").click()
    page.get_by_role("link", name="Bắt đầu học").click()

    # Every lesson in order, Done at the end of each; the self-check in lesson 2 is tried on the way.
    self_checked = False
    for _ in range(10):
        expect(heading).to_be_visible()
        if page.locator("#q-tu-kiem-tra-muc-do-2").count():
            self_checked = True
            page.locator('#q-tu-kiem-tra-muc-do-2 input[value="false"]').check()
            page.locator("#q-tu-kiem-tra-muc-do-2").get_by_role("button", name="Kiểm tra câu trả lời").click()
            result = page.locator("section#q-tu-kiem-tra-muc-do-2")
            expect(result.locator(".verdict")).to_contain_text("Đúng")
            expect(result).to_contain_text("Công an không hướng dẫn kích hoạt")  # the explanation
        page.get_by_role("button", name="✓ Xong, sang bài tiếp").click()
    expect(page).to_have_url(f"{base}/courses/{COURSE}/lessons/{FINAL}")
    assert self_checked

    # The final test, first attempt: one wrong answer, then submit; the feedback says why it is wrong.
    expect(page.locator(".quiz-intro")).to_contain_text("Điểm đạt: 70%")
    page.locator("#q-dia-chi-that label.option", has_text="dichvucong-gov.vn").click()
    submit_test(page, blank=len(final.questions) - 1)
    expect(page.locator(".score-verdict")).to_have_text(re.compile("Lần này bạn chưa đạt"))
    expect(page.locator(".score-box")).to_contain_text("Bạn còn 2 lần làm bài.")
    wrong = page.locator("section#q-dia-chi-that")
    expect(wrong.locator(".verdict")).to_contain_text("Chưa đúng")
    expect(wrong.locator(".feedback")).to_have_text("Giả. Tên trang kết thúc bằng -gov.vn, có dấu gạch ngang.")
    page.get_by_role("link", name="↻ Làm lại").first.click()

    # Second attempt: everything right; two questions by keyboard alone, submitted with Enter.
    expect(page.locator("fieldset.question").first).to_be_visible()  # the new attempt's page has loaded
    asked = page.locator("fieldset.question").evaluate_all("all => all.map(el => el.id.slice(2))")
    assert sorted(asked) == sorted(q.id for q in final.questions)
    for question_id in asked:
        if question_id not in KEYBOARD:
            answer_right(page, final.question(question_id))
    page.locator("h1").click()  # start from the top of the page, then only the keyboard
    for question_id in asked:
        if question_id in KEYBOARD:
            answer_by_keyboard(page, final.question(question_id))
    expect(page.locator('input[name="a-muc-do-2-qua-dien-thoai"][value="false"]')).to_be_checked()
    tab_until(page, 'el.type === "submit" && el.textContent.trim() === "Nộp bài"')
    page.keyboard.press("Enter")
    expect(page.locator("tr.is-blank")).to_have_count(0)
    tab_until(page, 'el.type === "submit" && el.textContent.trim() === "Nộp bài và kết thúc"')
    page.keyboard.press("Enter")
    expect(page.locator(".score-verdict")).to_have_text(re.compile("Bạn đã đạt!"))
    expect(page.locator(".score")).to_contain_text("Điểm của bạn: 100%")
    expect(page.locator("section.question-result.result-right")).to_have_count(len(final.questions))

    # The course is complete: contents, library and the certificate say so.
    page.get_by_role("link", name="Tiếp tục →").first.click()
    expect(page).to_have_url(f"{base}/courses/{COURSE}/")
    expect(page.locator(".progress-text")).to_have_text("Đã học 100% · điểm kiểm tra cao nhất 100% · Đã hoàn thành khoá học")
    expect(page.locator(".toc li.done")).to_have_count(11)
    expect(page.locator(".quiz-badge")).to_contain_text("✓ Đã đạt")
    page.get_by_role("link", name="Giấy chứng nhận của bạn").click()
    expect(page.locator(".certificate-name")).to_have_text("Trần Văn Bình")
    expect(page.locator(".certificate-course")).to_have_text("Sử dụng dịch vụ công trực tuyến")

    assert seen.requests and seen.off_loopback(urlsplit(server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []


@pytest.fixture
def quiz_course_server(tmp_path, publisher_key, install_bundle, player_server):
    bundle = build(Path(__file__).parents[1] / "fixtures" / "courses" / "quiz", tmp_path / "dist", use_cache=False,
                   signer=publisher_key)
    yield from serve_with_quiz(tmp_path, bundle, "on-tap", publisher_key, install_bundle, player_server)


def order_with_buttons(page: Page, question: Ordering) -> None:
    """Put the steps in order with the Move up buttons quiz.js adds."""
    steps = page.locator(f"#q-{question.id} li.step")
    for target, key in enumerate(item_keys(question.id, "step", question.steps)):
        names = steps.locator("select").evaluate_all("all => all.map(el => el.name)")
        for _ in range(names.index(f"a-{question.id}.{key}") - target):
            page.locator(f'#q-{question.id} li.step:has(select[name="a-{question.id}.{key}"])').get_by_role(
                "button", name="Chuyển lên").click()
    positions = steps.locator("select").evaluate_all("all => all.map(el => el.value)")
    assert positions == [str(n) for n in range(1, len(question.steps) + 1)]


@pytest.mark.browser
def test_a_test_with_every_type_of_question_is_failed_then_passed(page: Page, quiz_course_server):
    server, quiz = quiz_course_server
    seen = watch(page)
    base = server.url.rstrip("/")
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn").fill("Lan")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
    page.goto(f"{base}/courses/quiz-mau/lessons/on-tap")

    page.locator('input[name="a-so-chu-so-otp"]').fill("12")
    submit_test(page)
    expect(page.locator(".score-verdict")).to_contain_text("Lần này bạn chưa đạt")
    expect(page.locator("section#q-so-chu-so-otp .given .given-text")).to_have_text("12")
    expect(page.locator("section#q-so-chu-so-otp .right-answer .right-text")).to_have_text("6")  # beside it
    expect(page.locator("section#q-ghep-thu-tuc .explanation")).to_contain_text("Mỗi việc có một nơi làm phù hợp.")
    page.get_by_role("link", name="↻ Làm lại").first.click()

    for question in quiz.questions:
        if isinstance(question, (SingleChoice, MultipleChoice, TrueFalse, Matching)):
            answer_right(page, question)
    page.locator('input[name="a-ten-goi"]').fill("CHU KY SO")
    page.locator('input[name="a-so-chu-so-otp"]').fill("6")
    page.locator('input[name="a-gift-trong-bai"]').fill("dichvucong.gov.vn")
    page.locator('textarea[name="a-cam-nhan"]').fill("Bước điền tờ khai, vì có nhiều ô.")
    order_with_buttons(page, quiz.question("thu-tu-nop"))
    submit_test(page, blank=0)
    expect(page.locator(".score-verdict")).to_contain_text("Bạn đã đạt!")
    expect(page.locator(".score")).to_contain_text("Điểm của bạn: 100%")
    expect(page.locator("section.result-ungraded .given .given-text")).to_have_text("Bước điền tờ khai, vì có nhiều ô.")
    expect(page.locator("section#q-chu-ky-so-hop-le .feedback")).to_have_text("Đúng: theo Luật Giao dịch điện tử.")
    assert seen.off_loopback(urlsplit(server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []
