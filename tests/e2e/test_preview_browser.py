"""The live preview in a real browser: a lesson edited on disk changes the open page by itself; a save with
a mistake shows `path:line: message` (a link for the editor) over the last good version; the fix clears
it. The reload script passes the player's Content-Security-Policy, and nothing leaves 127.0.0.1."""

import re
import threading
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from playwright.sync_api import Page, expect

from authoring.preview import Preview
from player.web.server import Server

pytestmark = pytest.mark.browser


@pytest.fixture
def live_preview(mini_course):
    """The preview of a copy of the mini course, watching it, served on loopback."""
    preview = Preview(mini_course)
    server = Server(preview.app, port=0, threads=16)
    server.start_in_background()
    stop = threading.Event()
    runner = threading.Thread(target=preview.run, args=(stop,), daemon=True)
    runner.start()
    assert preview.wait(0, 30) == 1
    try:
        yield server
    finally:
        stop.set()
        runner.join(timeout=10)
        preview.close()
        server.close()


def test_the_open_page_follows_the_lesson_on_disk(page: Page, live_preview, mini_course, tmp_path):
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    lesson = mini_course / "lessons" / "03-ky-so.md"
    original = lesson.read_text(encoding="utf-8")
    article = page.locator("article.lesson")
    page.goto(f"{live_preview.url}courses/mini/lessons/ky-so")
    expect(page.locator("article.lesson h1")).to_have_text("Ký số một tệp PDF")

    lesson.write_text(original + "\nĐoạn vừa thêm trong trình soạn thảo.\n", encoding="utf-8")
    expect(article).to_contain_text("Đoạn vừa thêm trong trình soạn thảo.", timeout=10_000)

    broken = original + "\nĐoạn vừa thêm trong trình soạn thảo.\n\n![Hình chưa có](images/chua-co.png)\n"
    lesson.write_text(broken, encoding="utf-8")
    line = broken.count("\n")
    problem = page.locator(".preview-problems li")
    expect(problem).to_have_count(1, timeout=10_000)
    expect(problem).to_contain_text(f"lessons/03-ky-so.md:{line}: missing asset: images/chua-co.png")
    link = problem.get_by_role("link")
    expect(link).to_have_text(re.compile(rf"lessons/03-ky-so\.md:{line}$"))
    href = link.get_attribute("href")
    assert href.startswith("vscode://file/") and href.endswith(f"/mini/lessons/03-ky-so.md:{line}")
    expect(article).to_contain_text("Đoạn vừa thêm trong trình soạn thảo.")  # the last good version
    page.screenshot(path=tmp_path / "preview-with-a-problem.png")

    lesson.write_text(original + "\nĐã sửa xong.\n", encoding="utf-8")
    expect(article).to_contain_text("Đã sửa xong.", timeout=10_000)
    expect(page.locator(".preview-problems")).to_have_count(0)
    assert seen.console_errors == [] and seen.page_errors == []
    assert seen.off_loopback(urlsplit(live_preview.url).port) == []


def test_a_save_changes_the_content_in_place_and_a_page_with_its_own_script_is_reloaded(page: Page, live_preview,
                                                                                        mini_course):
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 400})  # short, so that the lesson can be scrolled
    lesson = mini_course / "lessons" / "02-dang-nhap.md"
    original = lesson.read_text(encoding="utf-8")
    page.goto(f"{live_preview.url}courses/mini/lessons/dang-nhap")
    page.evaluate("window.scrollTo(0, 200); window.sameDocument = true")
    lesson.write_text(original + "\nMột đoạn mới ở cuối bài.\n", encoding="utf-8")
    expect(page.locator("article.lesson")).to_contain_text("Một đoạn mới ở cuối bài.", timeout=10_000)
    assert page.evaluate("[window.sameDocument, window.scrollY]") == [True, 200]  # in place, at the same place

    quiz = "\n```quiz\nid: mot-cau\nMã OTP có được đưa cho người khác không?\n+ Không\n- Có\n```\n"
    lesson.write_text(original + quiz, encoding="utf-8")  # a quiz brings its own script: the page reloads
    expect(page.locator("form#quiz, .quiz-question").first).to_be_visible(timeout=10_000)
    assert page.evaluate("window.sameDocument") is None
    assert page.evaluate("[...document.scripts].some((s) => s.src.endsWith('/static/quiz.js'))")
    assert seen.console_errors == [] and seen.page_errors == []
