"""Where the player keeps its data: --data, then TRAMHOC_HOME, then the per-user data folder."""

import os
import secrets
from pathlib import Path

import platformdirs

from player.store.atomic import write_atomic

ENV_VAR = "TRAMHOC_HOME"
SECRET_KEY_BYTES = 32


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder to use, created if missing."""
    chosen = explicit or os.environ.get(ENV_VAR) or platformdirs.user_data_dir("tramhoc", appauthor=False)
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(data_dir: Path) -> bytes:
    """This installation's session-signing key, made once and kept readable by the owner only.

    Written atomically: a power cut while it is made leaves no key (a new one is made next time), never
    a short or empty one."""
    path = data_dir / "secret_key"
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = b""
    if len(key) == SECRET_KEY_BYTES:
        return key
    write_atomic(path, secrets.token_bytes(SECRET_KEY_BYTES), mode=0o600)
    return path.read_bytes()
