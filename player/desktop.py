"""The desktop window: a thin pywebview shell around the Flask app. The only module importing webview.

Security (see docs/security.md): no js_api object, so the bridge pywebview injects into the window exposes
none of our code; file URLs are off; a download (the admin's results file) always asks where to save it in
the system's Save dialog; links to other sites open in the system browser, and should the window itself
ever land on a page that is not the player's, it goes back to the library.
"""

import logging
import os
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from player.web.server import Server

log = logging.getLogger(__name__)
TITLE = "Trạm Học"
WEBVIEW_SETTINGS = {
    "ALLOW_FILE_URLS": False,  # pywebview's default is True
    "ALLOW_DOWNLOADS": True,  # each download opens the system's Save dialog; only the player's pages load here
    "OPEN_EXTERNAL_LINKS_IN_BROWSER": True,  # target=_blank links: the system browser, not a new window
}


class NoWindowEngine(Exception):
    """No display, or no webview engine could be started."""


def has_display() -> bool:
    """Windows and macOS always have one; elsewhere X11 or Wayland must be there."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def same_origin(url: str, home: str) -> bool:
    """True when url is on the player's own server (scheme, host and port)."""
    parts, own = urlsplit(url), urlsplit(home)
    return (parts.scheme, parts.hostname, parts.port) == (own.scheme, own.hostname, own.port)


def keep_on_player(window, home: str) -> None:
    """After a page loads: a page that is not the player's goes to the system browser, the window home."""
    url = window.get_current_url() or ""
    print(f"window loaded {url}", flush=True)
    if url and not same_origin(url, home) and not url.startswith("about:"):
        log.warning("the window left the player for %s; opening it in the system browser instead", url)
        if urlsplit(url).scheme in ("http", "https"):
            webbrowser.open(url)
        window.load_url(home)


def run_window(app, storage: Path, announce: Callable[[str], None] = lambda url: None) -> None:
    """Serve the app on loopback and show it in a native window until the window closes; `announce(url)`
    tells where it serves once it does."""
    if not has_display():
        raise NoWindowEngine("no display")
    try:
        import webview
    except ImportError as error:
        raise NoWindowEngine(f"pywebview is not installed ({error})") from None
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses root otherwise
    server = Server(app)
    server.start_in_background()
    announce(server.url)
    for name, value in WEBVIEW_SETTINGS.items():
        webview.settings[name] = value
    window = webview.create_window(TITLE, server.url, js_api=None, width=1180, height=800, min_size=(720, 560),
                                   text_select=True)
    window.events.loaded += lambda: keep_on_player(window, server.url)
    try:
        webview.start(private_mode=False, storage_path=str(storage), debug=False)
    except Exception as error:  # pywebview raises bare exceptions when no GUI toolkit works
        raise NoWindowEngine(str(error)) from error
    finally:
        server.close()
