"""The page between a lesson and another site: the address, whether this PC seems online (and, offline,
what to do), and a button that opens it in a new window (the system browser, in the desktop window)."""

from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, render_template, request

from player.web.leaving import LEAVE_PATH, external_url
from player.web.security import safe_next
from player.web.services import services

leave_bp = Blueprint("leave", __name__)
DEFAULT_PORTS = {"http": 80, "https": 443}


def init_app(app: Flask) -> None:
    app.register_blueprint(leave_bp)


@leave_bp.get(LEAVE_PATH)
def leave():
    """Say where the link goes, and whether it can open now."""
    target = external_url(request.args.get("to"))
    if target is None:
        abort(404)
    parts = urlsplit(target)
    # The site's own web port is tried, whatever port the link names (the page is no way to probe others),
    # unless ONLINE_PROBE names the (host, port) to try instead.
    probe = current_app.config.get("ONLINE_PROBE") or (parts.hostname, DEFAULT_PORTS[parts.scheme.lower()])
    online = services().online.seems_online(*probe)
    return render_template("lessons/leave.html", target=target, host=parts.hostname, online=online,
                           back=_came_from())


def _came_from() -> str:
    """The player's page the learner came from (the lesson), else the library."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return safe_next(None)
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
