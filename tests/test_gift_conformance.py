"""GIFT conformance: Moodle's own importer cases, gift-pegjs's parse trees and real files from other parsers.

The cases live in ../shared/conformance/gift/ (third-party material, never copied here; set TRAMHOC_SHARED
to use another shared folder). The terminal summary prints how many of each kind pass (see conftest.py).
"""

import json
import os
import re
from pathlib import Path

import pytest

from builder.quiz_gift import comment_metadata, decode_gift, parse_gift
from builder.quiz_source import QuizSyntaxError
from courses.quiz import (
    Description,
    Matching,
    MultipleChoice,
    Numeric,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

SHARED = Path(os.environ.get("TRAMHOC_SHARED") or Path(__file__).resolve().parents[1] / ".." / "shared")
GIFT = SHARED / "conformance" / "gift"
pytestmark = pytest.mark.skipif(not GIFT.is_dir(), reason=f"GIFT conformance material not found at {GIFT}")

# Moodle fields that describe its own quiz engine (penalties, numbering, combined feedback, essay editor
# options): our model has no counterpart, so they are not compared.
MOODLE_ENGINE_FIELDS = {"penalty", "shuffleanswers", "answernumbering", "correctfeedback",
                        "partiallycorrectfeedback", "incorrectfeedback", "responseformat", "responsefieldlines",
                        "attachments", "graderinfo"}
MOODLE_QTYPES = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                 "short": "shortanswer", "numeric": "numerical", "matching": "match", "essay": "essay",
                 "description": "description"}


def tagged(text: str, fmt: str, line: int) -> str:
    """A renderer that keeps the text and its format, so the parse can be compared with the source."""
    return f"{fmt}\0{text}"


def untag(value: str) -> dict:
    fmt, _, text = value.partition("\0")
    return {"text": text, "format": fmt, "files": []}


def parse(text: str):
    return parse_gift(text, 1, tagged)


def load_cases() -> list[dict]:
    return json.loads((GIFT / "cases.json").read_text(encoding="utf-8")) if GIFT.is_dir() else []


def case_ids(kind: str) -> list[str]:
    return [case["id"] for case in load_cases() if case["kind"] == kind]


def case(case_id: str) -> dict:
    return next(c for c in load_cases() if c["id"] == case_id)


# --- Moodle's importer tests ---------------------------------------------------------------------------

def moodle_view(item) -> dict:
    """Our parse in the shape of Moodle's question object (the fields our model has)."""
    q = item.question
    view = {"name": q.title, "qtype": MOODLE_QTYPES[q.type], "defaultmark": q.points,
            "length": 0 if isinstance(q, Description) else 1, "idnumber": item.given_id or "",
            "tags": list(item.tags)}
    text, explanation = untag(q.text), untag(q.explanation)
    view.update(questiontext=text["text"], questiontextformat=text["format"],
                generalfeedback=explanation["text"], generalfeedbackformat=explanation["format"])
    if isinstance(q, (SingleChoice, MultipleChoice)):
        view.update(single=int(isinstance(q, SingleChoice)), answer=[untag(c.text) for c in q.choices],
                    fraction=[c.weight / 100 for c in q.choices], feedback=[untag(c.feedback) for c in q.choices])
    elif isinstance(q, ShortAnswer):
        view.update(answer=[a.text for a in q.answers], fraction=[a.weight / 100 for a in q.answers],
                    feedback=[untag(a.feedback) for a in q.answers])
    elif isinstance(q, Numeric):
        view.update(answer=["*" if a.low is None else (a.low + a.high) / 2 for a in q.answers],
                    tolerance=["" if a.low is None else (a.high - a.low) / 2 for a in q.answers],
                    fraction=[a.weight / 100 for a in q.answers], feedback=[untag(a.feedback) for a in q.answers])
    elif isinstance(q, Matching):
        view.update(subquestions=[untag(p.left) for p in q.pairs], subanswers=[p.right for p in q.pairs])
    elif isinstance(q, TrueFalse):
        view.update(correctanswer=int(q.correct), feedbacktrue=untag(q.feedback_true),
                    feedbackfalse=untag(q.feedback_false))
    return view


def loosely_equal(ours, expected) -> bool:
    """PHP's loose equality, as Moodle's question_check_specified_fields_expectation uses it."""
    if isinstance(expected, dict):
        return isinstance(ours, dict) and all(loosely_equal(ours.get(k), v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(ours, list) and len(ours) == len(expected) and all(map(loosely_equal, ours, expected))
    numbers = [_number(ours), _number(expected)]
    if None not in numbers:
        return abs(numbers[0] - numbers[1]) < 1e-6
    return ours == expected


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    return None


@pytest.mark.parametrize("case_id", case_ids("import"))
def test_moodle_import_case(case_id):
    spec = case(case_id)
    [item] = parse(spec["gift"]).questions
    ours = moodle_view(item)
    compared = {key: value for key, value in spec["expected"].items() if key not in MOODLE_ENGINE_FIELDS}
    assert set(compared) <= set(ours), f"fields we cannot compare: {set(compared) - set(ours)}"
    differing = {key: (ours[key], value) for key, value in compared.items() if not loosely_equal(ours[key], value)}
    assert not differing


@pytest.mark.parametrize("case_id", case_ids("comment_metadata"))
def test_moodle_comment_metadata_case(case_id):
    spec = case(case_id)
    idnumber, tags = comment_metadata(spec["gift"])
    assert (idnumber, list(tags)) == (spec["expected"]["idnumber"], spec["expected"]["tags"])


@pytest.mark.parametrize("case_id", case_ids("file_import"))
def test_moodle_file_import_case(case_id):
    spec = case(case_id)
    expected = spec["expected"]
    if "error" in expected:
        raw = (GIFT / "moodle" / "tests" / "fixtures" / "questions_encoding_windows-1252.gift.txt").read_bytes()
        with pytest.raises(QuizSyntaxError) as failure:
            parse(decode_gift(raw))
        assert "GIFT files must use UTF-8" in str(failure.value) and failure.value.line >= 1
        return
    result = parse(spec["gift"])
    assert len(result.questions) == expected["question_count"]
    texts = {untag(item.question.text)["text"] for item in result.questions}
    moodle_messages = ("Parsing questions from import file.", f"Importing {expected['question_count']} questions")
    shown = [text for text in expected["page_shows"] if not text.startswith(moodle_messages)]
    assert all(any(text in ours for ours in texts) for text in shown)
    assert set(expected["after_continue_shows"]) <= {item.question.title for item in result.questions}


# --- gift-pegjs parse trees ----------------------------------------------------------------------------

def pegjs_files() -> list[str]:
    return sorted(path.stem for path in (GIFT / "gift-pegjs" / "questions").glob("*.gift")) if GIFT.is_dir() else []


def same_text(text: str) -> str:
    """Texts compared as a reader sees them: runs of spaces are one space, a blank has spaces around it."""
    return re.sub(r"\s*_____\s*", " _____ ", " ".join(text.split())).strip()


def rich(value) -> tuple | None:
    """A gift-pegjs {format, text} (or null) and ours in one comparable form."""
    if value is None:
        return None
    if isinstance(value, str):
        value = untag(value)
    return (value["format"], same_text(value["text"])) if value["text"].strip() else None


def pegjs_weight(choice: dict) -> float:
    return choice["weight"] if choice["weight"] is not None else 100 if choice["isCorrect"] else 0


def pegjs_number(text: dict, weight: float, feedback) -> tuple:
    if text.get("text") == "*":
        return (None, None, weight, rich(feedback))
    low, high = {"simple": lambda t: (t["number"], t["number"]),
                 "range": lambda t: (t["number"] - t["range"], t["number"] + t["range"]),
                 "high-low": lambda t: (t["numberLow"], t["numberHigh"])}[text["type"]](text)
    return (round(low, 9), round(high, 9), weight, rich(feedback))


def pegjs_view(item: dict) -> tuple:
    kind = item["type"]
    if kind == "Category":
        return ("category", item["title"])
    head = (item["title"] or "", rich(item["stem"]), item.get("id"), tuple(item.get("tags") or ()))
    general = rich(item.get("globalFeedback"))
    if kind == "Description":
        return ("description", *head)
    if kind == "Essay":
        return ("essay", *head, general)
    if kind == "TF":
        return ("truefalse", *head, general, item["isTrue"], rich(item["trueFeedback"]), rich(item["falseFeedback"]))
    if kind == "MC":
        return ("choice", *head, general, tuple((pegjs_weight(c), rich(c["text"]), rich(c["feedback"]))
                                                 for c in item["choices"]))
    if kind == "Short":
        return ("short", *head, general, tuple((pegjs_weight(c), same_text(c["text"]["text"]), rich(c["feedback"]))
                                                for c in item["choices"]))
    if kind == "Numerical":
        choices = item["choices"]
        if isinstance(choices, dict):
            answers = (pegjs_number(choices, 100, None),)
        else:
            answers = tuple(pegjs_number(c["text"], pegjs_weight(c), c["feedback"]) for c in choices)
        return ("numeric", *head, general, answers)
    if kind == "Matching":
        return ("matching", *head, general, tuple((rich(p["subquestion"]), p["subanswer"]) for p in item["matchPairs"]))
    raise AssertionError(f"unknown gift-pegjs type {kind}")


def our_view(item) -> tuple:
    q = item.question
    head = (q.title, rich(q.text), item.given_id, item.tags)
    general = rich(q.explanation)
    if isinstance(q, Description):
        return ("description", *head)
    if q.type == "essay":
        return ("essay", *head, general)
    if isinstance(q, TrueFalse):
        # gift-pegjs names the two feedbacks by position; Moodle shows the first after a wrong answer.
        first, second = (q.feedback_false, q.feedback_true) if q.correct else (q.feedback_true, q.feedback_false)
        return ("truefalse", *head, general, q.correct, rich(first), rich(second))
    if isinstance(q, (SingleChoice, MultipleChoice)):
        return ("choice", *head, general, tuple((c.weight, rich(c.text), rich(c.feedback)) for c in q.choices))
    if isinstance(q, ShortAnswer):
        return ("short", *head, general, tuple((a.weight, same_text(a.text), rich(a.feedback)) for a in q.answers))
    if isinstance(q, Numeric):
        return ("numeric", *head, general, tuple(
            (None if a.low is None else round(a.low, 9), None if a.high is None else round(a.high, 9), a.weight,
             rich(a.feedback)) for a in q.answers))
    if isinstance(q, Matching):
        return ("matching", *head, general, tuple((rich(p.left), p.right) for p in q.pairs))
    raise AssertionError(f"unexpected type {q.type}")


@pytest.mark.parametrize("name", pegjs_files())
def test_gift_pegjs_case(name):
    folder = GIFT / "gift-pegjs" / "questions"
    result = parse(decode_gift((folder / f"{name}.gift").read_bytes()))
    ours = sorted([(item.line, our_view(item)) for item in result.questions]
                  + [(line, ("category", title)) for line, title in result.categories])
    expected = [pegjs_view(item) for item in json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))]
    assert [view for _, view in ours] == expected


# --- real files from other parsers ---------------------------------------------------------------------

def other_files() -> list[str]:
    if not GIFT.is_dir():
        return []
    files = [*(GIFT / "other").rglob("*.gift"), GIFT / "moodle" / "examples.txt",
             GIFT / "moodle" / "tests" / "fixtures" / "questions.gift.txt",
             GIFT / "moodle" / "tests" / "fixtures" / "questions_in_category.gift.txt"]
    return sorted(path.relative_to(GIFT).as_posix() for path in files)


@pytest.mark.parametrize("name", other_files())
def test_other_gift_file_parses(name):
    result = parse(decode_gift((GIFT / name).read_bytes()))
    assert result.questions
