"""The library card of a course (issue 17 #7): one click back to where the learner stopped ("Học tiếp:
<lesson>") for a course in progress, the certificate for a finished one, "Mở khoá học" before starting."""

import re

from support.pages import open_lesson, text

CARD = re.compile(r'<li class="card">(.*?)</li>', re.S)


def card(client) -> str:
    return re.sub(r"\s+", " ", CARD.search(client.get("/").get_data(as_text=True)).group(1))


def test_a_card_leads_to_the_next_step(client):
    fresh = card(client)
    assert 'href="/courses/mini/">Mở khoá học</a>' in fresh and "Học tiếp" not in fresh
    open_lesson(client, "mini", "gioi-thieu")
    client.post("/courses/mini/lessons/gioi-thieu/done")
    going = card(client)
    assert '<a class="button primary" href="/courses/mini/lessons/dang-nhap">Học tiếp: Đăng nhập' in going
    assert "Mở khoá học" not in going and "Giấy chứng nhận" not in going
    for lesson in ("dang-nhap", "ky-so"):
        open_lesson(client, "mini", lesson)
        client.post(f"/courses/mini/lessons/{lesson}/done")
    done = card(client)
    assert '<a class="button primary" href="/courses/mini/certificate">Giấy chứng nhận của bạn</a>' in done
    assert "Học tiếp" not in done
    assert "Giấy chứng nhận của bạn" in text(client.get("/courses/mini/"))  # the contents page as before
