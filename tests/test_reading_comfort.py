"""Reading comfort (issue 17 #23): each learner chooses a text size (three steps) and high contrast in the
top bar of every page; the choice is kept in their profile (so it follows them after signing out, and
to no one else) and applied as classes on <html>, with no inline style."""

import re

import pytest

from player.web.services import services


def html_classes(page) -> set[str]:
    found = re.search(r'<html lang="[^"]*"(?: class="([^"]*)")?>', page.get_data(as_text=True))
    return set((found.group(1) or "").split())


def test_every_learner_page_has_the_control_in_the_top_bar(client):
    for address in ("/", "/courses/mini/", "/courses/mini/lessons/gioi-thieu", "/search?q=ky"):
        page = client.get(address).get_data(as_text=True)
        bar = page.split('<header class="topbar">')[1].split("</header>")[0]
        assert 'action="/learners/comfort"' in bar, address
        assert bar.count('name="text_size"') == 3 and 'name="high_contrast" value="on"' in bar
        assert 'aria-pressed="true"><span aria-hidden="true">A</span><span class="visually-hidden">Chữ vừa' in bar
    assert html_classes(client.get("/")) == set()


def test_nobody_signed_in_has_no_control(anonymous):
    assert 'action="/learners/comfort"' not in anonymous.get("/").get_data(as_text=True)


@pytest.mark.parametrize("size, expected", [("large", {"text-large"}), ("larger", {"text-larger"}),
                                            ("normal", set())])
def test_a_text_size_is_kept_in_the_profile_and_applied_to_every_page(client, app, size, expected):
    response = client.post("/learners/comfort", data={"text_size": size, "next": "/courses/mini/"})
    assert response.status_code == 303 and response.location.endswith("/courses/mini/")
    assert html_classes(client.get("/courses/mini/lessons/gioi-thieu")) == expected
    learner = services(app).store.learners.learners()[0]["id"]
    assert services(app).store.learners.profile(learner)["text_size"] == size


def test_high_contrast_switches_on_and_off_and_follows_the_learner_only(app, client):
    client.post("/learners/comfort", data={"high_contrast": "on", "next": "/"})
    client.post("/learners/comfort", data={"text_size": "larger", "next": "/"})
    page = client.get("/")
    assert html_classes(page) == {"text-larger", "high-contrast"}
    assert 'name="high_contrast" value="off" class="contrast" aria-pressed="true"' in page.get_data(as_text=True)
    learner = services(app).store.learners.learners()[0]["id"]

    client.post("/learners/sign-out")
    assert html_classes(client.get("/")) == set()  # the start screen is nobody's
    other = app.test_client()
    other.sign_in("Người Khác")
    assert html_classes(other.get("/")) == set()
    client.post(f"/learners/{learner}/open", data={"next": "/"})
    assert html_classes(client.get("/")) == {"text-larger", "high-contrast"}  # kept in her profile

    client.post("/learners/comfort", data={"high_contrast": "off"})
    assert html_classes(client.get("/")) == {"text-larger"}


def test_odd_values_change_nothing_and_signed_out_is_refused(app, client, anonymous):
    client.post("/learners/comfort", data={"text_size": "huge", "high_contrast": "yes", "next": "https://evil.example/"})
    assert html_classes(client.get("/")) == set()
    assert client.post("/learners/comfort", data={"text_size": "large", "next": "//evil.example/"}).location == "/"
    assert anonymous.post("/learners/comfort", data={"text_size": "large"}).status_code == 401


def test_no_inline_style_anywhere_on_the_page(client):
    client.post("/learners/comfort", data={"text_size": "large", "high_contrast": "on"})
    page = client.get("/courses/mini/lessons/gioi-thieu").get_data(as_text=True)
    assert " style=" not in page and "<style" not in page
