"""Quiz attempts as they were recorded: their answers, score and verdict, read back from the learner's
statements (recent ones kept in memory), for the results page and the self-checks shown as checked."""

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from player.quizzes.attempts import registration
from player.quizzes.grading import PARTIAL, RIGHT, UNGRADED, WRONG
from player.web.services import services
from player.xapi import vocabulary as xapi

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


def recorded(learner_id: str, course_id: str, attempt_ids: set[str]) -> dict[str, RecordedAttempt]:
    """Recorded attempts of a learner by id: recent ones from memory, others read from their records."""
    attempts = services().attempts
    found = {attempt_id: attempts.recent(learner_id, attempt_id) for attempt_id in attempt_ids}
    missing = {registration(attempt_id) for attempt_id, made in found.items() if made is None}
    if missing:
        groups: dict[str, list[dict]] = {}
        for statement in services().store.learners.statements(learner_id):
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
