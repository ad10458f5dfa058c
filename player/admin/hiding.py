"""The admin area's switch that hides an installed course from learners, or shows it again
(see player.library.visibility)."""

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from flask_babel import gettext

from player.admin.access import admin_required
from player.library.visibility import set_hidden
from player.web.services import services

hiding_bp = Blueprint("hiding", __name__, url_prefix="/admin/courses")


def init_app(app: Flask) -> None:
    app.register_blueprint(hiding_bp)


@hiding_bp.post("/<course_id>/hidden")
@admin_required
def hide(course_id: str):
    """Hide the course from learners (`hidden=yes`) or show it to them again (`hidden=no`)."""
    course = services().library.course(course_id)
    if course is None:
        abort(404)
    hidden = request.form.get("hidden") == "yes"
    set_hidden(course_id, hidden)
    message = (gettext("Learners no longer see “%(title)s”.", title=course.title) if hidden
               else gettext("Learners see “%(title)s” again.", title=course.title))
    flash(message, "success")
    return redirect(url_for("admin.courses"), code=303)
