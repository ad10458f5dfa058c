"""The player's one clock, so tests can move time forward."""

import time
from datetime import datetime, timezone


def now() -> float:
    """Seconds since the epoch."""
    return time.time()


def utcnow() -> datetime:
    return datetime.fromtimestamp(now(), timezone.utc)
