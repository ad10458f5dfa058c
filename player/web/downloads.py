"""A file made for one download (a results file, a learners file): written into a fresh folder of the data
folder, sent as an attachment, and removed once sent; folders a crash left behind are removed later."""

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from flask import Response

from player.web.services import services

STALE_SECONDS = 3600
CHUNK = 256 * 1024


def remove_stale_downloads(paths) -> None:
    """Remove download folders a crash left behind (old ones only: another process may be sending one)."""
    now = time.time()
    for leftover in paths.download_folders():
        try:
            stale = now - leftover.stat().st_mtime > STALE_SECONDS
        except FileNotFoundError:
            continue
        if stale:
            shutil.rmtree(leftover, ignore_errors=True)


def one_time_download(write: Callable[[Path], Path], mimetype: str) -> Response:
    """The file `write(folder)` makes in a fresh download folder (it returns the file's path), as an
    attachment; the folder goes once the response is sent, or at once if writing fails."""
    remove_stale_downloads(services().paths)
    folder = services().paths.download_folder()
    try:
        path = write(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise

    def chunks():
        with open(path, "rb") as data:
            while chunk := data.read(CHUNK):
                yield chunk

    # Not send_file: its responses skip call_on_close, and the temporary copy must go once it is sent.
    response = Response(chunks(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{path.name}"'
    response.content_length = path.stat().st_size
    response.cache_control.no_store = True
    response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    return response
