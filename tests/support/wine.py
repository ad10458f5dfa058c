"""A temporary Wine prefix for the Windows package's tests, with the three Wine 8 workarounds of
../shared/notes/windows.md. They are test-harness only (real Windows 10/11 needs none) and never enter the
package: a pseudo-terminal for Python's standard streams, bcryptprimitives.dll's ProcessPrng (built here from
tests/support/wine/), and no `_wmi.pyd` in the installed copy of the interpreter."""

import os
import shlex
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent / "wine"


def windows_path(path: Path) -> str:
    """A Linux file as Windows programs under Wine see it (drive Z: is /)."""
    return "Z:" + str(path).replace("/", "\\")


class WinePrefix:
    """One Wine prefix in `folder`; every Windows program of a test runs in it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.env = {**os.environ, "WINEPREFIX": str(folder), "WINEDEBUG": "-all",
                    # no Mono or Gecko download prompts; no menu entries for the real desktop
                    "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d"}
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)

    @property
    def drive_c(self) -> Path:
        return self.folder / "drive_c"

    def boot(self, work: Path) -> None:
        """Make the prefix, and add the one DLL Wine 8 lacks."""
        subprocess.run(["wineboot", "-i"], env=self.env, check=True, capture_output=True, timeout=300)
        self.wait()
        dll = work / "bcryptprimitives.dll"
        subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", str(dll),
                        str(HERE / "bcryptprimitives.c"), str(HERE / "bcryptprimitives.def"), "-ladvapi32"],
                       check=True, capture_output=True, timeout=120)
        shutil.copyfile(dll, self.drive_c / "windows" / "system32" / "bcryptprimitives.dll")

    def run(self, *command: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run a Windows program to its end, and every process it started (an uninstaller re-starts itself)."""
        done = subprocess.run(["wine", *command], env=self.env, capture_output=True, timeout=timeout)
        self.wait()
        return done

    def console(self, *command: str, log: Path, timeout: float = 300) -> str:
        """Run a console program under a pseudo-terminal (Wine 8 needs one for Python's standard streams)."""
        subprocess.run(["script", "-qfec", shlex.join(["wine", *command]), str(log)], env=self.env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                       timeout=timeout, check=False)
        return log.read_text(encoding="utf-8", errors="replace")

    def start(self, *command: str, log: Path) -> subprocess.Popen:
        """Start a console program in the background, under a pseudo-terminal."""
        return subprocess.Popen(["script", "-qfc", shlex.join(["wine", *command]), str(log)], env=self.env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def stop_all(self) -> None:
        """End every process of this prefix (a player under test, its console)."""
        subprocess.run(["wineserver", "-k"], env=self.env, check=False, timeout=60)
        self.wait()

    def wait(self) -> None:
        subprocess.run(["wineserver", "-w"], env=self.env, check=False, timeout=600)

    @staticmethod
    def without_wmi(python: Path) -> None:
        """Python 3.13's _wmi aborts under Wine 8 (propsys.VariantToString); platform falls back without it."""
        (python / "_wmi.pyd").unlink(missing_ok=True)


def wait_for_page(url: str, timeout: float, process: subprocess.Popen | None = None) -> float:
    """Seconds until `url` answers 200 (polled every 0.1 s); AssertionError if it never does."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process is not None and process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout:.0f} s")
