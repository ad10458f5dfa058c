"""Who may use the admin area: the admin PIN (checked under its persistent back-off), the admin's
session (in the signed session cookie, signed out after inactivity) and `admin_required` for views."""

import functools

from flask import Flask, redirect, request, session, url_for

from player import clock
from player.learners import credentials
from player.learners.sessions import QUIET_ENDPOINTS, signout_seconds
from player.web.services import services

ADMIN, ADMIN_SEEN = "admin", "admin_seen"


def admin_pin_set() -> bool:
    """Whether an admin PIN was set (on first run nobody can approve anything until one is)."""
    return bool(services().store.settings.get()["admin_pin"])


def try_admin_pin(pin: str) -> credentials.Attempt:
    """Check a typed admin PIN; a wrong one counts towards the back-off shared by every admin PIN form."""
    settings = services().store.settings
    current = settings.get()
    attempt = credentials.try_secret("admin", pin.strip(), current["admin_pin"] or "",
                                     int(current["admin_failures"]), float(current["admin_locked_until"]),
                                     clock.now())
    if attempt.checked:
        settings.update(admin_failures=attempt.failures, admin_locked_until=attempt.locked_until)
    return attempt


def is_admin() -> bool:
    return bool(session.get(ADMIN))


def admin_sign_in() -> None:
    session[ADMIN], session[ADMIN_SEEN] = True, clock.now()


def admin_sign_out() -> None:
    session.pop(ADMIN, None)
    session.pop(ADMIN_SEEN, None)


def admin_required(view):
    """A view of the admin area: anyone else goes to the admin home (which asks for the PIN)."""
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not is_admin():
            return redirect(url_for("admin.index"), code=303)
        return view(*args, **kwargs)
    return guarded


def _expire_idle_admin() -> None:
    """Sign the admin out after as long without use as a learner."""
    if not session.get(ADMIN):
        return
    now = clock.now()
    if now - float(session.get(ADMIN_SEEN, 0)) > signout_seconds():
        admin_sign_out()
    elif request.endpoint not in QUIET_ENDPOINTS:
        session[ADMIN_SEEN] = now


def init_app(app: Flask) -> None:
    app.before_request(_expire_idle_admin)
