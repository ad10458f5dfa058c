"""Links from a lesson to another site go through the player's page about leaving (issue 17 #9): it shows
the address, says whether this PC seems online (a short TCP connection, name lookup included, kept for a
while) and, offline, what to do, in Vietnamese; then a button opens the site in a new window (the system
browser, in the desktop window)."""

import socket
import time
from contextlib import closing

import pytest
from support.pages import text

from player.web.leaving import leave_href
from player.web.online import OnlineCheck
from player.web.services import services

PORTAL = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html?a=1&b=2"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused at once)."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def listening():
    """A port on 127.0.0.1 that accepts connections, as a site that is up."""
    with closing(socket.socket()) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


@pytest.fixture
def player(make_player, tmp_path, signed_bundle, publisher_key):
    """`player(probe_port)`: a learner's client on a player whose online check tries 127.0.0.1:probe_port."""
    def made(port: int):
        app = make_player(tmp_path / "data", {"ONLINE_PROBE": ("127.0.0.1", port)}, trusted=(publisher_key,))
        services(app).library.install(signed_bundle)
        client = app.test_client()
        client.sign_in()
        return client
    return made


def test_a_lessons_link_to_another_site_leads_to_the_page_about_leaving(client):
    page = client.get("/courses/mini/lessons/dang-nhap").get_data(as_text=True)
    assert f'href="{leave_href("https://dichvucong.gov.vn")}"' in page
    assert 'href="https://dichvucong.gov.vn"' not in page


def test_offline_the_page_says_so_in_vietnamese_and_what_to_do(player):
    client = player(closed_port())
    page = client.get(leave_href(PORTAL), headers={"Referer": "http://localhost/courses/mini/lessons/dang-nhap"})
    assert page.status_code == 200
    html = text(page)
    assert "Máy tính này đang không có mạng" in html
    assert "Wi-Fi" in html and "ghi lại địa chỉ" in html
    assert "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html?a=1&amp;b=2" in html  # the address, shown
    assert (f'<a class="button" href="{PORTAL.replace("&", "&amp;")}" target="_blank" '
            'rel="external noopener noreferrer">Vẫn mở trang này</a>') in html
    assert 'href="/courses/mini/lessons/dang-nhap">Quay lại bài học</a>' in html


def test_online_the_page_says_it_opens_in_the_web_browser(player, listening):
    html = text(player(listening).get(leave_href(PORTAL)))
    assert "không có mạng" not in html and "có kết nối mạng" in html
    assert f'href="{PORTAL.replace("&", "&amp;")}" target="_blank"' in html
    assert 'href="/">Quay lại bài học</a>' in html  # no page of the player's to go back to: the library


def test_the_answer_is_kept_briefly():
    with closing(socket.socket()) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        check = OnlineCheck(keep=0.3)
        assert check.seems_online("127.0.0.1", port)
    assert check.seems_online("127.0.0.1", port)  # closed now, but the answer is kept
    time.sleep(0.35)
    assert not check.seems_online("127.0.0.1", port)


def test_a_site_that_does_not_answer_costs_a_short_wait():
    with closing(socket.socket()) as server, closing(socket.socket()) as first:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        first.connect(server.getsockname())  # fills the queue: Linux now drops the next connection's SYN
        started = time.monotonic()
        assert not OnlineCheck(timeout=0.5).seems_online(*server.getsockname())
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("target", [
    None, "", "javascript:alert(1)", "//evil.example/", "/courses/mini/", "ftp://example.org/", "http://",
    "https://exa mple.org/", "https://example.org/\n", "https://example.org\\@evil/", "http://example.org:port/",
    "https://example.org/" + "a" * 2000,
])
def test_only_an_address_of_another_web_site_is_shown(client, target):
    address = "/leave" if target is None else leave_href(target)
    assert client.get(address).status_code == 404
