"""The native and GIFT parsers on their own: type inference, weights, ids, fences, and fuzzing."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.lesson_quiz import compile_lesson_quiz
from builder.quiz_fences import find_fences
from builder.quiz_gift import parse_gift
from builder.quiz_native import parse_native
from builder.quiz_source import QuizSyntaxError, derive_question_id
from courses.quiz import MultipleChoice, Numeric, ShortAnswer, SingleChoice, TrueFalse


def keep(text: str, fmt: str, line: int) -> str:
    return text


def native(source: str, first_line: int = 1):
    return parse_native(source.split("\n"), first_line, keep)


def native_problems(source: str) -> list[tuple[int, str]]:
    with pytest.raises(QuizSyntaxError) as failure:
        native(source, 10)
    return list(failure.value.problems)


def test_the_agreed_example_is_a_single_choice_with_feedback_and_explanation():
    item = native("id: dang-nhap-vneid\nTừ ngày 1/7/2024, đăng nhập bằng gì?\n+ VNeID\n  > Đúng.\n- Email\n"
                  "  > Email chỉ để nhận thông báo.\n- Số điện thoại\nGiải thích: Từ 1/7/2024 dùng VNeID.", 20)
    q = item.question
    assert isinstance(q, SingleChoice) and (item.given_id, item.id_line, item.line) == ("dang-nhap-vneid", 20, 21)
    assert [(c.text, c.weight, c.feedback) for c in q.choices] == [
        ("VNeID", 100, "Đúng."), ("Email", 0, "Email chỉ để nhận thông báo."), ("Số điện thoại", 0, "")]
    assert q.explanation == "Từ 1/7/2024 dùng VNeID."


@pytest.mark.parametrize("lines, weights", [
    (["+ a", "+ b", "- c"], [50, 50, -50]),
    (["+ a", "+ b", "+ c", "- d"], [33.3333, 33.3333, 33.3333, -33.3333]),
    (["+50% a", "+ b", "-25% c", "- d"], [50, 50, -25, -50]),
    (["+60% a", "+40% b", "- c"], [60, 40, -50]),
])
def test_multiple_choice_weights(lines, weights):
    q = native("\n".join(["Chọn", *lines])).question
    assert isinstance(q, MultipleChoice) and [c.weight for c in q.choices] == weights


def test_headers_in_vietnamese_with_or_without_diacritics_or_english():
    for header in ("loại: nhiều lựa chọn", "loai: nhieu lua chon", "Type: multiple", "LOẠI: Nhiều Lựa Chọn"):
        assert isinstance(native(f"{header}\nCâu?\n+ a\n- b").question, MultipleChoice)
    q = native("Điểm: 2,5\nhoa thường: không\nkhong dau: co\nCâu?\n= Hà Nội").question
    assert isinstance(q, ShortAnswer) and (q.points, q.ignore_case, q.ignore_diacritics) == (2.5, False, True)


def test_numbers_make_a_numeric_question_unless_told_otherwise():
    q = native("Bao nhiêu?\n= 3,5 ± 0,1\n= 3.5 +- 0.2\n= -1..1\n= 7").question
    assert isinstance(q, Numeric)
    assert [(a.low, a.high) for a in q.answers] == [(3.4, 3.6), (3.3, 3.7), (-1, 1), (7, 7)]
    assert isinstance(native("loại: trả lời ngắn\nMã?\n= 115").question, ShortAnswer)
    assert isinstance(native("Mã?\n= 115\n= một một năm").question, ShortAnswer)


def test_true_false_in_either_language_with_feedback_for_each_answer():
    q = native("Câu?\nĐúng\n  > giỏi\nsai\n  > chưa đúng").question
    assert isinstance(q, TrueFalse) and (q.correct, q.feedback_true, q.feedback_false) == (True, "giỏi", "chưa đúng")
    assert native("Câu?\nfalse").question.correct is False


def test_a_first_line_that_only_looks_like_a_header_is_the_question():
    assert native("Hỏi: bạn dùng gì?\n+ VNeID\n- Email").question.text == "Hỏi: bạn dùng gì?"


def test_question_text_may_span_paragraphs_and_the_explanation_lines():
    q = native("Đọc:\n\n> Trích dẫn\n\nrồi chọn.\n+ a\n- b\nGiải thích: dòng một\ndòng hai").question
    assert q.text == "Đọc:\n\n> Trích dẫn\n\nrồi chọn." and q.explanation == "dòng một\ndòng hai"


@pytest.mark.parametrize("source, expected", [
    ("Câu?\n+ a\n+50% b\n- c\n= d",
     (14, "this block mixes choices (+/-) with accepted answers (=): one question per block")),
    ("loại: sắp xếp\nCâu?\n+ a\n- b", (12, "'choices (+/-)' lines do not fit the question type 'sắp xếp'")),
    ("loại: trắc nghiệm\nCâu?\n+ a\n- b", (10, "unknown question type 'trắc nghiệm' (known: một lựa chọn, nhiều lựa "
                                              "chọn, đúng sai, trả lời ngắn, số, ghép cặp, sắp xếp, tự luận, mô tả)")),
    ("điểm: không\nCâu?\n+ a\n- b", (10, "points 'không' must be a number greater than 0")),
    ("điểm: 1e308\nCâu?\n+ a\n- b", (10, "points '1e308' must be at most 1000")),  # a sum would overflow
    ("id: a\nid: b\nCâu?\n+ a\n- b", (11, "header 'id:' is given twice")),
    ("không dấu: có\nCâu?\n+ a\n- b", (10, "header 'ignore-diacritics' applies to short answers only")),
    ("Sắp xếp\n1. a\n3. b", (12, "step 3 should be numbered 2: number the steps 1, 2, 3, … in the right order")),
    ("Ghép\na -> 1\n  > phản hồi\nb -> 2", (12, "a matching pair cannot have its own feedback: use 'Giải thích:' for "
                                               "the whole question")),
    ("Câu?\nđúng\nđúng", (12, "write đúng or sai once for the right answer (and, for its feedback, the other one "
                              "once on a line after it)")),
    ("Câu?", (10, "no answers: add choices (+ right, - wrong), accepted answers (=), pairs (->), steps (1. 2.) "
                  "or đúng/sai")),
    ("id: x\n", (11, "the question has no text")),
    ("tyep: single\nCâu?\n+ a\n- b", (10, "unknown header 'tyep:' (did you mean 'type:'? known: id, loại/type, "
                                           "điểm/points, không dấu/ignore-diacritics, hoa thường/ignore-case, hiện đáp án/reveal)")),
])
def test_native_problems_name_their_line(source, expected):
    assert expected in native_problems(source)


def test_derived_ids_come_from_the_question_alone():
    assert derive_question_id("Đâu là <b>mã OTP</b> &amp; mật khẩu?") == "dau-la-ma-otp-mat-khau"
    assert derive_question_id("Từ ngày 1/7/2024, người dân đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản nào?") \
        == "tu-ngay-1-7-2024-nguoi-dan-dang-nhap-cong-dich"
    assert len(derive_question_id("x" * 100)) == 48
    assert derive_question_id("¿?…") is None


def test_gift_problems_name_their_line():
    source = ("// đầu tệp\nCâu một{=a ~b}\n\nCâu hai {T\n\nCâu ba}\n\n::Tên\n{T}\n\nCâu bốn{=a -> b =c}\n\n"
              "Câu năm{#1..x}")
    with pytest.raises(QuizSyntaxError) as failure:
        parse_gift(source, 100, keep)
    assert list(failure.value.problems) == [
        (103, "'{' is not closed: end the answers with '}' (write \\{ for a brace in the text)"),
        (105, "'}' without '{' (write \\} for a brace in the text)"),
        (107, "the question title is not closed: end it with '::' (or write \\: for a colon)"),
        (110, "a matching pair needs '->' between its two sides"),
        (112, "'x' is not a number: write e.g. 1822, 3.14:0.01 or 1..5"),
    ]


def test_gift_categories_follow_the_questions():
    result = parse_gift("$CATEGORY: a/b\n\nCâu{T}\n\n$CATEGORY: c\n\n// [id:x] [tag:t]\nCâu{F}", 1, keep)
    assert result.categories == ((1, "a/b"), (5, "c"))
    assert [(i.category, i.given_id, i.tags, i.id_line) for i in result.questions] == [
        ("a/b", None, (), 3), ("c", "x", ("t",), 7)]


def test_fences_skip_other_code_blocks_and_flag_misspelt_quiz_blocks():
    lines = ["````markdown", "```quiz", "ví dụ", "```", "````", "```quiz", "Câu?", "```", "~~~ gift", "Câu{T}",
             "~~~~", "```Quiz", "x", "```", "```qiuz", "y", "```", "    ```quiz", "   ```gift", "z"]
    fences, problems = find_fences(lines)
    assert [(f.kind, f.start, f.end) for f in fences] == [("quiz", 5, 7), ("gift", 8, 10), ("quiz", 11, 13),
                                                          ("gift", 18, 20)]
    assert problems == [(14, "unknown block type 'qiuz': write ```quiz for a question or ```gift for GIFT questions"),
                        (17, "a quiz or gift block cannot be indented (inside a list or a note box): start its fence "
                             "at the beginning of the line"),
                        (18, "this ```gift block is not closed: add a line ``` after it")]


NATIVE_LINES = st.lists(st.one_of(
    st.sampled_from(["id: cau-1", "id: Câu", "loại: nhiều lựa chọn", "loai: so", "type: ordering", "điểm: 2",
                     "diem: -1", "không dấu: có", "hoa thường: maybe", "tyep: x", "Câu hỏi?", "+ Đúng", "- Sai",
                     "+50% nửa", "-25% trừ", "+", "= 3,5 ± 0,1", "= 1..5", "= chữ ký số", "=", "a -> b", "-> c",
                     "1. bước", "2. bước", "7) bước", "đúng", "sai", "  > phản hồi", ">", "Giải thích: vì",
                     "– gạch", "", "   ", "\u00a0+ nbsp"]),
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=12)),
    max_size=12)


@settings(max_examples=400, deadline=None)
@given(NATIVE_LINES, st.integers(min_value=1, max_value=500))
def test_native_parser_parses_or_raises_its_own_error_with_a_line(lines, first_line):
    try:
        item = parse_native(lines, first_line, keep)
    except QuizSyntaxError as error:
        assert error.problems and all(first_line <= line <= first_line + max(len(lines) - 1, 0)
                                      for line, _ in error.problems), error.problems
    else:
        assert first_line <= item.line < first_line + len(lines)


GIFT_TEXT = st.lists(st.one_of(
    st.sampled_from(["{", "}", "~", "=", "#", "####", "::", ":", "->", "%50%", "%-100%", "%x%", "\\", "\\{", "\\:",
                     "\\n", "//", "// [id:a] [tag:b]", "$CATEGORY: x", "[html]", "[markdown]", "T", "FALSE", "1..5",
                     "3:0.5", "*", "\n", "\n\n", " ", "\ue03a"]),
    st.text(max_size=6)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(GIFT_TEXT, st.integers(min_value=1, max_value=500))
def test_gift_parser_parses_or_raises_its_own_error_with_a_line(text, first_line):
    try:
        parse_gift(text, first_line, keep)
    except QuizSyntaxError as error:
        last = first_line + text.count("\n")
        assert error.problems and all(first_line <= line <= last for line, _ in error.problems), error.problems


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["```quiz", "```gift", "```", "````", "~~~", "```quizz", "````markdown"]),
                          NATIVE_LINES.map("\n".join), GIFT_TEXT), max_size=8).map("\n".join),
       st.sampled_from(["md", "gift"]))
def test_a_lesson_with_any_quiz_blocks_compiles_or_reports_lines(body, kind):
    quiz = compile_lesson_quiz(body, 5, kind, keep)
    last = 5 + body.count("\n")
    assert all(5 <= line <= last for line, _ in quiz.problems), quiz.problems
    assert all(5 <= line <= last for line, _ in quiz.questions)
    assert quiz.masked_body.count("\n") == body.count("\n")
