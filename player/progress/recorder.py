"""Recording what learners do as xAPI statements: lesson opened, time spent, lesson completed, quiz
attempts, and the course's completion once its rule is met. Pages and quizzes call these functions; the
statements are stored in the learner's own files (player.store) and counted in their progress."""

import uuid
from dataclasses import dataclass

from flask import Flask

from courses import Course, Lesson
from player import clock
from player.learners import sessions
from player.progress.summary import CourseProgress, course_score, rule_met
from player.progress.visits import Visit
from player.web.services import services
from player.xapi import vocabulary as xapi


@dataclass(frozen=True)
class AnswerResult:
    """How a learner answered one question of a quiz attempt.

    question_id       the question's stable id (unique in the course)
    response          the answer as text: a choice's text or id, several joined with `[,]` (xAPI's
                      separator), the typed text of a short answer, a number
    correct           whether it counts as right; None when it is not graded automatically (an essay):
                      then no success or score is recorded and it does not count in the attempt's score
    points            points scored, for partial credit; None means all of max_points when correct,
                      else 0. max_points is the question's weight
    interaction_type  xAPI interaction type: `choice`, `true-false`, `fill-in`, `long-fill-in`, `numeric`,
                      `matching`, `sequencing` or `other`
    definition        more of the question's cmi.interaction definition (name, choices, source/target,
                      correctResponsesPattern), see player.quiz_xapi
    """

    question_id: str
    response: str
    correct: bool | None
    points: float | None = None
    max_points: float = 1.0
    interaction_type: str = "other"
    definition: dict | None = None

    @property
    def scored(self) -> float:
        if self.points is not None:
            return self.points
        return self.max_points if self.correct else 0.0


def progress_of(learner_id: str) -> dict[str, CourseProgress]:
    """Course id -> progress of a learner (read-only)."""
    return services().progress.of(learner_id)


def lesson_opened(course: Course, lesson: Lesson, learner: dict | None = None) -> str:
    """Record that the signed-in learner (or `learner`) opened a lesson; returns the id of the page's
    visit, which its heartbeats name."""
    learner = learner or sessions.current_learner()
    visit, ended = services().visits.start(learner["id"], course, lesson, clock.now(), sessions.signout_seconds())
    for finished in ended:
        _record_visit(finished)
    _record(learner, course, [_statement(learner, "launched", xapi.lesson_activity(course, lesson), course)])
    return visit.id


def lesson_completed(course: Course, lesson: Lesson, learner: dict | None = None) -> None:
    """Record that the signed-in learner (or `learner`) finished a lesson: they reached its end and
    pressed Done. Recorded once; later presses change nothing."""
    learner = learner or sessions.current_learner()
    if services().progress.of(learner["id"]).get(course.id, CourseProgress()).done(lesson.id):
        return
    _record(learner, course, [_statement(learner, "completed", xapi.lesson_activity(course, lesson), course,
                                         result={"completion": True})])


def record_quiz_attempt(course: Course, lesson_id: str, answers: list[AnswerResult], *, passed: bool | None,
                        duration_seconds: float, learner: dict | None = None, registration: str | None = None
                        ) -> str:
    """Record one finished quiz attempt of the signed-in learner (or `learner`, a profile dict).

    course            the installed course (courses.Course)
    lesson_id         the id of the lesson whose quiz was taken
    answers           one AnswerResult per question asked, in the order asked
    passed            whether the attempt reached the quiz's pass mark (the quiz decides); None for
                      self-check questions, which are practice: neither passed nor failed
    duration_seconds  time from the first question shown to submitting
    registration      the attempt's id (a UUID), when the caller made one; else a new one

    Stores, in one durable write: an `answered` statement per question (object: the question's activity,
    result: success, response, score) and one `passed` or `failed` statement for the lesson's quiz
    (`completed` when passed is None; result: score raw/min/max/scaled summed over the graded answers,
    success, completion, duration), all sharing one `context.registration`. If this attempt meets the
    course's completion rule, the course's `completed` statement follows. Returns the registration (the
    attempt's id). Raises LookupError when nobody is signed in, KeyError for an unknown lesson."""
    learner = learner or sessions.current_learner()
    if learner is None:
        raise LookupError("no learner is signed in")
    lesson = course.lesson(lesson_id)
    if lesson is None:
        raise KeyError(lesson_id)
    registration = registration or str(uuid.uuid4())
    quiz = xapi.quiz_activity(course, lesson)
    made = [
        _statement(learner, "answered", xapi.question_activity(course, answer.question_id, answer.interaction_type,
                                                               answer.definition),
                   course, parents=[quiz], registration=registration, result=_answer_result(answer))
        for answer in answers
    ]
    result = {"completion": True, "duration": xapi.duration(duration_seconds)}
    graded = [answer for answer in answers if answer.correct is not None]
    if graded:
        result["score"] = xapi.score(sum(a.scored for a in graded), sum(a.max_points for a in graded))
    if passed is not None:
        result["success"] = passed
    verb = "completed" if passed is None else "passed" if passed else "failed"
    made.append(_statement(learner, verb, quiz, course, parents=[xapi.lesson_activity(course, lesson)],
                           registration=registration, result=result))
    _record(learner, course, made)
    return registration


def _answer_result(answer: AnswerResult) -> dict:
    if answer.correct is None:
        return {"response": answer.response}
    return {"success": answer.correct, "response": answer.response,
            "score": xapi.score(answer.scored, answer.max_points)}


def page_beat(learner_id: str, visit_id: str) -> bool:
    return services().visits.beat(visit_id, learner_id, clock.now())


def page_left(learner_id: str, visit_id: str) -> None:
    visit = services().visits.end(visit_id, learner_id, clock.now(), sessions.signout_seconds())
    if visit is not None:
        _record_visit(visit)


def learner_left(learner_id: str) -> None:
    """The learner signed out: record the time of their open visits."""
    for visit in services().visits.end_learner(learner_id, clock.now(), sessions.signout_seconds()):
        _record_visit(visit)


def sweep_visits() -> None:
    """Record the time of visits whose page went silent (a closed window)."""
    for visit in services().visits.sweep(clock.now(), sessions.signout_seconds()):
        _record_visit(visit)


def _record_visit(visit: Visit) -> None:
    """Time spent in a lesson, as `experienced` with a duration (whole seconds; under one is noise)."""
    if visit.seconds < 1:
        return
    learner = services().store.learners.profile(visit.learner_id)
    if learner is None:
        return  # deleted meanwhile
    statement = _statement(learner, "experienced", xapi.lesson_activity(visit.course, visit.lesson),
                           visit.course, result={"duration": xapi.duration(round(visit.seconds))})
    services().progress.record(learner["id"], [statement])


def _record(learner: dict, course: Course, statements: list[dict]) -> None:
    """Store statements; when they complete the course, store its `completed` statement too."""
    book = services().progress
    book.record(learner["id"], statements)
    progress = book.of(learner["id"]).get(course.id)
    if progress is None or progress.completed_at is not None or not rule_met(course, progress):
        return
    score = course_score(course, progress)
    result = {"completion": True, "success": True, "duration": xapi.duration(round(progress.seconds))}
    if score is not None:
        result["score"] = xapi.score(round(score, 4), 1.0)
    book.record(learner["id"], [_statement(learner, "completed", xapi.course_activity(course), course,
                                           result=result)])


def _statement(learner: dict, verb: str, object_: dict, course: Course, result: dict | None = None,
               parents: list[dict] = (), registration: str | None = None) -> dict:
    settings = services().store.settings.get()
    context = xapi.context(course, settings["device_id"], settings["centre_name"], parents, registration)
    return xapi.statement(xapi.actor(learner["id"], learner["name"]), verb, object_, context, result,
                          when=clock.utcnow())


def init_app(app: Flask) -> None:
    """Record the time of a learner's open lessons when they sign out, and of pages gone silent."""
    sessions.signed_out.connect(lambda sender, learner_id: learner_left(learner_id), app, weak=False)
    app.before_request(sweep_visits)
