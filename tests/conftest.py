"""Shared fixtures: a small real course, its bundle, and a player app over a temporary data folder."""

import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
def app(tmp_path, mini_bundle):
    """A player with the mini course installed."""
    app = create_app(tmp_path / "data", {"TESTING": True})
    app.extensions["tramhoc_library"].install(mini_bundle)
    return app


@pytest.fixture
def client(app):
    return app.test_client()
