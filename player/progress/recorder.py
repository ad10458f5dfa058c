"""Recording what learners do as xAPI statements (made by player.xapi.statements): lesson opened, time
spent, lesson completed, quiz attempts, and the course's completion once its rule is met. Pages and
quizzes call these functions; the statements are stored in the learner's own files (player.store) and
counted in their progress."""

import uuid

from flask import Flask, current_app

from courses import Course, Lesson
from player import clock
from player.classes.roster import grouping
from player.learners import sessions
from player.progress.summary import CourseProgress, course_score, rule_met
from player.progress.visits import Visit
from player.quizzes import catalogue
from player.web.services import services
from player.xapi import statements
from player.xapi.statements import Answer, Scope


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
    _record(learner, course, [statements.lesson_launched(_scope(learner, course), lesson.id, lesson.title,
                                                         clock.utcnow())])
    return visit.id


def lesson_completed(course: Course, lesson: Lesson, learner: dict | None = None) -> None:
    """Record that the signed-in learner (or `learner`) finished a lesson: they reached its end and
    pressed Done. Recorded once; later presses change nothing."""
    learner = learner or sessions.current_learner()
    with services().store.learners.learner_lock(learner["id"]):  # Done pressed on two PCs at once: once too
        if services().progress.of(learner["id"]).get(course.id, CourseProgress()).done(lesson.id):
            return
        _record(learner, course, [statements.lesson_completed(_scope(learner, course), lesson.id, lesson.title,
                                                              clock.utcnow())])


def record_quiz_attempt(course: Course, lesson_id: str, answers: list[Answer], *, passed: bool | None,
                        seconds: float, learner: dict | None = None, registration: str | None = None) -> str:
    """Record one finished quiz attempt of the signed-in learner (or `learner`, a profile dict).

    answers       one Answer per question asked, in the order asked
    passed        whether the attempt reached the quiz's pass mark (the quiz decides); None for
                  self-check questions, which are practice: neither passed nor failed
    seconds       time from the first question shown to submitting
    registration  the attempt's id (a UUID), when the caller made one; else a new one

    Stores, in one durable write, an `answered` statement per question and the attempt's closing
    statement (see player.xapi.statements), all sharing one `context.registration` (and, for the course's
    pre-test or post-test, the test-role context extension); if the attempt meets
    the course's completion rule, the course's `completed` statement follows. Returns the registration.
    Raises LookupError when nobody is signed in, KeyError for an unknown lesson."""
    learner = learner or sessions.current_learner()
    if learner is None:
        raise LookupError("no learner is signed in")
    lesson = course.lesson(lesson_id)
    if lesson is None:
        raise KeyError(lesson_id)
    registration = registration or str(uuid.uuid4())
    scope, when, role = _scope(learner, course), clock.utcnow(), catalogue.test_role(course, lesson.id)
    made = [statements.question_answered(scope, lesson.id, lesson.title, answer, registration, when, test_role=role)
            for answer in answers]
    made.append(statements.quiz_finished(scope, lesson.id, lesson.title, answers, passed, seconds, registration,
                                         when, test_role=role))
    _record(learner, course, made)
    return registration


def record_practice(course: Course, made: list[dict], learner: dict, finished_lesson: Lesson | None = None) -> None:
    """Store a practice's statements (made with `practice_scope`); a practice finished completes its lesson."""
    _record(learner, course, made)
    if finished_lesson is not None:
        lesson_completed(course, finished_lesson, learner)


def practice_scope(learner: dict, course: Course) -> Scope:
    """Who and where, for the statements of a practice (player.xapi.statements.practice_*)."""
    return _scope(learner, course)


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
    """Record the time of visits whose page went silent (a closed window). Any request does this, so a
    failing disk must not fail it: the time of those visits is then lost, and logged."""
    for visit in services().visits.sweep(clock.now(), sessions.signout_seconds()):
        try:
            _record_visit(visit)
        except OSError as error:
            current_app.logger.warning("the time spent in %s could not be saved: %s", visit.lesson.id, error)


def _record_visit(visit: Visit) -> None:
    """Time spent in a lesson, as `experienced` with a duration (whole seconds; under one is noise)."""
    if visit.seconds < 1:
        return
    learner = services().store.learners.profile(visit.learner_id)
    if learner is None:
        return  # deleted meanwhile
    made = statements.lesson_experienced(_scope(learner, visit.course), visit.lesson.id, visit.lesson.title,
                                         round(visit.seconds), clock.utcnow())
    services().progress.record(learner["id"], [made])


def _record(learner: dict, course: Course, made: list[dict]) -> None:
    """Store statements; when they complete the course, store its `completed` statement too (once: the
    learner's lock is held from the first write to the check)."""
    book = services().progress
    with services().store.learners.learner_lock(learner["id"]):
        book.record(learner["id"], made)
        progress = book.of(learner["id"]).get(course.id)
        if progress is None or progress.completed_at is not None or not rule_met(course, progress):
            return
        score = course_score(course, progress)
        book.record(learner["id"], [statements.course_completed(
            _scope(learner, course), clock.utcnow(), None if score is None else round(score, 4),
            round(progress.seconds))])


def _scope(learner: dict, course: Course) -> Scope:
    settings = services().store.settings.get()
    return Scope(learner["id"], learner["name"], course.id, course.title, course.version, course.language,
                 settings["device_id"], settings["centre_name"], grouping(learner["id"], course.id))


def init_app(app: Flask) -> None:
    """Record the time of a learner's open lessons when they sign out, and of pages gone silent."""
    sessions.signed_out.connect(lambda sender, learner_id: learner_left(learner_id), app, weak=False)
    app.before_request(sweep_visits)
