"""The quizzes of installed courses: read and checked from a bundle once, kept while that bundle is open."""

import threading
import weakref

from courses import Bundle, Course
from courses.members import quiz_member
from courses.quiz import Quiz, load_quizzes
from player.web.services import services
from player.xapi.vocabulary import POST_TEST, PRE_TEST

_parsed: "weakref.WeakKeyDictionary[Bundle, dict[str, Quiz]]" = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def quizzes(course_id: str) -> dict[str, Quiz]:
    """Lesson id -> quiz of an installed course; KeyError when it is not installed."""
    bundle = services().library.bundle(course_id)
    with _guard:
        found = _parsed.get(bundle)
    if found is None:
        found = load_quizzes(bundle)
        with _guard:
            _parsed[bundle] = found
    return found


def lesson_quiz(course_id: str, lesson_id: str) -> Quiz | None:
    """A lesson's quiz, or None when the lesson has no questions."""
    return quizzes(course_id).get(lesson_id)


def fingerprint(course_id: str, lesson_id: str) -> str:
    """Changes when the lesson's quiz changes (a new version of the course is installed)."""
    return services().library.bundle(course_id).manifest.files[quiz_member(lesson_id)].sha256[:16]


def test_lesson_ids(course: Course) -> set[str]:
    """The course's tests (lessons whose author gave them quiz settings): each must be passed; the
    pre-test is not one of them."""
    try:
        found = quizzes(course.id)
    except KeyError:
        return set()
    return {lesson.id for lesson in course.counted_lessons
            if lesson.id in found and found[lesson.id].settings.assessment}


def post_test(course: Course) -> str | None:
    """The course's last test (in course order), which is its post-test."""
    tests = test_lesson_ids(course)
    return next((lesson.id for lesson in reversed(course.counted_lessons) if lesson.id in tests), None)


def test_role(course: Course, lesson_id: str) -> str | None:
    """PRE_TEST for the course's pre-test, POST_TEST for its post-test when it has a pre-test, else None."""
    if course.pretest is None:
        return None
    if lesson_id == course.pretest:
        return PRE_TEST
    return POST_TEST if lesson_id == post_test(course) else None
