"""The admin area's trusted publishers: the list, adding a publisher's key in two steps (upload its .pub
file, then confirm that its fingerprint matches the one the province announced on paper or by phone), and
removing one after saying which installed courses become unverified. The trust store is
player.library.trust."""

import base64
import binascii
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from courses import Course
from courses.errors import KeyFileError
from courses.keys import (
    MAX_KEY_FILE_BYTES,
    PUBLIC_SUFFIX,
    PublicKey,
    clean_publisher,
    load_public_key,
    publisher_problem,
)
from player.admin.access import admin_required
from player.library.trust import TrustError, TrustStore
from player.web.errors import flash_problem
from player.web.services import services

publishers_bp = Blueprint("publishers", __name__, url_prefix="/admin/publishers")
CONFIRM_SECONDS = 3600


def init_app(app: Flask) -> None:
    app.register_blueprint(publishers_bp)


def trust() -> TrustStore:
    return services().trust


@publishers_bp.get("/")
@admin_required
def index():
    """Every trusted publisher, with its fingerprint, when it was added and how many courses it signed."""
    try:
        entries = trust().publishers()
    except TrustError as error:
        current_app.logger.error("%s", error)
        flash_problem(error.problem)
        entries = []
    counts = {entry.fingerprint: len(courses_signed_by(entry.fingerprint)) for entry in entries}
    return render_template("admin/publishers.html", entries=entries, counts=counts)


@publishers_bp.post("/check")
@admin_required
def check():
    """Step 1: read an uploaded key file and show its publisher and fingerprint to compare; nothing is added."""
    upload = request.files.get("keyfile")
    if upload is None or not upload.filename:
        flash(gettext("Choose the publisher's key file (.pub) first."), "error")
        return redirect(url_for(".index"), code=303)
    data = upload.stream.read(MAX_KEY_FILE_BYTES + 1)
    if b"PRIVATE KEY-----" in data:
        flash(gettext("This is a publisher's PRIVATE key: it must never be copied onto a learning centre's "
                      "computer. Delete it from the USB stick you brought it on, tell the publisher, and ask "
                      "for the public key file (.pub) instead."), "error")
        return redirect(url_for(".index"), code=303)
    key = _public_key(data)
    if key is None:
        flash(gettext("This is not a publisher's key file. Choose the file ending in .pub that the publisher "
                      "sent you."), "error")
        return redirect(url_for(".index"), code=303)
    existing = trust().find(key.fingerprint)
    if existing is not None:
        flash(gettext("This publisher's key is already trusted, as “%(name)s”.", name=existing.name), "info")
        return redirect(url_for(".index"), code=303)
    token = _signer().dumps({"publisher": key.publisher, "key": base64.b64encode(key.raw).decode("ascii")})
    return render_template("admin/publisher_add.html", key=key, token=token)


@publishers_bp.post("/add")
@admin_required
def add():
    """Step 2: the admin compared the fingerprint and confirms: trust the key shown in step 1."""
    try:
        claim = _signer().loads(request.form.get("token", ""), max_age=CONFIRM_SECONDS)
        key = PublicKey(claim["publisher"], base64.b64decode(claim["key"], validate=True))
    except (BadSignature, KeyError, TypeError, ValueError, binascii.Error):
        flash(gettext("This page was open too long. Choose the key file again."), "error")
        return redirect(url_for(".index"), code=303)
    name = clean_publisher(request.form.get("name", "")) or key.publisher
    if publisher_problem(name):
        flash(gettext("The name must be one line of at most 120 letters."), "error")
        return render_template("admin/publisher_add.html", key=key, token=request.form["token"], name=name), 400
    try:
        entry = trust().add(key, name)
    except TrustError as error:
        flash_problem(error.problem, gettext("Could not add this publisher: %(reason)s"))
        return redirect(url_for(".index"), code=303)
    flash(gettext("“%(name)s” is now a trusted publisher. Courses signed with its key are shown as "
                  "“Verified publisher”.", name=entry.name), "success")
    return redirect(url_for(".index"), code=303)


@publishers_bp.route("/<fingerprint>/remove", methods=["GET", "POST"])
@admin_required
def remove(fingerprint: str):
    """Stop trusting a publisher's key, after a page that names the courses that become unverified."""
    entry = trust().find(fingerprint)
    if entry is None:
        abort(404)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        trust().remove(entry.fingerprint)
        flash(gettext("“%(name)s” is no longer trusted. Its courses are now shown as “Unverified course”.",
                      name=entry.name), "success")
        return redirect(url_for(".index"), code=303)
    affected = courses_signed_by(entry.fingerprint)
    if affected:
        details = [gettext("These installed courses will then be shown as “Unverified course”:"),
                   *(course.title for course in affected)]
    else:
        details = [gettext("No installed course is signed with this key.")]
    return render_template("admin/confirm.html",
                           question=gettext("Stop trusting “%(name)s”? Do this when the province says its key "
                                            "was lost or replaced.", name=entry.name),
                           details=details, action=url_for(".remove", fingerprint=entry.fingerprint),
                           button=gettext("Yes, stop trusting it"), back=url_for(".index"))


def courses_signed_by(fingerprint: str) -> list[Course]:
    """The installed courses whose bundle is signed with this key."""
    return [course for course in services().library.courses()
            if (signer := services().library.provenance(course.id).signer) and signer.fingerprint == fingerprint]


def _public_key(data: bytes) -> PublicKey | None:
    """The public key in an uploaded key file's bytes, or None when it is not one."""
    if len(data) > MAX_KEY_FILE_BYTES:
        return None
    with services().paths.key_upload_folder() as folder:
        path = Path(folder) / f"upload{PUBLIC_SUFFIX}"
        path.write_bytes(data)
        try:
            return load_public_key(path)
        except KeyFileError:
            return None


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="tramhoc publisher to add")
