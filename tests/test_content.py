"""The shipped courses under content/: they check and build cleanly, and meet the bar for a real course.

Quizzes are checked in the built quiz members (enough questions, a mix of types, settings, an explanation
each) and in the lesson sources (every question writes its own unique id). The courses written for issue 16
meet a higher bar (reading lessons, final test, self-checks, a picture in every reading lesson), and the
digital-signature course's trust-chain question is graded as the player grades it.
"""

import functools
import re
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pytest

from builder.build import CompiledCourse, build, check
from builder.problems import BuildFailed
from courses import Bundle
from courses.members import ASSETS_DIR, lesson_member, quiz_member
from courses.quiz import Quiz, item_keys, quiz_from_bytes
from player.quizzes.grading import grade_question

CONTENT = Path(__file__).resolve().parents[1] / "content"
COURSES = sorted(folder.name for folder in CONTENT.iterdir() if (folder / "course.yml").is_file())
TRANSLATIONS = {"dich-vu-cong-en": "dich-vu-cong"}  # translated course -> the course it mirrors
MIN_LESSONS = 8
MIN_FINAL_QUESTIONS = 10
GLOSSARY_ID = "tu-dien"
QUIZ_KINDS = {"single", "multiple", "truefalse", "short", "matching", "ordering"}
SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_SVG_BYTES = 8 * 1024

NEW_COURSES = ("ky-so-can-bo-xa", "ky-nang-so-co-ban")  # written for issue 16, to the bar below
EXPECTED_COURSES = {"dich-vu-cong", "dich-vu-cong-en", "chu-ky-so", *NEW_COURSES}
NEW_MIN_READING_LESSONS = 9  # besides the glossary and the final test
NEW_MIN_FINAL_QUESTIONS = 12
NEW_MIN_FINAL_KINDS = 5  # ordering among them
NEW_MIN_SELF_CHECKED_LESSONS = 3
NEW_PASS_PERCENT = 70
SVG_IMG = re.compile(r'<img [^>]*src="\.\./(assets/[^"]+\.svg)"')
TRUST_CHAIN = ("chu-ky-so", "kiem-tra-hop-le", "ket-qua-goc-ban-co-yeu")  # course, the question, its true/false twin
TRUSTED_ROOTS = ("NEAC", "Ban Cơ yếu Chính phủ")
OLD_TRUST_ANSWER = "Chứng thư do tổ chức được cấp phép cấp, lần được đến chứng thư gốc quốc gia"  # NEAC only

QUIZ_BLOCK = re.compile(r"^```quiz\n(.*?)^```[ \t]*$", re.M | re.S)
QUESTION_ID = re.compile(r"id:[ \t]*([a-z0-9][a-z0-9-]*)[ \t]*")


@functools.cache
def compiled(course: str) -> CompiledCourse:
    """The course checked once per test session; fails the calling test with every problem listed."""
    try:
        return check(CONTENT / course)
    except BuildFailed as failure:
        pytest.fail("\n".join(str(problem) for problem in failure.problems), pytrace=False)


def lesson_sources(course: str) -> dict[str, str]:
    """Each lesson's Markdown source (front matter included), by lesson id, in course order."""
    sources = {}
    for path in sorted((CONTENT / course / "lessons").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        sources[re.search(r"^id:[ \t]*(\S+)", text, re.M).group(1)] = text
    return {lesson.id: sources[lesson.id] for lesson in compiled(course).course.lessons}


def quiz_blocks(source: str) -> list[str]:
    return QUIZ_BLOCK.findall(source)


def final_quiz(course: str) -> tuple[str, Quiz]:
    """(lesson id, quiz) of the course's final quiz, as built: the lesson with the most questions."""
    quizzes = {name.removeprefix("quizzes/").removesuffix(".json"): quiz_from_bytes(data)
               for name, data in compiled(course).members.items() if name.startswith("quizzes/")}
    return max(quizzes.items(), key=lambda item: len(item[1].questions))


def grade(question, response) -> float:
    """The score (0 … 1) the player gives this response (player.quizzes.grading)."""
    return grade_question(question, response).score


def choice_keys(question) -> dict[str, str]:
    """The opaque key the player's form sends for each choice, by the choice's text."""
    texts = [choice.text for choice in question.choices]
    return dict(zip(texts, item_keys(question.id, "choice", texts)))


def reading_lessons(course: str) -> list:
    """The course's lessons without the glossary and the final test."""
    final_id = final_quiz(course)[0]
    return [lesson for lesson in compiled(course).course.lessons if lesson.id not in (GLOSSARY_ID, final_id)]


def lesson_quiz(course: str, lesson_id: str) -> Quiz | None:
    data = compiled(course).members.get(quiz_member(lesson_id))
    return None if data is None else quiz_from_bytes(data)


@pytest.mark.parametrize("course", COURSES)
def test_course_checks_without_problems(course):
    assert compiled(course).course.id == course


@pytest.mark.parametrize("course", COURSES)
def test_course_has_enough_lessons_each_with_minutes(course):
    lessons = compiled(course).course.lessons
    assert len(lessons) >= MIN_LESSONS
    assert [lesson.id for lesson in lessons if not lesson.minutes] == []


@pytest.mark.parametrize(("translation", "original"), TRANSLATIONS.items())
def test_translation_mirrors_its_original_lesson_for_lesson(translation, original):
    mirror, source = compiled(translation).course, compiled(original).course
    assert (mirror.language, source.language) == ("en", "vi")
    assert [[lesson.id for lesson in section.lessons] for section in mirror.sections] == \
        [[lesson.id for lesson in section.lessons] for section in source.sections]
    assert [lesson.minutes for lesson in mirror.lessons] == [lesson.minutes for lesson in source.lessons]
    assets = lambda course: sorted(name for name in compiled(course).members if name.startswith(ASSETS_DIR))
    assert assets(translation) == assets(original)
    questions = lambda course: [QUESTION_ID.match(block).group(1)
                                for text in lesson_sources(course).values() for block in quiz_blocks(text)]
    assert questions(translation) == questions(original)


@pytest.mark.parametrize("course", COURSES)
def test_every_svg_is_small_titled_and_offline(course):
    members = compiled(course).members
    pictures = {name: file.read_bytes() for name, file in members.items()
                if name.startswith(ASSETS_DIR) and name.endswith(".svg")}
    assert pictures, "a course teaches with pictures"
    for name, data in pictures.items():
        assert len(data) <= MAX_SVG_BYTES, f"{name}: {len(data)} bytes"
        root = ElementTree.fromstring(data)
        assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img", name
        title = root.find(f"{SVG_NS}title")
        assert title is not None and title.text and title.text.strip(), f"{name}: no <title>"
        fonts = [element.get("font-family") for element in root.iter() if element.get("font-family")]
        assert fonts and all(font.rstrip().endswith("sans-serif") for font in fonts), name
        assert not re.search(rb"""(href|src)=["']?(https?:|//)|url\(\s*["']?(https?:|//)""", data), name


@pytest.mark.parametrize("course", COURSES)
def test_every_image_file_is_used_by_a_lesson(course):
    images = CONTENT / course / "lessons" / "images"
    on_disk = {f"{ASSETS_DIR}lessons/images/{path.name}" for path in images.iterdir() if not path.name.startswith(".")}
    assert on_disk - set(compiled(course).members) == set()


@pytest.mark.parametrize("course", COURSES)
def test_sources_are_nfc_utf8(course):
    for path in sorted((CONTENT / course).rglob("*")):
        if path.suffix in (".md", ".yml", ".svg"):
            text = path.read_bytes().decode("utf-8")
            assert unicodedata.is_normalized("NFC", text), path


@pytest.mark.parametrize("course", COURSES)
def test_course_has_a_glossary_lesson(course):
    glossary = lesson_sources(course).get(GLOSSARY_ID)
    assert glossary is not None, f"no lesson with id {GLOSSARY_ID!r}"
    assert len(re.findall(r"^:   \S", glossary, re.M)) >= 15, "a glossary defines at least 15 terms"


@pytest.mark.parametrize("course", COURSES)
def test_every_question_has_an_explicit_unique_id_and_an_explanation(course):
    ids = []
    for lesson_id, source in lesson_sources(course).items():
        for block in quiz_blocks(source):
            match = QUESTION_ID.fullmatch(block.splitlines()[0])
            assert match, f"{lesson_id}: a question does not start with 'id: …': {block[:60]!r}"
            ids.append(match.group(1))
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("course", COURSES)
def test_final_quiz_has_enough_questions_of_every_kind(course):
    lesson_id, quiz = final_quiz(course)
    assert len(quiz.questions) >= MIN_FINAL_QUESTIONS
    assert {question.type for question in quiz.questions} == QUIZ_KINDS
    assert lesson_id == compiled(course).course.lessons[-1].id, "the final quiz closes the course"


@pytest.mark.parametrize("course", COURSES)
def test_every_question_explains_its_answer(course):
    for name, data in compiled(course).members.items():
        if name.startswith("quizzes/"):
            assert [q.id for q in quiz_from_bytes(data).questions if not q.explanation.strip()] == [], name


@pytest.mark.parametrize("course", COURSES)
def test_final_quiz_has_its_settings(course):
    lesson_id, quiz = final_quiz(course)
    assert 0 < quiz.settings.pass_percent <= 100 and quiz.settings.attempts >= 1
    assert quiz_member(lesson_id) in compiled(course).members


@pytest.mark.parametrize("course", COURSES)
def test_course_builds_and_reads_back(course, tmp_path):
    bundle_path = build(CONTENT / course, tmp_path, use_cache=False)
    with Bundle(bundle_path) as bundle:
        bundle.verify()
        assert bundle.course == compiled(course).course
        for lesson in bundle.course.lessons:
            assert bundle.has(lesson_member(lesson.id))


def test_the_five_courses_are_shipped():
    assert EXPECTED_COURSES <= set(COURSES)


@pytest.mark.parametrize("course", NEW_COURSES)
def test_new_course_has_enough_reading_lessons_then_a_glossary_and_a_final_test(course):
    lessons = [lesson.id for lesson in compiled(course).course.lessons]
    assert len(reading_lessons(course)) >= NEW_MIN_READING_LESSONS
    assert lessons[-2:] == [GLOSSARY_ID, final_quiz(course)[0]]


@pytest.mark.parametrize("course", NEW_COURSES)
def test_new_course_final_test_is_long_and_varied_with_a_70_percent_pass_mark(course):
    _, quiz = final_quiz(course)
    kinds = {question.type for question in quiz.questions}
    assert quiz.settings.assessment
    assert len(quiz.questions) >= NEW_MIN_FINAL_QUESTIONS
    assert len(kinds) >= NEW_MIN_FINAL_KINDS and "ordering" in kinds
    assert quiz.settings.pass_percent == NEW_PASS_PERCENT


@pytest.mark.parametrize("course", NEW_COURSES)
def test_new_course_has_self_checks_in_enough_lessons(course):
    self_checked = [lesson.id for lesson in reading_lessons(course)
                    if (quiz := lesson_quiz(course, lesson.id)) is not None and not quiz.settings.assessment]
    assert len(self_checked) >= NEW_MIN_SELF_CHECKED_LESSONS, self_checked


@pytest.mark.parametrize("course", NEW_COURSES)
def test_every_reading_lesson_of_a_new_course_shows_an_svg_of_its_own_course(course):
    members = compiled(course).members
    for lesson in reading_lessons(course):
        pictures = SVG_IMG.findall(members[lesson_member(lesson.id)].decode("utf-8"))
        assert pictures, f"{lesson.id}: no SVG picture"
        assert all(picture in members for picture in pictures), (lesson.id, pictures)


def test_the_trust_chain_question_accepts_both_roots_and_rejects_the_neac_only_answer():
    course, question_id, twin_id = TRUST_CHAIN
    _, quiz = final_quiz(course)
    question, keys = quiz.question(question_id), choice_keys(quiz.question(question_id))
    right = [choice.text for choice in question.choices if choice.weight > 0]
    about_roots = [text for text in right if "gốc" in text]
    assert len(about_roots) == 1 and all(root in about_roots[0] for root in TRUSTED_ROOTS), right
    assert grade(question, [keys[text] for text in right]) == 1

    assert OLD_TRUST_ANSWER not in right
    neac_only = [choice.text for choice in question.choices if "NEAC" in choice.text and choice.weight < 0]
    assert len(neac_only) == 1, "the NEAC-only wording stays in the question as a wrong choice"
    old_key = [text for text in right if text not in about_roots] + neac_only  # what the old key marked right
    assert grade(question, [keys[text] for text in old_key]) < 1
    assert grade(question, [keys[neac_only[0]]]) == 0

    twin = quiz.question(twin_id)  # "a result chaining to Ban Cơ yếu's root cannot be trusted": false
    assert (twin.type, twin.correct) == ("truefalse", False)
    assert grade(twin, False) == 1 and grade(twin, True) == 0
