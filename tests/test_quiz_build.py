"""Quizzes through the builder: source -> bundle -> grading, the key kept out of lesson HTML, and
`path:line: message` for every mistake a trainer can make."""

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path
from random import Random

import pytest

from builder.build import build, check
from builder.cli import main as builder_main
from builder.problems import BuildFailed
from courses import Bundle, BundleError
from courses.manifest import Manifest
from courses.members import lesson_member, quiz_member
from courses.quiz import load_quiz, load_quizzes, quiz_from_bytes
from player.quizzes.grading import feedback, grade_question
from player.quizzes.public import public_question

QUIZ_COURSE = Path(__file__).parent / "fixtures" / "courses" / "quiz"


@pytest.fixture
def quiz_course(tmp_path) -> Path:
    return Path(shutil.copytree(QUIZ_COURSE, tmp_path / "quiz"))


@pytest.fixture(scope="module")
def quiz_bundle(tmp_path_factory) -> Path:
    return build(QUIZ_COURSE, tmp_path_factory.mktemp("dist"), use_cache=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def keys_by_text(question, rng_seed: int = 0) -> dict[str, str]:
    """The keys the public view gives each choice, step, prompt and option, by their text."""
    view = public_question(question, Random(rng_seed))
    return {item.text: item.key for items in (view.choices, view.steps, view.prompts, view.options) for item in items}


RESPONSES = {  # question id -> keys by text -> a right, a wrong and (where the type has one) a partial response
    "dang-nhap-vneid": lambda k: {"right": k["Tài khoản định danh điện tử VNeID"],
                                  "wrong": k["Tài khoản thư điện tử (email)"]},
    "giay-to-can-co": lambda k: {"right": [k["Căn cước công dân gắn chip"], k["Điện thoại có số thuê bao chính chủ"]],
                                 "wrong": [k["Sổ hộ khẩu giấy"]], "partial": [k["Căn cước công dân gắn chip"]]},
    "chu-ky-so-hop-le": lambda k: {"right": "true", "wrong": "false"},
    "ten-goi": lambda k: {"right": "CHU KY  SO", "wrong": "chữ ký tay"},
    "so-chu-so-otp": lambda k: {"right": "6", "wrong": "12"},
    "ghep-thu-tuc": lambda k: {
        "right": {k["Đăng ký khai sinh"]: k["Cổng Dịch vụ công"], k["Làm căn cước"]: k["Công an xã"],
                  k["Ký hợp đồng điện tử"]: k["Phần mềm ký số"]},
        "wrong": {k["Đăng ký khai sinh"]: k["Ngân hàng"]},
        "partial": {k["Đăng ký khai sinh"]: k["Cổng Dịch vụ công"], k["Làm căn cước"]: k["Ngân hàng"]}},
    "thu-tu-nop": lambda k: {
        "right": [k["Đăng nhập bằng VNeID"], k["Chọn thủ tục"], k["Điền tờ khai"], k["Nộp và ghi lại mã hồ sơ"]],
        "wrong": [k["Nộp và ghi lại mã hồ sơ"], k["Điền tờ khai"], k["Đăng nhập bằng VNeID"], k["Chọn thủ tục"]],
        "partial": [k["Đăng nhập bằng VNeID"], k["Chọn thủ tục"], k["Nộp và ghi lại mã hồ sơ"], k["Điền tờ khai"]]},
}


EXPECTED = {  # question id: (type, score of the partial response or None)
    "dang-nhap-vneid": ("single", None), "giay-to-can-co": ("multiple", 0.5), "chu-ky-so-hop-le": ("truefalse", None),
    "ten-goi": ("short", None), "so-chu-so-otp": ("numeric", None), "ghep-thu-tuc": ("matching", 1 / 3),
    "thu-tu-nop": ("ordering", 0.5),
}


@pytest.mark.parametrize("question_id", sorted(EXPECTED))
def test_each_native_type_round_trips_from_source_to_grading(quiz_bundle, question_id):
    with Bundle(quiz_bundle) as bundle:
        bundle.verify()
        quiz = load_quiz(bundle, "on-tap")
    question = quiz.question(question_id)
    kind, partial = EXPECTED[question_id]
    assert question.type == kind and question.source == "native"
    answers = RESPONSES[question_id](keys_by_text(question))
    right, wrong = grade_question(question, answers["right"]), grade_question(question, answers["wrong"])
    assert (right.status, right.score) == ("right", 1.0)
    assert (wrong.status, wrong.score) == ("wrong", 0.0)
    if partial is not None:
        result = grade_question(question, answers["partial"])
        assert result.status == "partial" and result.score == pytest.approx(partial, abs=1e-4)


def test_quiz_settings_feedback_and_explanation_reach_the_bundle(quiz_bundle):
    with Bundle(quiz_bundle) as bundle:
        quiz, bank = load_quiz(bundle, "on-tap"), load_quiz(bundle, "ngan-hang")
        assert load_quiz(bundle, "chi-doc") is None
    assert (quiz.settings.pass_percent, quiz.settings.shuffle, quiz.settings.attempts) == (70, False, 2)
    assert (bank.settings.pass_percent, bank.settings.draw, bank.settings.attempts) == (80, 2, 3)
    assert quiz.settings.assessment and bank.settings.assessment  # `quiz:` makes a lesson a test
    assert [q.id for q in bank.questions] == ["gift-otp", "gift-mat-khau", "gift-ngay", "gift-gioi-thieu"]
    login = quiz.question("dang-nhap-vneid")
    assert feedback(login, keys_by_text(login)["Tài khoản thư điện tử (email)"]) == ("Email chỉ dùng để nhận thông báo.",)
    assert login.explanation.startswith("Từ 1/7/2024 người dân đăng nhập Cổng")
    assert quiz.question("chu-ky-so-hop-le").points == 2
    essay = quiz.question("cam-nhan")
    assert essay.type == "essay" and grade_question(essay, "x").status == "ungraded"
    picture = quiz.question("gioi-thieu-hinh").text
    assert 'src="../assets/lessons/images/cong.svg"' in picture


def test_lesson_html_holds_only_placeholders_never_the_key(quiz_bundle):
    with Bundle(quiz_bundle) as bundle:
        html = bundle.read(lesson_member("on-tap")).decode()
        data = json.loads(bundle.read(quiz_member("on-tap")))
    placeholders = re.findall(r"<div[^>]*></div>", html)
    assert len(placeholders) == len(data["questions"])
    assert all(re.fullmatch(r'<div class="quiz-question" id="q-[a-z0-9-]+"></div>', p) for p in placeholders)
    secrets = {text for q in data["questions"] for text in _texts(q) if len(text) > 3}
    assert secrets and not [text for text in secrets if text in html]


def _texts(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in ("type", "source", "id"):
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, str):
        yield value


def test_quiz_members_are_listed_checksummed_and_validated(quiz_bundle, tmp_path):
    with Bundle(quiz_bundle) as bundle:
        assert {name for name in bundle.manifest.files if name.startswith("quizzes/")} == {
            "quizzes/on-tap.json", "quizzes/ngan-hang.json", "quizzes/tu-kiem-tra.json"}
        quizzes = load_quizzes(bundle)
        assert sorted(quizzes) == ["ngan-hang", "on-tap", "tu-kiem-tra"]
        assert not quizzes["tu-kiem-tra"].settings.assessment  # no `quiz:`: self-check questions
    with zipfile.ZipFile(quiz_bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["files"]["quizzes/nobody.json"] = manifest["files"]["quizzes/on-tap.json"]
    with pytest.raises(BundleError, match="quiz 'quizzes/nobody.json' belongs to no lesson of the course"):
        Manifest.from_bytes(json.dumps(manifest).encode())
    changed = tmp_path / "changed.tramhoc"
    with zipfile.ZipFile(quiz_bundle) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "quizzes/on-tap.json":
                data = data.replace(b'"weight": 100', b'"weight": 1e2', 1)  # same size, other bytes
            target.writestr(info, data)
    with Bundle(changed) as bundle, pytest.raises(BundleError, match="has been changed"):
        load_quiz(bundle, "on-tap")


def test_a_bundle_quiz_that_makes_no_sense_is_refused():
    with pytest.raises(BundleError, match=r"questions\[0\]: no right choice"):
        quiz_from_bytes(json.dumps({"settings": {"assessment": True, "pass": 70, "shuffle": True, "draw": None,
                                                 "attempts": None},
                                    "questions": [{"type": "single", "id": "a", "text": "Q", "points": 1,
                                                   "explanation": "", "title": "", "source": "native",
                                                   "choices": [{"text": "x", "weight": 0, "feedback": ""},
                                                               {"text": "y", "weight": 0, "feedback": ""}]}]}).encode())


def test_cached_rebuild_after_editing_a_quiz_equals_a_clean_build(tmp_path, quiz_course):
    out = tmp_path / "dist"
    first = sha(build(quiz_course, out))
    lesson = quiz_course / "lessons" / "01-on-tap.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("- Sổ hộ khẩu giấy", "- Sổ tạm trú giấy"),
                      encoding="utf-8")
    bank = quiz_course / "lessons" / "03-ngan-hang.gift"
    bank.write_text(bank.read_text(encoding="utf-8").replace("{#3:1}", "{#3:2}"), encoding="utf-8")
    rebuilt = sha(build(quiz_course, out))
    clean = build(quiz_course, tmp_path / "clean", use_cache=False)
    assert rebuilt == sha(clean) and first != rebuilt
    with Bundle(clean) as bundle:
        assert "Sổ tạm trú giấy" in bundle.read(quiz_member("on-tap")).decode()
        assert load_quiz(bundle, "ngan-hang").question("gift-ngay").answers[0].high == 5


def write(course: Path, name: str, text: str | bytes) -> None:
    path = course / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def lesson(body: str, front: str = "") -> str:
    return f"---\nid: chi-doc\ntitle: T\n{front}---\n{body}"


def quiz_block(*lines: str) -> str:
    return "\n".join(["```quiz", *lines, "```", ""])


BAD_QUIZZES = [
    # (file, content, expected problem "path:line: message" suffix)
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu hỏi?", "- a", "- b")),
     "lessons/02-chi-doc.md:6: no right choice: mark the right ones with '+ ' at the start of their line (with percentages: give them more than 0 %, adding up to 100 %)"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu hỏi?", "+30% a", "+30% b", "- c")),
     "lessons/02-chi-doc.md:6: the right choices add up to 60 %; they must add up to 100 %"),
    ("lessons/02-chi-doc.md", lesson("Chữ\n\n" + quiz_block("id: dang-nhap-vneid", "Câu?", "+ a", "- b")),
     "lessons/02-chi-doc.md:9: duplicate question id 'dang-nhap-vneid' (also used at lessons/01-on-tap.md:14)"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Sắp xếp", "1. Chỉ một bước")),
     "lessons/02-chi-doc.md:6: an ordering question needs at least 2 steps"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Ghép", "A -> 1")),
     "lessons/02-chi-doc.md:6: a matching question needs at least 2 pairs"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("điểm: 1e308", "Câu?", "+ a", "- b")),
     "lessons/02-chi-doc.md:6: points '1e308' must be at most 1000"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu?", "+ a", "* b")),
     "lessons/02-chi-doc.md:8: line not understood"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu?", "+ a", "– b")),
     "lessons/02-chi-doc.md:8: line not understood: an answer line starts with '+ ', '- ', '= ' or '1. ', contains "
     "'->', or is đúng/sai; feedback lines start with '>' (use '-', the minus key, not a dash pasted from Word)"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("loai: một lựa chọn", "tyep: single", "Câu?", "+ a", "- b")),
     "lessons/02-chi-doc.md:7: unknown header 'tyep:' (did you mean 'type:'?"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("id: Câu 1", "Câu?", "+ a", "- b")),
     "lessons/02-chi-doc.md:6: question id 'Câu 1' must be lowercase letters (a-z), digits and hyphens"),
    ("lessons/02-chi-doc.md", lesson("```gift\nCâu hỏi {=a ~b\n```\n"),
     "lessons/02-chi-doc.md:6: '{' is not closed: end the answers with '}'"),
    ("lessons/02-chi-doc.md", lesson("```gift\nCâu một{~a =b}\n\nCâu hai{~%abc%a =b}\n```\n"),
     "lessons/02-chi-doc.md:8: unreadable weight: write a percentage between % signs, such as %50% or %-25%"),
    ("lessons/02-chi-doc.md", lesson("```quiz\nCâu?\n+ a\n- b\n"),
     "lessons/02-chi-doc.md:5: this ```quiz block is not closed: add a line ``` after it"),
    ("lessons/02-chi-doc.md", lesson("```quizz\nCâu?\n+ a\n- b\n```\n"),
     "lessons/02-chi-doc.md:5: unknown block type 'quizz': write ```quiz for a question or ```gift for GIFT questions"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Nhìn hình", "![hình](images/khong-co.png)", "+ a", "- b")),
     "lessons/02-chi-doc.md:7: missing asset: images/khong-co.png"),
    ("lessons/02-chi-doc.md", lesson("```gift\n[html]<p>Câu</p><script>alert(1)</script>{T}\n```\n"),
     "lessons/02-chi-doc.md:6: scripts are not allowed in lessons"),
    ("lessons/02-chi-doc.md", lesson("Chỉ có chữ.\n", "quiz:\n  pass: 80\n"),
     "lessons/02-chi-doc.md:5: quiz settings, but this lesson has no questions"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu?", "+ a", "- b"), "quiz:\n  pass: 120\n"),
     "lessons/02-chi-doc.md:5: quiz pass 120 must be a percentage from 0 to 100"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu?", "+ a", "- b"), "quiz:\n  attempts: 0\n"),
     "lessons/02-chi-doc.md:5: quiz attempts 0 must be a whole number, at least 1"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu?", "+ a", "- b"), "quiz:\n  draw: 2\n"),
     "lessons/02-chi-doc.md:5: quiz draw 2 is more than the 1 questions of this lesson"),
    ("lessons/02-chi-doc.md", lesson(quiz_block("Câu?", "+ a", "- b"), "quiz:\n  passs: 80\n"),
     "lessons/02-chi-doc.md:5: unknown quiz setting 'passs' (known: pass, shuffle, draw, attempts, from)"),
    ("lessons/03-ngan-hang.gift", "// tep Windows-1252\nC\xe2u h\xf3i{T}\n".encode("cp1252"),
     "lessons/03-ngan-hang.gift:2: file is not UTF-8 text"),
    ("lessons/03-ngan-hang.gift", "Câu một{T}\n\n::Tên chưa đóng Câu hai{F}\n",
     "lessons/03-ngan-hang.gift:3: the question title is not closed"),
    ("course.yml", (QUIZ_COURSE / "course.yml").read_text(encoding="utf-8").replace("draw: 2", "draw: 9"),
     "course.yml:20: quiz draw 9 is more than the 3 questions of this lesson"),
    ("course.yml", (QUIZ_COURSE / "course.yml").read_text(encoding="utf-8").replace("minutes: 10", "tags: x"),
     "course.yml:18: unknown field 'tags' in a GIFT lesson entry (known: file, id, title, minutes, quiz)"),
]


@pytest.mark.parametrize("name, content, expected", BAD_QUIZZES)
def test_quiz_mistakes_are_reported_as_path_line_message(tmp_path, quiz_course, capsys, name, content, expected):
    write(quiz_course, name, content)
    out = tmp_path / "out"
    assert builder_main(["build", "--lang", "en", str(quiz_course), "-o", str(out), "--quiet"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert any(expected in line for line in errors), errors
    assert not out.exists() or not any(out.rglob("*.tramhoc"))


def test_all_problems_of_all_quiz_blocks_are_reported_at_once(quiz_course):
    write(quiz_course, "lessons/02-chi-doc.md", lesson(
        quiz_block("Câu một?", "- a", "- b") + "\n" + quiz_block("Câu hai?", "+ a", "= b")
        + "\n```gift\nCâu ba{=a ~b}\n\nCâu bốn{#x}\n```\n"))
    with pytest.raises(BuildFailed) as failure:
        check(quiz_course)
    found = [str(problem).split("lessons/", 1)[1] for problem in failure.value.problems]
    assert found == [
        "02-chi-doc.md:6: no right choice: mark the right ones with '+ ' at the start of their line (with percentages: give them more than 0 %, adding up to 100 %)",
        "02-chi-doc.md:14: this block mixes choices (+/-) with accepted answers (=): one question per block",
        "02-chi-doc.md:20: 'x' is not a number: write e.g. 1822, 3.14:0.01 or 1..5",
    ]


def test_derived_ids_do_not_change_when_another_question_is_edited(tmp_path, quiz_course):
    body = quiz_block("Câu hỏi thứ nhất về Cổng?", "+ a", "- b") + "\n" + quiz_block("Đâu là mã OTP?", "+ a", "- b")
    write(quiz_course, "lessons/02-chi-doc.md", lesson(body))
    before = [q.id for q in quiz_from_bytes(check(quiz_course).members[quiz_member("chi-doc")]).questions]
    write(quiz_course, "lessons/02-chi-doc.md", lesson(body.replace("thứ nhất về Cổng", "đầu tiên về VNeID")))
    after = [q.id for q in quiz_from_bytes(check(quiz_course).members[quiz_member("chi-doc")]).questions]
    assert before == ["cau-hoi-thu-nhat-ve-cong", "dau-la-ma-otp"]
    assert after == ["cau-hoi-dau-tien-ve-vneid", "dau-la-ma-otp"]


def authoring_examples() -> list[str]:
    """Every ```quiz and ```gift example of docs/authoring.md, as written there (each once)."""
    lines = (Path(__file__).resolve().parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8").split("\n")
    examples, index = [], 0
    while index < len(lines):
        if lines[index].startswith(("```quiz", "```gift")):
            end = lines.index("```", index + 1)
            examples.append("\n".join(lines[index:end + 1]))
            index = end
        index += 1
    return list(dict.fromkeys(examples))


def test_every_example_in_the_authoring_guide_builds_and_grades(mini_course):
    examples = authoring_examples()
    kinds = {line.split("\n")[0] for line in examples}
    assert kinds == {"```quiz", "```gift"} and len(examples) == 12
    front = "id: ky-so\ntitle: T\nquiz:\n  pass: 80\n  draw: 10\n"
    write(mini_course, "lessons/03-ky-so.md", f"---\n{front}---\n" + "\n\n".join(examples) + "\n")
    quiz = quiz_from_bytes(check(mini_course).members[quiz_member("ky-so")])
    types = {q.type for q in quiz.questions}
    assert types == {"single", "multiple", "truefalse", "short", "numeric", "matching", "ordering", "essay",
                     "description"}
    assert quiz.settings.draw == 10 and len(quiz.questions) == 13
    assert [q.id for q in quiz.questions if not q.reveal] == ["so-ngay-xu-ly"]  # hiện đáp án: không
    assert all(grade_question(q, None).status == ("wrong" if q.graded else "ungraded") for q in quiz.questions)
