"""The admin PIN typed on a page: one try under the persistent back-off, and what to tell the person."""

from flask import flash
from flask_babel import gettext, ngettext

from player import clock, credentials
from player.store import store


def is_set() -> bool:
    """Whether an admin PIN was set (on first run nobody can approve anything until one is)."""
    return bool(store().settings.get()["admin_pin"])


def try_pin(pin: str) -> credentials.Attempt:
    """Check a typed admin PIN; a wrong one counts towards the back-off and flashes what to do."""
    settings = store().settings.get()
    attempt = credentials.try_secret("admin", pin.strip(), settings["admin_pin"] or "",
                                     int(settings["admin_failures"]), float(settings["admin_locked_until"]),
                                     clock.now())
    if attempt.checked:
        store().settings.update(admin_failures=attempt.failures, admin_locked_until=attempt.locked_until)
    if attempt.ok:
        return attempt
    if attempt.checked:
        flash(gettext("That is not right. Try again."), "error")
    if attempt.wait:
        seconds = int(attempt.wait + 0.999)
        flash(ngettext("Too many wrong tries: wait %(num)d second, then try again.",
                       "Too many wrong tries: wait %(num)d seconds, then try again.", seconds), "error")
    return attempt


def refusal_status(attempt: credentials.Attempt) -> int:
    """403 for a wrong PIN, 429 while the back-off refuses to check it at all."""
    return 403 if attempt.checked else 429
