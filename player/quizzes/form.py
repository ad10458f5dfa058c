"""A submitted quiz form read into grading responses (see player.quizzes.grading), strictly: a field that no
page of the player sends (an unknown question or item, a second value, an over-long text) is refused.

Field names: `a-<question id>` for a choice, true/false or typed answer (several values for a multiple
choice); `a-<question id>.<prompt key>` for a matching prompt (value: an option key, or empty);
`a-<question id>.<step key>` for an ordering step (value: its position, 1 … number of steps).
"""

import re
import unicodedata

from werkzeug.datastructures import MultiDict

from player.quizzes.public import PublicQuestion

ANSWER_PREFIX = "a-"
OWN_FIELDS = ("csrf_token", "attempt", "check")  # check: the question whose Check button was pressed
MAX_SHORT = 500  # characters of a short or numeric answer
MAX_ESSAY = 10_000
POSITION = re.compile(r"[0-9]{1,3}")


class FormProblem(Exception):
    """The form cannot have come from the quiz page as shown; the message says what was wrong (English,
    for the log; the learner sees a translated page)."""


def field_name(question_id: str, item_key: str = "") -> str:
    return f"{ANSWER_PREFIX}{question_id}" + (f".{item_key}" if item_key else "")


def max_length(question: PublicQuestion) -> int:
    return MAX_ESSAY if question.type == "essay" else MAX_SHORT


def read_answers(form: MultiDict, questions: list[PublicQuestion]) -> dict:
    """Question id -> response for every answered question of `questions` (as shown in this attempt)."""
    shown = {question.id: question for question in questions}
    fields: dict[str, list[tuple[str, list[str]]]] = {}
    for name in form.keys():
        if name in OWN_FIELDS:
            continue
        if not name.startswith(ANSWER_PREFIX):
            raise FormProblem(f"unknown field {name[:80]!r}")
        question_id, _, item = name[len(ANSWER_PREFIX):].partition(".")
        if question_id not in shown:
            raise FormProblem(f"no question {question_id[:80]!r} in this attempt")
        fields.setdefault(question_id, []).append((item, form.getlist(name)))
    responses = {}
    for question_id, given in fields.items():
        response = _READERS.get(shown[question_id].type, _nothing)(shown[question_id], given)
        if response is not None:
            responses[question_id] = response
    return responses


def _one(question: PublicQuestion, given: list[tuple[str, list[str]]]) -> str:
    """The single value of a question answered by one field."""
    if len(given) != 1 or given[0][0] or len(given[0][1]) != 1:
        raise FormProblem(f"{question.id}: expected one value")
    return given[0][1][0]


def _choice(question: PublicQuestion, given) -> str:
    value = _one(question, given)
    if value not in {choice.key for choice in question.choices}:
        raise FormProblem(f"{question.id}: unknown choice")
    return value


def _choices(question: PublicQuestion, given) -> list[str] | None:
    if len(given) != 1 or given[0][0]:
        raise FormProblem(f"{question.id}: unexpected field")
    values = given[0][1]
    if len(set(values)) != len(values) or not set(values) <= {choice.key for choice in question.choices}:
        raise FormProblem(f"{question.id}: unknown or repeated choice")
    return values or None


def _truefalse(question: PublicQuestion, given) -> str:
    value = _one(question, given)
    if value not in ("true", "false"):
        raise FormProblem(f"{question.id}: neither true nor false")
    return value


def _typed(question: PublicQuestion, given) -> str | None:
    value = _one(question, given)
    if len(value) > max_length(question):
        raise FormProblem(f"{question.id}: answer longer than {max_length(question)} characters")
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def _matching(question: PublicQuestion, given) -> dict | None:
    prompts, options = {p.key for p in question.prompts}, {o.key for o in question.options}
    answers = {}
    for prompt, values in given:
        if prompt not in prompts or prompt in answers or len(values) != 1 or values[0] not in options | {""}:
            raise FormProblem(f"{question.id}: unknown prompt or option")
        answers[prompt] = values[0]
    return {prompt: option for prompt, option in answers.items() if option} or None


def _ordering(question: PublicQuestion, given) -> list[str]:
    steps = [step.key for step in question.steps]
    positions = {}
    for step, values in given:
        if step not in steps or step in positions or len(values) != 1 or not POSITION.fullmatch(values[0]):
            raise FormProblem(f"{question.id}: unknown step or position")
        positions[step] = int(values[0])
    if set(positions) != set(steps) or not all(1 <= p <= len(steps) for p in positions.values()):
        raise FormProblem(f"{question.id}: every step needs a position from 1 to {len(steps)}")
    order = list(positions)  # the order the page listed the steps in breaks ties between equal positions
    return sorted(order, key=lambda step: (positions[step], order.index(step)))


def _nothing(question: PublicQuestion, given) -> None:
    raise FormProblem(f"{question.id}: nothing to answer")


_READERS = {"single": _choice, "multiple": _choices, "truefalse": _truefalse, "short": _typed,
            "numeric": _typed, "essay": _typed, "matching": _matching, "ordering": _ordering}
