"""The desktop window: a thin pywebview shell around the Flask app. The only module importing webview.

Security (see docs/security.md): no js_api object, so the bridge pywebview injects into the window exposes
none of our code; file URLs are off; a download (the admin's results file) always asks where to save it in
the system's Save dialog; links to other sites open in the system browser, and should the window itself
ever land on a page that is not the player's, it goes back to the library.

On Windows the window is Edge WebView2 or nothing: pywebview silently falls back to IE11 (MSHTML) when
WebView2 or .NET is missing, so the renderer it reports is checked before any window is made, and anything
else aborts the window; the player then opens in the default browser with a message saying what to add. On Linux
the engine is Qt, named explicitly (pywebview would first try GTK and print a traceback when it is missing).
Before the window is made it is sized to the screen's work area (placement.py) and, with Qt, given its class,
print dialog and Save dialog (qt.py).
"""

import importlib.util
import logging
import os
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from player.desktop.placement import UNKNOWN, Placement, placement, primary, work_area
from player.web.i18n import N_
from player.web.server import EVERY_ADDRESS, Server

log = logging.getLogger(__name__)
TITLE = "Trạm Học"
PLATFORM = sys.platform
WINDOW_RENDERERS = {"win32": {"edgechromium"}}  # elsewhere any engine but MSHTML (Qt, GTK, Cocoa)
WINDOWS_GUI = "edgechromium"
LINUX_GUIS = (("qt", "qtpy"), ("gtk", "gi"))  # pywebview's engine, and the module it needs, in our order
QT_RENDERER = "qtwebengine"
WINDOWS_ICON = "tramhoc.ico"  # beside TramHoc.exe, one folder above python\pythonw.exe (packaging/windows)
WEBVIEW2, DOTNET = "webview2", "dotnet"
MISSING = {  # what a Windows PC lacks for the window, and how to add it (shown with the player in the browser)
    WEBVIEW2: N_("Trạm Học opened in the web browser because this computer does not have the Microsoft Edge "
                 "WebView2 Runtime, which its own window needs. To add it, install the “Microsoft Edge "
                 "WebView2 Runtime” (its Evergreen Standalone installer works without internet; it is on "
                 "developer.microsoft.com/microsoft-edge/webview2), then open Trạm Học again. Learners' data "
                 "is not affected."),
    DOTNET: N_("Trạm Học opened in the web browser because this computer does not have .NET Framework 4.7.2 or "
               "later, which its own window needs. To add it, install .NET Framework 4.8 (Microsoft's offline "
               "installer, or Windows Update), then open Trạm Học again. Learners' data is not affected."),
}
WEBVIEW_SETTINGS = {
    "ALLOW_FILE_URLS": False,  # pywebview's default is True
    "ALLOW_DOWNLOADS": True,  # each download opens the system's Save dialog; only the player's pages load here
    "OPEN_EXTERNAL_LINKS_IN_BROWSER": True,  # target=_blank links: the system browser, not a new window
}


class NoWindowEngine(Exception):
    """No display, or no webview engine could be started; `missing` is what the PC lacks, when known."""

    def __init__(self, reason: str, missing: str | None = None):
        super().__init__(reason)
        self.missing = missing
        self.browser_instead = missing is not None or PLATFORM == "win32"  # no console there to print to


def renderer_allowed(renderer: object, platform: str | None = None) -> bool:
    """Whether a window may be shown with the engine pywebview picked: on Windows only Edge WebView2."""
    platform = platform or PLATFORM
    if platform in WINDOW_RENDERERS:
        return renderer in WINDOW_RENDERERS[platform]
    return isinstance(renderer, str) and renderer != "mshtml"


def window_gui(platform: str | None = None, importable: Callable[[str], bool] | None = None) -> str | None:
    """The engine to ask pywebview for: Edge WebView2 on Windows; on Linux Qt, else GTK, whichever is installed
    (None: pywebview's own choice, Cocoa on macOS, or its error when Linux has neither)."""
    platform = platform or PLATFORM
    importable = importable or (lambda name: importlib.util.find_spec(name) is not None)
    if platform == "win32":
        return WINDOWS_GUI
    if platform.startswith("linux"):
        return next((gui for gui, module in LINUX_GUIS if importable(module)), None)
    return None


def fit_to_screen(window, screens: list) -> Placement:
    """Size and place the window, not made yet, for the primary screen's work area (pywebview reads these
    attributes of its Window when it makes the native one)."""
    chosen = placement(work_area(primary(screens)))
    window.initial_width, window.initial_height = chosen.width, chosen.height
    window.initial_x, window.initial_y = chosen.x, chosen.y
    window.maximized, window.min_size = chosen.maximized, chosen.min_size
    print(f"window placed {chosen.width}x{chosen.height} at {chosen.x},{chosen.y}"
          f"{' maximised' if chosen.maximized else ''}", flush=True)
    return chosen


def has_display() -> bool:
    """Windows and macOS always have one; elsewhere X11 or Wayland must be there."""
    if PLATFORM in ("win32", "darwin"):
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


def run_window(app, storage: Path, announce: Callable[[str], None] = lambda url: None, start: str = "",
               lan_port: int | None = None) -> None:
    """Serve the app on loopback (on every address at `lan_port` in LAN mode) and show it in a native window, at
    the page `start` (a path relative to the server) until the window closes (which stops the server);
    `announce(url)` tells where it serves."""
    if not has_display():
        raise NoWindowEngine("no display")
    try:
        import webview
    except ImportError as error:
        raise NoWindowEngine(f"pywebview is not installed ({error})") from None
    if PLATFORM.startswith("linux") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses root otherwise
    server = Server(app, host=EVERY_ADDRESS, port=lan_port) if lan_port else Server(app)
    server.start_in_background()
    announce(server.url)
    for name, value in WEBVIEW_SETTINGS.items():
        webview.settings[name] = value
    window = webview.create_window(TITLE, server.url + start, js_api=None, width=UNKNOWN[0], height=UNKNOWN[1],
                                   text_select=True)
    window.events.loaded += lambda: keep_on_player(window, server.url)
    picked: list[object] = []

    def prepare(renderer) -> bool:  # the engine is up (its screens known), the window not made yet; False aborts it
        picked.append(renderer)
        if not renderer_allowed(renderer):
            return False
        fit_to_screen(window, webview.screens)
        if renderer == QT_RENDERER:
            from player.desktop import qt
            qt.name_the_app(TITLE)
            window.events.before_show += lambda: qt.add_printing_and_saving(window.native)
        return True

    window.events.initialized += prepare
    gui, icon = window_gui(), window_icon() if PLATFORM == "win32" else None
    try:
        webview.start(gui=gui, icon=icon, private_mode=False, storage_path=str(storage), debug=False)
    except Exception as error:  # pywebview raises bare exceptions when no GUI toolkit works
        raise NoWindowEngine(str(error), DOTNET if PLATFORM == "win32" else None) from error
    finally:
        server.close()
    if not picked or not renderer_allowed(picked[0]):  # aborted before any window was made
        raise NoWindowEngine(f"the window engine would be {picked[0] if picked else 'unknown'}",
                             WEBVIEW2 if PLATFORM == "win32" else None)


def window_icon(executable: str | None = None) -> str | None:
    """The player's icon in the Windows package, for the window and the taskbar (else pythonw's own)."""
    icon = Path(executable or sys.executable).resolve().parent.parent / WINDOWS_ICON
    return str(icon) if icon.is_file() else None


def open_in_browser(url: str, message: str | None = None) -> None:
    """Open the player in the default browser, telling the person why (in a message box on Windows)."""
    webbrowser.open(url)
    if message:
        tell(message)


def tell(message: str) -> None:
    """Show a message the person must see: a message box on Windows (no console there), else stderr."""
    if PLATFORM == "win32":
        import ctypes
        import threading

        box = ctypes.windll.user32.MessageBoxW  # MB_ICONINFORMATION | MB_SETFOREGROUND
        threading.Thread(target=box, args=(None, message, TITLE, 0x40 | 0x10000), daemon=True).start()
    else:
        print(message, file=sys.stderr)


def bring_forward() -> bool:
    """Bring this PC's open player window to the front (Windows); False when there is none to bring."""
    if PLATFORM != "win32":
        return False
    import ctypes

    user32 = ctypes.windll.user32
    handle = user32.FindWindowW(None, TITLE)
    name = ctypes.create_unicode_buffer(64)
    if not handle or not user32.GetClassNameW(handle, name, 64) or not name.value.startswith("WindowsForms"):
        return False  # no window, or not ours (e.g. a folder named Trạm Học)
    user32.ShowWindow(handle, 9)  # SW_RESTORE
    return bool(user32.SetForegroundWindow(handle))
