"""The quiz contract in courses/: JSON member and strict reader, grading, drawing, and the public view."""

import json
import unicodedata
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courses import BundleError
from courses.quiz import (
    Choice,
    Description,
    Essay,
    Matching,
    MultipleChoice,
    NumberAnswer,
    Numeric,
    Ordering,
    Pair,
    Quiz,
    QuizSettings,
    ShortAnswer,
    SingleChoice,
    TextAnswer,
    TrueFalse,
    item_keys,
    matching_options,
    quiz_from_bytes,
    quiz_to_bytes,
)
from player.quizzes.grading import (
    answer_matches,
    draw_questions,
    feedback,
    grade_attempt,
    grade_question,
    normalise_answer,
    parse_number,
)
from player.quizzes.public import public_question

SINGLE = SingleChoice(id="single", text="Chọn một", explanation="GIẢI-THÍCH-1", choices=(
    Choice("VNeID", 100, "PHẢN-HỒI-ĐÚNG"), Choice("Email", 0, "PHẢN-HỒI-SAI"), Choice("Nửa", 50, "PHẢN-HỒI-NỬA")))
MULTIPLE = MultipleChoice(id="multiple", text="Chọn nhiều", choices=(
    Choice("CCCD", 50, "fb-cccd"), Choice("Điện thoại", 50, ""), Choice("Sổ hộ khẩu", -50, "fb-so")))
TRUE_FALSE = TrueFalse(id="tf", text="Đúng hay sai", correct=False, feedback_true="fb-khi-chon-dung",
                       feedback_false="fb-khi-chon-sai")
SHORT = ShortAnswer(id="short", text="Tên?", ignore_diacritics=True, answers=(
    TextAnswer("chữ ký số", 100, "fb-cks"), TextAnswer("chu*so", 50, "fb-gan-dung")))
NUMERIC = Numeric(id="numeric", text="Bao nhiêu?", answers=(
    NumberAnswer(3.4, 3.6, 100, "fb-so"), NumberAnswer(1, 5, 50, "fb-gan"), NumberAnswer(None, None, 0, "fb-khac")))
MATCHING = Matching(id="matching", text="Ghép", pairs=(
    Pair("Khai sinh", "Cổng DVC"), Pair("Căn cước", "Công an"), Pair("", "Ngân hàng")))
ORDERING = Ordering(id="ordering", text="Sắp xếp", steps=("Đăng nhập", "Chọn thủ tục", "Nộp"))
ESSAY = Essay(id="essay", text="Viết", explanation="gợi ý")
DESCRIPTION = Description(id="description", text="Đọc đoạn sau")
ALL = (SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC, MATCHING, ORDERING, ESSAY, DESCRIPTION)
QUIZ = Quiz(QuizSettings(pass_percent=60, shuffle=True, draw=None, attempts=2), ALL)


def keys(question, role, texts):
    return dict(zip(texts, item_keys(question.id, role, texts)))


def test_every_type_survives_json():
    raw = quiz_to_bytes(QUIZ)
    assert quiz_from_bytes(raw) == QUIZ
    assert quiz_to_bytes(quiz_from_bytes(raw)) == raw
    assert json.loads(raw)["settings"] == {"assessment": False, "pass": 60, "shuffle": True, "draw": None,
                                          "attempts": 2}


def mutate(path, value):
    data = json.loads(quiz_to_bytes(QUIZ))
    target = data
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize("path, value, message", [
    (("questions", 0, "choices", 0, "weight"), True, r"questions\[0\]\.choices\[0\]\.weight: wrong type"),
    (("questions", 0, "points"), "1", r"questions\[0\]\.points: wrong type"),
    (("questions", 0, "points"), 1e308, r"questions\[0\]: points must be at most 1000"),  # a sum: Infinity
    (("questions", 0, "secret"), 1, r"questions\[0\]: unknown field 'secret'"),
    (("questions", 0, "explanation"), KeyError, r"questions\[0\]\.explanation: missing"),
    (("questions", 0, "type"), "hotspot", r"questions\[0\]: unknown question type 'hotspot'"),
    (("questions", 1, "id"), "single", r"questions\[1\]: duplicate question id 'single'"),
    (("questions", 1, "id"), "Không hợp lệ", r"questions\[1\]: bad question id"),
    (("questions", 2, "correct"), 1, r"questions\[2\]\.correct: must be true or false"),
    (("questions", 6, "steps"), ["một"], r"questions\[6\]: an ordering question needs at least 2 steps"),
    (("settings", "pass"), 101, r"settings: pass must be between 0 and 100"),
    (("settings", "draw"), 8, r"settings.draw: 8 is more than the 8 questions|more than the 8 questions"),
    (("settings", "draw"), 9, r"settings.draw: 9 is more than the 8 questions"),
    (("settings", "attempts"), 0, r"settings: draw and attempts must be at least 1"),
    (("settings", "assessment"), KeyError, r"settings.assessment: missing"),
    (("settings", "assessment"), "yes", r"settings.assessment: must be true or false"),
])
def test_strict_reader_names_the_bad_field(path, value, message):
    raw = mutate(path, value)
    if path == ("settings", "draw") and value == 8:
        assert quiz_from_bytes(raw).settings.draw == 8  # 8 questions besides the description: allowed
        return
    with pytest.raises(BundleError, match=message):
        quiz_from_bytes(raw, "quiz")


def test_strict_reader_refuses_strings_that_are_not_unicode():
    raw = quiz_to_bytes(QUIZ).replace(b'"text": "', b'"text": "\\ud800', 1)
    with pytest.raises(BundleError, match=r"quiz\.questions\[0\]\.choices\[0\]\.text: not valid Unicode"):
        quiz_from_bytes(raw)


def test_strict_reader_refuses_non_finite_numbers_and_bad_json():
    with pytest.raises(BundleError, match="not valid UTF-8 JSON"):
        quiz_from_bytes(quiz_to_bytes(QUIZ).replace(b'"points": 1,', b'"points": NaN,', 1))
    with pytest.raises(BundleError, match="not valid UTF-8 JSON"):
        quiz_from_bytes(b"\xff{}")


def test_single_choice_scores_the_chosen_weight_and_reveals_its_feedback():
    k = keys(SINGLE, "choice", ["VNeID", "Email", "Nửa"])
    assert grade_question(SINGLE, k["VNeID"]).status == "right"
    half = grade_question(SINGLE, k["Nửa"])
    assert (half.status, half.score, feedback(SINGLE, k["Nửa"])) == ("partial", 0.5, ("PHẢN-HỒI-NỬA",))
    assert SINGLE.explanation == "GIẢI-THÍCH-1"
    assert grade_question(SINGLE, "không-có").status == "wrong"


def test_multiple_choice_adds_weights_never_below_zero():
    k = keys(MULTIPLE, "choice", ["CCCD", "Điện thoại", "Sổ hộ khẩu"])
    assert grade_question(MULTIPLE, [k["CCCD"], k["Điện thoại"]]).score == 1
    both = grade_question(MULTIPLE, [k["CCCD"], k["Sổ hộ khẩu"]])
    assert (both.status, both.score, feedback(MULTIPLE, [k["CCCD"], k["Sổ hộ khẩu"]])) == ("wrong", 0, ("fb-cccd", "fb-so"))
    assert grade_question(MULTIPLE, [k["CCCD"]]).score == 0.5
    assert grade_question(MULTIPLE, [k["Sổ hộ khẩu"]]).score == 0


def test_true_false_shows_the_feedback_for_the_answer_given():
    assert grade_question(TRUE_FALSE, "false").status == "right"
    wrong = grade_question(TRUE_FALSE, True)
    assert (wrong.status, feedback(TRUE_FALSE, True)) == ("wrong", ("fb-khi-chon-dung",))


@pytest.mark.parametrize("typed, score", [
    ("chữ ký số", 1), ("  CHỮ   KÝ  SỐ ", 1), (unicodedata.normalize("NFD", "chữ ký số"), 1), ("chu ky so", 1),
    ("CHU KY SO", 1), ("ký số", 0), ("chu la so", 0.5), ("chữ ký", 0), ("", 0),
])
def test_short_answers_ignore_form_spaces_case_and_optionally_diacritics(typed, score):
    assert grade_question(SHORT, typed).score == score


def test_short_answer_options_are_honoured():
    strict = ShortAnswer(id="s", text="?", ignore_case=False, ignore_diacritics=False,
                         answers=(TextAnswer("Đà Nẵng"),))
    assert grade_question(strict, unicodedata.normalize("NFD", " Đà  Nẵng ")).score == 1
    assert grade_question(strict, "đà nẵng").score == 0
    assert grade_question(strict, "Da Nang").score == 0
    assert normalise_answer("Đường", ignore_diacritics=True) == "duong"
    assert answer_matches("5\\*3", "5*3", True, False) and not answer_matches("5\\*3", "553", True, False)


@pytest.mark.parametrize("typed, expected", [
    ("3,5", 3.5), ("3.5", 3.5), ("-1", -1), ("1.500.000", 1500000), ("1 500 000", 1500000), ("1.000,5", 1000.5),
    ("1,000.5", 1000.5), ("abc", None), ("", None), (",", None), ("1e3", None), (None, None), (True, None), (7, 7),
])
def test_numbers_are_read_as_learners_type_them(typed, expected):
    assert parse_number(typed) == expected


def test_numeric_answers_are_tried_in_order_with_a_catch_all():
    assert grade_question(NUMERIC, "3,6").score == 1
    close = grade_question(NUMERIC, "4")
    assert (close.score, feedback(NUMERIC, "4")) == (0.5, ("fb-gan",))
    other = grade_question(NUMERIC, "9")
    assert (other.status, feedback(NUMERIC, "9")) == ("wrong", ("fb-khac",))
    assert feedback(NUMERIC, "không biết") == ()


def test_matching_and_ordering_give_partial_credit():
    prompts = keys(MATCHING, "prompt", ["Khai sinh", "Căn cước"])
    options = keys(MATCHING, "option", matching_options(MATCHING))
    right = {prompts["Khai sinh"]: options["Cổng DVC"], prompts["Căn cước"]: options["Công an"]}
    assert grade_question(MATCHING, right).score == 1
    assert grade_question(MATCHING, {prompts["Khai sinh"]: options["Cổng DVC"]}).score == 0.5
    steps = keys(ORDERING, "step", ORDERING.steps)
    assert grade_question(ORDERING, [steps[s] for s in ORDERING.steps]).score == 1
    swapped = [steps["Đăng nhập"], steps["Nộp"], steps["Chọn thủ tục"]]
    assert grade_question(ORDERING, swapped).score == pytest.approx(1 / 3, abs=1e-4)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8))
def test_grading_never_raises_on_whatever_a_browser_sends(response):
    for question in ALL:
        result = grade_question(question, response)
        assert result.score is None or 0 <= result.score <= 1
        assert all(isinstance(text, str) and text for text in feedback(question, response))


def test_an_attempt_weighs_points_skips_descriptions_and_leaves_essays_ungraded():
    heavy = TrueFalse(id="heavy", text="?", correct=True, points=3)
    quiz = Quiz(QuizSettings(pass_percent=75), (SINGLE, heavy, ESSAY, DESCRIPTION))
    k = keys(SINGLE, "choice", ["VNeID", "Email", "Nửa"])
    result = grade_attempt(quiz, ["description", "single", "heavy", "essay"], {"single": k["Email"], "heavy": "true"})
    assert [r.question_id for r in result.results] == ["single", "heavy", "essay"]
    assert (result.score_percent, result.passed) == (75.0, True)
    assert result.results[2].status == "ungraded"
    assert grade_attempt(quiz, ["single", "heavy"], {}).passed is False
    assert grade_attempt(Quiz(QuizSettings(), (ESSAY,)), ["essay"], {}).score_percent is None
    with pytest.raises(KeyError):
        grade_attempt(quiz, ["nope"], {})


def test_draw_picks_from_the_pool_keeps_descriptions_and_is_reproducible():
    quiz = Quiz(QuizSettings(draw=3, shuffle=True), ALL)
    drawn = draw_questions(quiz, Random(7))
    assert drawn == draw_questions(quiz, Random(7))
    assert drawn[0] is DESCRIPTION and len(drawn) == 4
    in_order = draw_questions(Quiz(QuizSettings(shuffle=False), ALL), Random(1))
    assert in_order == ALL


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.type)
def test_public_view_carries_no_part_of_the_answer_key(question):
    view = json.dumps(public_question(question, Random(3)).to_dict(), ensure_ascii=False)
    secrets = [question.explanation]
    for item in getattr(question, "choices", ()) + getattr(question, "answers", ()):
        secrets.append(item.feedback)
    secrets += [getattr(question, name, "") for name in ("feedback_true", "feedback_false")]
    secrets += [a.text for a in getattr(question, "answers", ()) if isinstance(a, TextAnswer)]
    assert not [secret for secret in secrets if secret and secret in view]
    for word in ("weight", "correct", "feedback", "explanation", "answers", "pairs", "min", "max"):
        assert f'"{word}"' not in view


def test_public_view_hides_order_and_pairing():
    for seed in range(20):
        view = public_question(ORDERING, Random(seed))
        assert [item.text for item in view.steps] != list(ORDERING.steps)
        assert sorted(item.text for item in view.steps) == sorted(ORDERING.steps)
    view = public_question(MATCHING, Random(1))
    assert {item.text for item in view.options} == {"Cổng DVC", "Công an", "Ngân hàng"}
    assert len({item.key for item in view.prompts + view.options}) == 5
    unshuffled = public_question(SINGLE, Random(1), shuffle_choices=False)
    assert [item.text for item in unshuffled.choices] == ["VNeID", "Email", "Nửa"]
    assert all(len(item.key) == 12 for item in unshuffled.choices)
