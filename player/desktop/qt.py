"""What the Qt window (Linux) needs beyond pywebview: the application's name for the window class, the print
dialog behind the page's window.print() (Qt WebEngine ignores it otherwise), and a Save dialog for downloads
that works on Qt 6 (pywebview's calls QWebEngineDownloadRequest.setPath, which Qt 6 removed: nothing saved).
Imported only when pywebview runs Qt."""

import logging
import os
from pathlib import Path

from qtpy.QtCore import QStandardPaths
from qtpy.QtPrintSupport import QPrintDialog, QPrinter
from qtpy.QtWidgets import QApplication, QDialog, QFileDialog

log = logging.getLogger(__name__)
RESOURCE_NAME = "tramhoc"  # WM_CLASS's instance name (ICCCM: no spaces); the class is the application's name


def name_the_app(name: str) -> None:
    """Name the application before its first window, so the window's class (WM_CLASS) is `name`."""
    os.environ.setdefault("RESOURCE_NAME", RESOURCE_NAME)  # else Qt takes argv[0], `__main__.py`
    app = QApplication.instance()
    app.setApplicationName(name)
    app.setApplicationDisplayName(name)
    app.setDesktopFileName(RESOURCE_NAME)  # Wayland's app id


def add_printing_and_saving(browser) -> None:
    """Give pywebview's Qt window (its QMainWindow, before it is shown) a print dialog and a working Save dialog."""
    view = browser.webview
    view.printRequested.connect(lambda: print_page(view))
    profile = view.page().profile()
    profile.downloadRequested.disconnect()  # pywebview's handler fails on Qt 6
    profile.downloadRequested.connect(lambda download: save_download(browser, download))


def print_page(view) -> None:
    """The system's print dialog for the page; printed as the person chose, or not at all."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, view)
    if dialog.exec() != QDialog.DialogCode.Accepted.value:
        return
    view.printFinished.connect(lambda ok: finished_printing(view, printer, ok))  # keeps the printer alive till then
    view.print(printer)  # asynchronous


def finished_printing(view, printer, ok: bool) -> None:
    """Say where the page went, and let the printer go."""
    log.info("printed to %s" if ok else "printing to %s failed", printer.outputFileName() or printer.printerName())
    view.printFinished.disconnect()


def save_download(browser, download) -> None:
    """Ask where to save a download (a certificate PDF, the results file), offering the Downloads folder (the
    home folder when there is none: Qt's dialog would open in the working directory)."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation))
    folder = folder if folder.is_absolute() and folder.is_dir() else Path.home()
    path, _ = QFileDialog.getSaveFileName(browser, browser.localization["global.saveFile"],
                                          str(folder / download.downloadFileName()))
    if not path:
        download.cancel()
        return
    download.setDownloadDirectory(str(Path(path).parent))
    download.setDownloadFileName(Path(path).name)
    download.accept()
    log.info("saving a download to %s", path)
