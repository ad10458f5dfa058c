"""Small rules behind the report's figures: time zones, durations, who a learner is, ties."""

from collections import Counter

from player.results.figures import QuestionStats, actor_key, duration_seconds, utc_timestamp
from player.results.tables import Naming, answer_text


def test_timestamps_in_any_offset_compare_as_utc():
    assert utc_timestamp("2025-10-01T08:00:00+07:00") == "2025-10-01T01:00:00.000Z"
    assert utc_timestamp("2025-10-01T01:00:00.5Z") == "2025-10-01T01:00:00.500Z"
    assert utc_timestamp("2025-10-01T01:00:00.125Z") == "2025-10-01T01:00:00.125Z"


def test_durations_in_seconds():
    assert duration_seconds("PT1H2M3.5S") == 3723.5
    assert duration_seconds("P1DT1S") == 86401
    assert duration_seconds("P2W") == 14 * 86400
    assert duration_seconds("soon") == 0


def test_a_learner_is_identified_by_their_account_or_other_identifier():
    assert actor_key({"account": {"homePage": "urn:tramhoc:learners", "name": "a1"}, "name": "Lan"}) == \
        "account:urn:tramhoc:learners|a1"
    assert actor_key({"mbox": "mailto:lan@example.org"}) == "mbox:mailto:lan@example.org"
    group = {"objectType": "Group", "member": [{"mbox": "mailto:b@x.vn"}, {"mbox": "mailto:a@x.vn"}]}
    assert actor_key(group) == "group:mbox:mailto:a@x.vn,mbox:mailto:b@x.vn"


def test_the_most_chosen_wrong_answer_breaks_ties_alphabetically():
    stats = QuestionStats("c", wrong=Counter({"b": 2, "a": 2, "c": 1}))
    assert stats.most_chosen_wrong() == ("a", 2)
    assert QuestionStats("c").most_chosen_wrong() is None


def test_answers_are_shown_in_words():
    naming = Naming("vi", "đúng", "sai")
    matching = {"interactionType": "matching",
                "source": [{"id": "1", "description": {"vi": "Căn cước"}}],
                "target": [{"id": "x", "description": {"vi": "Cấp lại"}}]}
    assert answer_text(matching, "1[.]x[,]2[.]y", naming) == "Căn cước → Cấp lại; 2 → y"
    assert answer_text({"interactionType": "true-false"}, "false", naming) == "sai"
    assert answer_text({"interactionType": "fill-in"}, "Hà Nội", naming) == "Hà Nội"
