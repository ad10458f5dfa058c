"""The desktop window's size and engine, without a screen: maximised on the old PCs' screens (1366×768 and
smaller), a comfortable size centred on larger ones, never above or left of the work area; Qt (else GTK) asked
for by name on Linux so that pywebview does not try GTK first and print a traceback. The real window is
tests/e2e/test_desktop.py."""

import types

import pytest

from player import desktop
from player.desktop.placement import SMALLEST, UNKNOWN, Placement, placement, primary, work_area


@pytest.mark.parametrize("area, expected", [
    ((0, 0, 1024, 728), Placement(1024, 728, 0, 0, True, SMALLEST)),  # 1024×768 less a 40-pixel taskbar
    ((0, 0, 1366, 728), Placement(1180, 728, 93, 0, True, SMALLEST)),
    ((0, 0, 1366, 768), Placement(1180, 768, 93, 0, True, SMALLEST)),  # no taskbar (Xvfb)
    ((0, 0, 1920, 1040), Placement(1180, 800, 362, 96, False, SMALLEST)),  # 1920×1080 less the taskbar
    ((0, 0, 1440, 860), Placement(1180, 800, 122, 6, False, SMALLEST)),  # the frame still fits: 800 + 48 ≤ 860
    ((0, 0, 1600, 820), Placement(1180, 772, 202, 0, False, SMALLEST)),  # short: the page gives way to the frame
    ((0, 0, 640, 440), Placement(640, 440, 0, 0, True, (640, 440))),  # tiny: even the minimum size gives way
    ((0, 30, 1024, 738), Placement(1024, 738, 0, 30, True, SMALLEST)),  # a taskbar at the top (Linux panels)
    (None, Placement(*UNKNOWN, None, None, True, SMALLEST)),  # no screen reported: maximised
    ((0, 0, 0, 0), Placement(*UNKNOWN, None, None, True, SMALLEST)),
])
def test_the_window_fits_the_work_area(area, expected):
    chosen = placement(area)
    assert chosen == expected
    if area and area[2]:
        left, top, width, height = area
        assert chosen.x >= left and chosen.y >= top  # the top is never cut off
        assert chosen.x + chosen.width <= left + width and chosen.y + chosen.height <= top + height


class Rect:  # Qt's QRect, as QScreen.availableGeometry() returns it
    def __init__(self, *values):
        self.values = values

    def x(self): return self.values[0]
    def y(self): return self.values[1]
    def width(self): return self.values[2]
    def height(self): return self.values[3]


def screen(width, height, frame=None, x=0, y=0):
    return types.SimpleNamespace(x=x, y=y, width=width, height=height, frame=frame)


def test_the_work_area_is_the_engines_or_the_screen_less_a_taskbar():
    qt = types.SimpleNamespace(availableGeometry=lambda: Rect(0, 0, 1366, 728))
    assert work_area(screen(1366, 768, qt)) == (0, 0, 1366, 728)
    winforms = types.SimpleNamespace(X=0, Y=0, Width=1024, Height=728, Primary=True)  # Screen.WorkingArea
    assert work_area(screen(1024, 768, winforms)) == (0, 0, 1024, 728)
    second = types.SimpleNamespace(availableGeometry=lambda: Rect(1920, 0, 1280, 984))  # right of the first
    assert work_area(screen(1280, 1024, second, x=1920)) == (0, 0, 1280, 984)
    assert work_area(screen(1280, 1024)) == (0, 0, 1280, 976) and work_area(None) is None


def test_the_primary_screen_is_the_one_windows_marks_else_the_first():
    first, marked = screen(1920, 1080, types.SimpleNamespace(Primary=False)), screen(1366, 768,
                                                                                   types.SimpleNamespace(Primary=True))
    assert primary([first, marked]) is marked and primary([first]) is first and primary([]) is None


def test_the_window_is_placed_before_it_is_made(capsys):
    window = types.SimpleNamespace(initial_width=0, initial_height=0, initial_x=None, initial_y=None,
                                   maximized=False, min_size=(200, 100))
    desktop.fit_to_screen(window, [screen(1024, 768, types.SimpleNamespace(availableGeometry=lambda: Rect(0, 0, 1024,
                                                                                                        768)))])
    assert (window.initial_width, window.initial_height, window.initial_x, window.initial_y) == (1024, 768, 0, 0)
    assert window.maximized and window.min_size == SMALLEST
    assert capsys.readouterr().out == "window placed 1024x768 at 0,0 maximised\n"


@pytest.mark.parametrize("platform, installed, gui", [
    ("win32", set(), "edgechromium"),
    ("linux", {"qtpy", "gi"}, "qt"),  # Qt first: what the player ships on Linux (the desktop-linux extra)
    ("linux", {"gi"}, "gtk"),
    ("linux", set(), None),  # pywebview says neither is there: the player serves for a browser
    ("darwin", {"qtpy"}, None),  # Cocoa, pywebview's choice
])
def test_the_engine_is_named_so_pywebview_tries_no_other(platform, installed, gui):
    assert desktop.window_gui(platform, importable=installed.__contains__) == gui

