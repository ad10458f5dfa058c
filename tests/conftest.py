"""Shared fixtures: a small real course, its bundle (unsigned, and signed by a test publisher), a player
app over a temporary data folder that trusts that publisher, and a real xAPI LRS (Ralph) for sync tests."""

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from support.lrs import Proxy, Ralph, require_ralph
from support.pages import ADMIN_PIN
from support.stub_lrs import StubServer

from builder.build import build
from courses.keys import SigningKey, generate
from player import clock
from player.app import create_app
from player.web.services import services

FIXTURES = Path(__file__).parent / "fixtures"
# Builds in the tests (and the processes they start) keep their caches in a folder of their own, never in
# the per-user cache folder of whoever runs them.
os.environ["TRAMHOC_BUILD_CACHE"] = tempfile.mkdtemp(prefix="tramhoc-test-build-cache-")
atexit.register(shutil.rmtree, os.environ["TRAMHOC_BUILD_CACHE"], True)
MINI = FIXTURES / "courses" / "mini"
QUIZ_COURSE = FIXTURES / "courses" / "quiz"  # every kind of question, a test and self-checks
PRACTICE_COURSE = FIXTURES / "courses" / "practice"  # one practice simulation of each kind
NARRATION_COURSE = FIXTURES / "courses" / "narration"  # narrations beside a lesson and in front matter (silent)
CONTENT = Path(__file__).resolve().parents[1] / "content"


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


@pytest.fixture(scope="session")
def signed_quiz_bundle(tmp_path_factory, publisher_key) -> Path:
    """The quiz course built once per session and signed with publisher_key."""
    return build(QUIZ_COURSE, tmp_path_factory.mktemp("quiz-dist"), use_cache=False, signer=publisher_key)


@pytest.fixture(scope="session")
def signed_practice_bundle(tmp_path_factory, publisher_key) -> Path:
    """The practice course built once per session and signed with publisher_key."""
    return build(PRACTICE_COURSE, tmp_path_factory.mktemp("practice-dist"), use_cache=False, signer=publisher_key)


@pytest.fixture(scope="session")
def signed_narration_bundle(tmp_path_factory, publisher_key) -> Path:
    """The narration course built once per session and signed with publisher_key."""
    return build(NARRATION_COURSE, tmp_path_factory.mktemp("narration-dist"), use_cache=False, signer=publisher_key)


@pytest.fixture(scope="session")
def content_bundle(tmp_path_factory, publisher_key):
    """`content_bundle(course_id)`: a real course of content/ built once per test session, signed with
    publisher_key."""
    built: dict[str, Path] = {}
    out = tmp_path_factory.mktemp("content-dist")

    def bundle(course_id: str) -> Path:
        if course_id not in built:
            built[course_id] = build(CONTENT / course_id, out, use_cache=False, signer=publisher_key)
        return built[course_id]
    return bundle


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

    def set_admin_pin(self, pin: str) -> None:
        """Set the admin PIN on first run, which signs this client in as the admin."""
        response = self.post("/admin/pin", data={"pin": pin, "pin2": pin})
        assert response.status_code == 303, response.get_data(as_text=True)

    def sign_in(self, name: str = "Học viên Thử", **secret) -> str:
        """Create a learner profile (no code unless `kind=...` fields are given) and sign in as them;
        returns the learner's id."""
        response = self.post("/learners/new", data={"name": name, "kind": "none", **secret})
        assert response.status_code == 303, response.get_data(as_text=True)
        with self.session_transaction() as session:
            return session["learner"]


def player_app(data_dir: Path, config: dict | None = None, trusted: tuple[SigningKey, ...] = ()):
    """A player app for tests: TESTING on, a client that sends CSRF tokens like the real pages, and the
    given publishers' keys in its trust store."""
    app = create_app(data_dir, {"TESTING": True, **(config or {})})
    app.test_client_class = PlayerClient
    for key in trusted:
        services(app).trust.add(key.public)
    return app


@pytest.fixture
def make_player():
    """`make_player(data_dir, config=None, trusted=())`: a fresh player app over that folder (see player_app)."""
    return player_app


@pytest.fixture
def app(tmp_path, signed_bundle, publisher_key):
    """A player that trusts publisher_key, with the signed mini course installed."""
    app = player_app(tmp_path / "data", trusted=(publisher_key,))
    services(app).library.install(signed_bundle)
    return app


@pytest.fixture
def quiz_app(tmp_path, signed_quiz_bundle, publisher_key):
    """A player that trusts publisher_key, with the signed quiz course installed."""
    app = player_app(tmp_path / "data", trusted=(publisher_key,))
    services(app).library.install(signed_quiz_bundle)
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


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """A real xAPI LRS (Ralph, file-system backend) on 127.0.0.1 for the whole session, or skip."""
    server = Ralph(require_ralph(), tmp_path_factory.mktemp("ralph"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def stub():
    """Start local misbehaving LRSs (support.stub_lrs.StubServer); closed after the test."""
    servers = []

    def start(answer):
        servers.append(StubServer(answer))
        return servers[-1]
    yield start
    for server in servers:
        server.close()


@pytest.fixture
def proxy(ralph):
    """A TCP proxy in front of the LRS that can lose a response or go down (see support.lrs.Proxy)."""
    front = Proxy(ralph.port)
    try:
        yield front
    finally:
        front.close()


CONFORMANCE_SUITES = {  # test function in tests/test_gift_conformance.py -> what its cases are
    "test_moodle_import_case": "Moodle import", "test_moodle_comment_metadata_case": "Moodle comment",
    "test_moodle_file_import_case": "Moodle file", "test_gift_pegjs_case": "gift-pegjs",
    "test_other_gift_file_parses": "other files parse",
}


def pytest_terminal_summary(terminalreporter):
    """Print how many GIFT conformance cases passed, out of how many ran."""
    counts = {name: [0, 0] for name in CONFORMANCE_SUITES.values()}
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            if report.when != "call" or "test_gift_conformance.py::" not in report.nodeid:
                continue
            suite = CONFORMANCE_SUITES.get(report.nodeid.split("::")[1].split("[")[0])
            if suite:
                counts[suite][0] += outcome == "passed"
                counts[suite][1] += 1
    if any(total for _, total in counts.values()):
        moodle = [sum(counts[name][i] for name in counts if name.startswith("Moodle")) for i in (0, 1)]
        terminalreporter.write_line(
            f"GIFT conformance: {moodle[0]}/{moodle[1]} Moodle cases, "
            f"{counts['gift-pegjs'][0]}/{counts['gift-pegjs'][1]} gift-pegjs, "
            f"{counts['other files parse'][0]}/{counts['other files parse'][1]} other files parse")


class FakeClock:
    """The player's clock in a test's hands: it stands still at `now` until moved, or advances `tick`
    seconds at every look (so that each step of a test takes time)."""

    def __init__(self, now: float, tick: float = 0.0):
        self.now, self.tick = now, tick

    def move(self, seconds: float) -> None:
        self.now += seconds

    def __call__(self) -> float:
        moment = self.now
        self.now += self.tick
        return moment


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    """The one fake clock of the tests, standing still at the real time; `fake_clock.move(seconds)`, or set
    `now` and `tick`."""
    fake = FakeClock(clock.now())
    monkeypatch.setattr(clock, "now", fake)
    return fake


@pytest.fixture
def admin(app):
    """A test client of `app` with the centre's admin PIN set (ADMIN_PIN) and signed in to the admin area."""
    client = app.test_client()
    client.set_admin_pin(ADMIN_PIN)
    return client
