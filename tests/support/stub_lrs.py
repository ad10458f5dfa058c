"""A small local HTTP server that misbehaves as told, for what a real LRS will not do: redirect, answer
404 or HTML, answer slowly, endlessly or with the wrong shape. Each request is recorded."""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass
class Request:
    method: str
    target: str
    headers: dict  # lower-case names
    body: bytes


def reply(status: int, body: bytes | str | list | dict = b"", **headers: str) -> bytes:
    """A whole HTTP/1.1 response that closes the connection (JSON for a list or dict)."""
    if isinstance(body, (list, dict)):
        body, headers = json.dumps(body).encode(), {"Content-Type": "application/json", **headers}
    elif isinstance(body, str):
        body = body.encode()
    lines = [f"HTTP/1.1 {status} Stub", f"Content-Length: {len(body)}", "Connection: close",
             *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def dribble(data: bytes, every: float) -> Iterable[bytes]:
    """`data` one byte at a time, `every` seconds apart (an LRS on a link that barely moves)."""
    for byte in data:
        time.sleep(every)
        yield bytes([byte])


def endless(head: bytes, chunk: int = 1 << 20) -> Iterable[bytes]:
    """`head`, then zeros for as long as the client reads."""
    yield head
    while True:
        yield b"0" * chunk


class StubServer:
    """Answers each request with `answer(request)`: bytes, or chunks of bytes sent one after another."""

    def __init__(self, answer: Callable[[Request], bytes | Iterable[bytes]]):
        self.answer = answer
        self.requests: list[Request] = []
        self.sent = 0  # bytes written to clients
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            request = _read(client)
            if request is None:
                return
            self.requests.append(request)
            answer = self.answer(request)
            try:
                for chunk in [answer] if isinstance(answer, bytes) else answer:
                    client.sendall(chunk)
                    self.sent += len(chunk)
            except OSError:  # the client hung up
                return


def _read(sock: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    first, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    method, target, _ = first.split(" ", 2)
    return Request(method, target, headers, body)
