"""Course contents, lesson pages and lesson assets, served straight from the installed bundle."""

import posixpath

from flask import Blueprint, Flask, Response, abort, render_template, request

from courses.members import asset_member, lesson_member
from player.learners.sessions import learner_required
from player.quizzes.page import quiz_page
from player.web.sanitise import clean_bundle_html
from player.web.services import services

lessons_bp = Blueprint("lessons", __name__, url_prefix="/courses")

# An SVG opened on its own is a document that could run script: sandbox it (a unique origin, no script).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"
MEDIA_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml", ".mp3": "audio/mpeg", ".mp4": "video/mp4",
    ".pdf": "application/pdf",
}


def init_app(app: Flask) -> None:
    app.register_blueprint(lessons_bp)


def _bundle(course_id: str):
    try:
        return services().library.bundle(course_id)
    except KeyError:
        abort(404)


@lessons_bp.get("/<course_id>/")
@learner_required
def contents(course_id: str):
    """A course's table of contents."""
    return render_template("lessons/contents.html", course=_bundle(course_id).course)


@lessons_bp.get("/<course_id>/lessons/<lesson_id>")
@learner_required
def lesson(course_id: str, lesson_id: str):
    """One lesson with previous / next navigation. Showing it records nothing (an image tag could ask for
    it): the page's own script reports the visit (progress.opened)."""
    bundle = _bundle(course_id)
    course = bundle.course
    current = course.lesson(lesson_id)
    if current is None:
        abort(404)
    html = bundle.read(lesson_member(lesson_id)).decode("utf-8", errors="replace")
    quiz = quiz_page(course, current, html)
    previous, following = course.neighbours(lesson_id)
    return render_template("lessons/lesson.html", course=course, lesson=current, quiz=quiz,
                           body=None if quiz else clean_bundle_html(html), previous=previous, following=following)


@lessons_bp.get("/<course_id>/assets/<path:path>")
@learner_required
def asset(course_id: str, path: str):
    """An image, audio, video or PDF of the course, by exact member name (never a disk path)."""
    bundle = _bundle(course_id)
    member = asset_member(path)
    media_type = MEDIA_TYPES.get(posixpath.splitext(path)[1].lower())
    if media_type is None or not bundle.has(member):
        abort(404)
    data = bundle.read(member)
    response = Response(data, mimetype=media_type)
    if media_type == MEDIA_TYPES[".svg"]:
        response.headers["Content-Security-Policy"] = SVG_POLICY
    response.set_etag(bundle.manifest.files[member].sha256)
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response.make_conditional(request, accept_ranges=True, complete_length=len(data))
