"""The desktop player in a real X11 window: `python -m player --data DIR open` under our own Xvfb,
its pywebview window (Qt's xcb platform, not offscreen) loads its first page (the start screen "Who
is learning?" under the top bar), and a screenshot of the screen shows the player's page, not a blank
or black screen.

Needs Xvfb and ImageMagick (`import`, `identify`, `stream`); without them the test is skipped,
unless the CI environment variable is set, when it fails instead."""

import os
import queue
import re
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
STYLESHEET = REPO / "player" / "static" / "style.css"
SCREEN = (1280, 1024)  # taller than the 800-pixel window, so nothing is cut off without a window manager
LOAD_TIMEOUT = 60.0
PAINT_GRACE = 1.0
PAINT_TIMEOUT = 10.0
MIN_STANDARD_DEVIATION = 0.05  # a blank (one colour) screen is 0; the library page is ~0.3


@pytest.mark.desktop
def test_player_window_shows_the_library(own_data_dir, tmp_path, require_tool):
    xvfb = require_tool("Xvfb", "apt-get install xvfb")
    tools = {name: require_tool(name, "apt-get install imagemagick") for name in ("import", "identify", "stream")}
    shot = tmp_path / "player-window.png"
    stderr_log = tmp_path / "player-stderr.log"
    xvfb_log = tmp_path / "xvfb.log"

    with Xvfb(xvfb, xvfb_log) as display, Player(own_data_dir, display, tmp_path, stderr_log) as player:
        url = player.wait_for_window(LOAD_TIMEOUT)
        assert urlsplit(url).hostname == "127.0.0.1", f"the window loaded {url}, not the local player"
        time.sleep(PAINT_GRACE)
        deviation = screenshot_until_painted(tools, display, shot, PAINT_TIMEOUT)
        print(f"\nscreenshot of the player window: {shot} (standard deviation {deviation:.3f})")
        assert deviation > MIN_STANDARD_DEVIATION, f"the screen is blank: {shot}"

        # The page was painted with the player's own stylesheet: its blue top bar and its page colour.
        pixels = colour_counts(tools["stream"], shot)
        brand, page = css_colour("--brand"), css_colour("--page")
        assert pixels.get(brand, 0) > 20_000, f"no top bar in {brand} on the screen: {shot}"
        assert pixels.get(page, 0) > 100_000, f"no page background in {page} on the screen: {shot}"
        assert player.running(), f"the player exited early; see {stderr_log}"


class Xvfb:
    """A private X server on the first free display number (Xvfb picks it and tells us via -displayfd)."""

    def __init__(self, program: str, log: Path):
        self.program, self.log = program, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        read_end, write_end = os.pipe()
        try:
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [self.program, "-displayfd", str(write_end), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                     "-nolisten", "tcp", "-noreset"],
                    pass_fds=(write_end,), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                    start_new_session=True)
            os.close(write_end)
            write_end = -1
            number = b""
            deadline = time.monotonic() + 15
            while not number.endswith(b"\n"):
                ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
                chunk = os.read(read_end, 16) if ready else b""
                if not chunk:
                    self.__exit__()
                    pytest.fail(f"Xvfb did not start; see {self.log}:\n{self.log.read_text(errors='replace')}")
                number += chunk
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)
        return f":{int(number)}"

    def __exit__(self, *exc_info) -> None:
        stop(self.process)


class Player:
    """`python -m player --data DIR open` on `display`, its stdout read line by line in a thread."""

    def __init__(self, data_dir: Path, display: str, tmp_path: Path, stderr_log: Path):
        self.stderr_log = stderr_log
        env = {key: value for key, value in os.environ.items()
               if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}  # a real xcb window on our display
        env["DISPLAY"] = display
        env["PYTHONUNBUFFERED"] = "1"
        for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"):
            folder = tmp_path / name.lower()
            folder.mkdir(mode=0o700, exist_ok=True)
            env[name] = str(folder)  # keep Qt's caches and settings out of the real home folder
        self.command = [sys.executable, "-m", "player", "--data", str(data_dir), "open"]
        self.env = env
        self.process: subprocess.Popen | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []

    def __enter__(self) -> "Player":
        with self.stderr_log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=log, text=True, encoding="utf-8", errors="replace", start_new_session=True)
        threading.Thread(target=self._read, name="player-stdout", daemon=True).start()
        return self

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for_window(self, timeout: float) -> str:
        """The URL the window loaded, once the player printed `window loaded URL`."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=min(left, 0.25))
            except queue.Empty:
                if "No desktop window" in self.stderr():  # it fell back to serving for a browser
                    pytest.fail(f"the player opened no window:\n{self.stderr()}")
                continue
            if line is None:
                self.process.wait(timeout=5)
                pytest.fail(f"the player exited ({self.process.returncode}) before its window loaded:\n"
                            f"{''.join(self.stdout)}\n{self.stderr()}")
            self.stdout.append(line + "\n")
            if line.startswith("window loaded "):
                return line.removeprefix("window loaded ").strip()
        pytest.fail(f"no 'window loaded' line within {timeout:.0f} s; stdout:\n{''.join(self.stdout)}\n"
                    f"stderr:\n{self.stderr()}")

    def running(self) -> bool:
        return self.process.poll() is None

    def stderr(self) -> str:
        return self.stderr_log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def __exit__(self, *exc_info) -> None:
        stop(self.process)


def stop(process: subprocess.Popen | None) -> None:
    """End a process we started and everything in its own process group (Qt's renderer processes)."""
    if process is None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)  # its group: start_new_session made the group id its pid
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; make sure no child of it outlived it
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        break
    if process.stdout:
        process.stdout.close()


def screenshot_until_painted(tools: dict[str, str], display: str, shot: Path, timeout: float) -> float:
    """Screenshot the whole screen until it is not blank (or time is up); its standard deviation."""
    deadline = time.monotonic() + timeout
    while True:
        subprocess.run([tools["import"], "-display", display, "-window", "root", str(shot)],
                       check=True, capture_output=True, timeout=30)
        result = subprocess.run([tools["identify"], "-format", "%[fx:standard_deviation]", str(shot)],
                                check=True, capture_output=True, text=True, timeout=30)
        deviation = float(result.stdout.strip())
        if deviation > MIN_STANDARD_DEVIATION or time.monotonic() > deadline:
            return deviation
        time.sleep(0.5)


def colour_counts(stream: str, image: Path) -> dict[tuple[int, int, int], int]:
    """How many pixels of each colour the image has (raw RGB from ImageMagick's `stream`)."""
    raw = subprocess.run([stream, "-map", "rgb", "-storage-type", "char", str(image), "-"],
                         check=True, capture_output=True, timeout=30).stdout
    assert len(raw) == SCREEN[0] * SCREEN[1] * 3, f"unexpected screenshot size: {len(raw)} bytes"
    counts: dict[tuple[int, int, int], int] = {}
    view = memoryview(raw)
    for start in range(0, len(raw), 3):
        colour = tuple(view[start:start + 3])
        counts[colour] = counts.get(colour, 0) + 1
    return counts


def css_colour(variable: str) -> tuple[int, int, int]:
    """The RGB value of a `--name: #rrggbb` custom property in the player's stylesheet."""
    found = re.search(rf"{re.escape(variable)}:\s*#([0-9a-fA-F]{{6}})\b", STYLESHEET.read_text(encoding="utf-8"))
    assert found, f"{variable} is no longer a #rrggbb colour in {STYLESHEET}; update this test"
    return tuple(bytes.fromhex(found.group(1)))
