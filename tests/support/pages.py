"""Reading the player's pages in route tests."""

import re

ADMIN_PIN = "135790"  # what the tests set as the centre's admin PIN


def text(response) -> str:
    """A response's HTML with runs of white space folded to one space, for `in` checks."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def open_lesson(client, course_id: str, lesson_id: str):
    """Show a lesson page and report it as the page's own script does; returns (the page, its visit id)."""
    page = client.get(f"/courses/{course_id}/lessons/{lesson_id}")
    assert page.status_code == 200, page.status_code
    opened = re.search(r'data-open="([^"]+)"', page.get_data(as_text=True)).group(1)
    return page, client.post(opened, json={}).json["visit"]


def learner_id(client) -> str:
    """The id of the learner signed in on this test client."""
    with client.session_transaction() as session:
        return session["learner"]
