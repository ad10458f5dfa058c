"""Where the player keeps its data: --data, then TRAMHOC_HOME, then the per-user data folder."""

import os
import secrets
from pathlib import Path

import platformdirs

ENV_VAR = "TRAMHOC_HOME"


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder to use, created if missing."""
    chosen = explicit or os.environ.get(ENV_VAR) or platformdirs.user_data_dir("tramhoc", appauthor=False)
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(data_dir: Path) -> bytes:
    """This installation's session-signing key, made once and kept readable by the owner only."""
    path = data_dir / "secret_key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key
