"""Course contents, lesson pages (with their narration) and lesson assets, served straight from the
installed bundle."""

import posixpath
from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, jsonify, render_template, request
from flask_babel import gettext

from courses.members import asset_member, lesson_member, unsafe_reason
from player.learners import sessions
from player.learners.sessions import learner_required
from player.lessons import listening
from player.lessons.parts import with_narration_controls
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
    learner_id = sessions.current_learner()["id"]
    body, parts = (None, 0) if quiz else with_narration_controls(clean_bundle_html(html), course, current, learner_id)
    place = current.narration and listening.place_of(learner_id, course_id, lesson_id, current.narration)
    return render_template("lessons/lesson.html", course=course, lesson=current, quiz=quiz, body=body,
                           previous=previous, following=following, narrated=bool(current.narration or parts),
                           place=place, speeds=listening.speed_choices())


@lessons_bp.post("/<course_id>/lessons/<lesson_id>/listening")
@learner_required
def listened(course_id: str, lesson_id: str):
    """The lesson page's narration player reports where the learner is and at what speed (JSON, with the
    page's CSRF token): kept for the next time the lesson is opened."""
    bundle = _bundle(course_id)
    current = bundle.course.lesson(lesson_id)
    sent = request.get_json(silent=True) or {}
    narration = sent.get("narration")
    if current is None or not isinstance(narration, str) or not _is_recording(bundle, current, narration):
        abort(404)
    place = listening.read_place(sent)
    if place is None:
        return jsonify(error="bad_place", message=gettext("This is not a place in the recording.")), 400
    try:
        listening.keep(sessions.current_learner()["id"], course_id, lesson_id, narration, place)
    except OSError:  # a full disk: the recording plays on, from the start next time
        return jsonify(error="not_saved", message=gettext("Where you stopped cannot be saved right now.")), 503
    return "", 204


def _is_recording(bundle, lesson, narration: str) -> bool:
    """The lesson's own narration, or an MP3 of the course that the lesson plays (a section's narration)."""
    if narration == lesson.narration:
        return True
    if not narration.lower().endswith(".mp3") or unsafe_reason(narration) or not bundle.has(asset_member(narration)):
        return False
    return f'src="../assets/{quote(narration)}"' in bundle.read(lesson_member(lesson.id)).decode("utf-8", "replace")


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
