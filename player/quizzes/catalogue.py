"""The quizzes of installed courses: read and checked from a bundle once, kept while that bundle is open."""

import threading
import weakref

from courses import Bundle, Course
from courses.members import quiz_member
from courses.quiz import Quiz, load_quizzes
from player.web.services import services

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
