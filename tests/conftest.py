"""Shared fixtures: a small real course, its bundle, and a player app over a temporary data folder."""

import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from builder.build import build
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

    def sign_in(self, name: str = "Học viên Thử", **secret) -> str:
        """Create a learner profile (no code unless `kind=...` fields are given) and sign in as them;
        returns the learner's id."""
        response = self.post("/learners/new", data={"name": name, "kind": "none", **secret})
        assert response.status_code == 303, response.get_data(as_text=True)
        with self.session_transaction() as session:
            return session["learner"]


def player_app(data_dir: Path, config: dict | None = None):
    """A player app for tests: TESTING on, and a client that sends CSRF tokens like the real pages."""
    app = create_app(data_dir, {"TESTING": True, **(config or {})})
    app.test_client_class = PlayerClient
    return app


@pytest.fixture
def make_player():
    """`make_player(data_dir, config=None)`: a fresh player app over that folder (see player_app)."""
    return player_app


@pytest.fixture
def app(tmp_path, mini_bundle):
    """A player with the mini course installed."""
    app = player_app(tmp_path / "data")
    app.extensions["tramhoc_library"].install(mini_bundle)
    return app


@pytest.fixture
def client(app):
    """A test client with a learner signed in (reading courses needs one)."""
    client = app.test_client()
    client.sign_in()
    return client


@pytest.fixture
def anonymous(app):
    """A test client with nobody signed in: the start screen."""
    return app.test_client()
