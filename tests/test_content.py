"""The shipped courses under content/: they check and build cleanly, and meet the bar for a real course.

Quizzes are checked in the built quiz members (enough questions, a mix of types, settings, an explanation
each) and in the lesson sources (every question writes its own unique id).
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
from courses.quiz import Quiz, quiz_from_bytes

CONTENT = Path(__file__).resolve().parents[1] / "content"
COURSES = sorted(folder.name for folder in CONTENT.iterdir() if (folder / "course.yml").is_file())
TRANSLATIONS = {"dich-vu-cong-en": "dich-vu-cong"}  # translated course -> the course it mirrors
MIN_LESSONS = 8
MIN_FINAL_QUESTIONS = 10
GLOSSARY_ID = "tu-dien"
QUIZ_KINDS = {"single", "multiple", "truefalse", "short", "matching", "ordering"}
SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_SVG_BYTES = 8 * 1024

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
    pictures = {name: data for name, data in members.items() if name.startswith(ASSETS_DIR) and name.endswith(".svg")}
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
