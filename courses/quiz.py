"""Quizzes: the question model shared by builder and player, its JSON member, and a strict reader.

Texts shown to a learner (question, choices, feedback, explanation, matching prompts, ordering steps) are
HTML fragments made by the builder. Accepted short answers and matching options are plain text. Weights are
percentages of the question's points: a choice worth 50 gives half the points, one worth -25 takes a
quarter away; a question's score never goes below 0 or above its points.
"""

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from courses.errors import BundleError
from courses.manifest import _Checker as Checker
from courses.manifest import refuse_lone_surrogates
from courses.members import quiz_member
from courses.messages import N_, Message
from courses.model import is_valid_id

MAX_QUIZ_BYTES = 16 * 1024 * 1024
SOURCES = ("native", "gift")
WEIGHT_TOLERANCE = 0.01  # percent; 3 x 33.3333 is 100 %
MAX_POINTS = 1000  # per question


@dataclass(frozen=True)
class QuizSettings:
    """A lesson quiz's rules: pass mark, shuffling, how many questions to draw, attempts allowed.

    `assessment` is true when the author made the lesson a test by giving it quiz settings: then the
    learner must pass it and every setting applies. Otherwise its questions are self-checks inside a
    reading lesson: asked in place, in source order, as often as the learner likes.
    """

    pass_percent: float = 70
    shuffle: bool = True
    draw: int | None = None  # None: ask every question
    attempts: int | None = None  # None: unlimited
    assessment: bool = False


@dataclass(frozen=True)
class Choice:
    """One choice of a single- or multiple-choice question."""

    text: str
    weight: float  # percent, -100 … 100
    feedback: str = ""


@dataclass(frozen=True)
class TextAnswer:
    """An accepted short answer; `*` in it matches any text (as in Moodle), `\\*` a star."""

    text: str
    weight: float = 100
    feedback: str = ""


@dataclass(frozen=True)
class NumberAnswer:
    """An accepted numeric range, low … high inclusive; both None: any number (a catch-all)."""

    low: float | None
    high: float | None
    weight: float = 100
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    """A matching pair; an empty left side is an extra option that matches nothing."""

    left: str  # HTML
    right: str  # plain text


@dataclass(frozen=True, kw_only=True)
class Question:
    """What every question has: a stable id, its text, its points and a general explanation."""

    type: ClassVar[str] = ""
    graded: ClassVar[bool] = True

    id: str
    text: str
    points: float = 1
    explanation: str = ""
    title: str = ""  # GIFT's ::title::, kept for trainers; never shown as the question
    source: str = "native"  # the syntax it was written in: native or gift
    reveal: bool = True  # False: the author asked never to show learners the right answer


@dataclass(frozen=True, kw_only=True)
class SingleChoice(Question):
    type: ClassVar[str] = "single"
    choices: tuple[Choice, ...]


@dataclass(frozen=True, kw_only=True)
class MultipleChoice(Question):
    type: ClassVar[str] = "multiple"
    choices: tuple[Choice, ...]


@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    type: ClassVar[str] = "truefalse"
    correct: bool
    feedback_true: str = ""  # shown to a learner who answered "true"
    feedback_false: str = ""


@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    type: ClassVar[str] = "short"
    answers: tuple[TextAnswer, ...]
    ignore_case: bool = True
    ignore_diacritics: bool = False


@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    type: ClassVar[str] = "numeric"
    answers: tuple[NumberAnswer, ...]


@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    type: ClassVar[str] = "matching"
    pairs: tuple[Pair, ...]


@dataclass(frozen=True, kw_only=True)
class Ordering(Question):
    type: ClassVar[str] = "ordering"
    steps: tuple[str, ...]  # in the right order


@dataclass(frozen=True, kw_only=True)
class Essay(Question):
    """Kept with the quiz but not graded automatically."""

    type: ClassVar[str] = "essay"
    graded: ClassVar[bool] = False


@dataclass(frozen=True, kw_only=True)
class Description(Question):
    """Text between questions; nothing to answer."""

    type: ClassVar[str] = "description"
    graded: ClassVar[bool] = False


QUESTION_CLASSES = {cls.type: cls for cls in (
    SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numeric, Matching, Ordering, Essay, Description)}


@dataclass(frozen=True)
class Quiz:
    """A lesson's quiz: its settings and its questions in source order."""

    settings: QuizSettings
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def pool_size(self) -> int:
        """How many questions `draw` may pick from: every question that is not a description."""
        return sum(1 for q in self.questions if not isinstance(q, Description))


def item_keys(question_id: str, role: str, texts) -> tuple[str, ...]:
    """Opaque, stable keys for the items of a question (choices, steps, …): they reveal neither order nor
    correctness, and stay the same while the question's id and the item's text stay the same."""
    seen: Counter = Counter()
    keys = []
    for text in texts:
        raw = f"{question_id}\0{role}\0{text}\0{seen[text]}".encode()
        seen[text] += 1
        keys.append(hashlib.sha256(raw).hexdigest()[:12])
    return tuple(keys)


def matching_options(question: Matching) -> tuple[str, ...]:
    """The distinct right-hand texts of a matching question, in source order."""
    return tuple(dict.fromkeys(pair.right for pair in question.pairs))


def points_problem(points) -> Message | None:
    """What is wrong with a question's points: they must be a number above 0 and at most MAX_POINTS (so
    that no sum of points can overflow to infinity, which an LRS refuses)."""
    if not _finite(points) or points <= 0:
        return Message(N_("must be a number greater than 0"))
    if points > MAX_POINTS:
        return Message(N_("must be at most %(limit)s"), limit=MAX_POINTS)
    return None


def question_problems(question: Question) -> list[Message]:
    """What makes a question unusable (no right answer, weights that cannot reach 100 %, …)."""
    problems = []
    points = points_problem(question.points)
    if points:
        problems.append(Message(N_("points %(problem)s"), problem=points))
    if not question.text.strip():
        problems.append(Message(N_("the question has no text")))
    check = _CHECKS.get(question.type)
    if check:
        problems.extend(check(question))
    return problems


def _check_weights(weights) -> list[Message]:
    return [Message(N_("weight %(weight)s %% is outside -100 %% … 100 %%"), weight=f"{w:g}")
            for w in weights if not _finite(w) or abs(w) > 100]


def _check_single(q: SingleChoice) -> list[Message]:
    problems = _check_weights(c.weight for c in q.choices)
    if len(q.choices) < 2:
        problems.append(Message(N_("a choice question needs at least 2 choices")))
    if not any(c.weight >= 100 - WEIGHT_TOLERANCE for c in q.choices):
        problems.append(Message(N_("no right choice: no choice is worth 100 %")))
    return problems


def _check_multiple(q: MultipleChoice) -> list[Message]:
    problems = _check_weights(c.weight for c in q.choices)
    if len(q.choices) < 2:
        problems.append(Message(N_("a choice question needs at least 2 choices")))
    right = sum(c.weight for c in q.choices if _finite(c.weight) and c.weight > 0)
    if right <= 0:
        problems.append(Message(N_("no right choice: mark the right ones with '+ ' at the start of their line "
                                   "(with percentages: give them more than 0 %, adding up to 100 %)")))
    elif abs(right - 100) > WEIGHT_TOLERANCE:
        problems.append(Message(N_("the right choices add up to %(sum)s %%; they must add up to 100 %%"),
                                sum=f"{right:g}"))
    return problems


def _check_short(q: ShortAnswer) -> list[Message]:
    problems = _check_weights(a.weight for a in q.answers)
    if any(not a.text.strip() for a in q.answers):
        problems.append(Message(N_("an accepted answer is empty")))
    if not any(a.weight >= 100 - WEIGHT_TOLERANCE for a in q.answers):
        problems.append(Message(N_("no correct answer: no accepted answer is worth 100 %")))
    return problems


def _check_numeric(q: Numeric) -> list[Message]:
    problems = _check_weights(a.weight for a in q.answers)
    for a in q.answers:
        if (a.low is None) != (a.high is None) or not all(_finite(v) for v in (a.low, a.high) if v is not None):
            problems.append(Message(N_("a numeric answer needs two finite bounds (or none, for any number)")))
        elif a.low is not None and a.low > a.high:
            problems.append(Message(N_("the range %(low)s..%(high)s is empty: write the smaller number first"),
                                    low=f"{a.low:g}", high=f"{a.high:g}"))
    if not any(a.weight >= 100 - WEIGHT_TOLERANCE and a.low is not None for a in q.answers):
        problems.append(Message(N_("no correct answer: no numeric answer is worth 100 %")))
    return problems


def _check_matching(q: Matching) -> list[Message]:
    problems = []
    if sum(1 for p in q.pairs if p.left.strip()) < 2:
        problems.append(Message(N_("a matching question needs at least 2 pairs")))
    if any(not p.right.strip() for p in q.pairs):
        problems.append(Message(N_("a matching pair has nothing on its right-hand side")))
    return problems


def _check_ordering(q: Ordering) -> list[Message]:
    problems = []
    if len(q.steps) < 2:
        problems.append(Message(N_("an ordering question needs at least 2 steps")))
    if any(not step.strip() for step in q.steps):
        problems.append(Message(N_("an ordering step is empty")))
    return problems


_CHECKS = {"single": _check_single, "multiple": _check_multiple, "short": _check_short,
           "numeric": _check_numeric, "matching": _check_matching, "ordering": _check_ordering}


# --- JSON -----------------------------------------------------------------------------------------------

def quiz_to_bytes(quiz: Quiz) -> bytes:
    """Canonical UTF-8 JSON for the quiz member: sorted keys, fixed indentation."""
    settings = quiz.settings
    data = {
        "settings": {"assessment": settings.assessment, "pass": _number(settings.pass_percent),
                     "shuffle": settings.shuffle, "draw": settings.draw, "attempts": settings.attempts},
        "questions": [question_to_dict(q) for q in quiz.questions],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def question_to_dict(q: Question) -> dict:
    """A question as JSON-ready data (the inverse of question_from_dict)."""
    data = {"type": q.type, "id": q.id, "text": q.text, "points": _number(q.points),
            "explanation": q.explanation, "title": q.title, "source": q.source}
    if not q.reveal:  # written only when set, so quizzes without it keep their bytes
        data["reveal"] = False
    if isinstance(q, (SingleChoice, MultipleChoice)):
        data["choices"] = [{"text": c.text, "weight": _number(c.weight), "feedback": c.feedback} for c in q.choices]
    elif isinstance(q, TrueFalse):
        data.update(correct=q.correct, feedback_true=q.feedback_true, feedback_false=q.feedback_false)
    elif isinstance(q, ShortAnswer):
        data["answers"] = [{"text": a.text, "weight": _number(a.weight), "feedback": a.feedback} for a in q.answers]
        data.update(ignore_case=q.ignore_case, ignore_diacritics=q.ignore_diacritics)
    elif isinstance(q, Numeric):
        data["answers"] = [{"min": _number(a.low), "max": _number(a.high), "weight": _number(a.weight),
                            "feedback": a.feedback} for a in q.answers]
    elif isinstance(q, Matching):
        data["pairs"] = [{"left": p.left, "right": p.right} for p in q.pairs]
    elif isinstance(q, Ordering):
        data["steps"] = list(q.steps)
    return data


def load_quiz(bundle, lesson_id: str) -> Quiz | None:
    """A lesson's quiz read from an open courses.Bundle and validated, or None when it has none."""
    name = quiz_member(lesson_id)
    if not bundle.has(name):
        return None
    return quiz_from_bytes(bundle.read(name), name)


def load_quizzes(bundle) -> dict[str, Quiz]:
    """Every lesson's quiz of an open courses.Bundle, each validated (for checking a bundle before install)."""
    quizzes = {}
    for lesson in bundle.course.lessons:
        quiz = load_quiz(bundle, lesson.id)
        if quiz is not None:
            quizzes[lesson.id] = quiz
    return quizzes


def quiz_from_bytes(raw: bytes, where: str = "quiz") -> Quiz:
    """Parse and validate an untrusted quiz member; raises BundleError naming the offending field."""
    if len(raw) > MAX_QUIZ_BYTES:
        raise BundleError(f"{where}: too large ({len(raw)} bytes, limit {MAX_QUIZ_BYTES})")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise BundleError(f"{where}: not valid UTF-8 JSON: {error}") from None
    refuse_lone_surrogates(data, where)
    root = Checker(data, where)
    _only(root, ("settings", "questions"))
    questions, seen = [], set()
    for node in root.get("questions", list).items():
        question = question_from_dict(node)
        if question.id in seen:
            node.fail(f"duplicate question id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    quiz = Quiz(_settings(root.get("settings", dict)), tuple(questions))
    if quiz.settings.draw is not None and quiz.settings.draw > quiz.pool_size:
        root.fail(f"settings.draw: {quiz.settings.draw} is more than the {quiz.pool_size} questions")
    return quiz


def question_from_json(text: str, where: str = "question") -> Question:
    """One question from its JSON text (as question_to_dict made it), checked like a bundle's."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise BundleError(f"{where}: not valid JSON: {error}") from None
    refuse_lone_surrogates(data, where)
    return question_from_dict(Checker(data, where))


def question_from_dict(node: Checker) -> Question:
    """One question from checked JSON; every field is required (but `reveal`, written only when false) and no
    other field is allowed."""
    kind = node.get("type", str).value
    cls = QUESTION_CLASSES.get(kind)
    if cls is None:
        node.fail(f"unknown question type {kind!r}")
    common = ("type", "id", "text", "points", "explanation", "title", "source")
    question_id = node.get("id", str).value
    if not is_valid_id(question_id):
        node.fail(f"bad question id {question_id!r}")
    source = node.get("source", str).value
    if source not in SOURCES:
        node.fail(f"unknown source {source!r}")
    fields = dict(id=question_id, text=_text(node, "text"), points=_get_number(node, "points"),
                  explanation=_text(node, "explanation"), title=_text(node, "title"), source=source,
                  reveal=_get_flag(node, "reveal") if "reveal" in node.value else True)
    extra = _EXTRA_FIELDS[kind](node, fields)
    _only(node, common + extra, optional=("reveal",))
    question = cls(**fields)
    problems = question_problems(question)
    if problems:
        node.fail(problems[0])
    return question


def _choices_fields(node: Checker, fields: dict) -> tuple[str, ...]:
    fields["choices"] = tuple(Choice(_text(item, "text"), _get_number(item, "weight"), _text(item, "feedback"))
                              for item in _items(node, "choices", ("text", "weight", "feedback")))
    return ("choices",)


def _truefalse_fields(node: Checker, fields: dict) -> tuple[str, ...]:
    fields.update(correct=_get_flag(node, "correct"), feedback_true=_text(node, "feedback_true"),
                  feedback_false=_text(node, "feedback_false"))
    return ("correct", "feedback_true", "feedback_false")


def _short_fields(node: Checker, fields: dict) -> tuple[str, ...]:
    fields["answers"] = tuple(TextAnswer(_text(item, "text"), _get_number(item, "weight"), _text(item, "feedback"))
                              for item in _items(node, "answers", ("text", "weight", "feedback")))
    fields.update(ignore_case=_get_flag(node, "ignore_case"), ignore_diacritics=_get_flag(node, "ignore_diacritics"))
    return ("answers", "ignore_case", "ignore_diacritics")


def _numeric_fields(node: Checker, fields: dict) -> tuple[str, ...]:
    fields["answers"] = tuple(
        NumberAnswer(_get_number(item, "min", optional=True), _get_number(item, "max", optional=True),
                     _get_number(item, "weight"), _text(item, "feedback"))
        for item in _items(node, "answers", ("min", "max", "weight", "feedback")))
    return ("answers",)


def _matching_fields(node: Checker, fields: dict) -> tuple[str, ...]:
    fields["pairs"] = tuple(Pair(_text(item, "left"), _text(item, "right"))
                            for item in _items(node, "pairs", ("left", "right")))
    return ("pairs",)


def _ordering_fields(node: Checker, fields: dict) -> tuple[str, ...]:
    steps = node.get("steps", list)
    fields["steps"] = tuple(item.value for item in steps.items())
    if not all(isinstance(step, str) for step in fields["steps"]):
        steps.fail("steps must be text")
    return ("steps",)


_EXTRA_FIELDS = {
    "single": _choices_fields, "multiple": _choices_fields, "truefalse": _truefalse_fields,
    "short": _short_fields, "numeric": _numeric_fields, "matching": _matching_fields,
    "ordering": _ordering_fields, "essay": lambda node, fields: (), "description": lambda node, fields: (),
}


def _settings(node: Checker) -> QuizSettings:
    _only(node, ("assessment", "pass", "shuffle", "draw", "attempts"))
    pass_percent = _get_number(node, "pass")
    draw = node.get("draw", int, optional=True).value
    attempts = node.get("attempts", int, optional=True).value
    if not 0 <= pass_percent <= 100:
        node.fail("pass must be between 0 and 100")
    if (draw is not None and draw < 1) or (attempts is not None and attempts < 1):
        node.fail("draw and attempts must be at least 1")
    return QuizSettings(pass_percent, _get_flag(node, "shuffle"), draw, attempts, _get_flag(node, "assessment"))


def _items(node: Checker, key: str, allowed: tuple[str, ...]) -> list[Checker]:
    items = node.get(key, list).items()
    for item in items:
        _only(item, allowed)
    return items


def _text(node: Checker, key: str) -> str:
    return node.get(key, str).value


def _only(node: Checker, allowed, optional=()) -> None:
    """Every field of `allowed` is there, those of `optional` may be, and nothing else is."""
    if not isinstance(node.value, dict):
        node.fail("must be an object")
    unknown = sorted(set(node.value) - set(allowed) - set(optional))
    if unknown:
        node.fail(f"unknown field {unknown[0]!r}")
    missing = [key for key in allowed if key not in node.value]
    if missing:
        raise BundleError(f"{node.where}.{missing[0]}: missing")


def _get_number(node: Checker, key: str, optional: bool = False) -> float | None:
    value = node.get(key, (int, float), optional).value
    if value is not None and not math.isfinite(value):
        raise BundleError(f"{node.where}.{key}: not a finite number")
    return value


def _get_flag(node: Checker, key: str) -> bool:
    value = node.value.get(key) if isinstance(node.value, dict) else None
    if not isinstance(value, bool):
        raise BundleError(f"{node.where}.{key}: must be true or false")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: float | None):
    """Whole numbers as JSON integers, so 100 is written `100`, not `100.0`."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value
