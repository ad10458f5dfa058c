"""Shared fixtures: a small real course, its bundle (unsigned, and signed by a test publisher), and a player
app over a temporary data folder that trusts that publisher."""

import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from builder.build import build
from courses.keys import SigningKey, generate
from player.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "courses" / "mini"


@pytest.fixture
def mini_course(tmp_path) -> Path:
    """A writable copy of the mini course, for tests that break or edit it."""
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


@pytest.fixture(scope="session")
def mini_bundle(tmp_path_factory) -> Path:
    """The mini course built once per test session."""
    return build(MINI, tmp_path_factory.mktemp("dist"), use_cache=False)


@pytest.fixture(scope="session")
def publisher_key() -> SigningKey:
    """A publisher's signing key, made once per test session."""
    return generate("Sở TT&TT tỉnh Mẫu")


@pytest.fixture(scope="session")
def signed_bundle(tmp_path_factory, publisher_key) -> Path:
    """The mini course built once per session and signed with publisher_key."""
    return build(MINI, tmp_path_factory.mktemp("signed"), use_cache=False, signer=publisher_key)


class PlayerClient(FlaskClient):
    """A test client that, like the player's own pages, sends the session's CSRF token with every POST
    (pass `csrf=False` to leave it out)."""

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            kwargs["headers"] = {"X-CSRFToken": self.csrf_token(), **kwargs.get("headers", {})}
        return super().post(*args, **kwargs)

    def csrf_token(self) -> str:
        """The token a page of the player carries for this client's session."""
        page = self.get("/").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def player_app(data_dir: Path, config: dict | None = None, trusted: tuple[SigningKey, ...] = ()):
    """A player app for tests: TESTING on, a client that sends CSRF tokens like the real pages, and the
    given publishers' keys in its trust store."""
    app = create_app(data_dir, {"TESTING": True, **(config or {})})
    app.test_client_class = PlayerClient
    for key in trusted:
        app.extensions["tramhoc_trust"].add(key.public)
    return app


@pytest.fixture
def make_player():
    """`make_player(data_dir, config=None, trusted=())`: a fresh player app over that folder (see player_app)."""
    return player_app


@pytest.fixture
def app(tmp_path, signed_bundle, publisher_key):
    """A player that trusts publisher_key, with the signed mini course installed."""
    app = player_app(tmp_path / "data", trusted=(publisher_key,))
    app.extensions["tramhoc_library"].install(signed_bundle)
    return app


@pytest.fixture
def client(app):
    return app.test_client()
