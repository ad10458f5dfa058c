"""Where the window opens: maximised on a small screen (the old PCs' 1366×768 and smaller), else a comfortable
size centred on the screen's work area (the screen less the taskbar), never above or left of it. Pure
arithmetic on pywebview's screens, so that it is tested without one."""

from dataclasses import dataclass

COMFORTABLE = (1180, 800)  # width, height of the window on a large screen
SMALLEST = (720, 560)  # the window's minimum size, where the screen has room for it
SMALL_SCREEN = (1366, 768)  # a work area this wide or this tall, or smaller: maximised
FRAME = (16, 48)  # what the window's borders and title bar add around the page (width, height)
TASKBAR = 48  # taken off the screen's height when the engine does not tell its work area
UNKNOWN = (1024, 700)  # no screen reported: this size, centred by the engine, maximised


@dataclass(frozen=True)
class Placement:
    """pywebview's create_window arguments; x and y are relative to the screen, None to let the engine centre."""

    width: int
    height: int
    x: int | None
    y: int | None
    maximized: bool
    min_size: tuple[int, int]


def placement(area: tuple[int, int, int, int] | None) -> Placement:
    """The window for a work area (x, y, width, height relative to the screen), or for an unknown screen."""
    if area is None or area[2] <= 0 or area[3] <= 0:
        return Placement(*UNKNOWN, None, None, True, SMALLEST)
    left, top, width, height = area
    maximized = width <= SMALL_SCREEN[0] or height <= SMALL_SCREEN[1]
    room = (width, height) if maximized else (width - FRAME[0], height - FRAME[1])
    size = (min(COMFORTABLE[0], room[0]), min(COMFORTABLE[1], room[1]))
    frame = (0, 0) if maximized else FRAME  # x and y place the frame's corner: centre the frame, not the page
    x = left + max(0, (width - size[0] - frame[0]) // 2)
    y = top + max(0, (height - size[1] - frame[1]) // 2)
    return Placement(*size, x, y, maximized, (min(SMALLEST[0], size[0]), min(SMALLEST[1], size[1])))


def work_area(screen) -> tuple[int, int, int, int] | None:
    """A pywebview screen's work area relative to it: Qt's available geometry, Windows' working area, or the
    screen less a taskbar's height when the engine gives neither."""
    if screen is None:
        return None
    frame = screen.frame
    if hasattr(frame, "availableGeometry"):  # Qt: a QScreen
        rect = frame.availableGeometry()
        return rect.x() - screen.x, rect.y() - screen.y, rect.width(), rect.height()
    if hasattr(frame, "Width") and hasattr(frame, "Height"):  # WinForms: Screen.WorkingArea, a Rectangle
        return frame.X - screen.x, frame.Y - screen.y, frame.Width, frame.Height
    return 0, 0, screen.width, max(0, screen.height - TASKBAR)


def primary(screens: list) -> object | None:
    """The primary screen: the one Windows marks so, else the first (Qt lists the primary first)."""
    marked = [screen for screen in screens if getattr(screen.frame, "Primary", False)]
    return (marked or screens or [None])[0]
