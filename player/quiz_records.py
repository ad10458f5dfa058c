"""Submitting a quiz attempt: graded and recorded once, in one durable write; reading recorded attempts back.

The attempt's id is the xAPI registration of its statements, which makes the store the judge of whether an
attempt was already recorded (a double click or the back button records nothing twice) and of how many
attempts a learner has used. Recent attempts are kept in memory; older ones are rebuilt from the store.
"""

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app

from courses import Course, Lesson
from courses.grading import PARTIAL, RIGHT, UNGRADED, WRONG, grade_attempt
from courses.quiz import Description, Question, Quiz
from player import clock, quiz_catalogue, quiz_xapi, records, xapi
from player.quiz_attempts import Attempt, registration
from player.records import AnswerResult
from player.store import store

EXTENSION_KEY = "tramhoc_quiz_records"
RECENT_ATTEMPTS = 512


@dataclass(frozen=True)
class RecordedAnswer:
    """One question of a recorded attempt: the response in xAPI's format and how it was scored."""

    question_id: str
    response: str
    score: float | None  # scaled 0..1; None when not graded automatically
    success: bool | None

    @property
    def status(self) -> str:
        if self.score is None:
            return UNGRADED
        return RIGHT if self.success else PARTIAL if self.score > 0 else WRONG


@dataclass(frozen=True)
class RecordedAttempt:
    """A submitted attempt as stored: its answers in the order asked, score, verdict and duration."""

    id: str
    lesson_id: str
    answers: tuple[RecordedAnswer, ...]
    score: float | None  # scaled 0..1 over the graded answers
    passed: bool | None  # None for self-check questions
    seconds: float

    def answer(self, question_id: str) -> RecordedAnswer | None:
        return next((answer for answer in self.answers if answer.question_id == question_id), None)


class AlreadySubmitted(Exception):
    """This attempt was recorded before (a second click, the back button)."""


EXTRA_ATTEMPTS = "extra_attempts"  # profile field: {"course/lesson": attempts the admin granted}


class NoAttemptsLeft(Exception):
    """The learner has used every attempt the test allows."""


class AttemptBook:
    """Per-app: one lock per learner around check-and-record, and the attempts recorded lately."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = {}
        self._recent: OrderedDict[tuple[str, str], RecordedAttempt] = OrderedDict()
        self._guard = threading.Lock()

    def lock(self, learner_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(learner_id, threading.Lock())

    def remember(self, learner_id: str, attempt: RecordedAttempt) -> None:
        with self._guard:
            self._recent[(learner_id, attempt.id)] = attempt
            while len(self._recent) > RECENT_ATTEMPTS:
                self._recent.popitem(last=False)

    def recent(self, learner_id: str, attempt_id: str) -> RecordedAttempt | None:
        with self._guard:
            return self._recent.get((learner_id, attempt_id))


def book() -> AttemptBook:
    return current_app.extensions[EXTENSION_KEY]


def used_attempts(course_id: str, lesson_id: str, learner_id: str) -> set[str]:
    """Registrations of the learner's recorded attempts at this lesson's quiz."""
    progress = records.progress_of(learner_id).get(course_id)
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
    progress = records.progress_of(learner["id"])
    standings = []
    for course in courses:
        tests = quiz_catalogue.test_lesson_ids(course)
        for lesson in course.lessons:
            if lesson.id in tests:
                quiz = quiz_catalogue.lesson_quiz(course.id, lesson.id)
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
    store().learners.update_profile(learner["id"], **{EXTRA_ATTEMPTS: extra})


def extra_key(course_id: str, lesson_id: str) -> str:
    """Where a learner profile's extra attempts at one test are counted."""
    return f"{course_id}/{lesson_id}"


def submit(course: Course, lesson: Lesson, quiz: Quiz, attempt: Attempt, responses: dict,
           learner: dict) -> RecordedAttempt:
    """Grade and record an attempt once. A test grades every question asked (unanswered ones are wrong)
    and refuses an attempt beyond its limit; self-checks grade only the questions answered."""
    asked = [question for question, _ in attempt.asked(quiz) if not isinstance(question, Description)]
    test = quiz.settings.assessment
    ids = [q.id for q in asked if test or responses.get(q.id) is not None]
    attempts = book()
    with attempts.lock(learner["id"]):
        used = used_attempts(course.id, lesson.id, learner["id"])
        if attempt.registration in used:
            raise AlreadySubmitted(attempt.id)
        allowed = allowed_attempts(quiz, learner, course.id, lesson.id)
        if allowed is not None and len(used) >= allowed:
            raise NoAttemptsLeft(attempt.id)
        graded = grade_attempt(quiz, ids, responses)
        passed = (graded.passed is not False) if test else None  # a test of essays only is passed by doing it
        answers = [_answer_result(quiz.question(result.question_id), result, responses, course.language)
                   for result in graded.results]
        seconds = xapi.parse_duration(xapi.duration(max(0.0, clock.now() - attempt.started)))
        records.record_quiz_attempt(course, lesson.id, answers, passed=passed, duration_seconds=seconds,
                                    learner=learner, registration=attempt.registration)
        made = RecordedAttempt(attempt.id, lesson.id, tuple(_recorded_answer(answer) for answer in answers),
                               _attempt_score(answers), passed, seconds)
        attempts.remember(learner["id"], made)
    return made


def recorded(learner_id: str, course_id: str, attempt_ids: set[str]) -> dict[str, RecordedAttempt]:
    """Recorded attempts of a learner by id: recent ones from memory, others read from their records."""
    attempts = book()
    found = {attempt_id: attempts.recent(learner_id, attempt_id) for attempt_id in attempt_ids}
    missing = {registration(attempt_id) for attempt_id, made in found.items() if made is None}
    if missing:
        groups: dict[str, list[dict]] = {}
        for statement in store().learners.statements(learner_id):
            found_in = statement.get("context", {}).get("registration")
            if found_in in missing:
                groups.setdefault(found_in, []).append(statement)
        for registration_id, statements in groups.items():
            made = from_statements(uuid.UUID(registration_id).hex, course_id, statements)
            if made is not None:
                attempts.remember(learner_id, made)
                found[made.id] = made
    return {attempt_id: made for attempt_id, made in found.items() if made is not None}


def from_statements(attempt_id: str, course_id: str, statements: list[dict]) -> RecordedAttempt | None:
    """An attempt rebuilt from its stored statements (None when they are not a whole attempt of this course)."""
    answers, closing = [], None
    for statement in statements:
        ref = xapi.parse_activity(statement.get("object", {}).get("id", ""))
        if ref is None or ref.course_id != course_id:
            return None
        result = statement.get("result", {})
        if ref.question_id and xapi.verb_name(statement) == "answered":
            answers.append(RecordedAnswer(ref.question_id, result.get("response", ""),
                                          result.get("score", {}).get("scaled"), result.get("success")))
        elif ref.quiz and xapi.verb_name(statement) in ("passed", "failed", "completed"):
            closing = (ref.lesson_id, statement)
    if closing is None:
        return None
    lesson_id, statement = closing
    result = statement.get("result", {})
    return RecordedAttempt(attempt_id, lesson_id, tuple(answers), result.get("score", {}).get("scaled"),
                           result.get("success"), xapi.parse_duration(result.get("duration", "")))


def _answer_result(question: Question, result, responses: dict, language: str) -> AnswerResult:
    graded = result.status != UNGRADED
    return AnswerResult(question.id, quiz_xapi.response_text(question, responses.get(question.id)),
                        result.status == RIGHT if graded else None,
                        points=result.score * result.points if graded else None, max_points=result.points,
                        interaction_type=quiz_xapi.interaction_type(question),
                        definition=quiz_xapi.definition(question, language))


def _recorded_answer(answer: AnswerResult) -> RecordedAnswer:
    if answer.correct is None:
        return RecordedAnswer(answer.question_id, answer.response, None, None)
    return RecordedAnswer(answer.question_id, answer.response, xapi.score(answer.scored, answer.max_points)["scaled"],
                          answer.correct)


def _attempt_score(answers: list[AnswerResult]) -> float | None:
    graded = [answer for answer in answers if answer.correct is not None]
    if not graded:
        return None
    return xapi.score(sum(a.scored for a in graded), sum(a.max_points for a in graded))["scaled"]


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = AttemptBook()
