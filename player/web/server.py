"""Serving the app with waitress on loopback (or the LAN, when asked explicitly), bounded so that one
client cannot make the player unreachable for the others.

Waitress keeps a connection while its client sends anything at all, and stops accepting new ones at its
connection limit: a neighbour sending one header byte every few seconds on 100 connections blocked the
room. Here each client address may hold PER_CLIENT_CONNECTIONS connections (any more are closed at once),
a request's headers must arrive within HEADER_SECONDS of its first byte, and an idle connection is closed
after IDLE_SECONDS.
"""

import threading
import time

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

LOOPBACK = "127.0.0.1"
EVERY_ADDRESS = "0.0.0.0"  # LAN mode
PER_CLIENT_CONNECTIONS = 24  # a browser opens 6 per host: the window and a browser on one PC fit easily
CONNECTION_LIMIT = 500  # all clients together (waitress's default is 100)
HEADER_SECONDS = 10.0  # from a request's first byte to the end of its headers
IDLE_SECONDS = 30.0  # a kept-alive connection with no request in progress
CHECK_SECONDS = 1.0  # how often connections are looked at
THREADS = 8  # requests handled at once; more connections wait their turn


class _Channel(HTTPChannel):
    """A connection that knows when the request it is reading began."""

    request_began = 0.0

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        if server.connections_from(addr) > PER_CLIENT_CONNECTIONS:
            self.handle_close()

    def received(self, data):
        reading = self.request
        done = super().received(data)
        if self.request is not None and self.request is not reading:
            self.request_began = time.time()
        return done

    def headers_overdue(self, now: float) -> bool:
        return (self.request is not None and not self.request.headers_finished
                and now - self.request_began > HEADER_SECONDS)


class _GuardedServer(TcpWSGIServer):
    channel_class = _Channel

    def connections_from(self, addr) -> int:
        return sum(1 for channel in list(self.active_channels.values()) if channel.addr[0] == addr[0])

    def maintenance(self, now):
        """Close idle connections (waitress) and those whose request headers are overdue."""
        super().maintenance(now)
        for channel in list(self.active_channels.values()):
            if isinstance(channel, _Channel) and channel.headers_overdue(now):
                channel.will_close = True


class Server:
    """A waitress server bound to host:port (port 0 picks a free one), with the bounds above."""

    def __init__(self, app, host: str = LOOPBACK, port: int = 0, threads: int = THREADS):
        self._server = _GuardedServer(app, host=host, port=port, threads=threads, ident="tramhoc",
                                      connection_limit=CONNECTION_LIMIT, channel_timeout=IDLE_SECONDS,
                                      cleanup_interval=CHECK_SECONDS)
        self.host, self.port = host, self._server.effective_port
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where this PC reaches the server (loopback when it listens on every address)."""
        return f"http://{LOOPBACK if self.host == EVERY_ADDRESS else self.host}:{self.port}/"

    def run(self) -> None:
        """Serve until interrupted, or until close() is called from another thread."""
        try:
            while self._server._map and not self._closing.is_set():
                wasyncore.loop(timeout=self._server.adj.asyncore_loop_timeout, map=self._server._map, count=1)
        except KeyboardInterrupt:
            pass
        finally:
            self._shut_down()

    def start_in_background(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run, name="tramhoc-server", daemon=True)
        self._thread.start()
        return self._thread

    def close(self) -> None:
        """Stop serving: the loop ends (in its own thread, so it never waits on a socket closed under it),
        then every connection is closed and the request threads end."""
        self._closing.set()
        if self._thread is not None and self._thread.is_alive():
            self._server.pull_trigger()  # wakes the loop
            self._thread.join()
        else:
            self._shut_down()

    def _shut_down(self) -> None:
        self._server.task_dispatcher.shutdown()
        wasyncore.close_all(self._server._map)
