"""The desktop window: a thin pywebview shell around the Flask app. The only module importing webview."""

import logging
import os
import sys
from pathlib import Path

from player.server import Server

log = logging.getLogger(__name__)
TITLE = "Trạm Học"


class NoWindowEngine(Exception):
    """No display, or no webview engine could be started."""


def has_display() -> bool:
    """Windows and macOS always have one; elsewhere X11 or Wayland must be there."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_window(app, data_dir: Path) -> None:
    """Serve the app on loopback and show it in a native window until the window closes."""
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
    webview.settings["ALLOW_FILE_URLS"] = False
    window = webview.create_window(TITLE, server.url, width=1180, height=800, min_size=(720, 560),
                                   text_select=True)
    window.events.loaded += lambda: print(f"window loaded {window.get_current_url()}", flush=True)
    try:
        webview.start(private_mode=False, storage_path=str(data_dir / "webview"))
    except Exception as error:  # pywebview raises bare exceptions when no GUI toolkit works
        raise NoWindowEngine(str(error)) from error
    finally:
        server.close()
