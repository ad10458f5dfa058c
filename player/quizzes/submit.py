"""Submitting a quiz attempt: graded and recorded once, in one durable write.

The attempt's id is the xAPI registration of its statements, which makes the store the judge of whether an
attempt was already recorded (a double click or the back button records nothing twice) and of how many
attempts a learner has used.
"""

from courses import Course, Lesson
from courses.quiz import Description, Question, Quiz
from player import clock
from player.progress import recorder
from player.quizzes import interactions
from player.quizzes.attempts import Attempt
from player.quizzes.grading import grade_attempt
from player.quizzes.recorded import RecordedAnswer, RecordedAttempt
from player.quizzes.standings import allowed_attempts, used_attempts
from player.web.services import services
from player.xapi import vocabulary as xapi
from player.xapi.statements import Answer


class AlreadySubmitted(Exception):
    """This attempt was recorded before (a second click, the back button)."""


class NoAttemptsLeft(Exception):
    """The learner has used every attempt the test allows."""

    def __init__(self, allowed: int):
        super().__init__(f"all {allowed} attempts used")
        self.allowed = allowed


def submit(course: Course, lesson: Lesson, quiz: Quiz, attempt: Attempt, asked: list[tuple[Question, object]],
           responses: dict, learner: dict) -> RecordedAttempt:
    """Grade and record an attempt once; `asked` is the attempt's questions as shown (Attempt.asked). A test
    grades every question asked (unanswered ones are wrong) and refuses an attempt beyond its limit;
    self-checks grade only the questions answered."""
    test = quiz.settings.assessment
    ids = [question.id for question, _ in asked
           if not isinstance(question, Description) and (test or responses.get(question.id) is not None)]
    attempts = services().attempts
    with attempts.lock(learner["id"]):
        used = used_attempts(course.id, lesson.id, learner["id"])
        if attempt.registration in used:
            raise AlreadySubmitted(attempt.id)
        allowed = allowed_attempts(quiz, learner, course.id, lesson.id)
        if allowed is not None and len(used) >= allowed:
            raise NoAttemptsLeft(allowed)
        graded = grade_attempt(quiz, ids, responses)
        passed = (graded.passed is not False) if test else None  # a test of essays only is passed by doing it
        answers = [interactions.answer(quiz.question(result.question_id), responses.get(result.question_id), result,
                                       course.language) for result in graded.results]
        seconds = xapi.hundredths(clock.now() - attempt.started)
        recorder.record_quiz_attempt(course, lesson.id, answers, passed=passed, seconds=seconds, learner=learner,
                                     registration=attempt.registration)
        made = RecordedAttempt(attempt.id, lesson.id, tuple(_recorded(answer) for answer in answers),
                               _attempt_score(answers), passed, seconds)
        attempts.remember(learner["id"], made)
    return made


def _recorded(answer: Answer) -> RecordedAnswer:
    if answer.correct is None:
        return RecordedAnswer(answer.question_id, answer.response, None, None)
    return RecordedAnswer(answer.question_id, answer.response, xapi.score(answer.scored, answer.max_points)["scaled"],
                          answer.correct)


def _attempt_score(answers: list[Answer]) -> float | None:
    graded = [answer for answer in answers if answer.correct is not None]
    if not graded:
        return None
    return xapi.score(sum(a.scored for a in graded), sum(a.max_points for a in graded))["scaled"]
