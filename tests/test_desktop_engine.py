"""The window engine on Windows, with pywebview faked: a window only with Edge WebView2, never with IE11
(MSHTML, pywebview's silent fallback when WebView2 or .NET is missing) or any other engine; then the player
opens in the default browser with a message saying what is missing. Closing the window stops the server."""

import sys
import types
import urllib.request

import pytest

from player import cli, desktop
from player.desktop import DOTNET, MISSING, WEBVIEW2, NoWindowEngine, renderer_allowed, run_window

RENDERERS = ["edgechromium", "mshtml", "cef", "qt", "gtk", "cocoa", "", None]


class FakeEvent(list):
    def __iadd__(self, handler):
        self.append(handler)
        return self


class FakeWebview(types.ModuleType):
    """pywebview as far as run_window uses it: start() reports `renderer` to the initialized handlers, as
    pywebview does, and shows the window only if none of them returned False."""

    def __init__(self, renderer, fail: Exception | None = None):
        super().__init__("webview")
        self.renderer, self.fail = renderer, fail
        self.settings, self.gui, self.shown, self.served_while_shown = {}, "not started", False, None
        self.screens = []  # none reported: the window is maximised
        self.window = types.SimpleNamespace(events=types.SimpleNamespace(initialized=FakeEvent(), loaded=FakeEvent()))

    def create_window(self, title, url, **options):
        self.url = url
        return self.window

    def start(self, gui=None, icon=None, **options):
        self.gui, self.icon = gui, icon
        if self.fail:
            raise self.fail
        if any(handler(self.renderer) is False for handler in self.window.events.initialized):
            return  # pywebview: an initialized handler returned False, no window is made
        self.shown = True
        self.served_while_shown = urllib.request.urlopen(self.url, timeout=5).status  # then the person closes it


@pytest.fixture
def windows(monkeypatch):
    """The desktop shell as it runs on Windows; `windows(renderer)` installs a fake pywebview."""
    monkeypatch.setattr(desktop, "PLATFORM", "win32")

    def fake(renderer, fail=None):
        module = FakeWebview(renderer, fail)
        monkeypatch.setitem(sys.modules, "webview", module)
        return module
    return fake


@pytest.mark.parametrize("renderer", RENDERERS)
def test_only_webview2_makes_a_window_on_windows(app, tmp_path, windows, renderer):
    webview = windows(renderer)
    if renderer == "edgechromium":
        run_window(app, tmp_path / "webview")
        assert webview.shown and webview.served_while_shown == 200
    else:
        with pytest.raises(NoWindowEngine) as refused:
            run_window(app, tmp_path / "webview")
        assert not webview.shown, f"a window was shown with {renderer!r}"
        assert refused.value.missing == WEBVIEW2
    assert webview.gui == "edgechromium"  # never pywebview's own choice, nor $PYWEBVIEW_GUI


@pytest.mark.parametrize("renderer", RENDERERS)
def test_no_engine_but_webview2_is_allowed_on_windows_and_never_mshtml_anywhere(renderer):
    assert renderer_allowed(renderer, "win32") is (renderer == "edgechromium")
    assert not renderer_allowed("mshtml", "linux") and not renderer_allowed("mshtml", "darwin")


def test_on_windows_the_window_fits_the_work_area_before_it_is_made(app, tmp_path, windows):
    webview = windows("edgechromium")
    taskbar = types.SimpleNamespace(X=0, Y=0, Width=1366, Height=728, Primary=True)  # WinForms' Screen.WorkingArea
    webview.screens = [types.SimpleNamespace(x=0, y=0, width=1366, height=768, frame=taskbar)]
    run_window(app, tmp_path / "webview")
    window = webview.window
    assert webview.shown
    assert (window.initial_width, window.initial_height, window.initial_x, window.initial_y) == (1180, 728, 93, 0)
    assert window.maximized and window.min_size == (720, 560)


def test_without_dotnet_pywebview_cannot_start_and_says_dotnet_is_missing(app, tmp_path, windows):
    webview = windows("edgechromium", fail=Exception("You must have pythonnet installed in order to use pywebview."))
    with pytest.raises(NoWindowEngine) as refused:
        run_window(app, tmp_path / "webview")
    assert refused.value.missing == DOTNET and not webview.shown


def test_closing_the_window_stops_the_server(app, tmp_path, windows):
    webview = windows("edgechromium")
    run_window(app, tmp_path / "webview")
    with pytest.raises(OSError):
        urllib.request.urlopen(webview.url, timeout=2)


@pytest.mark.parametrize("missing, words", [(WEBVIEW2, "WebView2"), (DOTNET, ".NET Framework 4.8")])
def test_without_a_window_the_player_opens_in_the_browser_saying_what_to_add(windows, monkeypatch, tmp_path,
                                                                             missing, words):
    windows("mshtml" if missing == WEBVIEW2 else "edgechromium",
            fail=None if missing == WEBVIEW2 else Exception("no CLR"))
    opened, told, served = [], [], []
    monkeypatch.setattr(desktop.webbrowser, "open", opened.append)
    monkeypatch.setattr(desktop, "tell", told.append)

    def serve(app, host, port, lang, any_port_if_busy=False, on_ready=None):
        served.append((host, port))
        on_ready("http://127.0.0.1:8765/")
        return 0
    monkeypatch.setattr(cli, "_serve", serve)

    assert cli.main(["--data", str(tmp_path / "data"), "open"]) == 0
    assert served == [("127.0.0.1", cli.DEFAULT_PORT)]
    assert opened == ["http://127.0.0.1:8765/"]
    assert len(told) == 1 and words in told[0] and "trình duyệt" in told[0]  # in Vietnamese, the default
    assert told[0] != MISSING[missing]  # translated, not the English source


def test_the_window_has_the_players_icon_in_the_windows_package(app, tmp_path, windows, monkeypatch):
    program = tmp_path / "TramHoc"
    (program / "python").mkdir(parents=True)
    (program / "tramhoc.ico").write_bytes(b"\0\0\1\0")
    monkeypatch.setattr(desktop.sys, "executable", str(program / "python" / "pythonw.exe"))
    webview = windows("edgechromium")
    run_window(app, tmp_path / "webview")
    assert webview.icon == str(program / "tramhoc.ico")
    assert desktop.window_icon(str(tmp_path / "elsewhere" / "bin" / "python")) is None


def test_on_windows_the_browser_opens_even_when_the_reason_is_unknown(windows, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "webview", None)  # `import webview` fails: no pywebview at all
    opened, told = [], []
    monkeypatch.setattr(desktop.webbrowser, "open", opened.append)
    monkeypatch.setattr(desktop, "tell", told.append)
    monkeypatch.setattr(cli, "_serve", lambda *args, on_ready=None, **kwargs: on_ready("http://127.0.0.1:8765/") or 0)
    assert cli.main(["--data", str(tmp_path / "data"), "open"]) == 0
    assert opened == ["http://127.0.0.1:8765/"] and told == []
