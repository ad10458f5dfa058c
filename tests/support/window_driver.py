"""Run the desktop player (`python -m player ARGS`) with a learner's hands on its Qt window: tests/e2e/test_desktop.py.

Usage: window_driver.py OUT LEARNER_ID COURSE_ID -- PLAYER_ARGS. With stand-ins for the two modal dialogs only
(the print dialog "chooses" a PDF file in OUT, the Save dialog answers OUT/saved-<suggested name>), a thread
signs the learner in, opens the course's certificate, presses "In" and "Lưu PDF" in the page as a learner would
(script clicks, with run_js: the page's CSP forbids the eval that evaluate_js wraps them in), reports each step
on stdout (`driver: ...`) and closes the window.
"""

import sys
import threading
import time
from pathlib import Path

import webview
from qtpy.QtPrintSupport import QPrintDialog, QPrinter
from qtpy.QtWidgets import QDialog, QFileDialog

from player import cli

out, learner_id, course_id = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
player_args = sys.argv[sys.argv.index("--") + 1:]
PRINTED, TIMEOUT = out / "printed.pdf", 60.0


def report(message: str) -> None:
    print(f"driver: {message}", flush=True)


def print_dialog_exec(dialog) -> int:
    """The person picks "Print to file" in the print dialog."""
    report("print dialog opened")
    dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer().setOutputFileName(str(PRINTED))
    return QDialog.DialogCode.Accepted.value


def save_dialog(parent, caption, suggested, *args, **kwargs):
    """The person accepts the Save dialog, with the name it suggested."""
    report(f"save dialog suggested {suggested}")
    return str(out / f"saved-{Path(suggested).name}"), ""


QPrintDialog.exec = print_dialog_exec
QFileDialog.getSaveFileName = staticmethod(save_dialog)


def until(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise TimeoutError(what)


def on_page(window, path: str) -> bool:
    url = window.get_current_url() or ""
    return url.split("?")[0].endswith(path) and window.run_js("document.readyState") == "complete"


def drive() -> None:
    window = until(lambda: webview.windows and webview.windows[0], "no window")
    window.events.loaded.wait(TIMEOUT)
    home = window.get_current_url().split("?")[0]
    certificate = f"courses/{course_id}/certificate"
    window.load_url(f"{home}learners/{learner_id}/?next=/{certificate}")
    until(lambda: on_page(window, f"learners/{learner_id}/"), "no confirm page")
    window.run_js("document.querySelector('form[action$=\"/open\"] button').click()")
    until(lambda: on_page(window, certificate), "no certificate page")
    report("certificate shown")
    window.run_js("document.querySelector('[data-print]').click()")
    until(lambda: PRINTED.is_file() and PRINTED.stat().st_size > 0, "nothing printed")
    time.sleep(1)  # printFinished: the file is complete
    report(f"printed {PRINTED.stat().st_size} bytes")
    window.run_js("document.querySelector('a[download]').click()")
    saved = until(lambda: [path for path in out.glob("saved-*") if path.stat().st_size > 0], "nothing saved")
    time.sleep(1)
    report(f"saved {saved[0].name} {saved[0].stat().st_size} bytes, page {window.get_current_url()}")
    window.destroy()


def drive_or_report() -> None:
    try:
        drive()
    except Exception as error:  # the test reads stdout; a stuck window is closed by the test
        report(f"failed: {error!r}")


threading.Thread(target=drive_or_report, daemon=True).start()
sys.exit(cli.main(player_args))
