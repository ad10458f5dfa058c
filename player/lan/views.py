"""LAN mode: the admin page that turns it on (the address to type on the other PCs, a QR code for phones, what
the Windows firewall will ask), and the guard every request passes: clients from private networks only (and
the allow-list), the admin area only from the serving PC unless the admin allows it."""

import io
import socket

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from player.admin.access import admin_required
from player.lan.network import client_allowed, is_this_pc, lan_address, parse_allow_list
from player.web.services import services

lan_bp = Blueprint("lan", __name__, url_prefix="/admin/lan")
ADMIN_PATHS = "/admin"
HTTP_PORT = 80  # an address with no port


def init_app(app: Flask) -> None:
    app.before_request(_guard)
    app.context_processor(lambda: {"admin_reachable": admin_reachable})
    app.register_blueprint(lan_bp)


def admin_reachable() -> bool:
    """Whether this request may use the admin area: from the serving PC, or from another PC when the admin
    allows it (pages show the admin link only then)."""
    address = request.remote_addr or ""
    return (is_this_pc(address) or is_this_pc(address, (lan_address(),))
            or services().store.settings.get()["lan_remote_admin"])


def address_url(host: str, port: int) -> str:
    """What to type on another PC."""
    return f"http://{host}:{port}/"


def qr_svg(text: str) -> bytes:
    """`text` as an SVG QR code (attributes only, no style: the CSP forbids inline style)."""
    import segno  # only this page draws one: 1.2 MB the idle player does without

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=6, light="#fff", dark="#000",
                                     title=gettext("QR code of the address"))
    return out.getvalue()


def _port() -> int:
    return int(request.host.rpartition(":")[2]) if ":" in request.host else HTTP_PORT


@lan_bp.get("/")
@admin_required
def index():
    settings = services().store.settings.get()
    url, pc_name = address_url(lan_address(), _port()), socket.gethostname()
    return render_template("lan/index.html", settings=settings, url=url, pc_name=pc_name,
                           name_url=address_url(pc_name, _port()), allow_list="\n".join(settings["lan_allow_list"]))


@lan_bp.get("/qr.svg")
@admin_required
def qr():
    """The QR code of the address on the LAN page, as an image of the player's own."""
    return Response(qr_svg(address_url(lan_address(), _port())), mimetype="image/svg+xml")


@lan_bp.post("/")
@admin_required
def save():
    """Turn LAN mode on or off, with its allow-list and whether the admin area opens from other PCs."""
    allow_list, bad = parse_allow_list(request.form.get("allow_list", ""))
    if bad:
        flash(gettext("These are not addresses or networks: %(entries)s", entries=", ".join(bad)), "error")
        return redirect(url_for(".index"), code=303)
    on = request.form.get("lan_mode") == "on"
    services().store.settings.update(lan_mode=on, lan_allow_list=allow_list,
                                     lan_remote_admin=request.form.get("remote_admin") == "on")
    flash(gettext("LAN mode is on. Restart Trạm Học on this PC; then the other PCs can open it.") if on
          else gettext("LAN mode is off. After Trạm Học restarts, only this PC can open it."), "success")
    return redirect(url_for(".index"), code=303)


def _guard():
    """Refuse clients LAN mode does not allow (403), and other PCs in the admin area unless allowed."""
    address = request.remote_addr or ""
    if is_this_pc(address):
        return
    settings = services().store.settings.get()
    own = (lan_address(),)
    if not client_allowed(address, settings["lan_allow_list"], own):
        abort(403, description="client not allowed")
    if request.path.startswith(ADMIN_PATHS) and not admin_reachable():
        abort(403, description="admin area from another PC")
