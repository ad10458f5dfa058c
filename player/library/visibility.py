"""Courses the admin hid from learners: kept in the centre settings, left out of the library and search,
and every learner page under /courses/<course_id>/ answers 404; the admin area and reports still see them."""

from flask import Flask, abort, request

from player.web.services import services

SETTING = "hidden_courses"


def init_app(app: Flask) -> None:
    app.before_request(_refuse_hidden_course)
    app.jinja_env.globals["course_hidden"] = is_hidden


def hidden_courses() -> frozenset[str]:
    """Ids of the courses learners do not see."""
    return frozenset(services().store.settings.get()[SETTING])


def is_hidden(course_id: str) -> bool:
    return course_id in hidden_courses()


def set_hidden(course_id: str, hidden: bool) -> None:
    """Hide a course from learners, or show it again."""
    chosen = hidden_courses() | {course_id} if hidden else hidden_courses() - {course_id}
    services().store.settings.update(**{SETTING: sorted(chosen)})


def _refuse_hidden_course() -> None:
    """A learner page of a hidden course (contents, lessons, assets, tests, practice, certificate) is not there."""
    course_id = (request.view_args or {}).get("course_id")
    if course_id and request.path.startswith("/courses/") and is_hidden(course_id):
        abort(404)
