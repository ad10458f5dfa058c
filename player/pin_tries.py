"""PINs and picture codes typed on a page: the admin PIN checked under its persistent back-off, and what
to tell whoever typed a wrong one (a learner's code, or the admin PIN)."""

from flask import flash
from flask_babel import gettext, ngettext

from player import clock, credentials
from player.store import store


def admin_pin_set() -> bool:
    """Whether an admin PIN was set (on first run nobody can approve anything until one is)."""
    return bool(store().settings.get()["admin_pin"])


def try_admin_pin(pin: str) -> credentials.Attempt:
    """Check a typed admin PIN; a wrong one counts towards the back-off shared by every admin PIN form."""
    settings = store().settings.get()
    attempt = credentials.try_secret("admin", pin.strip(), settings["admin_pin"] or "",
                                     int(settings["admin_failures"]), float(settings["admin_locked_until"]),
                                     clock.now())
    if attempt.checked:
        store().settings.update(admin_failures=attempt.failures, admin_locked_until=attempt.locked_until)
    return attempt


def refused(attempt: credentials.Attempt) -> int:
    """Say why a try failed and how long to wait; the status to answer with (403 wrong, 429 still locked)."""
    if attempt.checked:
        flash(gettext("That is not right. Try again."), "error")
    if attempt.wait:
        seconds = int(attempt.wait + 0.999)
        flash(ngettext("Too many wrong tries: wait %(num)d second, then try again.",
                       "Too many wrong tries: wait %(num)d seconds, then try again.", seconds), "error")
    return 403 if attempt.checked else 429
