"""Library page: the installed courses (installing one is player.web_installs)."""

from flask import Blueprint, render_template

from player.library import library
from player.sessions import current_learner
from player.web_learners import start_screen

library_bp = Blueprint("library", __name__)


@library_bp.get("/")
def index():
    """The installed courses; until someone chooses who is learning, the start screen."""
    if current_learner() is None:
        return start_screen()
    return render_template("library.html", courses=library().courses())
