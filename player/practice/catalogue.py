"""The practices of installed courses: read and checked from a bundle once, kept while that bundle is open."""

import threading
import weakref

from courses import Bundle
from courses.practice import Practice, load_practices
from player.web.services import services

_parsed: "weakref.WeakKeyDictionary[Bundle, dict[str, tuple[Practice, ...]]]" = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def practices(course_id: str) -> dict[str, tuple[Practice, ...]]:
    """Lesson id -> practices of an installed course; KeyError when it is not installed."""
    bundle = services().library.bundle(course_id)
    with _guard:
        found = _parsed.get(bundle)
    if found is None:
        found = load_practices(bundle)
        with _guard:
            _parsed[bundle] = found
    return found


def lesson_practices(course_id: str, lesson_id: str) -> tuple[Practice, ...]:
    """A lesson's practices (none when it has none, or the course is not installed)."""
    try:
        return practices(course_id).get(lesson_id, ())
    except KeyError:
        return ()


def practice(course_id: str, lesson_id: str, practice_id: str) -> Practice | None:
    return next((found for found in lesson_practices(course_id, lesson_id) if found.id == practice_id), None)
