"""Other PCs of a centre in tests: real connections from other loopback addresses (127.0.0.2 and up are other
PCs to the player; only 127.0.0.1 is this PC), each with its own cookies, to a player served in the background."""

import functools
import http.client
import http.cookiejar
import json
import re
import socket
import socketserver
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from player.web.server import Server

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _FromAddress(urllib.request.HTTPHandler):
    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.source, 0)), req)


class Browser:
    """A browser on another PC: its own cookies, its requests from `source`."""

    def __init__(self, server: Server, source: str):
        self.base = server.url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _FromAddress(source))
        self.token = ""

    def status_and_text(self, path: str, form: dict | None = None, headers: dict | None = None,
                        body: bytes | None = None) -> tuple[int, str]:
        """GET `path` (POST with `form` or `body`); the status and the page. A page's CSRF token is kept."""
        data = urllib.parse.urlencode(form).encode() if form is not None else body
        request = urllib.request.Request(self.base + path.lstrip("/"), data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        found = TOKEN.search(text)
        self.token = found.group(1) if found else self.token
        return status, text

    def sign_in(self, name: str) -> int:
        """Make a profile through the real form (with the page's CSRF token) and sign in; the status."""
        self.status_and_text("/learners/new")
        return self.status_and_text("/learners/new", {"name": name, "kind": "none", "csrf_token": self.token})[0]

    def post_json(self, path: str, data: dict) -> tuple[int, dict | None]:
        """POST JSON as a page's script does (its CSRF token in a header); the status and the answer."""
        status, text = self.status_and_text(path, headers={"Content-Type": "application/json",
                                                           "X-CSRFToken": self.token},
                                            body=json.dumps(data).encode())
        return status, json.loads(text) if status == 200 else None


@contextmanager
def serving(app, host: str = "127.0.0.1"):
    """`app` served by waitress in the background at a free port; skip when 127.0.0.2 cannot be a client."""
    server = Server(app, host=host, port=0)
    server.start_in_background()
    try:
        probe = socket.create_connection(("127.0.0.1", server.port), source_address=("127.0.0.2", 0))
        probe.close()
    except OSError as error:
        server.close()
        pytest.skip(f"this machine cannot use 127.0.0.2 as a source address: {error}")
    try:
        yield server
    finally:
        server.close()


class Relay:
    """A TCP relay on 127.0.0.1 whose connections reach `port` from `source`: a browser pointed at the relay
    is, to the player, a PC at that address (Chromium cannot choose its own source address)."""

    def __init__(self, port: int, source: str):
        target = ("127.0.0.1", port)

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                with socket.create_connection(target, source_address=(source, 0)) as upstream:
                    back = threading.Thread(target=_pump, args=(upstream, self.request), daemon=True)
                    back.start()
                    _pump(self.request, upstream)
                    back.join()

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _pump(source: socket.socket, target: socket.socket) -> None:
    """Copy bytes one way until `source` ends, then end that way of `target`."""
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass
