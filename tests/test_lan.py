"""LAN mode (issue 20 #1, #5): other PCs as real clients from other loopback addresses (127.0.0.2 and up are
other PCs to the server; only 127.0.0.1 is this PC), the allow-list, the admin area from the serving PC only,
the LAN mode admin page and `serve --lan`."""

import socket

import pytest
from support.lan import Browser, serving

from player import cli
from player.lan.network import client_allowed, parse_allow_list
from player.web.server import Server
from player.web.services import services


@pytest.fixture
def lan_app(tmp_path, make_player):
    return make_player(tmp_path / "data", {"WTF_CSRF_ENABLED": False})


@pytest.fixture
def served(lan_app):
    with serving(lan_app) as server:
        yield server


def test_two_pcs_are_two_learners_at_once(served):
    first, second = Browser(served, "127.0.0.2"), Browser(served, "127.0.0.3")
    assert first.status_and_text("/learners/new", {"name": "Nguyễn Văn An", "kind": "none"})[0] == 200
    assert second.status_and_text("/learners/new", {"name": "Trần Thị Bình", "kind": "none"})[0] == 200

    status, page = first.status_and_text("/")
    assert status == 200 and "Nguyễn Văn An" in page and "Trần Thị Bình" not in page
    status, page = second.status_and_text("/")
    assert status == 200 and "Trần Thị Bình" in page and "Nguyễn Văn An" not in page


def test_a_client_outside_the_allow_list_is_refused(served, lan_app):
    services(lan_app).store.settings.update(lan_allow_list=["127.0.0.2/32"])
    assert Browser(served, "127.0.0.3").status_and_text("/learners/")[0] == 403
    assert Browser(served, "127.0.0.2").status_and_text("/learners/")[0] == 200
    assert Browser(served, "127.0.0.1").status_and_text("/learners/")[0] == 200  # this PC, always


def test_the_admin_area_is_refused_from_another_pc_unless_the_admin_allows_it(served, lan_app):
    assert 'href="/admin/"' not in Browser(served, "127.0.0.2").status_and_text("/learners/")[1]  # no link to it
    assert 'href="/admin/"' in Browser(served, "127.0.0.1").status_and_text("/learners/")[1]
    assert Browser(served, "127.0.0.2").status_and_text("/admin/")[0] == 403
    assert Browser(served, "127.0.0.2").status_and_text("/admin/lan/")[0] == 403
    assert Browser(served, "127.0.0.1").status_and_text("/admin/")[0] == 200
    services(lan_app).store.settings.update(lan_remote_admin=True)
    assert Browser(served, "127.0.0.2").status_and_text("/admin/")[0] == 200
    assert 'href="/admin/"' in Browser(served, "127.0.0.2").status_and_text("/learners/")[1]


@pytest.mark.parametrize("address, allowed", [
    ("192.168.1.23", True), ("10.0.4.5", True), ("172.16.0.9", True), ("fd00::5", True),
    ("203.0.113.7", False), ("8.8.8.8", False), ("2001:4860::8888", False), ("not-an-address", False),
])
def test_only_private_networks_may_connect(address, allowed):
    assert client_allowed(address) is allowed


def test_a_public_address_is_refused_by_the_app(lan_app):
    client = lan_app.test_client()
    assert client.get("/learners/", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 403
    assert client.get("/learners/", environ_base={"REMOTE_ADDR": "192.168.1.23"}).status_code == 200


def test_the_allow_list_takes_addresses_and_networks_and_names_the_wrong_entries():
    assert parse_allow_list("192.168.1.0/24, 10.0.0.7\nPC-01") == (["192.168.1.0/24", "10.0.0.7/32"], ["PC-01"])


def test_the_admin_turns_lan_mode_on_and_sees_the_address_and_its_qr_code(admin, app):
    assert 'href="/admin/lan/"' in admin.get("/admin/").get_data(as_text=True)
    response = admin.post("/admin/lan/", data={"lan_mode": "on", "allow_list": "192.168.1.0/24"},
                          follow_redirects=True)
    page = response.get_data(as_text=True)
    settings = services(app).store.settings.get()
    assert (settings["lan_mode"], settings["lan_allow_list"], settings["lan_remote_admin"]) == (
        True, ["192.168.1.0/24"], False)
    assert 'class="lan-url"' in page and 'src="/admin/lan/qr.svg"' in page
    qr = admin.get("/admin/lan/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data and b"style=" not in qr.data
    assert "Private networks" in page or "Mạng riêng" in page  # what to answer the Windows firewall


def test_a_wrong_allow_list_entry_changes_nothing(admin, app):
    admin.post("/admin/lan/", data={"lan_mode": "on", "allow_list": "PC-01"})
    assert services(app).store.settings.get()["lan_mode"] is False


@pytest.mark.parametrize("argv, turned_on, host", [
    (["serve", "--lan"], False, "0.0.0.0"), (["serve"], True, "0.0.0.0"), (["serve"], False, "127.0.0.1")])
def test_serve_listens_on_the_lan_with_lan_or_when_the_admin_turned_it_on(tmp_path, monkeypatch, argv, turned_on,
                                                                          host):
    served = {}
    monkeypatch.setattr(cli, "_serve", lambda app, host, port, lang: served.update(
        host=host, names=app.config["ALLOWED_HOSTS"]) or 0)
    if turned_on:
        from player.app import create_app

        services(create_app(tmp_path)).store.settings.update(lan_mode=True)
    assert cli.main(["--data", str(tmp_path), *argv]) == 0
    assert served["host"] == host
    assert (socket.gethostname() in served["names"]) is (host == "0.0.0.0")  # the PC's name passes the Host check


def test_the_window_serves_every_address_at_the_known_port_once_the_admin_turned_lan_mode_on(tmp_path, monkeypatch):
    from player import desktop
    from player.app import create_app

    services(create_app(tmp_path)).store.settings.update(lan_mode=True)
    opened = {}
    monkeypatch.setattr(desktop, "run_window", lambda app, storage, announce, start, lan_port: opened.update(
        port=lan_port, names=app.config["ALLOWED_HOSTS"]))
    assert cli.main(["--data", str(tmp_path), "open"]) == 0
    assert opened == {"port": cli.DEFAULT_PORT, "names": (socket.gethostname(),)}


def test_a_server_on_every_address_is_reached_on_this_pc_by_loopback(lan_app):
    server = Server(lan_app, host="0.0.0.0", port=0)
    try:
        assert server.url == f"http://127.0.0.1:{server.port}/"
    finally:
        server.close()
