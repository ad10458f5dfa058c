"""A real Ralph LRS for tests (in its own virtual environment, .venv-ralph, made by `scripts/setup test`)
and a TCP proxy in front of it that can lose a response or the whole connection on demand."""

import json
import os
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from player.results.lrs import LrsClient
from player.xapi import vocabulary as xapi

ROOT = Path(__file__).resolve().parents[2]
RALPH_PYTHON = ROOT / ".venv-ralph" / "bin" / "python"
LAUNCHER = Path(__file__).with_name("ralph_launcher.py")
USER, PASSWORD = "tramhoc", "mat-khau-thu"
START_TIMEOUT_SECONDS = 30


def require_ralph() -> Path:
    """The interpreter of .venv-ralph, or skip (fail when CI is set) when Ralph is not installed."""
    problem = None
    if not RALPH_PYTHON.exists():
        problem = f"{RALPH_PYTHON} is missing (run scripts/setup test to install Ralph)"
    else:
        check = subprocess.run([str(RALPH_PYTHON), "-c", "import ralph.backends.lrs.fs, uvicorn, bcrypt"],
                               capture_output=True, text=True)
        if check.returncode:
            problem = f"Ralph does not import in .venv-ralph: {check.stderr.strip().splitlines()[-1:]}"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"{problem}; CI is set, so this is a failure, not a skip", pytrace=False)
        pytest.skip(problem)
    return RALPH_PYTHON


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Ralph:
    """Ralph's LRS with its file-system backend on 127.0.0.1 at a free port."""

    def __init__(self, python: Path, folder: Path):
        self.port = free_port()
        self.folder = folder
        (folder / "data").mkdir(parents=True)
        env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_AUTH_FILE": str(folder / "auth.json"),
               "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}
        self.log = open(folder / "ralph.log", "wb")
        self.process = subprocess.Popen([str(python), str(LAUNCHER), str(self.port), USER, PASSWORD],
                                        cwd=folder, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Ralph did not start: {(self.folder / 'ralph.log').read_text(errors='replace')}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def ids_on_lrs(ralph: "Ralph", learner_id: str) -> Counter:
    """Every statement id the LRS returns for this learner, following `more` links."""
    agent = json.dumps({"account": {"homePage": xapi.ACCOUNT_HOME, "name": learner_id}})
    url = f"http://127.0.0.1:{ralph.port}/xAPI/statements?" + urllib.parse.urlencode({"agent": agent, "limit": 50})
    client = LrsClient(ralph.endpoint, USER, PASSWORD)
    found = Counter()
    while url:
        request = urllib.request.Request(url, headers=client.headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            page = json.loads(response.read())
        found.update(statement["id"] for statement in page["statements"])
        more = page.get("more")
        url = urllib.parse.urljoin(url, more) if more else None
    return found


class Proxy:
    """Forwards one HTTP request per connection to 127.0.0.1:`target_port`. `lose_response_of(n)` makes
    the n-th connection from now reach the LRS but never answer (the acknowledgement is lost);
    `go_down()` closes every new connection at once, `come_up()` ends that."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.lose_at: int | None = None
        self.down = False
        self.lost = 0
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def lose_response_of(self, nth: int) -> None:
        self.lose_at = self.connections + nth

    def go_down(self) -> None:
        self.down = True

    def come_up(self) -> None:
        self.down = False

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            if self.down:
                client.close()
                continue
            lose = self.connections == self.lose_at
            threading.Thread(target=self._forward, args=(client, lose), daemon=True).start()

    def _forward(self, client: socket.socket, lose: bool) -> None:
        with client, socket.create_connection(("127.0.0.1", self.target_port)) as upstream:
            upstream.sendall(_read_request(client))
            response = _read_all(upstream)
            if lose:
                self.lost += 1
                client.shutdown(socket.SHUT_RDWR)
                return
            client.sendall(response)


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)

