"""End-to-end fixtures: the mini course built and installed once, a live player on loopback, and
Playwright pointed at Debian's chromium (never `playwright install`; downloads are blocked here).

`signed_bundle` (the mini course built once per session and signed by `publisher_key`) comes from
tests/conftest.py.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from player.app import create_app
from player.web.server import Server
from player.web.services import services

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
def installed_data_dir(tmp_path_factory, signed_bundle, publisher_key) -> Path:
    """A player data folder that trusts the test publisher, with the signed mini course installed."""
    return install_into(tmp_path_factory.mktemp("e2e-data"), signed_bundle, publisher_key)


def install_into(data_dir: Path, bundle: Path, publisher_key=None, allow_unverified: bool = False) -> Path:
    """Trust `publisher_key` (if given), install `bundle` into the player data folder `data_dir`, and
    return the folder."""
    app = create_app(data_dir)
    if publisher_key is not None:
        services(app).trust.add(publisher_key.public)
    services(app).library.install(bundle, allow_unverified=allow_unverified)
    return data_dir


@contextmanager
def serving(data_dir: Path, config: dict | None = None):
    """The player over `data_dir` (with `config`), served by waitress on 127.0.0.1 at a free port while in
    the block."""
    server = Server(create_app(data_dir, config), host="127.0.0.1", port=0)
    server.start_in_background()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def install_bundle():
    """`install_bundle(data_dir, bundle, publisher_key=None, allow_unverified=False)` (see install_into)."""
    return install_into


@pytest.fixture(scope="session")
def player_server():
    """`with player_server(data_dir, config=None) as server:` the player over that folder on loopback."""
    return serving


@pytest.fixture(scope="session")
def live_server(installed_data_dir):
    """The player with the mini course, on loopback, for the whole session."""
    with serving(installed_data_dir) as server:
        yield server


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
def own_data_dir(tmp_path, signed_bundle, publisher_key) -> Path:
    """A data folder of this test's own with the signed mini course installed (for a player subprocess)."""
    return install_into(tmp_path / "data", signed_bundle, publisher_key)
