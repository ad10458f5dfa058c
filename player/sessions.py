"""Who is using the player right now: the signed-in learner and the admin, each in the signed session
cookie with the time of their last activity, and signed out by the server after inactivity."""

from blinker import Namespace
from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext

from player import clock, xapi
from player.store import store

LEARNER, SEEN = "learner", "seen"
ADMIN, ADMIN_SEEN = "admin", "admin_seen"
LEARNER_AREAS = ("/courses/",)      # reading needs a learner, so that progress is recorded
QUIET_ENDPOINTS = {"static", "progress.beat", "progress.end"}  # not activity by themselves
PAGE_API = ("progress.beat", "progress.end")

signed_out = Namespace().signal("learner-signed-out")  # sender: the app; learner_id=...


def signout_seconds() -> float:
    """The inactivity timeout from the centre settings."""
    return float(store().settings.get()["signout_minutes"]) * 60


def current_learner() -> dict | None:
    """The signed-in learner's profile, or None."""
    if "learner" not in g:
        learner_id = session.get(LEARNER)
        g.learner = store().learners.profile(learner_id) if learner_id else None
    return g.learner


def sign_in(profile: dict) -> None:
    session[LEARNER], session[SEEN] = profile["id"], clock.now()
    g.learner = profile
    store().learners.touch(profile["id"], xapi.timestamp(clock.utcnow()))


def sign_out() -> None:
    """End the learner's session; listeners of `signed_out` record the time of their open lesson."""
    learner_id = session.pop(LEARNER, None)
    session.pop(SEEN, None)
    g.learner = None
    if learner_id:
        signed_out.send(current_app._get_current_object(), learner_id=learner_id)


def mark_active() -> None:
    if session.get(LEARNER):
        session[SEEN] = clock.now()


def is_admin() -> bool:
    return bool(session.get(ADMIN))


def admin_sign_in() -> None:
    session[ADMIN], session[ADMIN_SEEN] = True, clock.now()


def admin_sign_out() -> None:
    session.pop(ADMIN, None)
    session.pop(ADMIN_SEEN, None)


def _check_session():
    """Sign out whoever was idle too long; send readers without a learner to the start screen."""
    now, timeout = clock.now(), None
    if session.get(LEARNER):
        timeout = signout_seconds()
        if now - float(session.get(SEEN, 0)) > timeout:
            sign_out()
            flash(gettext("You were signed out because nobody used the player for a while."), "info")
        elif request.endpoint not in QUIET_ENDPOINTS:
            session[SEEN] = now
    if session.get(ADMIN):
        timeout = timeout or signout_seconds()
        if now - float(session.get(ADMIN_SEEN, 0)) > timeout:
            admin_sign_out()
        elif request.endpoint not in QUIET_ENDPOINTS:
            session[ADMIN_SEEN] = now
    if request.path.startswith(LEARNER_AREAS) and current_learner() is None:
        if request.method == "GET" and request.accept_mimetypes.accept_html:
            return redirect(url_for("learners.start", next=request.full_path.rstrip("?")), code=303)
        return jsonify(error="signed_out", message=gettext("Choose who is learning first.")), 401
    if request.endpoint in PAGE_API and current_learner() is None:
        return jsonify(error="signed_out", message=gettext("Choose who is learning first.")), 401
    return None


def init_app(app: Flask) -> None:
    app.before_request(_check_session)
    app.jinja_env.globals.update(current_learner=current_learner, signout_seconds=signout_seconds)
