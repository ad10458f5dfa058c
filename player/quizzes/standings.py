"""Where a learner stands with a course's tests: attempts used and allowed (the test's limit plus any the
admin granted), and whether each is passed."""

from dataclasses import dataclass

from courses import Course, Lesson
from courses.quiz import Quiz
from player.progress import recorder
from player.quizzes import catalogue
from player.web.services import services

EXTRA_ATTEMPTS = "extra_attempts"  # profile field: {"course/lesson": attempts the admin granted}


def used_attempts(course_id: str, lesson_id: str, learner_id: str) -> set[str]:
    """Registrations of the learner's recorded attempts at this lesson's quiz."""
    progress = recorder.progress_of(learner_id).get(course_id)
    return set(progress.attempts.get(lesson_id, ())) if progress else set()


def allowed_attempts(quiz: Quiz, learner: dict, course_id: str, lesson_id: str) -> int | None:
    """How many attempts a learner may make at a test in all: its limit, plus any the admin granted;
    None when there is no limit (self-check questions never have one)."""
    if not quiz.settings.assessment or quiz.settings.attempts is None:
        return None
    return quiz.settings.attempts + int(learner.get(EXTRA_ATTEMPTS, {}).get(extra_key(course_id, lesson_id), 0))


@dataclass(frozen=True)
class TestStanding:
    """Where a learner stands with one test: attempts used and allowed, and whether it is passed."""

    course: Course
    lesson: Lesson
    used: int
    allowed: int | None
    passed: bool

    @property
    def stuck(self) -> bool:
        """No attempt left and not passed: only the admin can let the learner go on."""
        return not self.passed and self.allowed is not None and self.used >= self.allowed


def test_standings(learner: dict, courses: list[Course]) -> list[TestStanding]:
    """The learner's standing at every test of these courses."""
    progress = recorder.progress_of(learner["id"])
    standings = []
    for course in courses:
        tests = catalogue.test_lesson_ids(course)
        for lesson in course.lessons:
            if lesson.id in tests:
                quiz = catalogue.lesson_quiz(course.id, lesson.id)
                standings.append(TestStanding(
                    course, lesson, len(used_attempts(course.id, lesson.id, learner["id"])),
                    allowed_attempts(quiz, learner, course.id, lesson.id),
                    bool(progress.get(course.id) and lesson.id in progress[course.id].passed)))
    return standings


def grant_attempt(learner: dict, course_id: str, lesson_id: str) -> None:
    """Let a learner try a test once more (the admin's decision, kept in the learner's profile)."""
    extra = dict(learner.get(EXTRA_ATTEMPTS, {}))
    key = extra_key(course_id, lesson_id)
    extra[key] = int(extra.get(key, 0)) + 1
    services().store.learners.update_profile(learner["id"], **{EXTRA_ATTEMPTS: extra})


def extra_key(course_id: str, lesson_id: str) -> str:
    """Where a learner profile's extra attempts at one test are counted."""
    return f"{course_id}/{lesson_id}"
