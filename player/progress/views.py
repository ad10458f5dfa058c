"""Progress actions of lesson pages: the page reporting that it is shown, Done at the end of a lesson, and
the page's heartbeats."""

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, jsonify, redirect, request, url_for

from courses import Course, Lesson
from player.learners import sessions
from player.learners.sessions import learner_required
from player.progress import recorder, summary
from player.quizzes import catalogue
from player.web.services import services

progress_bp = Blueprint("progress", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(progress_bp)
    app.jinja_env.globals["progress_for"] = progress_for


@progress_bp.post("/courses/<course_id>/lessons/<lesson_id>/done")
@learner_required
def done(course_id: str, lesson_id: str):
    """The learner reached the end of a lesson and pressed Done: it is completed; on to the next one."""
    course, lesson = _lesson_or_404(course_id, lesson_id)
    recorder.lesson_completed(course, lesson)
    _, following = course.neighbours(lesson_id)
    if following is not None:
        return redirect(url_for("lessons.lesson", course_id=course_id, lesson_id=following.id), code=303)
    return redirect(url_for("lessons.contents", course_id=course_id), code=303)


@progress_bp.post("/courses/<course_id>/lessons/<lesson_id>/opened")
@learner_required
def opened(course_id: str, lesson_id: str):
    """The lesson page's own script reports that it is shown (with the page's CSRF token, so nothing but
    a page of the player can): the lesson is opened, its visit starts; the answer names the visit."""
    course, lesson = _lesson_or_404(course_id, lesson_id)
    return jsonify(visit=recorder.lesson_opened(course, lesson))


@progress_bp.post("/activity/beat")
@learner_required
def beat():
    """A visible lesson page is still open (sent every 30 s); `active` when the learner touched it."""
    data = request.get_json(silent=True) or {}
    learner = sessions.current_learner()
    if data.get("active"):
        sessions.mark_active()
    known = recorder.page_beat(learner["id"], str(data.get("visit", "")))
    return jsonify(ok=known, signout_seconds=sessions.signout_seconds())


@progress_bp.post("/activity/end")
@learner_required
def end():
    """The page is being left (a beacon from `pagehide`): record the time spent on it."""
    recorder.page_left(sessions.current_learner()["id"], str(request.form.get("visit", "")))
    return "", 204


def _lesson_or_404(course_id: str, lesson_id: str) -> tuple[Course, Lesson]:
    course = services().library.course(course_id)
    lesson = course.lesson(lesson_id) if course else None
    if lesson is None:
        abort(404)
    return course, lesson


@dataclass(frozen=True)
class ProgressView:
    """What pages show of the signed-in learner's progress in one course."""

    progress: summary.CourseProgress
    percent: int
    best: float | None
    complete: bool
    resume: Lesson | None
    tests: frozenset[str] = frozenset()  # the course's tests, which must be passed

    def done(self, lesson_id: str) -> bool:
        return self.progress.done(lesson_id)


def progress_for(course: Course) -> ProgressView | None:
    """The signed-in learner's progress in `course`, or None when nobody is signed in."""
    learner = sessions.current_learner()
    if learner is None:
        return None
    found = recorder.progress_of(learner["id"]).get(course.id) or summary.CourseProgress()
    return ProgressView(found, summary.percent(course, found), summary.best_score(course, found),
                        found.completed_at is not None or summary.rule_met(course, found),
                        summary.resume_lesson(course, found), frozenset(catalogue.test_lesson_ids(course)))
