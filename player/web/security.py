"""Guards for a web app on a shared PC: strict response headers, Host and Origin checks, CSRF tokens.

Other local users, other browsers and DNS-rebinding web pages can all reach 127.0.0.1, so every request
must name the player itself as its host, and every state-changing request must come from one of the
player's own pages (same Origin, and a CSRF token tied to the session).
"""

import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from flask_wtf.csrf import CSRFProtect, validate_csrf
from wtforms.validators import ValidationError

from player.paths import DataPaths
from player.store.atomic import write_atomic

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "media-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
])
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_FORM_BYTES = 4 * 1024**2  # any request body, but for views marked `large_body` (a quiz's long answers fit)
ODD_IN_URL = re.compile(r"[\x00-\x1f\x7f\\]")  # control characters and backslashes
SECRET_KEY_BYTES = 32

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    # A learner may keep a quiz open for hours: the token lives as long as the session, not an hour.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("ALLOWED_HOSTS", ())
    app.before_request(_check_host_and_origin)
    app.before_request(_bound_body)
    csrf.init_app(app)
    app.after_request(_add_headers)


def secret_key(paths: DataPaths) -> bytes:
    """This installation's session-signing key, made once and kept readable by the owner only.

    Written atomically: a power cut while it is made leaves no key (a new one is made next time), never
    a short or empty one."""
    try:
        key = paths.secret_key.read_bytes()
    except FileNotFoundError:
        key = b""
    if len(key) == SECRET_KEY_BYTES:
        return key
    write_atomic(paths.secret_key, secrets.token_bytes(SECRET_KEY_BYTES), mode=0o600)
    return paths.secret_key.read_bytes()


def safe_next(target: str | None) -> str:
    """A path on this player to go to next (after signing in, changing the language); anything else
    becomes the library.

    Judged as a browser reads it: browsers (and Werkzeug's redirect) drop tabs and newlines, strip
    control characters and spaces at the ends and read `\\` as `/`, so `/<tab>/host` or `/\\host` would
    lead to another site. A target with any of these is odd, never a link of the player's own."""
    if not isinstance(target, str) or ODD_IN_URL.search(target) or target != target.strip(" "):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def large_body(limit: int):
    """Let a view receive a body of up to `limit` bytes (an upload form). Its form carries the CSRF token in
    its address too, so the token is checked before a byte of the body is read."""
    def mark(view):
        view.max_body_bytes = limit
        return view
    return mark


def _bound_body():
    """Before anything reads a request's body: a view that takes a large one gets it only with a valid CSRF
    token in the headers or the address and a Content-Length within its limit; every other body is refused
    beyond MAX_CONTENT_LENGTH (Werkzeug answers 413 before reading it)."""
    limit = getattr(current_app.view_functions.get(request.endpoint), "max_body_bytes", None)
    if request.method in SAFE_METHODS or limit is None:
        return
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.args.get("csrf_token"))
        except ValidationError:
            abort(400, description="CSRF token missing or wrong")
    if request.content_length is None or request.content_length > limit:
        abort(413)
    request.max_content_length = limit


def host_is_allowed(host: str, extra: tuple[str, ...] = ()) -> bool:
    """True for `localhost`, an IP literal, or a name listed for LAN mode; a DNS name could be rebound."""
    hostname = urlsplit(f"//{host}").hostname or ""
    if hostname == "localhost" or hostname in {name.lower() for name in extra}:
        return True
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def _check_host_and_origin():
    if not host_is_allowed(request.host, tuple(current_app.config["ALLOWED_HOSTS"])):
        abort(400, description="unknown host")
    if request.method in SAFE_METHODS:
        return
    own = f"{request.scheme}://{request.host}"
    origin = request.headers.get("Origin")
    if origin is not None and origin != own:
        abort(403, description="foreign origin")
    referrer = request.headers.get("Referer")
    if origin is None and referrer is not None and _origin_of(referrer) != own:
        abort(403, description="foreign referrer")


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _add_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    return response
