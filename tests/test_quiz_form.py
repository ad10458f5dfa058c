"""Reading a quiz form: what each control sends becomes a grading response; anything else is a FormProblem
(hypothesis throws arbitrary forms at it), never another exception."""

from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from courses.quiz import Choice, Essay, Matching, MultipleChoice, Ordering, Pair, ShortAnswer, TextAnswer, TrueFalse
from player.quizzes.form import MAX_SHORT, FormProblem, read_answers
from player.quizzes.grading import grade_question
from player.quizzes.public import public_question

QUESTIONS = [
    MultipleChoice(id="giay-to", text="Mang gì?", choices=(Choice("Căn cước", 50), Choice("Điện thoại", 50),
                                                             Choice("Sổ hộ khẩu", -50))),
    TrueFalse(id="dung-sai", text="Đúng không?", correct=False),
    ShortAnswer(id="ten", text="Tên?", answers=(TextAnswer("chữ ký số"),), ignore_diacritics=True),
    Matching(id="ghep", text="Ghép", pairs=(Pair("A", "1"), Pair("B", "2"), Pair("", "3"))),
    Ordering(id="thu-tu", text="Sắp xếp", steps=("một", "hai", "ba")),
    Essay(id="tu-luan", text="Viết"),
]
VIEWS = [public_question(question, Random(3)) for question in QUESTIONS]
VIEW = {view.id: view for view in VIEWS}


def form(*pairs) -> MultiDict:
    return MultiDict([("csrf_token", "t"), ("attempt", "0" * 32), *pairs])


def test_each_control_becomes_a_response_that_grades():
    multiple = [c.key for c in VIEW["giay-to"].choices if c.text != "Sổ hộ khẩu"]
    steps = {step.text: step.key for step in VIEW["thu-tu"].steps}
    prompts = {p.text: p.key for p in VIEW["ghep"].prompts}
    options = {o.text: o.key for o in VIEW["ghep"].options}
    responses = read_answers(form(
        *[("a-giay-to", key) for key in multiple], ("a-dung-sai", "false"), ("a-ten", " CHU KY SO "),
        ("a-ghep." + prompts["A"], options["1"]), ("a-ghep." + prompts["B"], options["2"]),
        ("a-thu-tu." + steps["ba"], "3"), ("a-thu-tu." + steps["một"], "1"), ("a-thu-tu." + steps["hai"], "2"),
        ("a-tu-luan", "Bài\r\nviết"),
    ), VIEWS)
    assert responses["ten"] == "CHU KY SO" and responses["tu-luan"] == "Bài\r\nviết"
    for question in QUESTIONS:
        if question.graded:
            assert grade_question(question, responses[question.id]).status == "right", question.id


def test_unanswered_controls_are_left_out():
    steps = [step.key for step in VIEW["thu-tu"].steps]
    prompts = [p.key for p in VIEW["ghep"].prompts]
    responses = read_answers(form(("a-ten", "   "), ("a-ghep." + prompts[0], ""), ("a-ghep." + prompts[1], ""),
                                  *[("a-thu-tu." + key, str(n)) for n, key in enumerate(steps, 1)]), VIEWS)
    assert responses == {"thu-tu": steps}  # an ordering always sends its positions


def test_equal_positions_keep_the_order_shown():
    steps = [step.key for step in VIEW["thu-tu"].steps]
    responses = read_answers(form(*[("a-thu-tu." + key, "1") for key in steps]), VIEWS)
    assert responses["thu-tu"] == steps


@pytest.mark.parametrize("pairs", [
    [("other", "1")], [("a-khong-co", "1")], [("a-dung-sai", "có")], [("a-dung-sai", "true"), ("a-dung-sai", "true")],
    [("a-giay-to", "x")], [("a-giay-to", "dup"), ("a-giay-to", "dup")], [("a-ten", "x" * (MAX_SHORT + 1))],
    [("a-ten.x", "1")], [("a-ghep.x", "1")], [("a-thu-tu.x", "1")], [("a-thu-tu", "1")],
])
def test_what_no_control_sends_is_a_form_problem(pairs):
    with pytest.raises(FormProblem):
        read_answers(form(*pairs), VIEWS)


NAMES = st.sampled_from(["a-giay-to", "a-dung-sai", "a-ten", "a-ghep", "a-thu-tu", "a-tu-luan", "attempt", "x",
                         *[f"a-ghep.{p.key}" for p in VIEW["ghep"].prompts],
                         *[f"a-thu-tu.{s.key}" for s in VIEW["thu-tu"].steps]]) | st.text(max_size=20)
VALUES = st.sampled_from(["", "1", "2", "3", "9", "true", "false", "²",
                          *[item.key for view in VIEWS for item in (*view.choices, *view.options, *view.steps)]]) \
    | st.text(max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAMES, VALUES), max_size=12))
def test_any_form_is_read_or_refused_as_a_form_problem(pairs):
    try:
        responses = read_answers(MultiDict(pairs), VIEWS)
    except FormProblem:
        return
    for question in QUESTIONS:
        if question.id in responses:
            grade_question(question, responses[question.id])
