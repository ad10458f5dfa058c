"""Progress records are valid xAPI statements: every kind the player writes passes the xAPI JSON schema,
activity IRIs are stable and parse back, durations and timestamps have xAPI's format."""

import json
from datetime import datetime, timezone

import pytest
from support.pages import open_lesson
from xapi_schema import VALIDATOR_CASES, statement_errors

from player.progress import recorder
from player.web.services import services
from player.xapi import vocabulary as xapi
from player.xapi.statements import Answer


def test_the_schema_validator_itself_tells_good_from_bad():
    cases = sorted((VALIDATOR_CASES / "statement").glob("*.json"))
    if not cases:
        pytest.skip(f"no TinCanValidator cases in {VALIDATOR_CASES}")
    for case in cases:
        errors = statement_errors(json.loads(case.read_text(encoding="utf-8")))
        assert bool(errors) == ("-bad-" in case.name), f"{case.name}: {errors}"


def all_kinds(app, client) -> list[dict]:
    """Statements of every kind, recorded through the app as a learner would cause them."""
    store = services(app).store
    store.settings.update(centre_name="Trạm Học xã Tân Lập")
    for lesson in ("gioi-thieu", "dang-nhap", "ky-so"):
        open_lesson(client, "mini", lesson)
        client.post(f"/courses/mini/lessons/{lesson}/done")
    learner_id = client.sign_in("Minh")  # signing out of the first learner records their time spent
    course = services(app).library.course("mini")
    with app.test_request_context():
        learner = store.learners.profile(learner_id)
        answers = [Answer("q-vneid", "Tài khoản VNeID", True, interaction_type="choice"),
                   Answer("q-otp", "[,]".join(["a", "b"]), False, 0.5, 1.0, "choice"),
                   Answer("q-so", "3,5", True, interaction_type="numeric"),
                   Answer("q-dung-sai", "true", True, interaction_type="true-false")]
        recorder.record_quiz_attempt(course, "ky-so", answers, passed=True, seconds=95.5, learner=learner)
        recorder.record_quiz_attempt(course, "ky-so", answers[:1], passed=False, seconds=3, learner=learner)
    return [statement for row in store.learners.learners() for statement in store.learners.statements(row["id"])]


def test_every_kind_of_statement_is_valid_xapi(app, client, fake_clock):
    fake_clock.tick = 7  # every look at the clock is 7 seconds after the previous one: visits take time
    statements = all_kinds(app, client)
    kinds = {(xapi.verb_name(s), s["object"]["definition"]["type"].rsplit("/", 1)[1]) for s in statements}
    assert kinds >= {("launched", "lesson"), ("completed", "lesson"), ("completed", "course"),
                     ("experienced", "lesson"), ("answered", "cmi.interaction"), ("passed", "assessment"),
                     ("failed", "assessment")}
    for statement in statements:
        assert statement_errors(statement) == [], json.dumps(statement, ensure_ascii=False, indent=1)


def test_statements_carry_actor_course_version_device_and_centre(app, client):
    statements = all_kinds(app, client)
    device = services(app).store.settings.get()["device_id"]
    for statement in statements:
        assert statement["actor"]["account"]["homePage"] == xapi.ACCOUNT_HOME
        assert statement["context"]["revision"] == "1.0.0"
        assert statement["context"]["extensions"] == {xapi.EXTENSION_DEVICE: device,
                                                      xapi.EXTENSION_CENTRE: "Trạm Học xã Tân Lập"}
        assert statement["timestamp"].endswith("Z") and len(statement["id"]) == 36
    assert len({statement["id"] for statement in statements}) == len(statements)


def test_a_quiz_attempt_is_one_registration_with_per_question_results(app, client):
    statements = all_kinds(app, client)
    passed = next(s for s in statements if xapi.verb_name(s) == "passed")
    attempt = [s for s in statements if s["context"].get("registration") == passed["context"]["registration"]]
    assert [xapi.verb_name(s) for s in attempt] == ["answered"] * 4 + ["passed"]
    assert passed["result"] == {"score": {"scaled": 0.875, "raw": 3.5, "min": 0.0, "max": 4.0}, "success": True,
                                "completion": True, "duration": "PT1M35.5S"}
    answered = attempt[1]
    assert answered["object"]["id"] == "urn:tramhoc:course:mini:question:q-otp"
    assert answered["result"] == {"success": False, "response": "a[,]b",
                                  "score": {"scaled": 0.5, "raw": 0.5, "min": 0.0, "max": 1.0}}
    assert answered["context"]["contextActivities"]["parent"][0]["id"] == "urn:tramhoc:course:mini:lesson:ky-so:quiz"


@pytest.mark.parametrize("iri, ref", [
    ("urn:tramhoc:course:mini", xapi.ActivityRef("mini")),
    ("urn:tramhoc:course:mini:lesson:ky-so", xapi.ActivityRef("mini", "ky-so")),
    ("urn:tramhoc:course:mini:lesson:ky-so:quiz", xapi.ActivityRef("mini", "ky-so", quiz=True)),
    ("urn:tramhoc:course:mini:question:q1", xapi.ActivityRef("mini", question_id="q1")),
    ("http://example.com/activity", None), ("urn:tramhoc:course:Mini", None), ("", None),
])
def test_activity_iris_parse_back(iri, ref):
    assert xapi.parse_activity(iri) == ref


def test_iris_are_built_from_ids_only():
    assert xapi.lesson_iri("mini", "ky-so") == "urn:tramhoc:course:mini:lesson:ky-so"
    assert xapi.quiz_iri("mini", "ky-so") == "urn:tramhoc:course:mini:lesson:ky-so:quiz"
    assert xapi.question_iri("mini", "q1") == "urn:tramhoc:course:mini:question:q1"


@pytest.mark.parametrize("seconds, text", [(0, "PT0S"), (5, "PT5S"), (95.5, "PT1M35.5S"), (3600, "PT1H0S"),
                                           (3725.257, "PT1H2M5.26S"), (59.999, "PT1M0S")])
def test_durations(seconds, text):
    assert xapi.duration(seconds) == text
    assert xapi.parse_duration(text) == pytest.approx(round(seconds, 2))


def test_timestamps_are_utc_with_milliseconds():
    when = datetime(2025, 10, 1, 14, 30, 0, 125999, tzinfo=timezone.utc)
    assert xapi.timestamp(when) == "2025-10-01T14:30:00.125Z"
    assert xapi.parse_timestamp("2025-10-01T14:30:00.125Z") == when.replace(microsecond=125000)
