"""Library page: installed courses, and installing a bundle from a file."""

import tempfile
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from player.library import InstallError, UnverifiedBundle, library
from player.sessions import current_learner
from player.web_learners import start_screen

library_bp = Blueprint("library", __name__)


@library_bp.get("/")
def index():
    """The installed courses; until someone chooses who is learning, the start screen."""
    if current_learner() is None:
        return start_screen()
    return render_template("library.html", courses=library().courses())


@library_bp.post("/install")
def install():
    """Install an uploaded bundle after verifying it completely."""
    upload = request.files.get("bundle")
    if upload is None or not upload.filename:
        flash(gettext("Choose a course file (.tramhoc) first."), "error")
        return redirect(url_for(".index"), code=303)
    with tempfile.TemporaryDirectory(dir=library().root, prefix=".upload.") as folder:
        path = Path(folder) / "upload.tramhoc"
        upload.save(path)
        try:
            course = library().install(path)
        except UnverifiedBundle:
            flash(gettext("This course file is not signed by a publisher this learning centre trusts, so it was "
                          "not installed. Ask the centre's administrator."), "error")
            return redirect(url_for(".index"), code=303)
        except InstallError as error:
            flash(gettext("Could not install this course: %(reason)s", reason=str(error)), "error")
            return redirect(url_for(".index"), code=303)
    flash(gettext("Installed “%(title)s” (version %(version)s).", title=course.title, version=course.version),
          "success")
    return redirect(url_for(".index"), code=303)
