"""The search page: what a learner typed, found in every installed course's lessons and glossaries."""

from flask import Blueprint, Flask, render_template, request

from player.learners.sessions import learner_required
from player.library.visibility import hidden_courses
from player.web.services import services

search_bp = Blueprint("search", __name__)
MAX_QUERY = 200


def init_app(app: Flask) -> None:
    app.register_blueprint(search_bp)


@search_bp.get("/search")
@learner_required
def results():
    """Lessons and glossary entries that hold the words typed, the best first."""
    query = " ".join(request.args.get("q", "")[:MAX_QUERY].split())
    library = services().library
    hits = services().search.search(library, query, leave_out=hidden_courses()) if query else []
    titles = {course.id: course.title for course in library.courses()}
    return render_template("search/results.html", query=query, hits=hits, titles=titles)
