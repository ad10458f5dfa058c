"""docs/xapi.md is held to the code: every example statement it shows is compared with one the player
really wrote, while a learner read, timed, finished and tested themselves on the quiz course."""

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from practice_helpers import practice_of, right_form, url, wrong_form
from quiz_helpers import answer, lesson_quiz, open_quiz, submit
from support.pages import open_lesson

from player.web.services import services
from player.xapi import vocabulary as xapi

DOC = Path(__file__).resolve().parents[1] / "docs" / "xapi.md"
EXAMPLE = re.compile(r"<!-- example: (?P<name>[a-z -]+) -->\n```json\n(?P<json>.*?)\n```", re.S)
START = datetime(2025, 10, 1, 7, 30, tzinfo=timezone.utc)
COURSE = "quiz-mau"
LEARNER_ID = "5f0c3e9a1b2d4c6e8f0a1b2c3d4e5f60"
DEVICE_ID = "6b0d3c1e-2f4a-4d8b-9c1e-0a1b2c3d4e5f"
STATEMENT_ID = "2b3b2a57-5e1b-4c0e-9a8f-2c0a4c1b7e10"
REGISTRATION = "9d6f0c8e-3b1a-4f2e-8c7d-1a2b3c4d5e6f"
OUTCOMES = {"dang-nhap-vneid": "right", "giay-to-can-co": "partial", "chu-ky-so-hop-le": "right",
            "ten-goi": "right", "so-chu-so-otp": "wrong", "ghep-thu-tuc": "right", "thu-tu-nop": "right",
            "gift-trong-bai": "right"}


def normalised(statement: dict, learner_id: str) -> dict:
    """A statement with what changes from run to run (ids, the player's version) written as in the docs."""
    text = json.dumps(statement, ensure_ascii=False)
    text = text.replace(statement["id"], STATEMENT_ID).replace(learner_id, LEARNER_ID)
    registration = statement["context"].get("registration")
    if registration:
        text = text.replace(registration, REGISTRATION)
    return json.loads(text.replace(xapi.PLATFORM, "Trạm Học 0.1.0"))


def kind(statement: dict) -> str:
    """The name the docs give each kind of statement: `<verb> <object>`, `answered <interaction type>`."""
    definition = statement["object"]["definition"]
    what = definition.get("interactionType") or definition["type"].rsplit("/", 1)[1]
    return f"{xapi.verb_name(statement)} {what}"


@pytest.fixture
def written(quiz_app, fake_clock, signed_practice_bundle) -> dict[str, dict]:
    """One statement of every kind, as the player wrote it (normalised), by kind."""
    fake_clock.now = START.timestamp()
    services(quiz_app).library.install(signed_practice_bundle)
    store = services(quiz_app).store
    store.settings.update(centre_name="Trạm Học xã Tân Lập", device_id=DEVICE_ID)
    client = quiz_app.test_client()
    learner_id = client.sign_in("Nguyễn Thị Lan")
    open_lesson(client, COURSE, "chi-doc")
    fake_clock.move(312)
    client.post(f"/courses/{COURSE}/lessons/chi-doc/done")
    page = open_quiz(client, COURSE, "on-tap")  # ends the visit of chi-doc: 312 s
    quiz = lesson_quiz(quiz_app, COURSE, "on-tap")
    fields = {}
    for question_id, outcome in OUTCOMES.items():
        fields.update(answer(quiz.question(question_id), outcome, page))
    fields["a-cam-nhan"] = "Bước điền tờ khai khó nhất."
    fake_clock.move(95)
    assert submit(client, COURSE, "on-tap", page, fields).status_code == 303
    checks = open_quiz(client, COURSE, "tu-kiem-tra")
    fake_clock.move(20)
    self_check = lesson_quiz(quiz_app, COURSE, "tu-kiem-tra").question("tu-kiem-tra-otp")
    assert submit(client, COURSE, "tu-kiem-tra", checks, answer(self_check, "right", checks)).status_code == 303
    client.post(f"/courses/{COURSE}/lessons/tu-kiem-tra/done")
    drawn = lesson_quiz(quiz_app, COURSE, "ngan-hang")
    for outcome in ("wrong", "right"):  # failed, then passed: the course is complete
        bank = open_quiz(client, COURSE, "ngan-hang")
        fields = {}
        for question_id in bank.question_ids:
            fields.update(answer(drawn.question(question_id), outcome, bank))
        assert submit(client, COURSE, "ngan-hang", bank, fields).status_code == 303
    messages = ("thuc-hanh-mau", "lua-dao", "tin-nhan-lua-dao")
    first, second = practice_of(quiz_app, *messages).steps
    client.post(url(*messages, "start"))
    fake_clock.move(30)
    for form in (wrong_form(first), right_form(first), right_form(second)):  # a scam call taken for safe first
        assert client.post(url(*messages, "check"), data=form).status_code == 303
    found = {}
    for statement in store.learners.statements(learner_id):
        found.setdefault(kind(statement), normalised(statement, learner_id))
    return found


def examples() -> list[tuple[str, dict]]:
    return [(match["name"], json.loads(match["json"])) for match in EXAMPLE.finditer(DOC.read_text("utf-8"))]


def test_the_docs_show_an_example_of_every_kind_the_player_writes(written):
    assert {name for name, _ in examples()} == set(written)


def test_every_example_in_the_docs_is_what_the_player_writes(written):
    """An example shows a whole statement, or some of its parts: those parts must be exactly the player's."""
    for name, example in examples():
        statement = written[name]
        assert {key: statement.get(key) for key in example} == example, name
