"""The local web app on a shared PC: lesson HTML sanitised to what the builder makes, every bundle string
escaped, SVG sandboxed, loopback unless LAN mode is asked for, and a desktop window that stays on the player."""

import json
import re
import sys
import types
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bundle_tools import hand_made_bundle, read_entries, relist, write_entries
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.build import check
from courses.lesson_html import TAGS
from player import desktop
from player.cli import main as player_main
from player.web.leaving import LEAVE_LINK_REL, leave_href
from player.web.sanitise import LESSON_ID_PREFIX, clean_bundle_html
from player.web.services import services

ROOT = Path(__file__).resolve().parents[1]
COURSES = sorted(path.parent for path in (ROOT / "content").glob("*/course.yml")) + [
    ROOT / "tests" / "fixtures" / "courses" / "mini"]
HOSTILE = "<img src=x onerror=alert(1)>"


class _Tokens(HTMLParser):
    """An HTML fragment as a list of tags (with sorted attributes) and text, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        def value_of(name, value):  # nh3 rewrites "text-align: center;" as "text-align:center"
            return re.sub(r"\s|;$", "", value or "") if name == "style" else value or ""
        self.tokens.append((tag, tuple(sorted((name, value_of(name, value)) for name, value in attrs))))

    def handle_endtag(self, tag):
        self.tokens.append(("/" + tag,))

    def handle_data(self, data):
        self.tokens.append(("text", unescape(data)))


def tokens(html: str) -> list:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def in_lesson_namespace(found: list) -> list:
    """Tokens as the sanitiser should give them back: every id, and every link to an id within the bundle,
    moved into the lesson's own namespace (LESSON_ID_PREFIX); every link to another site led through the
    player's page about leaving, in the same window (issue 17 #9); nothing else changed."""
    def moved(name, value):
        if name == "id":
            return LESSON_ID_PREFIX + value
        if name == "href" and re.match(r"https?:", value, re.IGNORECASE):
            return leave_href(value)
        if name == "href" and "#" in value and not re.match(r"[a-z]+:", value):
            return value.replace("#", "#" + LESSON_ID_PREFIX, 1)
        return value

    def kept(attributes):
        external = any(name == "href" and re.match(r"https?:", value, re.IGNORECASE) for name, value in attributes)
        return tuple((name, LEAVE_LINK_REL if external and name == "rel" else moved(name, value))
                     for name, value in attributes if not (external and name == "target"))
    return [(token[0], kept(token[1])) if len(token) == 2 and isinstance(token[1], tuple) else token
            for token in found]


@pytest.mark.parametrize("course", COURSES, ids=lambda path: path.name)
def test_the_sanitiser_keeps_everything_the_builder_makes(course):
    compiled = check(course)
    lessons = {name: data.decode() for name, data in compiled.members.items() if name.startswith("lessons/")}
    assert lessons
    for name, html in lessons.items():
        assert tokens(clean_bundle_html(html)) == in_lesson_namespace(tokens(html)), name


BUILDER_FEATURES = """
<h2 id="buoc-1">Bước 1</h2>
<div class="admonition warning"><p class="admonition-title">Cảnh báo</p><p>Không chia sẻ OTP.</p></div>
<table><thead><tr><th style="text-align: center;">A</th></tr></thead><tbody><tr><td style="text-align: right;">1</td></tr></tbody></table>
<pre><code class="language-text">mã</code></pre>
<p><img alt="Ảnh" src="../assets/lessons/images/a.png"></p>
<p><audio aria-label="Nghe" controls="controls" preload="metadata" src="../assets/a.mp3">Nghe</audio></p>
<p><video aria-label="Xem" controls="controls" preload="metadata" src="../assets/v.mp4">Xem</video></p>
<dl><dt>VNeID</dt><dd>Ứng dụng</dd></dl>
<ol start="3"><li>ba</li></ol>
<p>Mã<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> <abbr title="Mật khẩu một lần">OTP</abbr></p>
<div class="footnote"><hr><ol><li id="fn:1"><p>Ghi chú <a class="footnote-backref" href="#fnref:1" title="↩ 1">↩</a></p></li></ol></div>
<p><a href="dang-nhap#buoc-2">bài sau</a> <a href="https://dichvucong.gov.vn" rel="external noopener noreferrer" target="_blank">Cổng</a>
<a href="mailto:hotro@example.vn">thư</a> <a href="tel:19009090">gọi</a></p>
<div class="quiz-question" id="q-cau-1"></div>
"""


def test_every_feature_the_builder_emits_survives():
    assert tokens(clean_bundle_html(BUILDER_FEATURES)) == in_lesson_namespace(tokens(BUILDER_FEATURES))


@pytest.mark.parametrize("mimic, expected", [
    ('<p class="provenance verified">✔ Đơn vị phát hành đã xác minh: Bộ</p>', '<p>✔ Đơn vị phát hành đã xác minh: Bộ</p>'),
    ('<div id="visit" hidden data-open="/x"></div>', '<div id="lesson-visit"></div>'),
    ('<p class="flash flash-success">Đã cài</p>', "<p>Đã cài</p>"),
    ('<section class="panel warning">x</section>', "x"),
    ('<div class="admonition warning provenance">x</div>', '<div class="admonition warning">x</div>'),
    ('<ol class="ordering" id="q-cau-1"><li>x</li></ol>', '<ol id="lesson-q-cau-1"><li>x</li></ol>'),
    ('<a href="#visit">x</a> <a href="bai-2#main">y</a>', '<a href="#lesson-visit">x</a> <a href="bai-2#lesson-main">y</a>'),
    ('<a href="https://example.org/#main">x</a>', '<a href="/leave?to=https%3A%2F%2Fexample.org%2F%23main" rel="external">x</a>'),
])
def test_lesson_html_cannot_use_the_players_classes_or_ids(mimic, expected):
    assert str(clean_bundle_html(mimic)) == expected


def test_no_id_of_the_player_is_in_the_lessons_namespace():
    sources = [*(ROOT / "player" / "templates").rglob("*.html"), *(ROOT / "player" / "static").glob("*.js")]
    for source in sources:
        found = re.findall(r'\bid="([^"]*)"|getElementById\("([^"]*)"\)', source.read_text(encoding="utf-8"))
        assert not [name for pair in found for name in pair if name.startswith(LESSON_ID_PREFIX)], source.name


def test_a_lesson_cannot_show_a_fake_verified_badge_or_shadow_the_visit(tmp_path, make_player):
    bundle = hand_made_bundle(tmp_path / "fake.tramhoc", "fake", {"bai-1": (
        '<p class="provenance verified"><span aria-hidden="true">✔</span> Đơn vị phát hành đã xác minh: Bộ</p>'
        '<div id="visit" data-open="/courses/fake/lessons/bai-1/opened"></div>')})
    app = make_player(tmp_path / "data")
    services(app).library.install(bundle, allow_unverified=True)
    client = app.test_client()
    client.sign_in()
    page = client.get("/courses/fake/lessons/bai-1").get_data(as_text=True)
    assert page.count('class="provenance') == 1 and 'class="provenance unverified"' in page
    assert page.count('id="visit"') == 1 and 'id="lesson-visit"' in page


@pytest.mark.parametrize("hostile, gone", [
    ("<script>alert(1)</script><p>x</p>", ["<script", "alert"]),
    ('<img src="../assets/a.png" onerror="alert(1)">', ["onerror"]),
    ('<img src="https://remote.example/t.png">', ["remote.example"]),
    ('<img src="//remote.example/t.png">', ["remote.example"]),
    ('<img src="/courses/other/assets/x.png">', ["/courses"]),
    ('<img src="data:image/png;base64,AAAA">', ["data:"]),
    ('<video src="../assets/v.mp4" poster="https://remote.example/p.png" autoplay></video>', ["poster", "autoplay"]),
    ('<a href="javascript:alert(1)">x</a>', ["javascript"]),
    ('<a href="java&#x09;script:alert(1)">x</a>', ["script"]),
    ('<a href="vbscript:msgbox(1)">x</a>', ["vbscript"]),
    ('<a href="page" target="_top" rel="opener">x</a>', ["target", "rel", "opener"]),
    ('<iframe src="https://remote.example/"></iframe>', ["iframe", "remote"]),
    ('<object data="https://remote.example/x.swf"></object><embed src="x.swf">', ["object", "embed", "remote"]),
    ('<form action="/install" method="post"><input name="x"><button>ok</button></form>', ["form", "input", "button"]),
    ('<meta http-equiv="refresh" content="0;url=https://remote.example/">', ["meta", "refresh"]),
    ('<base href="https://remote.example/">', ["base", "remote"]),
    ('<link rel="stylesheet" href="https://remote.example/s.css">', ["link", "remote"]),
    ('<style>@import url(https://remote.example/i.css)</style>', ["style", "import", "remote"]),
    ('<p style="background:url(https://remote.example/b.png)">x</p>', ["style", "remote"]),
    ('<svg onload="alert(1)"><script>alert(2)</script></svg>', ["svg", "onload", "alert"]),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', ["math", "javascript"]),
    ('<div id="x" onclick="alert(1)" onmouseover="alert(2)" data-x="1">x</div>', ["onclick", "onmouseover", "data-x"]),
    ('<!-- <script>alert(1)</script> --><p>x</p>', ["<!--", "script"]),
    ('<p>x<img src=x onerror=alert(1)//</p>', ["onerror"]),
    ('<td style="text-align:center;position:fixed">x</td>', ["position"]),
    ('<template><script>alert(1)</script></template>', ["template", "script"]),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>', ["onerror"]),
])
def test_the_sanitiser_removes_what_could_run_or_load(hostile, gone):
    cleaned = str(clean_bundle_html(hostile))
    for needle in gone:
        assert needle not in cleaned, cleaned


def test_links_to_other_sites_lead_to_the_page_about_leaving():
    """Issue 17 #9: no more straight to another site (and a browser error page, offline); the page about
    leaving opens it in a new window without the opener. mailto: and tel: links stay as they are."""
    cleaned = str(clean_bundle_html('<a href="HTTPS://example.org/a?b=1&amp;c=2">x</a> <a href="bai-2">y</a> '
                                    '<a href="mailto:hotro@example.vn">m</a>'))
    assert cleaned == ('<a href="/leave?to=HTTPS%3A%2F%2Fexample.org%2Fa%3Fb%3D1%26c%3D2" '
                       'rel="external">x</a> <a href="bai-2">y</a> '
                       '<a href="mailto:hotro@example.vn">m</a>')


DANGEROUS_PIECES = ["<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>",
                    "<svg onload=alert(1)>", '"', "'", "<", ">", "&", "<!--", "-->", "<p", "<a", " onclick=",
                    "alert(1)", "<iframe src=//x>", "<style>", "</style>", "<math>", "<noscript>", "<textarea>",
                    "<title>", "</p>", "<img src=https://remote.example/x.png>", "javascript:", "=", "/", " "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(DANGEROUS_PIECES) | st.text(max_size=6), max_size=30).map("".join))
def test_no_mixture_of_dangerous_pieces_gets_through(fragment):
    """Whatever goes in, only allowed tags come out, with no event handler, script URL or remote source
    (text that merely mentions them is fine: it is escaped)."""
    for token in tokens(clean_bundle_html(fragment)):
        if token[0] in ("text",) or token[0].startswith("/"):
            continue
        tag, attributes = token
        assert tag in TAGS, tag
        for name, value in attributes:
            assert not name.startswith("on"), token
            if name in ("href", "src"):
                assert not re.match(r"\s*(javascript|vbscript|data):", value, re.I), token
            if name == "src":
                assert not re.match(r"\s*(https?:|//)", value, re.I), token


def test_only_the_sanitised_lesson_is_marked_safe():
    """Jinja escapes everything else: no `|safe` in templates, Markup only in the sanitiser."""
    templates = ROOT / "player" / "templates"
    # The report's charts are SVG that player/results/charts.py writes, escaping every text it puts in.
    allowed = {"results/report.html": ["charts[table.name]|safe"]}
    for template in templates.rglob("*.html"):
        name, source = template.relative_to(templates).as_posix(), template.read_text()
        marked_safe = re.findall(r"[\w\[\].]+\|safe", source.replace(" ", ""))
        assert marked_safe == allowed.get(name, []), name
        assert "autoescape false" not in source, name
    users = {path.name for path in (ROOT / "player").rglob("*.py") if "Markup(" in path.read_text()}
    assert users == {"sanitise.py"}


def test_hostile_strings_in_a_bundle_are_shown_as_text(tmp_path, make_player):
    bundle = hand_made_bundle(tmp_path / "b.tramhoc", "xss", {"bai": "<p>ok</p>"})
    entries = read_entries(bundle)
    manifest = json.loads(dict(entries)["manifest.json"])
    manifest["course"].update(title=HOSTILE, description=HOSTILE, authors=[HOSTILE])
    manifest["course"]["sections"][0].update(title=HOSTILE)
    manifest["course"]["sections"][0]["lessons"][0].update(title=HOSTILE)
    raw = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
    write_entries(bundle, relist([(n, raw if n == "manifest.json" else d) for n, d in entries]))
    app = make_player(tmp_path / "data")
    services(app).library.install(bundle, allow_unverified=True)
    client = app.test_client()
    client.sign_in()
    for url in ("/", "/courses/xss/", "/courses/xss/lessons/bai"):
        page = client.get(url).get_data(as_text=True)
        assert HOSTILE not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url


def test_svg_assets_are_sandboxed(client):
    response = client.get("/courses/mini/assets/lessons/images/so-do.svg")
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy


class FakeServer:
    """Stands in for player.server.Server: records how it was asked to listen, serves nothing."""

    made = []

    def __init__(self, app, host="127.0.0.1", port=0):
        self.app, self.host, self.port, self.url = app, host, port or 8765, f"http://{host}:{port}/"
        FakeServer.made.append(self)

    def run(self):
        pass


@pytest.fixture
def fake_server(monkeypatch):
    FakeServer.made = []
    monkeypatch.setattr("player.web.server.Server", FakeServer)
    return FakeServer.made


def test_serve_binds_loopback_unless_lan_mode_is_explicit(tmp_path, fake_server, capsys):
    assert player_main(["--data", str(tmp_path), "serve"]) == 0
    assert fake_server[-1].host == "127.0.0.1" and "mạng nội bộ" not in capsys.readouterr().err
    assert player_main(["--data", str(tmp_path), "serve", "--host", "0.0.0.0", "--allow-host", "tram-hoc-xa"]) == 0
    server = fake_server[-1]
    assert server.host == "0.0.0.0" and server.app.config["ALLOWED_HOSTS"] == ("tram-hoc-xa",)
    assert "Chế độ mạng nội bộ" in capsys.readouterr().err
    client = server.app.test_client()
    assert client.get("/", headers={"Host": "tram-hoc-xa:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 400


class Handlers:
    """An event of the fake window: `+=` adds a handler to the given list."""

    def __init__(self, handlers: list):
        self.handlers = handlers

    def __iadd__(self, handler):
        self.handlers.append(handler)
        return self


class FakeWindow:
    def __init__(self, url, options):
        self.url, self.options, self.loaded, self.initialized = url, options, [], []
        self.events = types.SimpleNamespace(loaded=self, initialized=Handlers(self.initialized))
        self.current = url

    def __iadd__(self, handler):  # window.events.loaded += handler
        self.loaded.append(handler)
        return self

    def get_current_url(self):
        return self.current

    def load_url(self, url):
        self.current = url


@pytest.fixture
def fake_webview(monkeypatch):
    module = types.ModuleType("webview")
    module.settings = {"ALLOW_FILE_URLS": True, "ALLOW_DOWNLOADS": False, "OPEN_EXTERNAL_LINKS_IN_BROWSER": False}
    module.windows, module.started, module.screens = [], [], []

    def create_window(title, url, **options):
        module.windows.append(FakeWindow(url, options))
        return module.windows[-1]
    module.create_window = create_window

    def start(**options):  # as pywebview does on Linux: the renderer it picked goes to the initialized handlers
        module.started.append(options)
        for window in module.windows:
            assert all(handler("qt") is not False for handler in window.initialized)
    module.start = start
    monkeypatch.setitem(sys.modules, "webview", module)
    monkeypatch.setenv("DISPLAY", ":99")
    return module


def test_the_desktop_window_is_locked_down(tmp_path, fake_webview, make_player, monkeypatch):
    opened = []
    monkeypatch.setattr(desktop.webbrowser, "open", opened.append)
    desktop.run_window(make_player(tmp_path / "data"), tmp_path / "webview")
    window, = fake_webview.windows
    # Downloads on: the admin saves the results file through the Save dialog (docs/security.md).
    assert fake_webview.settings == {"ALLOW_FILE_URLS": False, "ALLOW_DOWNLOADS": True,
                                     "OPEN_EXTERNAL_LINKS_IN_BROWSER": True}
    assert window.options["js_api"] is None
    assert fake_webview.started == [{"gui": "qt", "icon": None, "private_mode": False,
                                     "storage_path": str(tmp_path / "webview"), "debug": False}]
    home = window.url
    assert home.startswith("http://127.0.0.1:")
    window.loaded[0]()  # the player's own page: nothing happens
    assert window.current == home and opened == []
    window.current = "https://remote.example/phishing"  # the window left the player somehow
    window.loaded[0]()
    assert opened == ["https://remote.example/phishing"] and window.current == home
    window.current = home.rstrip("/").rsplit(":", 1)[0] + ":1/"  # same host, another port: not the player
    window.loaded[0]()
    assert window.current == home and len(opened) == 2


@pytest.mark.parametrize("url, home, same", [
    ("http://127.0.0.1:5000/courses/", "http://127.0.0.1:5000/", True),
    ("http://127.0.0.1:5001/", "http://127.0.0.1:5000/", False),
    ("http://localhost:5000/", "http://127.0.0.1:5000/", False),
    ("https://127.0.0.1:5000/", "http://127.0.0.1:5000/", False),
    ("http://127.0.0.1.evil.example:5000/", "http://127.0.0.1:5000/", False),
])
def test_same_origin(url, home, same):
    assert desktop.same_origin(url, home) is same
