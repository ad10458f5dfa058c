"""Whether this PC seems to be online: can it open a TCP connection (name looked up first) to a site within
a short time? Each answer is kept briefly, so pages that ask cost a learner at most one short wait."""

import socket
import threading
import time

TIMEOUT_SECONDS = 1.5
KEEP_SECONDS = 30.0


class OnlineCheck:
    """The answers of one player, by host and port."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS, keep: float = KEEP_SECONDS):
        self.timeout, self.keep = timeout, keep
        self._answers: dict[tuple[str, int], tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def seems_online(self, host: str, port: int) -> bool:
        """Whether `host:port` answered a connection lately (tried again once the answer is `keep` old)."""
        with self._lock:
            kept = self._answers.get((host, port))
        if kept is not None and time.monotonic() - kept[0] < self.keep:
            return kept[1]
        answer = self._connects(host, port)
        with self._lock:
            self._answers[(host, port)] = (time.monotonic(), answer)
        return answer

    def _connects(self, host: str, port: int) -> bool:
        """Try in a helper thread: a name lookup has no timeout of its own, and offline it may hang long."""
        result: list[bool] = []

        def attempt() -> None:
            try:
                with socket.create_connection((host, port), timeout=self.timeout):
                    result.append(True)
            except (OSError, UnicodeError):
                result.append(False)

        worker = threading.Thread(target=attempt, name="online-check", daemon=True)
        worker.start()
        worker.join(self.timeout + 0.5)
        return bool(result and result[0])
