"""The Windows package, built here and run under Wine (a temporary prefix): the installer installs silently
per machine; the *installed* python.exe installs a signed course with the installed CLI and serves the
player, a learner is made through the form, opens a lesson and completes it; a newer installer over it
keeps learner, progress, trusted key and course; uninstalling keeps the data; the portable zip runs the same
way with its data beside itself. Needs nsis, MinGW and wine (scripts/setup test installs them); the Wine 8
workarounds are in tests/support/wine.py, never in the package.

Timings (start to first page, cold and warm) are printed for docs/windows.md."""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from support.wine import WinePrefix, wait_for_page, windows_path

from courses.keys import write_key_pair

pytestmark = pytest.mark.windows
REPO = Path(__file__).resolve().parents[1]
VERSION, NEWER = "0.1.0", "0.1.1"
PORT = 8791
PAGE_TIMEOUT = 120
LEARNER = "Nguyễn Thị Lan"
PROGRAM = r"C:\Program Files\TramHoc"
TOOLS = {"makensis": "nsis", "x86_64-w64-mingw32-gcc": "gcc-mingw-w64-x86-64", "wine": "wine",
         "wineserver": "wine", "script": "bsdutils"}


def package(out: Path, work: Path, version: str, *options: str) -> subprocess.Popen:
    """scripts/package-windows's builder, with the tests' own Python (the tools were checked before)."""
    return subprocess.Popen([sys.executable, str(REPO / "packaging" / "windows" / "package.py"), "--out", str(out),
                             "--work", str(work), "--version", version, *options], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(build: subprocess.Popen) -> str:
    output = build.communicate(timeout=900)[0]
    assert build.returncode == 0, output[-4000:]
    return output


def require_tools() -> None:
    """Skip without the tools (fail when CI is set: CI must run these tests)."""
    missing = [f"{tool} ({package_name})" for tool, package_name in TOOLS.items() if not shutil.which(tool)]
    if missing:
        message = f"not installed: {', '.join(missing)}; scripts/setup test installs them"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both artefacts of this checkout, and (built meanwhile, on a second copy of the work folder) a newer
    installer to upgrade to."""
    require_tools()
    root = tmp_path_factory.mktemp("windows")
    cache = REPO / "build" / "windows" / "downloads"  # the pinned downloads, shared with scripts/package-windows
    work = root / "work"
    (work / "downloads").parent.mkdir(parents=True)
    if cache.is_dir():
        shutil.copytree(cache, work / "downloads")
    output = finished(package(root / "dist", work, VERSION))
    print(output[-600:])
    newer_work = root / "newer-work"
    shutil.copytree(work / "downloads", newer_work / "downloads")
    newer = package(root / "newer", newer_work, NEWER, "--installer-only")
    return {"installer": root / "dist" / f"TramHoc-Setup-{VERSION}.exe",
            "zip": root / "dist" / f"TramHoc-{VERSION}-portable.zip",
            "newer": newer, "newer_installer": root / "newer" / f"TramHoc-Setup-{NEWER}.exe", "output": output}


@pytest.fixture(scope="module")
def wine(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("wine")
    prefix = WinePrefix(folder / "prefix")
    prefix.boot(folder)
    yield prefix
    prefix.stop_all()


@pytest.fixture(scope="module")
def publisher_files(tmp_path_factory, signed_bundle, publisher_key):
    folder = tmp_path_factory.mktemp("publisher")
    _, public = write_key_pair(publisher_key, folder, None)
    return public, signed_bundle


class Browser:
    """A learner's browser as far as the test needs: cookies, the CSRF token, redirects not followed."""

    class _Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  self._Stay())
        self.token = None

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            page = response.read().decode("utf-8")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        self.token = found.group(1) if found else self.token
        return page

    def post(self, path: str, fields: dict | None = None) -> int:
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(fields or {}).encode(),
                                         headers={"X-CSRFToken": self.token}, method="POST")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:  # a redirect not followed arrives here
            return error.code


class Player:
    """The installed (or unzipped) player's server under Wine, on PORT, for one `with` block."""

    def __init__(self, wine: WinePrefix, python: str, log: Path):
        self.wine, self.python, self.log = wine, python, log

    def __enter__(self) -> "Player":
        self.process = self.wine.start(self.python, "-m", "player", "serve", "--port", str(PORT), log=self.log)
        try:
            self.seconds = wait_for_page(f"http://127.0.0.1:{PORT}/", PAGE_TIMEOUT, self.process)
        except AssertionError:
            self.__exit__()
            raise AssertionError(f"the player did not serve:\n{self.log.read_text(errors='replace')[-3000:]}")
        return self

    def __exit__(self, *exc_info) -> None:
        self.wine.stop_all()
        self.process.wait(timeout=30)


def cli(wine: WinePrefix, python: str, *arguments: str, log: Path) -> str:
    return wine.console(python, "-m", "player", *arguments, log=log)


def learn(base: str) -> str:
    """Make a learner through the form, open the first lesson and complete it; the learner's id."""
    browser = Browser(base)
    assert "Ai đang học?" in browser.get("/")
    browser.get("/learners/new")
    assert browser.post("/learners/new", {"name": LEARNER, "kind": "none", "csrf_token": browser.token}) == 303
    assert LEARNER in browser.get("/")
    assert "Giới thiệu về chữ ký số" in browser.get("/courses/mini/lessons/gioi-thieu")
    assert browser.post("/courses/mini/lessons/gioi-thieu/done") == 303
    assert '<progress max="100" value="33"' in browser.get("/courses/mini/")
    return re.search(r'href="/learners/([0-9a-f]{32})/', Browser(base).get("/")).group(1)  # its name on the start screen


def test_installer_installs_serves_upgrades_and_uninstalls_keeping_learners_data(built, wine, publisher_files,
                                                                                tmp_path):
    program, data = wine.drive_c / "Program Files" / "TramHoc", wine.drive_c / "ProgramData" / "TramHoc"
    python = PROGRAM + r"\python\python.exe"
    done = wine.run(str(built["installer"]), "/S")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    for name in ("TramHoc.exe", "tramhoc.ico", "python/python.exe", "python/pythonw.exe", "uninstall.exe",
                 "lib/player/app.py", "lib/fpdf/__init__.py", "lib/font_roboto/files/Roboto-Regular.ttf",
                 "bin/tramhoc-build.cmd", "soan-bai.cmd"):
        assert (program / name).is_file(), f"not installed: {name}"
    assert any((program / "lib" / "player" / "__pycache__").glob("app.cpython-313.pyc")), "modules not compiled"
    menu = wine.drive_c / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    assert (menu / "Trạm Học.lnk").is_file() and (menu / "Trạm Học – soạn bài.lnk").is_file()
    assert (wine.drive_c / "users" / "Public" / "Desktop" / "Trạm Học.lnk").is_file()
    registry = (wine.folder / "system.reg").read_text(encoding="utf-8", errors="replace")
    assert '[Software\\\\Classes\\\\.tramhoc]' in registry and '@="TramHoc.Course"' in registry
    assert data.is_dir(), "the installer made no data folder for the whole PC"
    wine.without_wmi(program / "python")

    public, bundle = publisher_files
    said = cli(wine, python, "trust", "add", windows_path(public), log=tmp_path / "trust.log")
    assert (data / "trusted-publishers.json").is_file(), said
    said = cli(wine, python, "install", windows_path(bundle), log=tmp_path / "install.log")
    assert "mini" in said and (data / "library" / "mini.tramhoc").is_file(), said

    with Player(wine, python, tmp_path / "serve-cold.log") as player:
        print(f"\ninstalled player: first page {player.seconds:.1f} s after start (cold)")
        learner = learn(f"http://127.0.0.1:{PORT}")
    with Player(wine, python, tmp_path / "serve-warm.log") as player:
        print(f"installed player: first page {player.seconds:.1f} s after start (warm)")
    progress = data / "learners" / learner / "statements-00001.json"
    assert "completed" in progress.read_text(encoding="utf-8")
    before = progress.read_bytes()

    finished(built["newer"])
    done = wine.run(str(built["newer_installer"]), "/S")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert (program / "tramhoc-version.txt").read_text().strip() == NEWER
    assert f'"DisplayVersion"="{NEWER}"' in (wine.folder / "system.reg").read_text(errors="replace")
    wine.without_wmi(program / "python")
    assert progress.read_bytes() == before
    assert "mini" in cli(wine, python, "list", log=tmp_path / "list.log")
    assert "Sở TT&TT" in cli(wine, python, "trust", "list", log=tmp_path / "trusted.log")
    with Player(wine, python, tmp_path / "serve-upgraded.log"):
        assert LEARNER in Browser(f"http://127.0.0.1:{PORT}").get("/")

    done = wine.run(PROGRAM + r"\uninstall.exe", "/S")
    assert done.returncode == 0
    assert not (program / "python").exists() and not (program / "lib").exists()
    assert not (menu / "Trạm Học.lnk").exists()
    assert progress.read_bytes() == before, "uninstalling deleted learners' data"
    assert (data / "library" / "mini.tramhoc").is_file() and (data / "trusted-publishers.json").is_file()


def test_portable_zip_runs_with_its_data_beside_itself(built, wine, publisher_files, tmp_path):
    folder = wine.drive_c / "Portable"
    with zipfile.ZipFile(built["zip"]) as archive:
        archive.extractall(folder)
    program = folder / f"TramHoc-{VERSION}"
    assert (program / "tramhoc-portable.txt").is_file()
    wine.without_wmi(program / "python")
    python = rf"C:\Portable\TramHoc-{VERSION}\python\python.exe"
    public, bundle = publisher_files
    cli(wine, python, "trust", "add", windows_path(public), log=tmp_path / "trust.log")
    said = cli(wine, python, "install", windows_path(bundle), log=tmp_path / "install.log")
    data = program / "data"
    assert (data / "library" / "mini.tramhoc").is_file(), said
    with Player(wine, python, tmp_path / "serve.log") as player:
        print(f"\nportable player: first page {player.seconds:.1f} s after start (no compiled modules)")
        learner = learn(f"http://127.0.0.1:{PORT}")
    assert "completed" in (data / "learners" / learner / "statements-00001.json").read_text(encoding="utf-8")
    assert not (wine.drive_c / "ProgramData" / "TramHoc" / "learners" / learner).exists()
