"""The live preview (authoring.preview): the course built in memory and shown by the player's own pages,
a preview learner signed in, the reload script allowed by the CSP, problems shown as clickable
path:line: message with the last good version kept, and nothing left in any real data folder."""

import json
import re
import threading
import time

import pytest

from authoring import preview_web
from authoring.changes import FolderWatcher
from authoring.preview import Preview

LESSON = "/courses/mini/lessons/ky-so"


@pytest.fixture
def preview(mini_course, tmp_path, monkeypatch):
    monkeypatch.setenv("TRAMHOC_HOME", str(tmp_path / "real-data"))  # must stay untouched
    shown = Preview(mini_course)
    yield shown
    shown.close()


def page(preview, path=LESSON) -> str:
    response = preview.app.test_client().get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def edit(course, text):
    lesson = course / "lessons" / "03-ky-so.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + text, encoding="utf-8")
    return lesson


def test_the_course_is_shown_by_the_players_pages_to_a_signed_in_preview_learner(preview):
    report = preview.rebuild()
    assert report.ok and report.course_id == "mini" and report.generation == 1
    response = preview.app.test_client().get(LESSON)
    assert response.status_code == 200  # no "who is learning?" first
    html = response.get_data(as_text=True)
    assert '<article class="lesson"' in html and "Xem trước · preview" in html
    script = re.search(r'<script src="(/_preview/static/preview\.js)" defer data-wait="/_preview/wait" '
                       r'data-run="([0-9a-f]+)" data-generation="1"></script></head>', html)
    assert script and script.group(2) == preview.run_id
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]  # the player's own policy
    assert preview.app.test_client().get(script.group(1)).status_code == 200


def test_a_save_with_problems_shows_them_and_keeps_the_last_good_version(preview, mini_course):
    preview.rebuild()
    edit(mini_course, "\nĐoạn mới.\n")
    assert preview.rebuild().ok and "Đoạn mới." in page(preview)
    lesson = edit(mini_course, "\n![thiếu](images/khong-co.png)\n")
    report = preview.rebuild()
    assert not report.ok and report.course_id == "mini" and report.generation == 3
    html = page(preview)
    assert "Đoạn mới." in html  # the last good version
    panel = html[html.index('<section class="preview-problems"'):html.index("</section>")]
    line = lesson.read_text(encoding="utf-8").count("\n")
    where = f"{lesson.relative_to(lesson.parents[2]).as_posix()}:{line}"
    link = re.search(r'<a href="vscode://file/([^"]+):(\d+)"[^>]*>([^<]+)</a>: <span lang="en">([^<]+)</span>', panel)
    assert link, panel
    assert link.group(1).endswith("/mini/lessons/03-ky-so.md") and link.group(2) == str(line)
    assert link.group(3).endswith(where) and link.group(4) == "missing asset: images/khong-co.png"
    edit_back = lesson.read_text(encoding="utf-8").replace("\n![thiếu](images/khong-co.png)\n", "")
    lesson.write_text(edit_back, encoding="utf-8")
    assert preview.rebuild().ok and "preview-problems" not in page(preview)


def test_problems_before_any_good_build_are_shown_on_every_page(mini_course, tmp_path):
    (mini_course / "course.yml").write_text("id: mini\ntitle: x\n", encoding="utf-8")
    preview = Preview(mini_course, editor_url="")
    try:
        report = preview.rebuild()
        assert not report.ok and report.course_id is None
        html = page(preview, "/")
        assert "The course does not build yet" in html or "Khoá học chưa đóng gói được" in html
        panel = html[html.index('<section class="preview-problems"'):html.index("</section>")]
        assert "course.yml:1: <span lang=\"en\">missing course field &#39;language&#39;</span>" in panel
        assert "<a href" not in panel  # '' as the editor link: plain text
        assert preview.app.test_client().get(LESSON).status_code == 404
    finally:
        preview.close()


def test_the_page_wait_answers_once_the_generation_moves_on_and_sets_no_cookie(preview, monkeypatch):
    preview.rebuild()
    client = preview.app.test_client()
    url = f"/_preview/wait?since=0&run={preview.run_id}"
    response = client.get(url)
    assert json.loads(response.data) == {"generation": 1, "run": preview.run_id}
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"
    monkeypatch.setattr(preview_web, "WAIT_SECONDS", 0.2)
    started = time.monotonic()
    assert json.loads(client.get(f"/_preview/wait?since=1&run={preview.run_id}").data)["generation"] == 1
    assert time.monotonic() - started >= 0.2
    later = threading.Timer(0.1, preview.rebuild)
    later.start()
    monkeypatch.setattr(preview_web, "WAIT_SECONDS", 10)
    assert json.loads(client.get(f"/_preview/wait?since=1&run={preview.run_id}").data)["generation"] == 2
    later.join()
    assert json.loads(client.get("/_preview/wait?since=99&run=other").data)["generation"] == 2  # an old run
    assert client.get(url, headers={"Host": "evil.example"}).status_code == 400
    preview.close()
    assert client.get(url).status_code == 503  # the page tries again later


def test_nothing_is_recorded_in_a_real_data_folder(preview, mini_course, tmp_path):
    preview.rebuild()
    page(preview)
    root = preview.root
    assert (root / "data" / "learners").is_dir()
    preview.close()
    assert not root.exists()
    assert not (tmp_path / "real-data").exists()


def test_changing_the_course_id_shows_the_new_course_only(preview, mini_course):
    preview.rebuild()
    course_yml = mini_course / "course.yml"
    course_yml.write_text(course_yml.read_text(encoding="utf-8").replace("id: mini", "id: mini-moi"), encoding="utf-8")
    assert preview.rebuild().course_id == "mini-moi"
    with preview.app.app_context():
        from player.web.services import services

        assert [course.id for course in services().library.courses()] == ["mini-moi"]


@pytest.mark.parametrize("use_inotify", [True, False])
def test_run_builds_after_each_save(preview, mini_course, use_inotify):
    reports = []
    built = threading.Condition()

    def on_build(report):
        with built:
            reports.append(report)
            built.notify_all()

    stop = threading.Event()
    watcher = FolderWatcher(mini_course, use_inotify=use_inotify)
    assert watcher.immediate == use_inotify or not use_inotify
    runner = threading.Thread(target=preview.run, args=(stop, on_build, watcher), daemon=True)
    runner.start()
    try:
        with built:
            assert built.wait_for(lambda: len(reports) == 1, 10)
        (mini_course / "lessons" / ".03-ky-so.md.swp").write_text("swap", encoding="utf-8")  # ignored
        edit(mini_course, "\nLưu lần nữa.\n")
        with built:
            assert built.wait_for(lambda: len(reports) == 2, 10)
        time.sleep(0.6)
        assert len(reports) == 2  # one build per save
        assert "Lưu lần nữa." in page(preview)
    finally:
        stop.set()
        runner.join(timeout=10)
    assert not runner.is_alive()


def test_a_build_that_cannot_be_shown_is_a_problem_on_the_page_not_a_crash(preview, mini_course, monkeypatch):
    preview.rebuild()
    edit(mini_course, "\nLần lưu khi đĩa đầy.\n")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("authoring.preview.write_bundle", full)
    report = preview.rebuild()
    assert report.course_id == "mini" and [problem.message for problem in report.problems] == [
        "the preview could not show this build: [Errno 28] No space left on device"]
    html = page(preview)
    assert "No space left on device" in html and "Lần lưu khi đĩa đầy." not in html
