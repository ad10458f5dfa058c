"""A full disk or a read-only data folder (issue 14 #25): lessons still show, and say why progress cannot be
saved right now; a profile that cannot be created leaves nothing behind."""

import errno

import pytest
from support.pages import text

from player.store import atomic
from player.web.services import services

FAILURES = {"full": (errno.ENOSPC, "ổ đĩa đã đầy"), "read-only": (errno.EROFS, "chỉ đọc")}


@pytest.fixture(params=sorted(FAILURES))
def failing_disk(request, monkeypatch):
    """From now on, every write of the data folder fails as a full disk or a read-only folder does."""
    code, words = FAILURES[request.param]

    def fail(*args, **kwargs):
        raise OSError(code, "simulated: " + request.param)
    monkeypatch.setattr(atomic, "_replace", fail)  # every crash-safe write ends by putting its file in place
    return words


def test_lessons_still_show_and_say_why_progress_is_not_saved(client, failing_disk):
    for url in ("/", "/courses/mini/", "/courses/mini/lessons/gioi-thieu"):
        assert client.get(url).status_code == 200, url
    page = client.get("/courses/mini/lessons/gioi-thieu").get_data(as_text=True)
    assert 'id="progress-status"' in page
    opened = client.post("/courses/mini/lessons/gioi-thieu/opened", json={})
    assert opened.status_code == 503 and opened.json["error"] == "not_saved"
    assert opened.json["message"].startswith("Hiện không lưu được tiến độ học của bạn") and failing_disk in opened.json["message"]
    done = client.post("/courses/mini/lessons/gioi-thieu/done", follow_redirects=True)
    assert done.status_code == 200 and "Hiện không lưu được tiến độ học của bạn" in text(done)
    assert "Giới thiệu về chữ ký số" in text(done)  # still on the lesson


def test_a_profile_that_cannot_be_saved_leaves_nothing_behind(anonymous, app, failing_disk):
    learners = services(app).paths.learners
    before = sorted(path.name for path in learners.iterdir())
    response = anonymous.post("/learners/new", data={"name": "Lan", "kind": "none"})
    assert response.status_code == 503
    assert "Không lưu được hồ sơ" in text(response) and failing_disk in text(response)
    assert sorted(path.name for path in learners.iterdir()) == before
    assert services(app).store.learners.learners() == []
