"""The warning before an idle sign-out (issue 17 #6): every signed-in page carries the dialog idle.js
opens a minute before the centre's timeout, and its Continue button tells the server the learner is here."""

import re

from support.pages import text

from player.learners import sessions


def test_every_signed_in_page_carries_the_warning(client, anonymous):
    page = text(client.get("/"))
    assert 'src="/static/idle.js"' in page and '<dialog id="idle-warning"' in page
    assert "Bạn vẫn đang học chứ?" in page and '<button type="button" class="primary big">Tiếp tục</button>' in page
    assert re.search(r'data-template="Đã một lúc không ai dùng máy: bạn sẽ được đăng xuất sau \{time\}."', page)
    assert 'data-still-here="/learners/still-here"' in page
    nobody = text(anonymous.get("/learners/"))
    assert "idle-warning" not in nobody and "idle.js" not in nobody


def test_continue_keeps_the_learner_signed_in_on_the_server_too(app, client, fake_clock):
    with app.test_request_context():
        timeout = sessions.signout_seconds()
    fake_clock.move(timeout - 30)
    assert client.post("/learners/still-here").status_code == 204
    fake_clock.move(timeout - 30)  # longer than the timeout since the last page, not since Continue
    assert "Đổi học viên" in text(client.get("/"))
    fake_clock.move(timeout + 1)
    assert "Ai đang học?" in text(client.get("/"))  # nobody pressed it: signed out as before


def test_still_here_needs_a_learner(anonymous):
    assert anonymous.post("/learners/still-here").status_code == 401
