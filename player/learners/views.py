"""The start screen "Who is learning?": choose, create and unlock learner profiles; sign out."""

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from player.learners import comfort, profiles, sessions
from player.learners.credentials import refused
from player.learners.pictures import PICTURES, picture_labels
from player.learners.profiles import ProfileError
from player.web.errors import flash_problem, os_problem
from player.web.security import safe_next

learners_bp = Blueprint("learners", __name__, url_prefix="/learners")


def init_app(app: Flask) -> None:
    app.register_blueprint(learners_bp)
    app.jinja_env.filters["initials"] = profiles.initials
    comfort.init_app(app)


@learners_bp.get("/")
def start():
    return sessions.start_page()


@learners_bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a profile: a name, and no code, a PIN or a picture code."""
    form = request.form
    if request.method == "POST":
        try:
            kind, secret = profiles.read_secret(form)
            profile = profiles.create(form.get("name", ""), kind, secret)
        except ProfileError as error:
            flash(str(error), "error")
            return _new_form(form), 422
        except OSError as error:  # a full disk or a read-only data folder: nothing was kept
            flash_problem(os_problem(error), gettext("The profile could not be saved: %(reason)s"))
            return _new_form(form), 503
        sessions.sign_in(profile)
        flash(gettext("Welcome, %(name)s!", name=profile["name"]), "success")
        return redirect(safe_next(form.get("next")), code=303)
    return _new_form(form)


def _new_form(form):
    return render_template("learners/new.html", form=form, pictures=PICTURES, labels=picture_labels(),
                           next=safe_next(request.values.get("next")))


@learners_bp.get("/<learner_id>/")
def choose(learner_id: str):
    """A name pressed on the start screen: "Is this you?" for a profile without a code, else its unlock page."""
    profile = profiles.profile_or_404(learner_id)
    target = safe_next(request.values.get("next"))
    if profile.get("secret_kind"):
        return redirect(url_for(".unlock", learner_id=learner_id, next=target), code=303)
    return render_template("learners/confirm.html", learner=profile, next=target)


@learners_bp.post("/<learner_id>/open")
def open_profile(learner_id: str):
    """Open a learner's profile ("Yes, it is me"): straight in without a code, else on to the unlock page."""
    profile = profiles.profile_or_404(learner_id)
    target = safe_next(request.form.get("next"))
    if profile.get("secret_kind"):
        return redirect(url_for(".unlock", learner_id=learner_id, next=target), code=303)
    sessions.sign_in(profile)
    return redirect(target, code=303)


@learners_bp.route("/<learner_id>/unlock", methods=["GET", "POST"])
def unlock(learner_id: str):
    """Type the PIN or pick the picture code; wrong tries lock the form for a while (counted down on the
    page), and from the third lock-out on the page sends the learner to the centre's staff."""
    profile = profiles.profile_or_404(learner_id)
    if not profile.get("secret_kind"):
        return redirect(url_for(".start"), code=303)
    status = 200
    if request.method == "POST":
        attempt = profiles.unlock(learner_id, request.form)
        if attempt.ok:
            sessions.sign_in(profile)
            return redirect(safe_next(request.form.get("next")), code=303)
        status = refused(attempt, say_wait=False)  # the page counts down itself
        profile = profiles.profile_or_404(learner_id)
    return render_template("learners/unlock.html", learner=profile, pictures=PICTURES, labels=picture_labels(),
                           lock=profiles.lockout(profile), next=safe_next(request.values.get("next"))), status


@learners_bp.post("/still-here")
@sessions.learner_required
def still_here():
    """"Continue" in the idle warning: the request itself counts as activity (see sessions)."""
    return "", 204


@learners_bp.post("/sign-out")
def sign_out():
    """Switch learner: back to the start screen."""
    sessions.sign_out()
    if request.form.get("reason") == "idle":
        flash(gettext("You were signed out because nobody used the player for a while."), "info")
    return redirect(url_for("library.index"), code=303)
