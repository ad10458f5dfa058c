"""Who may use the admin area: the admin PIN (checked one try at a time under its persistent back-off),
the admin's session and `admin_required` for views.

An admin session is the signed session cookie naming the server's current admin session id (kept in the
centre settings) and when it began. Signing out and changing the PIN give the server a new id, so every
copy of an older cookie stops working; a session also ends after ADMIN_SESSION_SECONDS whatever happens,
and after as long without use as a learner's."""

import functools
import hmac
import secrets
import threading

from flask import Flask, redirect, request, session, url_for

from player import clock
from player.learners import credentials
from player.learners.sessions import QUIET_ENDPOINTS, signout_seconds
from player.web.services import services

ADMIN, ADMIN_SINCE, ADMIN_SEEN = "admin", "admin_since", "admin_seen"
ADMIN_SESSION_SECONDS = 60 * 60
_pin_checks = threading.Lock()  # one admin PIN check at a time: each one sees the back-off the last one left


def admin_pin_set() -> bool:
    """Whether an admin PIN was set (on first run nobody can approve anything until one is)."""
    return bool(services().store.settings.get()["admin_pin"])


def try_admin_pin(pin: str) -> credentials.Attempt:
    """Check a typed admin PIN; a wrong one counts towards the back-off shared by every admin PIN form."""
    settings = services().store.settings
    with _pin_checks:
        current = settings.get()
        attempt = credentials.try_secret("admin", pin.strip(), current["admin_pin"] or "",
                                         int(current["admin_failures"]), float(current["admin_locked_until"]),
                                         clock.now())
        if attempt.checked:
            settings.update(admin_failures=attempt.failures, admin_locked_until=attempt.locked_until)
    return attempt


def is_admin() -> bool:
    """Whether this session is the server's current admin session, begun less than ADMIN_SESSION_SECONDS ago."""
    token = session.get(ADMIN)
    if not isinstance(token, str):
        return False
    current = services().store.settings.get()["admin_session"]
    fresh = clock.now() - float(session.get(ADMIN_SINCE, 0)) <= ADMIN_SESSION_SECONDS
    return bool(current) and hmac.compare_digest(token, current) and fresh


def admin_sign_in() -> None:
    """Make this session an admin session (the server's current session id, made on first sign-in)."""
    settings = services().store.settings
    token = settings.get()["admin_session"] or settings.update(admin_session=new_admin_session())["admin_session"]
    now = clock.now()
    session[ADMIN], session[ADMIN_SINCE], session[ADMIN_SEEN] = token, now, now


def admin_sign_out() -> None:
    """End every admin session: the server forgets the current id, so no copy of the cookie works."""
    if is_admin():
        services().store.settings.update(admin_session=None)
    _forget_admin()


def new_admin_session() -> str:
    """A new admin session id: store it to end every admin session there was."""
    return secrets.token_hex(16)


def _forget_admin() -> None:
    for key in (ADMIN, ADMIN_SINCE, ADMIN_SEEN):
        session.pop(key, None)


def admin_required(view):
    """A view of the admin area: anyone else goes to the admin home (which asks for the PIN)."""
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not is_admin():
            return redirect(url_for("admin.index"), code=303)
        return view(*args, **kwargs)
    return guarded


def _expire_admin() -> None:
    """Drop an admin session that ended (signed out elsewhere, PIN changed, too old) or sat unused for as
    long as a learner's would."""
    if not session.get(ADMIN):
        return
    now = clock.now()
    if not is_admin():
        _forget_admin()
    elif now - float(session.get(ADMIN_SEEN, 0)) > signout_seconds():
        _forget_admin()
    elif request.endpoint not in QUIET_ENDPOINTS:
        session[ADMIN_SEEN] = now


def init_app(app: Flask) -> None:
    app.before_request(_expire_admin)
