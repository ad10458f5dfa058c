"""Who is learning right now: the signed-in learner, in the signed session cookie with the time of their
last activity, signed out by the server after inactivity; `learner_required` for the views that record
progress (reading needs a learner); and the start screen "Who is learning?"."""

import functools

from blinker import Namespace
from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext

from player import clock
from player.search.folding import alphabetical
from player.web.security import safe_next
from player.web.services import services
from player.xapi.vocabulary import timestamp

LEARNER, SEEN = "learner", "seen"
QUIET_ENDPOINTS = {"static", "progress.beat", "progress.end"}  # not activity by themselves

signed_out = Namespace().signal("learner-signed-out")  # sender: the app; learner_id=...


def signout_seconds() -> float:
    """The inactivity timeout from the centre settings."""
    return float(services().store.settings.get()["signout_minutes"]) * 60


def current_learner() -> dict | None:
    """The signed-in learner's profile, or None."""
    if "learner" not in g:
        learner_id = session.get(LEARNER)
        g.learner = services().store.learners.profile(learner_id) if learner_id else None
    return g.learner


def sign_in(profile: dict) -> None:
    """Sign a learner in; when the time they were last seen cannot be saved (a full disk), they still are."""
    session[LEARNER], session[SEEN] = profile["id"], clock.now()
    g.learner = profile
    try:
        services().store.learners.touch(profile["id"], timestamp(clock.utcnow()))
    except OSError as error:
        current_app.logger.warning("could not save when %s was last seen: %s", profile["id"], error)


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


def learner_required(view):
    """A view that needs a signed-in learner: a page sends anyone else to the start screen (and back here
    afterwards); anything else (an image, the page's heartbeat, a form post) gets a 401."""
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current_learner() is None:
            if request.method == "GET" and request.accept_mimetypes.accept_html:
                return redirect(url_for("learners.start", next=request.full_path.rstrip("?")), code=303)
            return jsonify(error="signed_out", message=gettext("Choose who is learning first.")), 401
        return view(*args, **kwargs)
    return guarded


def start_page():
    """Who is learning? Every learner alike, by name (on a shared PC the last one is nobody's default),
    and a button to add one."""
    learners = sorted(services().store.learners.learners(), key=lambda row: (alphabetical(row.get("name", "")), row["id"]))
    return render_template("learners/start.html", learners=learners, next=safe_next(request.values.get("next")))


def _expire_idle_learner() -> None:
    """Sign out a learner idle for longer than the centre's timeout; any other request is activity."""
    if not session.get(LEARNER):
        return
    now = clock.now()
    if now - float(session.get(SEEN, 0)) > signout_seconds():
        sign_out()
        flash(gettext("You were signed out because nobody used the player for a while."), "info")
    elif request.endpoint not in QUIET_ENDPOINTS:
        session[SEEN] = now


def init_app(app: Flask) -> None:
    app.before_request(_expire_idle_learner)
    app.jinja_env.globals.update(current_learner=current_learner, signout_seconds=signout_seconds)
