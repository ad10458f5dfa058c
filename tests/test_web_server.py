"""The player's server under hostile clients, with real sockets (issue 14 #23): a neighbour on the LAN
holding 120 connections and sending one header byte at a time cannot make the player unreachable."""

import http.client
import io
import select
import socket
import threading
import time

import pytest

from player.web import server as web_server
from player.web.security import MAX_FORM_BYTES
from player.web.server import PER_CLIENT_CONNECTIONS, Server

NEIGHBOUR = "127.0.0.2"  # another address on the loopback network: another PC, as the server sees it


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed this connection (its end reads as end of file, or was reset)."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


@pytest.fixture
def serving(tmp_path, make_player, monkeypatch):
    monkeypatch.setattr(web_server, "HEADER_SECONDS", 2.0)  # 10 s in real life; the test need not wait
    server = Server(make_player(tmp_path / "data"), port=0)
    server.start_in_background()
    try:
        yield server
    finally:
        server.close()


def test_a_slow_neighbour_cannot_make_the_player_unreachable(serving):
    try:
        probe = socket.create_connection((serving.host, serving.port), source_address=(NEIGHBOUR, 0))
    except OSError as error:
        pytest.skip(f"this machine cannot use {NEIGHBOUR} as a source address: {error}")
    slow = [probe] + [socket.create_connection((serving.host, serving.port), source_address=(NEIGHBOUR, 0))
                      for _ in range(119)]
    for sock in slow:
        sock.sendall(b"G")  # the first byte of a request whose headers never end

    started = time.monotonic()
    other = http.client.HTTPConnection(serving.host, serving.port, timeout=5)  # another PC, meanwhile
    other.request("GET", "/learners/")
    assert other.getresponse().status == 200
    assert time.monotonic() - started < 2.0

    time.sleep(0.5)
    open_now = [sock for sock in slow if not closed_by_server(sock)]
    assert len(open_now) == PER_CLIENT_CONNECTIONS  # the connections over the neighbour's share: closed at once

    for _ in range(8):  # the rest drip one header byte every half second: closed once their headers are overdue
        time.sleep(0.5)
        for sock in open_now:
            try:
                sock.sendall(b"E")
            except OSError:
                pass
    assert all(closed_by_server(sock) for sock in open_now)
    for sock in slow:
        sock.close()


def test_closing_a_server_in_the_background_ends_its_connections_and_threads(tmp_path, make_player):
    before = set(threading.enumerate())
    server = Server(make_player(tmp_path / "data"), port=0)
    serving = server.start_in_background()
    kept = http.client.HTTPConnection(server.host, server.port, timeout=5)  # a browser's kept-alive connection
    kept.request("GET", "/learners/")
    assert kept.getresponse().read()
    server.close()
    serving.join(5)
    assert not serving.is_alive()  # the loop ended: it never selects on sockets closed under it
    assert kept.sock.recv(1) == b""  # the kept-alive connection was closed
    assert [thread.name for thread in set(threading.enumerate()) - before] == []  # and the request threads ended


class CountingStream:
    """A request body of `size` bytes (never held in memory) that counts what the app reads of it."""

    def __init__(self, size: int):
        self.size, self.position, self.read_bytes = size, 0, 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.position
        n = left if n is None or n < 0 else min(n, left)
        self.position += n
        self.read_bytes += n
        return b"x" * n

    def readline(self, limit: int = -1) -> bytes:
        return self.read(min(limit, 1024) if limit and limit > 0 else 1024)

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:  # Werkzeug's test client measures the stream
        self.position = offset if whence == 0 else self.size + offset
        return self.position


def post_body(client, url: str, size: int, headers=None, **query):
    """POST `size` bytes of multipart-looking body; returns (status, bytes the app read of it)."""
    body = CountingStream(size)
    response = client.post(url, input_stream=body, content_length=size, query_string=query, csrf=False,
                           content_type="multipart/form-data; boundary=x", headers=headers or {})
    return response.status_code, body.read_bytes


def test_bodies_are_bounded_before_they_are_read(client):
    token = client.csrf_token()
    too_big = MAX_FORM_BYTES + 1
    assert post_body(client, "/learners/new", too_big, {"X-CSRFToken": token}) == (413, 0)
    assert post_body(client, "/activity/beat", too_big, {"X-CSRFToken": token}) == (413, 0)
    assert post_body(client, "/admin/sign-in", too_big) == (413, 0)  # no token either: still nothing read


def test_only_the_upload_form_takes_a_large_body_and_only_with_its_token(admin):
    client, token = admin, admin.csrf_token()
    assert post_body(client, "/install", 50 * 1024**2) == (400, 0)  # no token before the body: not read
    assert post_body(client, "/install", 50 * 1024**2, csrf_token="forged") == (400, 0)
    assert post_body(client, "/install", 3 * 1024**3, csrf_token=token) == (413, 0)  # over 2 GiB
    upload = {"csrf_token": token, "bundle": (io.BytesIO(b"not a course" * 600_000), "khoa-hoc.tramhoc")}
    response = client.post("/install", query_string={"csrf_token": token}, data=upload, csrf=False,
                           follow_redirects=True)  # as the form's own address sends it
    assert response.status_code == 200 and "khoa-hoc.tramhoc" in response.get_data(as_text=True)


def test_the_upload_form_carries_its_token_in_its_address(admin):
    page = admin.get("/admin/courses").get_data(as_text=True)
    assert 'action="/install?csrf_token=' in page
