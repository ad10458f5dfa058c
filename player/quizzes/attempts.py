"""Open quiz attempts: which questions an attempt asks and in what order, kept in the session until it is
submitted; and which self-check questions show the result of an earlier attempt.

An attempt's id is a random UUID that also seeds its draw and shuffles, so the session holds only the id,
its start time and the quiz's fingerprint: a reload shows the same questions in the same order, a new
attempt draws again. The id is also the xAPI registration of the attempt's statements (player.quizzes.submit).
A test attempt's answers are saved as a draft in the learner's store (player.quizzes.drafts), which also
brings the attempt back when the session lost it.
"""

import uuid
from dataclasses import dataclass
from random import Random

from flask import session

from courses.quiz import Question, Quiz
from player import clock
from player.quizzes import catalogue, drafts
from player.quizzes.grading import draw_questions
from player.quizzes.public import PublicQuestion, public_question

SESSION_KEY = "quiz"
MAX_LESSONS = 24  # lessons whose attempts the session remembers (the cookie must stay small)
MAX_AGE_SECONDS = 24 * 3600  # an attempt left open longer is expired: its duration would mean nothing


@dataclass(frozen=True)
class Attempt:
    """An open attempt at one lesson's quiz."""

    id: str  # 32 hex digits
    course_id: str
    lesson_id: str
    started: float  # clock.now()
    fingerprint: str  # of the quiz it was drawn from

    @property
    def registration(self) -> str:
        return registration(self.id)

    def asked(self, quiz: Quiz) -> list[tuple[Question, PublicQuestion]]:
        """The attempt's questions in the order shown, each with its public view (choices shuffled)."""
        rng = Random(int(self.id, 16))
        questions = draw_questions(quiz, rng) if quiz.settings.assessment else quiz.questions
        return [(question, public_question(question, rng, quiz.settings.shuffle)) for question in questions]

    def expired(self) -> bool:
        return clock.now() - self.started > MAX_AGE_SECONDS


def is_attempt_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def registration(attempt_id: str) -> str:
    """The xAPI registration (a UUID) of an attempt's statements."""
    return str(uuid.UUID(attempt_id))


# --- the session: open attempts, and which self-check questions show a result ---------------------------

def _lessons(learner_id: str) -> dict:
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("learner") != learner_id:
        return {}
    return dict(state.get("lessons") or {})


def _save(learner_id: str, key: str, entry: dict) -> None:
    lessons = _lessons(learner_id)
    lessons.pop(key, None)
    if entry:
        lessons[key] = entry
    while len(lessons) > MAX_LESSONS:
        lessons.pop(next(iter(lessons)))
    session[SESSION_KEY] = {"learner": learner_id, "lessons": lessons}


def current_attempt(course_id: str, lesson_id: str, learner_id: str) -> Attempt | None:
    """The open attempt at this lesson's quiz, as the session holds it (maybe expired or outdated)."""
    found = _lessons(learner_id).get(f"{course_id}/{lesson_id}", {}).get("open")
    if not (isinstance(found, list) and len(found) == 3 and is_attempt_id(found[0])):
        return None
    return Attempt(found[0], course_id, lesson_id, float(found[1]), str(found[2]))


def open_attempt(course_id: str, lesson_id: str, learner_id: str, used: set[str] = frozenset()) -> Attempt:
    """The open attempt at this lesson's quiz: the session's, else the one whose answers were saved as a
    draft (after a sign-out or a restart), else a new one. An attempt among `used` (recorded, though its
    browser may never have learned it) is over and never reopened."""
    fingerprint = catalogue.fingerprint(course_id, lesson_id)
    key = f"{course_id}/{lesson_id}"
    for attempt in (current_attempt(course_id, lesson_id, learner_id), _drafted(course_id, lesson_id, learner_id)):
        if attempt is not None and attempt.fingerprint == fingerprint and not attempt.expired() \
                and attempt.registration not in used:
            break
    else:
        attempt = Attempt(uuid.uuid4().hex, course_id, lesson_id, clock.now(), fingerprint)
    entry = _lessons(learner_id).get(key, {})
    if entry.get("open") != [attempt.id, attempt.started, fingerprint]:
        _save(learner_id, key, {**entry, "open": [attempt.id, attempt.started, fingerprint]})
    return attempt


def _drafted(course_id: str, lesson_id: str, learner_id: str) -> Attempt | None:
    found = drafts.saved(learner_id, course_id, lesson_id)
    if found is None or not is_attempt_id(found.get("attempt")):
        return None
    return Attempt(found["attempt"], course_id, lesson_id, float(found.get("started", 0)), str(found.get("fingerprint")))


def close_attempt(attempt: Attempt, learner_id: str, checked: list[str] = ()) -> None:
    """The attempt was submitted: forget it and its draft; it is the lesson's last attempt now, and the
    `checked` self-check questions show its result."""
    key = f"{attempt.course_id}/{attempt.lesson_id}"
    entry = _lessons(learner_id).get(key, {})
    if entry.get("open", [None])[0] == attempt.id:
        entry = {name: value for name, value in entry.items() if name != "open"}
    entry["checked"] = {**entry.get("checked", {}), **{question_id: attempt.id for question_id in checked}}
    entry["last"] = attempt.id
    _save(learner_id, key, entry)
    drafts.drop(learner_id, attempt.course_id, attempt.lesson_id)


def last_attempt(course_id: str, lesson_id: str, learner_id: str) -> str | None:
    """The id of the attempt at this lesson submitted last in this session, if any."""
    found = _lessons(learner_id).get(f"{course_id}/{lesson_id}", {}).get("last")
    return found if is_attempt_id(found) else None


def checked_questions(course_id: str, lesson_id: str, learner_id: str) -> dict[str, str]:
    """Self-check question id -> id of the attempt whose result it shows."""
    found = _lessons(learner_id).get(f"{course_id}/{lesson_id}", {}).get("checked", {})
    return {question_id: attempt_id for question_id, attempt_id in found.items() if is_attempt_id(attempt_id)}


def uncheck(course_id: str, lesson_id: str, learner_id: str, question_id: str | None = None) -> None:
    """Show a self-check question (None: all of them) unanswered again."""
    key = f"{course_id}/{lesson_id}"
    entry = _lessons(learner_id).get(key, {})
    checked = {} if question_id is None else {
        qid: attempt_id for qid, attempt_id in entry.get("checked", {}).items() if qid != question_id}
    _save(learner_id, key, {**entry, "checked": checked})
