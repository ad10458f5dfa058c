"""The admin area's page for moving learners between players by file: export chosen learners to a USB stick
(or download the file); import a learners file (uploaded, or found on a USB stick) in steps: what importing
it would do, nothing written yet; confirm; what was done."""

import threading
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from player.admin.access import admin_required
from player.results.drives import removable_drives
from player.results.export import USB_FOLDER
from player.transfer import held as holding
from player.transfer import learnerfile, moving
from player.transfer.learnerfile import MAX_FILE_BYTES, SUFFIX, LearnerFileError
from player.web.downloads import one_time_download
from player.web.errors import os_problem
from player.web.i18n import N_
from player.web.security import large_body
from player.web.services import services

transfer_bp = Blueprint("transfer", __name__, url_prefix="/admin/move")


def init_app(app: Flask) -> None:
    """The pages; before the first request, what a crash interrupted is finished (the serving player owns
    the data folder then; a reading command, which makes an app but serves nothing, never touches it)."""
    app.register_blueprint(transfer_bp)
    finished, guard = [], threading.Lock()

    @app.before_request
    def _finish_interrupted():
        if finished:
            return
        with guard:
            if not finished:
                moving.finish_interrupted(services().store)
                holding.clean(services().paths)
                finished.append(True)


@transfer_bp.get("/")
@admin_required
def index():
    """Export: learners to tick and where the file goes; import: upload a file or pick one on a USB stick."""
    drives = removable_drives()
    return render_template("transfer/index.html", learners=services().store.learners.learners(), drives=drives,
                           usb_folder=USB_FOLDER, found=_files_on(drives))


@transfer_bp.post("/export")
@admin_required
def export():
    """Write the ticked learners into a new file on the chosen USB stick, check it reads back, and say where
    it went and how to take the stick out; or send it as a download."""
    store = services().store
    here = {row["id"] for row in store.learners.learners()}
    chosen = sorted(here) if request.form.get("everyone") else [i for i in request.form.getlist("learner") if i in here]
    if not chosen:
        flash(gettext("Tick the learners to take, or “Every learner on this computer”."), "error")
        return redirect(url_for(".index"), code=303)
    if request.form.get("drive") == "download":
        return _download(chosen)
    drive = next((found for found in removable_drives() if str(found.path) == request.form.get("drive")), None)
    if drive is None:
        flash(gettext("Choose a USB stick. If it is not listed, plug it in, wait a moment, then press “Look "
                      "again”."), "error")
        return redirect(url_for(".index"), code=303)
    place = gettext("USB stick “%(name)s”", name=drive.name)
    try:
        path = moving.export_learners(store, chosen, drive.path / USB_FOLDER)
        learnerfile.read(path)
    except OSError as error:
        _flash_os_problem(error, N_("Could not write to %(place)s: %(reason)s"), place=place)
        return redirect(url_for(".index"), code=303)
    except LearnerFileError:
        flash(gettext("The learners file was written to %(place)s but does not read back whole. The USB stick "
                      "may be faulty: try another one.", place=place), "error")
        return redirect(url_for(".index"), code=303)
    flash(gettext("Saved %(learners)s on the USB stick “%(drive)s”, in the folder %(folder)s. On the other "
                  "computer, open this page and choose the file under “Bring learners from another computer”.",
                  learners=ngettext("%(num)d learner", "%(num)d learners", len(chosen)), drive=drive.name,
                  folder=USB_FOLDER), "success")
    flash(gettext("Before you pull out the USB stick, tell Windows to let it go: click the icon “Safely Remove "
                  "Hardware and Eject Media” at the right of the taskbar and choose %(drive)s, or right-click "
                  "the drive in File Explorer and choose “Eject”. Pull the stick out when Windows says it is "
                  "safe.", drive=f"“{drive.name}”"), "info")
    flash(str(path), "detail")
    return redirect(url_for(".index"), code=303)


def _download(learner_ids: list[str]) -> Response:
    """The learners file as a download; the temporary copy goes once it is sent."""
    return one_time_download(lambda folder: moving.export_learners(services().store, learner_ids, folder),
                             "application/x-ndjson")


@transfer_bp.post("/import")
@admin_required
@large_body(MAX_FILE_BYTES + 1024 * 1024)
def upload():
    """Step 1: keep the uploaded learners file, check it whole, then show what importing it would do."""
    chosen = request.files.get("learners")
    if chosen is None or not chosen.filename:
        flash(gettext("Choose the learners file (%(suffix)s) first.", suffix=SUFFIX), "error")
        return redirect(url_for(".index"), code=303)
    return _hold(chosen.stream, chosen.filename)


@transfer_bp.post("/import/usb")
@admin_required
def from_usb():
    """Step 1, for a learners file found on a USB stick: the same, from a copy taken now."""
    path = next((found for _, found in _files_on(removable_drives()) if str(found) == request.form.get("file")),
                None)
    if path is None:
        flash(gettext("That file is not on the USB stick any more. Plug the stick in again and press “Look "
                      "again”."), "error")
        return redirect(url_for(".index"), code=303)
    try:
        with open(path, "rb") as source:
            return _hold(source, path.name)
    except OSError as error:
        _flash_os_problem(error, N_("Could not read %(file)s: %(reason)s"), file=path.name)
        return redirect(url_for(".index"), code=303)


def _hold(source, name: str):
    try:
        held = holding.hold(services().paths, source, name)
    except LearnerFileError as error:
        return _refused(name, error)
    except OSError as error:
        _flash_os_problem(error, N_("Could not keep the learners file on this computer: %(reason)s"))
        return redirect(url_for(".index"), code=303)
    try:
        learnerfile.read(held.path)
    except LearnerFileError as error:
        holding.discard(held)
        return _refused(name, error)
    return redirect(url_for(".preview", held_id=held.id), code=303)


@transfer_bp.get("/import/<held_id>")
@admin_required
def preview(held_id: str):
    """Step 2: new learners, merged learners with what changes, results to add, the centre it came from."""
    held = _held_or_back(held_id)
    return render_template("transfer/preview.html", held=held, plan=_plan(held), labels=moving.FIELD_LABELS)


@transfer_bp.post("/import/<held_id>")
@admin_required
def confirm(held_id: str):
    """Step 3: plan again against the learners here now, import, and show what was done."""
    held = _held_or_back(held_id)
    plan = _plan(held)
    moving.apply_import(services().store, plan)
    holding.discard(held)
    return render_template("transfer/imported.html", held=held, plan=plan, labels=moving.FIELD_LABELS)


@transfer_bp.post("/import/<held_id>/cancel")
@admin_required
def cancel(held_id: str):
    found = holding.find(services().paths, held_id)
    if found is not None:
        holding.discard(found)
    flash(gettext("Nothing was imported."), "info")
    return redirect(url_for(".index"), code=303)


def _plan(held: holding.Held) -> moving.ImportPlan:
    try:
        return moving.plan_import(services().store, held.path)
    except LearnerFileError as error:
        holding.discard(held)
        abort(_refused(held.name, error))


def _flash_os_problem(error: OSError, message: str, **params) -> None:
    """`message` (with %(reason)s) in the UI language, the reason in words, the system's own words folded."""
    problem = os_problem(error)
    flash(gettext(message, reason=problem.text(), **params), "error")
    flash(problem.detail, "detail")


def _refused(name: str, error: LearnerFileError):
    flash(gettext("The file %(file)s cannot be imported: %(reason)s. Nothing was imported. Export it again on "
                  "the other computer.", file=f"“{name}”", reason=error.problem.text()), "error")
    return redirect(url_for(".index"), code=303)


def _held_or_back(held_id: str) -> holding.Held:
    held = holding.find(services().paths, held_id)
    if held is None:
        flash(gettext("This page was open too long, or the file was already imported. Choose the learners file "
                      "again."), "error")
        abort(redirect(url_for(".index"), code=303))
    return held


def _files_on(drives) -> list[tuple[str, Path]]:
    """(drive name, path) of every learners file in the TramHoc folder (or at the top) of each USB stick."""
    found = []
    for drive in drives:
        for folder in (drive.path / USB_FOLDER, drive.path):
            try:
                found += [(drive.name, path) for path in sorted(folder.glob(f"*{SUFFIX}")) if path.is_file()]
            except OSError:
                continue
    return found
