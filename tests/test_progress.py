"""Progress through the routes: lessons opened, completed with Done, time spent, resume, the completion
rule (quizzes plug in), and the certificate as a page and as a PDF that really shows Vietnamese."""

import re
import shutil
import subprocess
import unicodedata

import pytest
from support.pages import open_lesson, text

from player.certificates.certificate import completion_date, verification_code
from player.progress import recorder
from player.quizzes import catalogue
from player.web.services import services
from player.xapi import vocabulary as xapi
from player.xapi.statements import Answer

LESSONS = ("gioi-thieu", "dang-nhap", "ky-so")


def statements(app, learner_id: str) -> list[dict]:
    return list(services(app).store.learners.statements(learner_id))


def verbs(app, learner_id: str) -> list[tuple[str, str]]:
    return [(xapi.verb_name(s), s["object"]["id"].rsplit(":", 1)[1]) for s in statements(app, learner_id)]


@pytest.fixture
def learner(client):
    with client.session_transaction() as session:
        return session["learner"]


def finish(client, lessons=LESSONS):
    for lesson in lessons:
        open_lesson(client, "mini", lesson)
        client.post(f"/courses/mini/lessons/{lesson}/done")


def test_progress_shows_on_the_library_and_the_contents(client):
    assert "Đã học 0%" in text(client.get("/"))
    open_lesson(client, "mini", "gioi-thieu")
    done = client.post("/courses/mini/lessons/gioi-thieu/done")
    assert done.headers["Location"] == "/courses/mini/lessons/dang-nhap"
    assert "Đã học 33%" in text(client.get("/"))
    contents = text(client.get("/courses/mini/"))
    assert "Đã học 33%" in contents and '<progress max="100" value="33"' in contents
    assert contents.count('class="tick"') == 1
    assert re.search(r'<li class="done"> <a href="/courses/mini/lessons/gioi-thieu">', contents)
    assert "Bạn đã học xong bài này." in text(client.get("/courses/mini/lessons/gioi-thieu"))


def test_opening_a_course_resumes_where_the_learner_left_off(client):
    assert 'href="/courses/mini/lessons/gioi-thieu">Bắt đầu học' in text(client.get("/courses/mini/"))
    open_lesson(client, "mini", "dang-nhap")
    assert 'href="/courses/mini/lessons/dang-nhap">Học tiếp: Đăng nhập Cổng Dịch vụ công' in text(
        client.get("/courses/mini/"))
    client.post("/courses/mini/lessons/dang-nhap/done")  # done: continue with the next lesson not done
    assert 'href="/courses/mini/lessons/ky-so">Học tiếp: Ký số một tệp PDF' in text(client.get("/courses/mini/"))


def test_each_learner_resumes_at_their_own_place_after_a_restart(app, make_player):
    lan, minh = app.test_client(), app.test_client()
    lan.sign_in("Lan")
    minh.sign_in("Minh")
    finish(lan, LESSONS[:2])
    open_lesson(lan, "mini", "ky-so")
    open_lesson(minh, "mini", "gioi-thieu")

    restarted = make_player(services(app).paths.root)
    for name, expected, share in (("Lan", "Ký số một tệp PDF", "66%"), ("Minh", "Giới thiệu về chữ ký số", "0%")):
        client = restarted.test_client()
        learner = next(r["id"] for r in services(restarted).store.learners.learners() if r["name"] == name)
        client.post(f"/learners/{learner}/open")
        page = text(client.get("/courses/mini/"))
        assert f"Học tiếp: {expected}" in page and f"Đã học {share}" in page


def test_done_is_recorded_once_and_the_last_lesson_returns_to_the_contents(app, client, learner):
    open_lesson(client, "mini", "ky-so")
    for _ in range(2):
        assert client.post("/courses/mini/lessons/ky-so/done").headers["Location"] == "/courses/mini/"
    assert verbs(app, learner).count(("completed", "ky-so")) == 1


def test_time_spent_from_heartbeats_and_the_leaving_beacon(app, client, learner, fake_clock):
    _, visit = open_lesson(client, "mini", "gioi-thieu")
    for _ in range(4):
        fake_clock.move(30)
        assert client.post("/activity/beat", json={"visit": visit, "active": True}).json["ok"]
    fake_clock.move(12)
    assert client.post("/activity/end", data={"visit": visit}).status_code == 204
    fake_clock.move(12)
    assert client.post("/activity/end", data={"visit": visit}).status_code == 204  # a second beacon: nothing
    spent = [s["result"]["duration"] for s in statements(app, learner) if xapi.verb_name(s) == "experienced"]
    assert spent == ["PT2M12S"]


def test_a_long_pause_between_heartbeats_counts_little(app, client, learner, fake_clock):
    _, visit = open_lesson(client, "mini", "gioi-thieu")
    fake_clock.move(30)
    client.post("/activity/beat", json={"visit": visit, "active": True})
    fake_clock.move(80)  # a late beat (a busy old PC) counts at most two intervals
    client.post("/activity/beat", json={"visit": visit, "active": True})
    fake_clock.move(500)  # the PC slept: the visit ended at its last beat
    assert client.post("/activity/beat", json={"visit": visit, "active": True}).json["ok"] is False
    client.post("/activity/end", data={"visit": visit})
    spent = [s["result"]["duration"] for s in statements(app, learner) if xapi.verb_name(s) == "experienced"]
    assert spent == ["PT1M30S"]


def test_a_closed_window_is_counted_up_to_its_last_heartbeat(app, client, learner, fake_clock):
    _, visit = open_lesson(client, "mini", "dang-nhap")
    for _ in range(2):
        fake_clock.move(30)
        client.post("/activity/beat", json={"visit": visit, "active": True})
    fake_clock.move(200)  # no beacon came: the window was closed; any later request sweeps the visit
    client.get("/")
    spent = [s["result"]["duration"] for s in statements(app, learner) if xapi.verb_name(s) == "experienced"]
    assert spent == ["PT1M0S"]


def test_without_heartbeats_the_time_between_lesson_pages_counts(app, client, learner, fake_clock):
    open_lesson(client, "mini", "gioi-thieu")
    fake_clock.move(75)
    open_lesson(client, "mini", "dang-nhap")
    fake_clock.move(5)
    client.post("/learners/sign-out")  # signing out ends the open visit too
    spent = [(s["object"]["id"].rsplit(":", 1)[1], s["result"]["duration"])
             for s in statements(app, learner) if xapi.verb_name(s) == "experienced"]
    assert spent == [("gioi-thieu", "PT1M15S"), ("dang-nhap", "PT5S")]


def test_the_certificate_appears_only_when_the_rule_is_met(app, client, learner):
    assert client.get("/courses/mini/certificate").status_code == 404
    finish(client, LESSONS[:2])
    assert client.get("/courses/mini/certificate").status_code == 404
    finish(client, LESSONS[2:])
    contents = text(client.get("/courses/mini/"))
    assert "Đã hoàn thành khoá học" in contents and 'href="/courses/mini/certificate">Giấy chứng nhận' in contents
    assert verbs(app, learner).count(("completed", "mini")) == 1
    finish(client)  # doing it all again records no second course completion
    assert verbs(app, learner).count(("completed", "mini")) == 1


def test_quiz_lessons_plug_into_the_rule(app, client, learner, monkeypatch):
    monkeypatch.setattr(catalogue, "test_lesson_ids", lambda course: {"ky-so"})
    finish(client, LESSONS[:2])
    open_lesson(client, "mini", "ky-so")
    course = services(app).library.course("mini")
    answers = [Answer("q1", "a", True), Answer("q2", "b", False)]
    with app.test_request_context():
        profile = services(app).store.learners.profile(learner)
        recorder.record_quiz_attempt(course, "ky-so", answers, passed=False, seconds=40, learner=profile)
    assert client.get("/courses/mini/certificate").status_code == 404
    assert "điểm kiểm tra cao nhất 50%" in text(client.get("/"))
    with app.test_request_context():
        recorder.record_quiz_attempt(course, "ky-so", answers[:1], passed=True, seconds=30, learner=profile)
    assert "điểm kiểm tra cao nhất 100%" in text(client.get("/"))
    page = text(client.get("/courses/mini/certificate"))
    assert "Điểm: 100%" in page
    completed = [s for s in statements(app, learner) if xapi.verb_name(s) == "completed"
                 and s["object"]["id"] == "urn:tramhoc:course:mini"]
    assert completed[0]["result"]["score"]["scaled"] == 1.0


def test_record_quiz_attempt_needs_a_learner_and_a_real_lesson(app):
    course = services(app).library.course("mini")
    with app.test_request_context():
        with pytest.raises(LookupError):
            recorder.record_quiz_attempt(course, "ky-so", [], passed=True, seconds=1)
        with pytest.raises(KeyError):
            recorder.record_quiz_attempt(course, "nope", [], passed=True, seconds=1,
                                        learner={"id": "0" * 32, "name": "x"})


def test_certificate_page_and_pdf(app, client, learner, tmp_path):
    services(app).store.settings.update(centre_name="Trung tâm Phục vụ hành chính công xã Tân Lập")
    finish(client)
    page = text(client.get("/courses/mini/certificate"))
    code = re.search(r"Mã xác minh: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", page).group(1)
    assert "Giấy chứng nhận hoàn thành" in page and "Học viên Thử" in page and "Khoá học nhỏ: Chữ ký số" in page
    assert "xã Tân Lập" in page
    with app.test_request_context():  # the code is the HMAC of learner, course and completion date
        done = recorder.progress_of(learner)["mini"]
    assert code == verification_code(app.config["SECRET_KEY"], learner, "mini", completion_date(done))

    # Printed and saved where it is shown (the desktop window prints and saves itself): no link elsewhere.
    assert "data-open-in-browser" not in page and 'target="_blank"' not in page
    pdf = client.get("/courses/mini/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert app.test_client().get("/courses/mini/certificate.pdf").status_code == 401  # only for its learner

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.data)
    extracted = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout
    words = unicodedata.normalize("NFC", re.sub(r"\s+", " ", extracted))
    for expected in ("Giấy chứng nhận hoàn thành", "Học viên Thử", "đã hoàn thành khoá học",
                     "Khoá học nhỏ: Chữ ký số", "Trung tâm Phục vụ hành chính công xã Tân Lập", code):
        assert expected in words, f"{expected!r} not in the PDF's text: {words!r}"


def test_showing_a_lesson_records_nothing_only_its_pages_report_does(app, client, learner):
    for _ in range(30):  # a lesson's 30 image tags pointing at a lesson of another course
        assert client.get("/courses/mini/lessons/dang-nhap", headers={"Accept": "image/*"}).status_code == 200
    client.get("/courses/mini/lessons/gioi-thieu")
    assert verbs(app, learner) == []
    assert client.post("/courses/mini/lessons/gioi-thieu/opened", json={}, csrf=False).status_code == 400
    assert client.get("/courses/mini/lessons/gioi-thieu/opened").status_code == 405
    assert verbs(app, learner) == []
    _, visit = open_lesson(client, "mini", "gioi-thieu")
    assert verbs(app, learner) == [("launched", "gioi-thieu")] and re.fullmatch(r"[0-9a-f]{32}", visit)
    assert client.post("/courses/mini/lessons/nope/opened", json={}).status_code == 404


def test_certificate_dates_as_vietnamese_documents_and_offers_print_save_and_back(app, client, learner):
    finish(client)
    with app.test_request_context():
        day = completion_date(recorder.progress_of(learner)["mini"])
    page = client.get("/courses/mini/certificate").get_data(as_text=True)
    assert f"ngày {day.day} tháng {day.month} năm {day.year}" in text(client.get("/courses/mini/certificate"))
    assert page.count("data-print") == 1 and ">In<" in page
    save = re.search(r'href="(/courses/mini/certificate\.pdf\?save=1)" download>Lưu PDF<', page)
    assert 'href="/courses/mini/">Quay lại khoá học<' in page
    saved = client.get(save.group(1))
    assert saved.headers["Content-Disposition"].startswith("attachment;") and saved.data.startswith(b"%PDF")
    client.set_cookie("tramhoc_lang", "en")
    assert f"on {day.day} {day.strftime('%B')} {day.year}" in text(client.get("/courses/mini/certificate"))
