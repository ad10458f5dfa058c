"""How long the SCO's cmi.suspend_data can get for a course (tramhoc/runtime.js writes it): a bit per
lesson done, and each test's index, attempts and best score. SCORM 1.2 allows 4,096 characters; the
export refuses a course whose largest possible state would not fit."""

import math

from courses.model import Course
from courses.quiz import Quiz

MAX_SUSPEND_DATA = 4096
MAX_ATTEMPTS = 9999  # runtime.js counts attempts up to this
LONGEST_SCORE = "99.99"  # a percent with two decimals


def largest_suspend_data(course: Course, tests: dict[str, Quiz]) -> int:
    """The length of the longest suspend_data runtime.js can write for this course."""
    lessons = course.lessons
    records = [f"{index}:{min(tests[lesson.id].settings.attempts or MAX_ATTEMPTS, MAX_ATTEMPTS)}:{LONGEST_SCORE}"
               for index, lesson in enumerate(lessons) if lesson.id in tests]
    return len(f"1;{'A' * math.ceil(len(lessons) / 6)};{','.join(records)}")
