"""The admin area's results: save an export on a USB stick or in a folder, download it, and send the
statements to a Learning Record Store (settings, "Sync now" in the background, progress, last result)."""

import dataclasses
import errno
from pathlib import Path

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from player.admin.access import admin_required
from player.results.drives import Drive, removable_drives
from player.results.export import SUFFIX, USB_FOLDER, Exported, export_results
from player.results.lrs import LrsClient, LrsError, lrs_problem
from player.results.resultsfile import ResultsFileError, verify
from player.results.runner import SyncRun
from player.results.sync import BATCH_SIZE, SyncSettings
from player.web.downloads import one_time_download, remove_stale_downloads
from player.web.errors import os_kind, os_problem
from player.web.services import services

results_bp = Blueprint("results", __name__, url_prefix="/admin/results")
REFRESH_SECONDS = 2
STOP_WAIT_SECONDS = 5  # a cancelled run ends within a moment; the page shows it ended


def init_app(app: Flask) -> None:
    """The results pages; downloads left behind by a crash are removed."""
    app.register_blueprint(results_bp)
    remove_stale_downloads(services(app).paths)


@results_bp.get("/")
@admin_required
def index():
    """What this PC holds, export to a USB stick or a folder, download, sync settings and the last sync."""
    learners = services().store.learners
    counts = [count for count in (learners.count(row["id"]) for row in learners.learners()) if count]
    return render_template("results/index.html", drives=removable_drives(), usb_folder=USB_FOLDER,
                           held=(len(counts), sum(counts)),
                           settings=SyncSettings.load(services().paths), run=_shown(services().sync.current()))


@results_bp.post("/export")
@admin_required
def export():
    """Write a new results file in the TramHoc folder of the chosen USB stick, or in the typed folder, check
    it reads back, and say in words where it went, what it holds and how to take the stick out."""
    typed, chosen = request.form.get("folder", "").strip(), request.form.get("drive", "")
    drive = None
    if typed:
        folder = place = Path(typed)
        if not folder.is_absolute():
            flash(gettext("Type the whole path of the folder, for example E:\\ketqua or /media/usb/ketqua."),
                  "error")
            return redirect(url_for(".index"), code=303)
        if not folder.is_dir() and not folder.parent.is_dir():
            flash(_export_problem(FileNotFoundError(errno.ENOENT, "missing"), folder), "error")
            return redirect(url_for(".index"), code=303)
    elif chosen:
        drive = next((found for found in removable_drives() if str(found.path) == chosen), None)
        if drive is None:
            flash(_export_problem(FileNotFoundError(errno.ENOENT, "missing"), Path(chosen)), "error")
            return redirect(url_for(".index"), code=303)
        folder, place = drive.path / USB_FOLDER, gettext("USB stick “%(name)s”", name=drive.name)
    else:
        flash(gettext("Choose a USB stick, or type a folder."), "error")
        return redirect(url_for(".index"), code=303)
    try:
        exported = export_results(services().statements, folder)
        verify(exported.path)
    except OSError as error:
        flash(_export_problem(error, place), "error")
        return redirect(url_for(".index"), code=303)
    except ResultsFileError:
        flash(gettext("The results file was written to %(place)s but does not read back whole. The USB stick "
                      "may be faulty: try another one.", place=place), "error")
        return redirect(url_for(".index"), code=303)
    flash(_saved(exported, drive, folder), "success")
    flash(gettext("Before you pull out the USB stick, tell Windows to let it go: click the icon “Safely Remove "
                  "Hardware and Eject Media” at the right of the taskbar and choose %(drive)s, or right-click "
                  "the drive in File Explorer and choose “Eject”. Pull the stick out when Windows says it is "
                  "safe.", drive=f"“{drive.name}”" if drive else gettext("the USB stick")), "info")
    flash(str(exported.path), "detail")
    return redirect(url_for(".index"), code=303)


def _saved(exported: Exported, drive: Drive | None, folder: Path) -> str:
    """`Saved the results of 12 learners (340 results) on the USB stick “KINGSTON (E:)”, folder TramHoc.`"""
    what = ngettext("%(num)d learner", "%(num)d learners", exported.learners)
    results = ngettext("%(num)d result", "%(num)d results", exported.statements)
    if drive is None:
        return gettext("Saved the results of %(learners)s (%(results)s) in the folder %(folder)s.",
                       learners=what, results=results, folder=folder)
    return gettext("Saved the results of %(learners)s (%(results)s) on the USB stick “%(drive)s”, in the "
                   "folder %(folder)s.", learners=what, results=results, drive=drive.name, folder=USB_FOLDER)


@results_bp.get(f"/tramhoc-results{SUFFIX}")
@admin_required
def download():
    """The same results file as a download (the browser, or the desktop window's Save dialog, asks where)."""
    return one_time_download(lambda folder: export_results(services().statements, folder).path,
                             "application/x-ndjson")


@results_bp.post("/sync-settings")
@admin_required
def sync_settings():
    """Save the LRS address, user name and password (an empty password keeps the saved one, for the same
    address only: the saved password is never sent to an address it was not typed for)."""
    paths = services().paths
    saved = SyncSettings.load(paths)
    lrs, user = request.form.get("lrs", "").strip(), request.form.get("user", "").strip()
    same_lrs = saved is not None and saved.lrs == lrs
    password = request.form.get("password", "") or (saved.password if same_lrs else "")
    problems = []
    try:
        LrsClient(lrs, user, password)
    except LrsError as error:
        problems.append(lrs_problem(error.kind, error.host).text())
    if not user:
        problems.append(gettext("Type the user name the LRS's administrator gave you."))
    if not password and saved is not None and not same_lrs:
        problems.append(gettext("The LRS address changed: type the password for the new address."))
    elif not password:
        problems.append(gettext("Type the password the LRS's administrator gave you."))
    for problem in problems:
        flash(problem, "error")
    if not problems:
        SyncSettings(lrs, user, password).save(paths)
        flash(gettext("The sync settings are saved."), "success")
    return redirect(url_for(".index"), code=303)


@results_bp.post("/sync")
@admin_required
def sync_now():
    """Start sending new statements to the LRS in the background, unless a sync is already running."""
    settings = SyncSettings.load(services().paths)
    if settings is None:
        flash(gettext("Save the LRS address, user name and password first."), "error")
        return redirect(url_for(".index"), code=303)
    batch_size = current_app.config.get("SYNC_BATCH_SIZE", BATCH_SIZE)
    if not services().sync.start(settings, services().statements, batch_size):
        flash(gettext("A sync is already running: wait for it to finish."), "info")
    return redirect(url_for(".sync_status"), code=303)


@results_bp.post("/sync/stop")
@admin_required
def sync_stop():
    """Stop the running sync now (what the LRS acknowledged stays delivered)."""
    if services().sync.stop():
        services().sync.join(STOP_WAIT_SECONDS)
    return redirect(url_for(".sync_status"), code=303)


@results_bp.get("/sync")
@admin_required
def sync_status():
    """The running sync's progress (the page reloads itself every few seconds), or the last result."""
    run = _shown(services().sync.current())
    refresh = REFRESH_SECONDS if run and run["running"] else None
    return render_template("results/sync.html", run=run, refresh=refresh,
                           can_sync=SyncSettings.load(services().paths) is not None)


def _shown(run: SyncRun | None) -> dict | None:
    """A sync run with its problem in words."""
    if run is None:
        return None
    problem = lrs_problem(run.problem, run.host, run.moved_to).text() if run.problem else None
    return {**dataclasses.asdict(run), "problem": problem}


def _export_problem(error: OSError, place: Path | str) -> str:
    """What went wrong writing to a USB stick or folder, in plain words."""
    kind = os_kind(error)
    if kind == "full":
        return gettext("%(place)s is full. Delete some files from it, or use another USB stick.", place=place)
    if kind == "read-only":
        return gettext("Nothing can be written to %(place)s: it is read-only or protected. Some USB sticks have "
                       "a small lock switch on the side.", place=place)
    if kind == "gone":
        return gettext("%(place)s is not there. Was the USB stick pulled out? Plug it in again and press "
                       "“Look again”.", place=place)
    return gettext("Could not write to %(place)s: %(reason)s", place=place, reason=os_problem(error).text())
