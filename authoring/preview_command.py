"""`python -m builder preview COURSE [--port N] [--no-browser]`: serve the live preview until Ctrl+C."""

import signal
import sys
import threading
import time
import webbrowser
from pathlib import Path

from authoring.preview import BuildReport, Preview
from player.web.server import LOOPBACK, Server

SERVER_THREADS = 16  # every open page holds one while it waits for the next build


def preview_command(course_dir: Path, port: int, open_browser: bool, editor_url: str | None, quiet: bool) -> int:
    try:
        (editor_url or "").format(path="/x", line=1)
    except (KeyError, IndexError, ValueError) as error:
        print(f"--editor-url {editor_url!r}: use {{path}} and {{line}} only ({error})", file=sys.stderr)
        return 2
    preview = Preview(course_dir, editor_url)
    try:
        server = Server(preview.app, host=LOOPBACK, port=port, threads=SERVER_THREADS)
    except OSError as error:
        preview.close()
        print(f"cannot listen on {LOOPBACK}:{port} ({error.strerror or error}); choose another port with --port",
              file=sys.stderr)
        return 2
    server.start_in_background()
    opened = not open_browser

    def built(report: BuildReport) -> None:
        nonlocal opened
        address = server.url + (f"courses/{report.course_id}/" if report.course_id else "")
        stamp = time.strftime("%H:%M:%S")
        if report.ok:
            if not quiet:
                print(f"{stamp} built {course_dir} ({report.seconds:.3f} s); preview at {address} "
                      "(Ctrl+C stops)", flush=True)
        else:
            for problem in report.problems:
                print(problem, file=sys.stderr)
            kept = "the preview keeps the last good version" if report.course_id else "nothing to show yet"
            print(f"{stamp} {len(report.problems)} problem(s), shown on the page at {address}; {kept}; "
                  "fix and save to try again", file=sys.stderr, flush=True)
        if not opened:
            opened = True
            webbrowser.open(address)

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda number, frame: stop.set())  # stopped by a service manager or `kill`
    try:
        preview.run(stop, built)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        preview.close()  # first: the pages' waits return while the server can still answer them
        server.close()
    return 0
