"""End-to-end fixtures: the mini course built and installed once, a live player on loopback, and
Playwright pointed at Debian's chromium (never `playwright install`; downloads are blocked here).

`mini_bundle` (the mini course built once per session into a temporary folder) comes from
tests/conftest.py.
"""

import os
import shutil
from pathlib import Path

import pytest

from player.app import create_app
from player.server import Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _require_tool(tool: str, hint: str) -> str:
    """The full path of an external program, or skip the test when it is missing. In CI (the `CI`
    environment variable set) a missing program fails the test instead: CI must run these tests."""
    found = shutil.which(tool)
    if found:
        return found
    message = f"{tool} is not installed ({hint})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, so this is a failure, not a skip", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_tool():
    """`require_tool(program, hint)`: its path, or skip (fail when CI is set) when it is missing."""
    return _require_tool


@pytest.fixture(scope="session")
def installed_data_dir(tmp_path_factory, mini_bundle) -> Path:
    """A player data folder with the mini course installed, for the in-process live server."""
    return install_into(tmp_path_factory.mktemp("e2e-data"), mini_bundle)


def install_into(data_dir: Path, bundle: Path) -> Path:
    """Install `bundle` into the player data folder `data_dir` and return the folder."""
    app = create_app(data_dir)
    app.extensions["tramhoc_library"].install(bundle)
    return data_dir


@pytest.fixture(scope="session")
def live_server(installed_data_dir):
    """The player served by waitress on 127.0.0.1 at a free port, for the whole session."""
    server = Server(create_app(installed_data_dir), host="127.0.0.1", port=0)
    server.start_in_background()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments, with Debian's chromium and no phoning home."""
    chromium = _require_tool(str(CHROMIUM), "apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def own_data_dir(tmp_path, mini_bundle) -> Path:
    """A data folder of this test's own with the mini course installed (for a player subprocess)."""
    return install_into(tmp_path / "data", mini_bundle)
