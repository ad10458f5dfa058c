"""The library page, and installing a course from a file: a bundle signed by a trusted publisher installs
at once; an unsigned one, one from an unknown publisher, or an older version waits until the admin approves
it with the admin PIN (or from the admin area), bound to that exact file (see player.library.approvals)."""

import unicodedata

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from courses.keys import format_fingerprint
from player.admin.access import admin_pin_set, admin_required, is_admin, try_admin_pin
from player.classes.roster import active_courses
from player.learners.credentials import refused
from player.learners.sessions import current_learner, start_page
from player.library.approvals import ApprovalError, Review, Waiting
from player.library.bundles import InstallError
from player.library.cards import course_cards
from player.library import visibility
from player.library.trust import Provenance
from player.web.errors import flash_problem, os_problem
from player.web.security import large_body
from player.web.services import services

library_bp = Blueprint("library", __name__)
MAX_UPLOAD_BYTES = 2 * 1024**3  # a course file with its videos


def init_app(app: Flask) -> None:
    app.register_blueprint(library_bp)
    visibility.init_app(app)
    app.jinja_env.globals["provenance"] = provenance
    app.jinja_env.filters["fingerprint"] = format_fingerprint


def provenance(course_id: str) -> Provenance:
    """Who vouches for an installed course now (for templates)."""
    return services().library.provenance(course_id)


@library_bp.get("/")
def index():
    """The installed courses; until someone chooses who is learning, the start screen."""
    learner = current_learner()
    if learner is None:
        return start_page()
    first = active_courses(learner["id"])
    cards = sorted(course_cards("library/_card.html", for_learners=True),
                   key=lambda card: first.index(card.course_id) if card.course_id in first else len(first))
    return render_template("library/index.html", cards=cards, class_courses=first)


def _back() -> str:
    """Where the person came from: the admin area's courses page, or the library page."""
    return "admin" if request.values.get("back") == "admin" else "library"


def _back_url() -> str:
    return url_for("admin.courses") if _back() == "admin" else url_for(".index")


@library_bp.post("/install")
@admin_required
@large_body(MAX_UPLOAD_BYTES)
def upload():
    """Install an uploaded bundle after verifying it completely, or hold it for the admin's approval. Only the
    admin uploads (the install box is in the admin area): a learner, or another PC in LAN mode, cannot fill
    the disk with course files."""
    chosen = request.files.get("bundle")
    if chosen is None or not chosen.filename:
        flash(gettext("Choose a course file (.tramhoc) first."), "error")
        return redirect(url_for("admin.courses"), code=303)
    chosen_name = chosen_file_name(chosen.filename)
    pending = services().approvals
    try:
        waiting = pending.hold(chosen.stream)
    except OSError as error:
        flash_problem(os_problem(error), gettext("Could not keep the course file on this computer: %(reason)s"))
        return redirect(url_for("admin.courses"), code=303)
    except InstallError as error:
        flash_problem(error.problem.about(file=chosen_name), gettext("Could not install this course: %(reason)s"))
        return redirect(url_for("admin.courses"), code=303)
    try:
        checked = pending.review(waiting)
        if checked.needs_approval:
            return redirect(url_for(".review", waiting_id=waiting.id, back="admin"), code=303)
        course = pending.install_now(waiting)
    except (OSError, InstallError) as error:
        pending.discard(waiting)
        problem = os_problem(error) if isinstance(error, OSError) else error.problem.about(file=chosen_name)
        flash_problem(problem, gettext("Could not install this course: %(reason)s"))
        return redirect(url_for("admin.courses"), code=303)
    _installed(course)
    return redirect(url_for("admin.courses"), code=303)


def chosen_file_name(name: str | None) -> str:
    """The name of the file the person chose, as their computer shows it (no folders, NFC)."""
    return unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])[:120]


@library_bp.get("/install/<waiting_id>")
def review(waiting_id: str):
    """What the uploaded course is, why it needs the admin, and the form to approve or cancel it."""
    found = _reviewed(waiting_id)
    if found is None:
        return redirect(_back_url(), code=303)
    return _review_page(*found)


@library_bp.post("/install/<waiting_id>/approve")
def approve(waiting_id: str):
    """Install a waiting course file: the admin PIN (or an admin session) and an approval of that file."""
    found = _reviewed(waiting_id)
    if found is None:
        return redirect(_back_url(), code=303)
    waiting, checked = found
    replace_confirmed = request.form.get("replace_verified") == "yes"
    if checked.replaces_verified and not replace_confirmed:  # asked before the PIN: no try is spent on it
        flash(gettext("Tick the box to confirm that this file replaces a verified course."), "error")
        return _review_page(waiting, checked, 422)
    if checked.needs_approval and not is_admin():
        if not admin_pin_set():
            return _review_page(waiting, checked, 403)
        attempt = try_admin_pin(request.form.get("pin", ""))
        if not attempt.ok:
            return _review_page(waiting, checked, refused(attempt))
    try:
        course = services().approvals.install(waiting, request.form.get("approval", ""), replace_confirmed)
    except ApprovalError:
        services().approvals.discard(waiting)
        flash(gettext("This approval does not belong to the file that was uploaded (the file changed, or the "
                      "page was open too long). Nothing was installed. Upload the course file again."), "error")
        return redirect(_back_url(), code=303)
    except OSError as error:  # e.g. the disk is full: the file keeps waiting, the admin may try again
        flash_problem(os_problem(error), gettext("Could not install this course: %(reason)s"))
        return redirect(url_for(".review", waiting_id=waiting_id, back=_back()), code=303)
    except InstallError:  # the file was checked a moment ago: the library or the trust list changed since
        flash(gettext("Something changed since this page was shown (another version was installed, or the "
                      "list of trusted publishers changed). Look at it again before you approve."), "error")
        return redirect(url_for(".review", waiting_id=waiting_id, back=_back()), code=303)
    _installed(course)
    return redirect(_back_url(), code=303)


@library_bp.post("/install/<waiting_id>/cancel")
def cancel(waiting_id: str):
    """Abandon a waiting course file: it is deleted, nothing is installed."""
    waiting = services().approvals.find(waiting_id)
    if waiting is not None:
        services().approvals.discard(waiting)
    flash(gettext("The course file was not installed, and it was deleted from this computer."), "info")
    return redirect(_back_url(), code=303)


def _reviewed(waiting_id: str) -> tuple[Waiting, Review] | None:
    """A waiting upload and what it is; None (with a message) when it is gone or turned out damaged."""
    pending = services().approvals
    waiting = pending.find(waiting_id)
    if waiting is None:
        flash(gettext("This course file is no longer waiting: it was installed or cancelled, or it waited too "
                      "long. Upload it again."), "error")
        return None
    try:
        return waiting, pending.review(waiting)
    except InstallError as error:
        pending.discard(waiting)
        flash_problem(error.problem, gettext("Could not install this course: %(reason)s"))
        return None


def _review_page(waiting: Waiting, checked: Review, status: int = 200):
    return render_template("library/review.html", waiting=waiting, review=checked, back=_back(),
                           approval=services().approvals.approval(waiting, checked), pin_set=admin_pin_set(),
                           needs_pin=checked.needs_approval and not is_admin()), status


def _installed(course) -> None:
    """Say what was installed; its words go into the search index now, not at a learner's first search."""
    services().search.update(services().library)
    if services().library.provenance(course.id).verified:
        flash(gettext("Installed “%(title)s” (version %(version)s).", title=course.title, version=course.version),
              "success")
    else:
        flash(gettext("Installed “%(title)s” (version %(version)s). It is marked “Unverified course” wherever "
                      "it appears.", title=course.title, version=course.version), "success")
