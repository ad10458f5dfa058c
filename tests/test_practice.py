"""Practice simulations in the player: the lesson's card, each step's screen checked on the player's side,
hints that escalate to the answer, going back, the PIN lock, the safety band, real-looking personal data
refused and never stored, and the statements a practice records (right/wrong, never the inputs)."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from practice_helpers import current_step, practice_of, right_form, url, wrong_form

from player.practice import catalogue
from player.practice.checking import field_name
from player.progress import recorder
from player.results.export import export_results
from player.web.services import services
from player.xapi import vocabulary as xapi

COURSE = "thuc-hanh-mau"
PORTAL = (COURSE, "tam-tru", "dang-ky-tam-tru")
SIGNING = (COURSE, "ky-so", "ky-so-pdf")
MESSAGES = (COURSE, "lua-dao", "tin-nhan-lua-dao")
REAL_LOOKING = ("079203004512", "0987 654 321", "+84987654321")


@pytest.fixture
def practice_app(tmp_path, signed_practice_bundle, publisher_key, make_player):
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    services(app).library.install(signed_practice_bundle)
    return app


@pytest.fixture
def learner(practice_app):
    client = practice_app.test_client()
    client.learner_id = client.sign_in("Lò Thị Học")
    return client


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def words(response) -> str:
    """The page's text without its tags."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))).replace(" :", ":")


def start(client, which) -> str:
    assert client.post(url(*which, "start")).status_code == 303
    return url(*which)


def statements_of(app, learner_id: str) -> list[dict]:
    return list(services(app).store.learners.statements(learner_id))


def test_the_lesson_shows_its_practice_and_the_page_its_scenario_and_band(learner):
    lesson = text(learner.get(f"/courses/{COURSE}/lessons/tam-tru"))
    assert "Thực hành" in lesson and "Đăng ký tạm trú trực tuyến" in lesson and "Mở bài thực hành" in lesson
    page = text(learner.get(url(*PORTAL)))
    assert "MÔ PHỎNG – không phải trang thật" in page
    assert "Bạn là Lò Văn Pà" in page and "Đừng nhập số định danh thật của bạn ở đây" in page
    assert "Bắt đầu thực hành" in page and "001099012345" in page  # the scenario card gives it; no key leaks below
    started = text(learner.get(start(learner, PORTAL)))
    assert "MÔ PHỎNG – không phải trang thật" in started and "Bước 1 / 6" in started
    assert "Đăng nhập bằng tài khoản định danh điện tử" in started


def test_hints_escalate_from_the_authors_to_a_stronger_one_to_the_answer(practice_app, learner):
    base = start(learner, PORTAL)
    step = practice_of(practice_app, *PORTAL).step("tim-thu-tuc")
    learner.post(url(*PORTAL, "check"), data=right_form(practice_of(practice_app, *PORTAL).step("dang-nhap")))
    learner.post(url(*PORTAL, "check"), data=right_form(practice_of(practice_app, *PORTAL).step("otp")))
    assert current_step(learner, base) == "tim-thu-tuc"
    assert "Gợi ý" not in text(learner.get(base))
    seen = []
    for _ in range(3):
        assert learner.post(url(*PORTAL, "check"), data=wrong_form(step)).status_code == 303
        seen.append(words(learner.get(base)))
    assert "Gợi ý: Đọc lại thẻ tình huống: bạn cần đăng ký gì?" in seen[0]
    assert "Gợi ý rõ hơn: Là một trong hai: Đăng ký thường trú / Đăng ký tạm trú" in seen[1]
    assert "Đáp án: Đăng ký tạm trú" in seen[2]
    assert "Đáp án" not in seen[0] + seen[1]
    learner.post(url(*PORTAL, "check"), data=right_form(step))
    assert current_step(learner, base) == "to-khai"


def test_a_text_field_gets_a_stronger_hint_made_by_the_player(practice_app, learner):
    base = start(learner, PORTAL)
    step = practice_of(practice_app, *PORTAL).step("dang-nhap")
    learner.post(url(*PORTAL, "check"), data={"step": "dang-nhap", field_name(step.fields[0]): "123"})
    learner.post(url(*PORTAL, "check"), data={"step": "dang-nhap", field_name(step.fields[0]): "123"})
    assert "Gợi ý rõ hơn: Bắt đầu bằng “0010” và có 12 ký tự." in words(learner.get(base))


def test_fields_already_right_stay_right_and_going_back_keeps_them(practice_app, learner):
    base = start(learner, PORTAL)
    practice = practice_of(practice_app, *PORTAL)
    for step_id in ("dang-nhap", "otp", "tim-thu-tuc"):
        learner.post(url(*PORTAL, "check"), data=right_form(practice.step(step_id)))
    form = practice.step("to-khai")
    learner.post(url(*PORTAL, "check"), data={"step": "to-khai", field_name(form.fields[0]): "lò  văn PÀ",
                                               field_name(form.fields[1]): "5/9/2024"})
    page = text(learner.get(base))
    assert current_step(learner, base) == "to-khai" and 'value="Lò Văn Pà"' in page and "✓ Đúng" in page
    assert learner.post(url(*PORTAL, "back")).status_code == 303
    assert current_step(learner, base) == "tim-thu-tuc"
    assert 'value="Đăng ký tạm trú" checked' in text(learner.get(base))
    learner.post(url(*PORTAL, "check"), data=right_form(practice.step("tim-thu-tuc")))
    learner.post(url(*PORTAL, "check"), data={"step": "to-khai", field_name(form.fields[0]): "Lò Văn Pà",
                                               field_name(form.fields[1]): "2025-09-05"})  # a date box's form
    assert current_step(learner, base) == "dinh-kem"


def test_a_screen_out_of_date_is_not_checked(practice_app, learner):
    base = start(learner, PORTAL)
    step = practice_of(practice_app, *PORTAL).step("otp")
    learner.post(url(*PORTAL, "check"), data=right_form(step))
    assert "Màn hình này đã cũ" in text(learner.get(base))
    assert current_step(learner, base) == "dang-nhap"


def test_three_wrong_pins_lock_the_practice_token(practice_app, learner):
    base = start(learner, SIGNING)
    practice = practice_of(practice_app, *SIGNING)
    learner.post(url(*SIGNING, "check"), data=right_form(practice.step("mo-tep")))
    for tries in range(1, 4):
        learner.post(url(*SIGNING, "check"), data=wrong_form(practice.step("pin")))
        locked = "Nhập sai mã PIN ba lần" in text(learner.get(base))
        assert locked == (tries == 3)
    assert 'type="password"' in text(learner.get(base))


@pytest.mark.parametrize("typed", REAL_LOOKING)
def test_a_real_looking_id_or_phone_number_is_refused_and_never_stored(practice_app, learner, tmp_path, typed):
    base = start(learner, PORTAL)
    step = practice_of(practice_app, *PORTAL).step("dang-nhap")
    before = statements_of(practice_app, learner.learner_id)
    response = learner.post(url(*PORTAL, "check"), data={"step": "dang-nhap", field_name(step.fields[0]): typed})
    assert response.status_code == 303
    page = text(learner.get(base))
    assert "Đừng nhập số định danh thật của bạn ở đây" in page and typed not in page
    assert statements_of(practice_app, learner.learner_id) == before  # not even counted as a mistake
    assert "Gợi ý" not in page
    with learner.session_transaction() as session:
        assert typed not in json.dumps(dict(session), ensure_ascii=False)
    learner.post(url(*PORTAL, "check"), data=wrong_form(step))  # a recorded attempt, then an export
    exported = export_results(services(practice_app).statements, tmp_path / "usb")
    digits = typed.replace(" ", "").replace("+", "")
    assert digits not in exported.path.read_text(encoding="utf-8")
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert typed.encode() not in data and digits.encode() not in data, path


def test_the_scenarios_own_number_is_accepted(practice_app, learner):
    base = start(learner, PORTAL)
    step = practice_of(practice_app, *PORTAL).step("dang-nhap")
    learner.post(url(*PORTAL, "check"), data={"step": "dang-nhap", field_name(step.fields[0]): "0010 9901 2345"})
    assert current_step(learner, base) == "otp"


def test_each_check_is_one_statement_and_finishing_completes_the_lesson(practice_app, learner):
    base = start(learner, MESSAGES)
    practice = practice_of(practice_app, *MESSAGES)
    first, second = practice.steps
    learner.post(url(*MESSAGES, "check"), data=wrong_form(first))
    learner.post(url(*MESSAGES, "check"), data=right_form(first))
    assert "Không ai được hỏi mã OTP của bạn" in text(learner.get(base))  # the step's explanation
    learner.post(url(*MESSAGES, "check"), data=right_form(second))
    page = text(learner.get(base))
    assert "Bạn đã hoàn thành bài thực hành này. Số lỗi: 1, số gợi ý: 1." in page and "Thực hành lại" in page
    made = [s for s in statements_of(practice_app, learner.learner_id) if ":practice:" in s["object"]["id"]]
    steps = [(s["object"]["id"].rsplit(":", 1)[1], s["result"]["success"],
              s["result"]["extensions"][xapi.EXTENSION_MISTAKES], s["result"]["extensions"][xapi.EXTENSION_HINTS])
             for s in made if xapi.verb_name(s) == "answered"]
    assert steps == [("cong-an-goi", False, 1, 1), ("cong-an-goi", True, 1, 1), ("thong-bao-cong", True, 0, 0)]
    assert all("response" not in s["result"] for s in made)
    done = [s for s in made if xapi.verb_name(s) == "completed"]
    assert len(done) == 1 and done[0]["object"]["definition"]["type"] == xapi.PRACTICE_TYPE
    assert len({s["context"]["registration"] for s in made}) == 1
    with practice_app.test_request_context():
        assert recorder.progress_of(learner.learner_id)[COURSE].done("lua-dao")
    lesson = text(learner.get(f"/courses/{COURSE}/lessons/lua-dao"))
    assert "✓ Bạn đã hoàn thành bài thực hành này." in lesson and "Thực hành lại" in lesson


def test_an_unknown_practice_is_not_found(learner):
    assert learner.get(url(COURSE, "tam-tru", "khong-co")).status_code == 404
    assert learner.post(url(COURSE, "ky-so", "dang-ky-tam-tru", "start")).status_code == 404


def test_the_pages_have_no_inline_script_or_style_and_keep_the_csp(practice_app, learner):
    pages = [learner.get(url(*PORTAL)), learner.get(start(learner, PORTAL))]
    learner.post(url(*PORTAL, "check"), data=wrong_form(practice_of(practice_app, *PORTAL).steps[0]))
    pages.append(learner.get(url(*PORTAL)))
    for response in pages:
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self';")
        html = response.get_data(as_text=True)
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
        assert re.findall(r"\s(on[a-z]+|style)=", html) == []


REAL_PRACTICES = [("dich-vu-cong", "nop-ho-so", "procedure"), ("dich-vu-cong", "an-toan", "messages"),
                  ("chu-ky-so", "ky-tep-pdf", "signing"), ("chu-ky-so", "lua-dao", "messages"),
                  ("dich-vu-cong-en", "nop-ho-so", "procedure"), ("dich-vu-cong-en", "an-toan", "messages"),
                  ("ky-so-can-bo-xa", "kiem-tra-van-ban-den", "signing"),  # issue 16: one practice each
                  ("ky-nang-so-co-ban", "cai-ung-dung", "messages")]


@pytest.mark.parametrize("course_id, lesson_id, kind", REAL_PRACTICES)
def test_the_real_courses_practices_can_be_finished(tmp_path, make_player, content_bundle, publisher_key, course_id,
                                                    lesson_id, kind):
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    services(app).library.install(content_bundle(course_id))
    with app.test_request_context():
        (practice,) = catalogue.lesson_practices(course_id, lesson_id)
    assert practice.kind == kind
    client = app.test_client()
    learner_id = client.sign_in()
    lesson = client.get(f"/courses/{course_id}/lessons/{lesson_id}").get_data(as_text=True)
    assert lesson.count(f'id="practice-card-{practice.id}"') == 1  # in place, also among a lesson's questions
    which = (course_id, lesson_id, practice.id)
    base = start(client, which)
    for step in practice.path():
        assert current_step(client, base) == step.id
        assert "MÔ PHỎNG – không phải trang thật" in text(client.get(base))
        client.post(url(*which, "check"), data=right_form(step))
    assert "Bạn đã hoàn thành bài thực hành này" in text(client.get(base))
    with app.test_request_context():
        assert recorder.progress_of(learner_id)[course_id].done(lesson_id)


def test_the_practice_card_stands_where_the_trainer_wrote_the_block(learner):
    html = learner.get(f"/courses/{COURSE}/lessons/tam-tru").get_data(as_text=True)
    intro, card = html.index("Bạn sẽ tập nộp một hồ sơ"), html.index('id="practice-card-dang-ky-tam-tru"')
    assert intro < card < html.index('class="lesson-done"')
    assert 'class="practice-block"' not in html
