"""Serving the app with waitress on loopback (or the LAN, when asked explicitly)."""

import threading

from waitress.server import create_server

LOOPBACK = "127.0.0.1"


class Server:
    """A waitress server bound to host:port (port 0 picks a free one)."""

    def __init__(self, app, host: str = LOOPBACK, port: int = 0, threads: int = 8):
        self._server = create_server(app, host=host, port=port, threads=threads, ident="tramhoc")
        self.host, self.port = host, self._server.effective_port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def run(self) -> None:
        """Serve until interrupted."""
        try:
            self._server.run()
        except KeyboardInterrupt:
            pass
        finally:
            self.close()

    def start_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self._server.run, name="tramhoc-server", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._server.close()
