"""Grading quiz responses on the player's server, and the author's feedback for a response: pure functions
that never raise on a learner's input. A response is graded once, when it is submitted; the results page
shows the recorded verdict and looks up only the feedback (`feedback`).

Responses name items by the opaque keys of `courses.quiz.item_keys` (the keys the public view showed):
single choice a key; multiple choice a list of keys; true/false a bool (or "true"/"false"); short answer
and numeric the text typed; matching a dict of prompt key -> option key; ordering the list of step keys in
the learner's order; essay the text written. Anything else counts as a wrong answer.
"""

import re
import unicodedata
from dataclasses import dataclass
from random import Random

from courses.quiz import (
    Description,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    Quiz,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    item_keys,
    matching_options,
)

RIGHT, PARTIAL, WRONG, UNGRADED = "right", "partial", "wrong", "ungraded"
_NUMBER = re.compile(r"^[+-]?(?=[\d.,]*\d)[\d.,]+$")


@dataclass(frozen=True)
class QuestionResult:
    """One graded question: right/partial/wrong (or ungraded) and its score."""

    question_id: str
    status: str
    score: float | None  # fraction of the question's points, 0 … 1; None when not graded
    points: float


@dataclass(frozen=True)
class AttemptResult:
    """A graded attempt: every asked question's result, the score in percent and pass/fail."""

    results: tuple[QuestionResult, ...]
    score_percent: float | None  # None when nothing in the attempt is graded automatically
    passed: bool | None


def grade_question(question: Question, response) -> QuestionResult:
    """Grade one response to one question."""
    grader = _GRADERS.get(question.type)
    if grader is None or not question.graded:
        return QuestionResult(question.id, UNGRADED, None, question.points)
    try:
        score = grader(question, response)
    except (TypeError, ValueError, AttributeError):  # a response of the wrong shape
        score = 0.0
    score = max(0.0, min(1.0, round(score, 4)))
    status = RIGHT if score >= 1 else PARTIAL if score > 0 else WRONG
    return QuestionResult(question.id, status, score, question.points)


def feedback(question: Question, response) -> tuple[str, ...]:
    """The author's feedback (HTML) for the choices or the answer a response gave; nothing is graded."""
    try:
        found = _FEEDBACK.get(question.type, lambda q, r: ())(question, response)
    except (TypeError, ValueError, AttributeError):
        found = ()
    return tuple(text for text in found if text)


def grade_attempt(quiz: Quiz, question_ids, responses: dict) -> AttemptResult:
    """Grade the questions asked in an attempt (by id, in the order asked); unanswered ones are wrong."""
    results = []
    for question_id in question_ids:
        question = quiz.question(question_id)
        if question is None:
            raise KeyError(f"no question {question_id!r} in this quiz")
        if not isinstance(question, Description):
            results.append(grade_question(question, responses.get(question_id)))
    graded = [result for result in results if result.score is not None]
    total = sum(result.points for result in graded)
    if not total:
        return AttemptResult(tuple(results), None, None)
    percent = round(100 * sum(result.points * result.score for result in graded) / total, 2)
    return AttemptResult(tuple(results), percent, percent >= quiz.settings.pass_percent)


def draw_questions(quiz: Quiz, rng: Random) -> tuple[Question, ...]:
    """The questions of one attempt: `draw` picked at random, shuffled when the quiz says so.

    Descriptions are never drawn away; in a shuffled quiz they come first, in their source order.
    """
    pool = [q for q in quiz.questions if not isinstance(q, Description)]
    draw = quiz.settings.draw
    chosen = pool if draw is None else rng.sample(pool, min(draw, len(pool)))
    chosen_ids = {q.id for q in chosen}
    if quiz.settings.shuffle:
        picked = [q for q in pool if q.id in chosen_ids]
        rng.shuffle(picked)
        return tuple(q for q in quiz.questions if isinstance(q, Description)) + tuple(picked)
    return tuple(q for q in quiz.questions if isinstance(q, Description) or q.id in chosen_ids)


def normalise_answer(text: str, ignore_case: bool = True, ignore_diacritics: bool = False) -> str:
    """Text as compared: NFC, spaces collapsed; optionally without case, without diacritics (đ → d)."""
    text = unicodedata.normalize("NFC", text)
    if ignore_diacritics:
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        text = unicodedata.normalize("NFC", text.replace("đ", "d").replace("Đ", "D"))
    if ignore_case:
        text = text.casefold()
    return " ".join(text.split())


def parse_number(text: str) -> float | None:
    """A number as a learner types it: `3,5` or `3.5`; `1.500.000` or `1 500 000`; None if not a number.

    With both separators the last one is the decimal mark; a separator used more than once groups thousands.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return None
    if not isinstance(text, str):
        return float(text)
    value = "".join(text.split())
    if not _NUMBER.match(value):
        return None
    sign, digits = (value[0], value[1:]) if value[0] in "+-" else ("", value)
    if "." in digits and "," in digits:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        digits = digits.replace("," if decimal == "." else ".", "").replace(decimal, ".")
    else:
        for mark in ".,":
            digits = digits.replace(mark, "") if digits.count(mark) > 1 else digits.replace(mark, ".")
    try:
        return float(sign + digits)
    except ValueError:
        return None


def answer_matches(pattern: str, response: str, ignore_case: bool, ignore_diacritics: bool) -> bool:
    """True when a learner's text matches an accepted answer; `*` matches any text, `\\*` a star."""
    pattern = normalise_answer(pattern, ignore_case, ignore_diacritics)
    response = normalise_answer(response, ignore_case, ignore_diacritics)
    if "*" not in pattern:
        return pattern == response
    parts, index = [], 0
    while index < len(pattern):
        if pattern.startswith("\\*", index):
            parts.append(re.escape("*"))
            index += 2
            continue
        parts.append(".*" if pattern[index] == "*" else re.escape(pattern[index]))
        index += 1
    return re.fullmatch("".join(parts), response, re.DOTALL) is not None


def _chosen(q: SingleChoice | MultipleChoice, response) -> list:
    """The choices a response names (one key for a single choice, a list of keys for several)."""
    selected = {response} if isinstance(response, str) else set(response or ())
    keys = item_keys(q.id, "choice", [c.text for c in q.choices])
    return [choice for key, choice in zip(keys, q.choices) if key in selected]


def _single(q: SingleChoice, response) -> float:
    chosen = _chosen(q, response) if isinstance(response, str) else []
    return chosen[0].weight / 100 if chosen else 0.0


def _multiple(q: MultipleChoice, response) -> float:
    return sum(c.weight for c in _chosen(q, response)) / 100


def _truth(response) -> bool | None:
    return {"true": True, "false": False}.get(response.lower()) if isinstance(response, str) else response


def _truefalse(q: TrueFalse, response) -> float:
    answer = _truth(response)
    return float(answer == q.correct) if isinstance(answer, bool) else 0.0


def _accepted(q: ShortAnswer | Numeric, response):
    """The first accepted answer a typed response matches, or None."""
    if isinstance(q, ShortAnswer):
        if not isinstance(response, str) or not response.strip():
            return None
        return next((answer for answer in q.answers
                     if answer_matches(answer.text, response, q.ignore_case, q.ignore_diacritics)), None)
    number = parse_number(response)
    if number is None:
        return None
    for answer in q.answers:
        if answer.low is None:
            return answer
        slack = 1e-9 * max(1.0, abs(answer.low), abs(answer.high))
        if answer.low - slack <= number <= answer.high + slack:
            return answer
    return None


def _typed(q: ShortAnswer | Numeric, response) -> float:
    accepted = _accepted(q, response)
    return accepted.weight / 100 if accepted else 0.0


def _matching(q: Matching, response) -> float:
    prompts = [pair for pair in q.pairs if pair.left]
    prompt_keys = item_keys(q.id, "prompt", [pair.left for pair in prompts])
    options = matching_options(q)
    option_of = dict(zip(options, item_keys(q.id, "option", options)))
    answers = response if isinstance(response, dict) else {}
    right = sum(1 for key, pair in zip(prompt_keys, prompts) if answers.get(key) == option_of[pair.right])
    return right / len(prompts)


def _ordering(q: Ordering, response) -> float:
    keys = item_keys(q.id, "step", q.steps)
    given = list(response) if isinstance(response, (list, tuple)) else []
    return sum(1 for a, b in zip(given, keys) if a == b) / len(keys)


def _single_feedback(q: SingleChoice, response) -> tuple[str, ...]:
    return tuple(c.feedback for c in _chosen(q, response)) if isinstance(response, str) else ()


def _truefalse_feedback(q: TrueFalse, response) -> tuple[str, ...]:
    answer = _truth(response)
    return (q.feedback_true if answer else q.feedback_false,) if isinstance(answer, bool) else ()


def _typed_feedback(q: ShortAnswer | Numeric, response) -> tuple[str, ...]:
    accepted = _accepted(q, response)
    return (accepted.feedback,) if accepted else ()


_GRADERS = {"single": _single, "multiple": _multiple, "truefalse": _truefalse, "short": _typed,
            "numeric": _typed, "matching": _matching, "ordering": _ordering}
_FEEDBACK = {"single": _single_feedback, "multiple": lambda q, r: tuple(c.feedback for c in _chosen(q, r)),
             "truefalse": _truefalse_feedback, "short": _typed_feedback, "numeric": _typed_feedback}
