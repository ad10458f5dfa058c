"""A hand-made bundle whose lesson tries to run script and load remote content, installed with the
unverified override and opened in a real browser by a learner whose name is itself an XSS attempt:
nothing runs, nothing loads from off this PC, the name is shown as text, and the course is labelled
unverified."""

from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from bundle_tools import hand_made_bundle
from playwright.sync_api import Page, expect

from player.paths import DataPaths
from player.store import Store
from player.xapi.vocabulary import verb_name

HOSTILE_LESSON = """
<h2 id="bai-hoc">Bài học bình thường</h2>
<p>Đoạn văn vẫn hiển thị.</p>
<script>console.log("HOSTILE: inline script ran"); alert("inline script");</script>
<img src="../assets/hong.png" alt="ảnh hỏng" onerror="console.log('HOSTILE: onerror ran'); alert('onerror')">
<img src="https://remote.example/tracker.png" alt="ảnh từ xa">
<img src="//remote.example/protocol-relative.png" alt="ảnh từ xa 2">
<p style="background: url(https://remote.example/background.png)" onclick="alert('click')">Đoạn có style.</p>
<a id="js-link" href="javascript:alert('javascript link')">liên kết javascript</a>
<a id="external" href="https://example.org/" target="_self">trang ngoài</a>
<iframe src="https://remote.example/frame"></iframe>
<svg onload="alert('svg onload')"><script>alert("svg script")</script></svg>
<object data="https://remote.example/plugin.swf"></object>
<form action="/install" method="post"><input name="bundle"><button>gửi</button></form>
<meta http-equiv="refresh" content="0; url=https://remote.example/">
<link rel="stylesheet" href="https://remote.example/style.css">
<style>@import url(https://remote.example/import.css); body { background: url(https://remote.example/b.png); }</style>
<video src="https://remote.example/video.mp4" autoplay poster="https://remote.example/poster.png"></video>
<div class="quiz-question" id="q-1"></div>
"""
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@pytest.mark.browser
def test_a_hostile_lesson_runs_nothing_and_loads_nothing_remote(page: Page, tmp_path, install_bundle, player_server):
    bundle = hand_made_bundle(tmp_path / "hostile.tramhoc", "hostile", {"bai-doc": HOSTILE_LESSON},
                              {"hong.png": b"not really a png"})
    data = install_bundle(tmp_path / "data", bundle, allow_unverified=True)
    with player_server(data) as server:
        seen = watch(page)
        page.goto(f"{server.url}courses/hostile/lessons/bai-doc")
        page.get_by_role("link", name="Học viên mới").click()
        page.get_by_label("Tên của bạn").fill(HOSTILE_NAME)
        page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
        expect(page).to_have_url(f"{server.url}courses/hostile/lessons/bai-doc")
        expect(page.locator(".who-name")).to_have_text(HOSTILE_NAME)
        expect(page.locator("header img")).to_have_count(0)
        lesson = page.locator("article.lesson")
        expect(lesson).to_contain_text("Đoạn văn vẫn hiển thị.")
        expect(page.locator(".provenance.unverified")).to_contain_text("Khoá học chưa xác minh")
        page.wait_for_load_state("networkidle")
        page.locator("#lesson-js-link").click()  # its href was removed: nothing happens
        page.locator("p", has_text="Đoạn có style.").click()
        page.wait_for_timeout(300)  # let any late event handler fire

        assert seen.dialogs == []
        assert [message for message in seen.console if "HOSTILE" in message] == []
        assert seen.off_loopback(urlsplit(server.url).port) == []
        assert seen.page_errors == []
        assert seen.console_errors == [], "no CSP violation either: the sanitiser removed everything first"
        for selector in ("script", "iframe", "object", "form", "svg", "style", "link", "meta", "[onerror]",
                         "[onclick]", "[style]", "[poster]", "[autoplay]", 'img[src^="http"]', 'img[src^="//"]'):
            expect(lesson.locator(selector)).to_have_count(0)
        # A link to another site leads to the player's page about leaving, in this window (issue 17 #9).
        expect(page.locator("#lesson-external")).to_have_attribute("href", "/leave?to=https%3A%2F%2Fexample.org%2F")
        expect(page.locator("#lesson-external")).not_to_have_attribute("target", "_self")
        expect(page.locator("#lesson-external")).to_have_attribute("rel", "external")
        expect(lesson.locator("div.quiz-question#lesson-q-1")).to_have_count(1)
        assert page.url.endswith("/courses/hostile/lessons/bai-doc")


@pytest.mark.browser
def test_image_tags_pointing_at_lessons_record_no_visit(page: Page, tmp_path, install_bundle, player_server,
                                                       signed_bundle, publisher_key):
    """Issue 14 #14: only a lesson page's own script reports a visit; a lesson's image tags asking for
    another course's lesson pages record nothing there."""
    bait = "".join(f'<img src="../../mini/lessons/dang-nhap?n={number}" alt="">' for number in range(30))
    bundle = hand_made_bundle(tmp_path / "bait.tramhoc", "bait", {"bai-doc": f"<p>Bài mồi.</p>{bait}"})
    data = install_bundle(tmp_path / "data", signed_bundle, publisher_key)
    install_bundle(data, bundle, allow_unverified=True)
    with player_server(data) as server:
        seen = watch(page)
        page.goto(f"{server.url}learners/new")
        page.get_by_label("Tên của bạn").fill("Lan")
        page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()
        with page.expect_response(lambda response: response.url.endswith("/bai-doc/opened")) as opened:
            page.goto(f"{server.url}courses/bait/lessons/bai-doc")
        assert opened.value.ok
        page.wait_for_load_state("networkidle")
        assert sum("/mini/lessons/dang-nhap" in url for url in seen.requests) == 30  # asked for, all 30
        store = Store(DataPaths(data))  # read back from disk
        learner = store.learners.learners()[0]["id"]
        launched = [s["object"]["id"].rsplit(":", 1)[1] for s in store.learners.statements(learner)
                    if verb_name(s) == "launched"]
        assert launched == ["bai-doc"]
