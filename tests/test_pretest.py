"""A course's pre-test (issue 19 #2): `pretest:` in course.yml names a test lesson, with questions of its
own or drawn from another test (`quiz: from:`); the bundle (format version 3) names it; every mistake is
a `path:line: message`; the player does not count it toward completing the course."""

import io
import json
import re
import shutil
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from markupsafe import escape
from quiz_helpers import answer, lesson_quiz, open_quiz, submit
from support.pages import ADMIN_PIN, learner_id, text

from builder.build import build, check
from builder.problems import BuildFailed
from courses import Bundle, BundleError, Manifest
from courses.members import MANIFEST
from courses.quiz import load_quiz
from player.progress import summary
from player.quizzes.interactions import plain_text, shortened
from player.quizzes import catalogue
from player.web.services import services
from player.xapi import statements
from player.xapi.statements import Scope

QUIZ_COURSE = Path(__file__).parent / "fixtures" / "courses" / "quiz"
DRAWN = """---
id: dau-vao
title: "Kiểm tra đầu vào"
quiz:
  from: ngan-hang
  draw: 2
  attempts: 1
  pass: 0
---
Làm bài này trước khi học: điểm không tính vào việc hoàn thành khoá học.
"""
OWN = """---
id: dau-vao
title: "Kiểm tra đầu vào"
quiz:
  attempts: 1
---
```quiz
id: dau-vao-otp
Có nên đọc mã OTP cho người khác không?
+ Không
- Có
```
"""


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def with_pretest(tmp_path: Path, lesson: str, pretest: str = "dau-vao") -> Path:
    """The quiz course with a pre-test lesson first and `pretest:` in course.yml."""
    course = Path(shutil.copytree(QUIZ_COURSE, tmp_path / "quiz"))
    (course / "lessons" / "00-dau-vao.md").write_text(lesson, encoding="utf-8")
    config = (course / "course.yml").read_text(encoding="utf-8")
    config = config.replace("      - lessons/01-on-tap.md", "      - lessons/00-dau-vao.md\n      - lessons/01-on-tap.md")
    (course / "course.yml").write_text(config.replace("sections:", f"pretest: {pretest}\nsections:"),
                                       encoding="utf-8")
    return course


def problems_of(course: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        check(course)
    return [str(problem) for problem in failed.value.problems]


def test_a_pretest_drawn_from_the_final_test_asks_its_questions(tmp_path):
    bundle_path = build(with_pretest(tmp_path, DRAWN), tmp_path / "dist", use_cache=False)
    with Bundle(bundle_path) as bundle:
        assert (bundle.manifest.format_version, bundle.course.pretest) == (3, "dau-vao")
        pretest, final = load_quiz(bundle, "dau-vao"), load_quiz(bundle, "ngan-hang")
    assert [question.id for question in pretest.questions] == [question.id for question in final.questions]
    assert (pretest.settings.draw, pretest.settings.attempts, pretest.settings.pass_percent) == (2, 1, 0)
    assert [lesson.id for lesson in bundle.course.counted_lessons] == ["on-tap", "chi-doc", "ngan-hang",
                                                                      "tu-kiem-tra"]


def test_a_pretest_of_its_own_questions_builds_and_a_course_without_one_stays_version_2(tmp_path, quiz_bundle_v2):
    with Bundle(build(with_pretest(tmp_path, OWN), tmp_path / "dist", use_cache=False)) as bundle:
        assert bundle.course.pretest == "dau-vao"
        assert [question.id for question in load_quiz(bundle, "dau-vao").questions] == ["dau-vao-otp"]
    with Bundle(quiz_bundle_v2) as bundle:
        assert (bundle.manifest.format_version, bundle.course.pretest) == (2, None)
    assert b"pretest" not in raw_manifest(quiz_bundle_v2)


@pytest.fixture
def quiz_bundle_v2(tmp_path):
    return build(QUIZ_COURSE, tmp_path / "plain", use_cache=False)


@pytest.mark.parametrize("lesson, pretest, expected", [
    (DRAWN, "khong-co", "course.yml:8: pretest 'khong-co' is not the id of a lesson listed in this course"),
    (DRAWN, "chi-doc", "course.yml:8: pretest 'chi-doc' must be a test: give that lesson 'quiz:' settings"),
    (DRAWN, "Dau Vao", "course.yml:8: pretest 'Dau Vao' must be the id of the course's pre-test lesson"),
    (DRAWN.replace("from: ngan-hang", "from: chi-doc"), "dau-vao",
     "lessons/00-dau-vao.md:5: quiz from 'chi-doc': there is no test with this lesson id in the course"),
    (DRAWN.replace("draw: 2", "draw: 9"), "dau-vao",
     "lessons/00-dau-vao.md:5: quiz draw 9 is more than the 3 questions of this lesson"),
    (DRAWN.replace("from: ngan-hang", "from: Ngân hàng"), "dau-vao",
     "lessons/00-dau-vao.md:5: quiz from 'Ngân hàng' must be the id of the test whose questions are drawn"),
    (DRAWN + "```quiz\nCâu?\n+ a\n- b\n```\n", "dau-vao",
     "lessons/00-dau-vao.md:5: this test asks the questions of 'ngan-hang' (from:), so it has none of its own"),
])
def test_pretest_mistakes_are_reported_as_path_line_message(tmp_path, lesson, pretest, expected):
    found = problems_of(with_pretest(tmp_path, lesson, pretest))
    assert any(problem.endswith(expected) or expected in problem for problem in found), found


def raw_manifest(bundle: Path) -> bytes:
    with zipfile.ZipFile(bundle) as archive:
        return archive.read(MANIFEST)


def manifest_json(tmp_path) -> dict:
    return json.loads(raw_manifest(build(with_pretest(tmp_path, DRAWN), tmp_path / "dist", use_cache=False)))


@pytest.mark.parametrize("change, message", [
    (lambda data: data.update(format_version=2), "a pre-test needs bundle format version 3, not 2"),
    (lambda data: data["course"].update(pretest="chi-doc"), "'chi-doc' is not a lesson of the course with a quiz"),
    (lambda data: data["course"].update(pretest="khong-co"), "'khong-co' is not a lesson of the course with a quiz"),
    (lambda data: data["course"].update(pretest=7), "manifest.course.pretest: wrong type"),
])
def test_a_manifest_with_a_wrong_pretest_is_refused(tmp_path, change, message):
    data = manifest_json(tmp_path)
    change(data)
    with pytest.raises(BundleError, match=message):
        Manifest.from_bytes(json.dumps(data).encode())


@pytest.fixture
def pretest_app(tmp_path, make_player):
    app = make_player(tmp_path / "data")
    services(app).library.install(build(with_pretest(tmp_path, DRAWN), tmp_path / "dist", use_cache=False),
                                  allow_unverified=True)
    return app


def test_the_player_offers_the_pretest_and_does_not_count_it(pretest_app):
    client = pretest_app.test_client()
    client.sign_in()
    course = services(pretest_app).library.course("quiz-mau")
    with pretest_app.test_request_context():
        assert "dau-vao" not in catalogue.test_lesson_ids(course)
        assert catalogue.lesson_quiz("quiz-mau", "dau-vao").settings.assessment
    note = "Bài kiểm tra đầu vào: làm trước bài học đầu tiên. Bài này không tính vào việc hoàn thành khoá học."
    contents = text(client.get("/courses/quiz-mau/"))
    assert contents.index("Kiểm tra đầu vào") < contents.index("Ôn tập: đăng nhập") and contents.count(note) == 1
    page = open_quiz(client, "quiz-mau", "dau-vao")
    assert note in text_of(page.html)
    final = text_of(open_quiz(client, "quiz-mau", "ngan-hang").html)
    assert note not in final and "Điểm đạt: " in final
    assert "Điểm đạt" not in text_of(page.html)  # counting toward nothing, it has no pass mark to show
    drawn = page.question_ids
    assert len(drawn) == 2 and set(drawn) <= {question.id for question in lesson_quiz(pretest_app, "quiz-mau",
                                                                                         "ngan-hang").questions}
    assert submit(client, "quiz-mau", "dau-vao", page, {}).status_code in (200, 303)
    who = learner_id(client)
    recorded = list(services(pretest_app).store.learners.statements(who))
    answered = [statement for statement in recorded if statement["verb"]["id"].endswith("answered")]
    assert {statement["context"]["contextActivities"]["parent"][0]["id"] for statement in answered} == {
        "urn:tramhoc:course:quiz-mau:lesson:dau-vao:quiz"}
    assert {statement["object"]["id"] for statement in answered} == {
        f"urn:tramhoc:course:quiz-mau:question:{question_id}" for question_id in drawn}  # the final test's

    scope = Scope(who, "Học viên Thử", course.id, course.title, course.version, "vi", "d", "c")
    when = datetime.now(timezone.utc)
    made = [statements.lesson_completed(scope, lesson.id, lesson.title, when) for lesson in course.counted_lessons]
    made += [statements.quiz_finished(scope, lesson_id, lesson_id, [], True, 10, "r", when)
             for lesson_id in ("on-tap", "ngan-hang")]
    services(pretest_app).progress.record(who, made)
    with pretest_app.test_request_context():
        progress = services(pretest_app).progress.of(who)["quiz-mau"]
        assert summary.rule_met(course, progress) and summary.percent(course, progress) == 100


def take(client, app, lesson_id: str, outcome: str) -> list[str]:
    """Open a test and submit it with every question answered `right` or `wrong`; the questions it asked."""
    page = open_quiz(client, "quiz-mau", lesson_id)
    questions = {question.id: question for question in lesson_quiz(app, "quiz-mau", lesson_id).questions}
    fields = {}
    for question_id in page.question_ids:
        fields.update(answer(questions[question_id], outcome, page))
    assert submit(client, "quiz-mau", lesson_id, page, fields).status_code in (200, 303)
    return page.question_ids


def class_of_lan_and_binh(app):
    """An admin's client and the id of a class of the quiz course with two learners, Lan and Bình."""
    admin = app.test_client()
    admin.set_admin_pin(ADMIN_PIN)
    today = date.today()
    made = admin.post("/admin/classes/", data={"name": "Lớp thử", "courses": ["quiz-mau"], "start": today.isoformat(),
                                               "end": (today + timedelta(days=7)).isoformat()})
    class_id = made.headers["Location"].rsplit("/", 1)[1]
    checked = admin.post(f"/admin/classes/{class_id}/import",
                         data={"list": (io.BytesIO("Họ và tên\nLan\nBình\n".encode()), "lop.csv")})
    token = re.search(r'name="token" value="([^"]+)"', checked.get_data(as_text=True)).group(1)
    admin.post(f"/admin/classes/{class_id}/import/confirm", data={"token": token, "col_name": "0"})
    return admin, class_id


def test_before_any_test_is_taken_a_class_page_says_so_instead_of_tables_of_dashes(pretest_app):
    admin, class_id = class_of_lan_and_binh(pretest_app)
    page = text(admin.get(f"/admin/classes/{class_id}"))
    assert "Trước và sau: Khoá học mẫu có câu hỏi" in page
    assert "Chưa học viên nào của lớp làm bài kiểm tra đầu vào hay bài kiểm tra cuối khoá" in page
    assert "Trung bình của lớp" not in page and "Từng câu hỏi" not in page


def test_a_long_question_is_cut_after_a_whole_word_with_an_ellipsis():
    """On a class page (and the test's summary) a question's text is cut, never in the middle of a word."""
    long = "Một người gọi điện, tự xưng là cán bộ, đề nghị bạn chuyển khoản phí xử lý hồ sơ vào tài khoản của họ."
    assert shortened(long, 61) == "Một người gọi điện, tự xưng là cán bộ, đề nghị bạn chuyển…"
    assert shortened(long, 21) == "Một người gọi điện…"  # no comma before the ellipsis
    assert shortened(long, len(long)) == long


def test_a_class_page_shows_pre_post_and_gain_and_each_question_before_and_after(pretest_app):
    """Issue 19 #2: per learner and per class, pre score, post score, gain; per question, right before
    and after."""
    admin, class_id = class_of_lan_and_binh(pretest_app)
    people = {row["name"]: row["id"] for row in services(pretest_app).store.learners.learners()}
    before = {}  # question id -> [right, answers] in the pre-test
    for name, outcome in (("Lan", "right"), ("Bình", "wrong")):
        learner = pretest_app.test_client()
        assert learner.post(f"/learners/{people[name]}/open").status_code == 303
        for question_id in take(learner, pretest_app, "dau-vao", outcome):
            counts = before.setdefault(question_id, [0, 0])
            counts[0], counts[1] = counts[0] + (outcome == "right"), counts[1] + 1
        take(learner, pretest_app, "ngan-hang", "right")
    page = text(admin.get(f"/admin/classes/{class_id}"))
    assert "Trước và sau: Khoá học mẫu có câu hỏi" in page
    assert "Trung bình của lớp: kiểm tra đầu vào 50%, kiểm tra cuối khoá 100%, tiến bộ +50 điểm." in page
    assert "<td>Bình</td><td>0%</td><td>100%</td><td>+100</td>" in page
    assert "<td>Lan</td><td>100%</td><td>100%</td><td>+0</td>" in page
    rows = dict((text_, (pre, post)) for text_, pre, post in re.findall(
        r'<tr><td lang="vi">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', page))
    questions = [question for question in lesson_quiz(pretest_app, "quiz-mau", "ngan-hang").questions
                 if question.graded]
    assert len(rows) == len(questions) == 3
    for question in questions:
        right, total = before.get(question.id, [0, 0])
        shown_before, shown_after = rows[escape(plain_text(question.text))]
        assert shown_before == (f"{right * 100 // total}%" if total else "–"), question.id
        assert shown_after in ("100%", "–")  # every post-test answer was right (2 of 3 questions drawn)


def test_pretest_and_post_test_attempts_say_so_in_their_statements(pretest_app):
    """Issue 19 #3: the report has no course bundle, so the pre-test's and the post-test's (the last test's)
    statements carry their role in a context extension; another test's carry none."""
    client = pretest_app.test_client()
    client.sign_in()
    for lesson_id in ("dau-vao", "on-tap", "ngan-hang"):
        take(client, pretest_app, lesson_id, "right")
    roles = {}
    for statement in services(pretest_app).store.learners.statements(learner_id(client)):
        quiz = statement["object"]["id"] if statement["verb"]["id"].endswith(("passed", "failed")) else (
            statement["context"]["contextActivities"].get("parent", [{}])[0].get("id", ""))
        if quiz.endswith(":quiz"):
            roles.setdefault(quiz.split(":")[-2], set()).add(
                statement["context"]["extensions"].get("urn:tramhoc:extension:test-role"))
    assert roles == {"dau-vao": {"pre-test"}, "on-tap": {None}, "ngan-hang": {"post-test"}}


def test_the_pretest_gives_away_no_answer_and_nobody_passes_or_fails_it(pretest_app):
    """Issue 19: the pre-test asks the final test's questions, so its results show the score alone (no right
    answer, feedback or explanation to learn the final test's key from), and no pass mark, pass or fail."""
    client = pretest_app.test_client()
    client.sign_in()
    page = open_quiz(client, "quiz-mau", "dau-vao")
    assert "Điểm đạt" not in text_of(page.html)
    questions = {question.id: question for question in lesson_quiz(pretest_app, "quiz-mau", "ngan-hang").questions}
    fields = {}
    for question_id in page.question_ids:
        fields.update(answer(questions[question_id], "wrong", page))
    done = submit(client, "quiz-mau", "dau-vao", page, fields)
    results = text(client.get(done.headers["Location"]))
    assert "Bạn đã làm xong bài kiểm tra đầu vào." in results and "Điểm của bạn: 0%" in results
    assert "Đáp án không được hiện sau bài kiểm tra đầu vào." in results
    for given_away in ("Bạn đã đạt", "Lần này bạn chưa đạt", "điểm đạt", "Từng câu hỏi", "Đáp án đúng",
                       "Không đọc mã cho ai", "mã OTP chỉ dùng cho chính bạn", "Không ai được quyền hỏi mã OTP"):
        assert given_away not in results, given_away
    lesson = text(client.get("/courses/quiz-mau/lessons/dau-vao"))
    assert "✓ Bạn đã làm xong bài kiểm tra đầu vào." in lesson and "Bạn đã đạt bài kiểm tra này" not in lesson
    assert "Đã đạt" not in lesson.split('class="quiz-intro"')[1].split("</div>")[0]

    page = open_quiz(client, "quiz-mau", "ngan-hang")  # the final test still shows its answers and pass mark
    fields = {}
    for question_id in page.question_ids:
        fields.update(answer(questions[question_id], "wrong", page))
    final = text(client.get(submit(client, "quiz-mau", "ngan-hang", page, fields).headers["Location"]))
    assert "Lần này bạn chưa đạt" in final and "điểm đạt 80%" in final and "Đáp án đúng" in final
