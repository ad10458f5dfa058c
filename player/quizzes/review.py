"""A submitted question as the learner sees it afterwards: what they answered, right or wrong, the feedback
for what they chose, the explanation, and, when their answer was not right, the right answer beside it
(unless the author marked the question `hiện đáp án: không`). Only for questions already submitted: this
reveals the key."""

from dataclasses import dataclass

from courses.quiz import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    item_keys,
    matching_options,
)
from player.quizzes.grading import PARTIAL, WRONG, feedback
from player.quizzes.interactions import parse_response
from player.quizzes.recorded import RecordedAnswer


@dataclass(frozen=True)
class Given:
    """What the learner answered, ready to show. kind: `none`, `text` (typed; never HTML), `items` (HTML
    texts of the chosen choices, or the steps in the learner's order), `pairs` (prompt HTML, option text)
    or `truefalse` (value)."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    value: bool = False


@dataclass(frozen=True)
class Review:
    """One submitted question with its verdict (right, partial, wrong or ungraded)."""

    question: Question
    status: str
    given: Given
    feedback: tuple[str, ...]  # HTML
    explanation: str  # HTML
    right: Given | None = None  # the right answer, shown when the learner's was not right


def review(question: Question, answer: RecordedAnswer) -> Review:
    """The review of a recorded answer: the verdict recorded at submit, and the feedback for what was given."""
    response = parse_response(question, answer.response)
    shown = question.reveal and answer.status in (PARTIAL, WRONG)
    return Review(question, answer.status, given(question, response), feedback(question, response),
                  question.explanation, right_answer(question) if shown else None)


def right_answer(question: Question) -> Given | None:
    """The right answer in the question's own texts (None for a question that has none to show)."""
    if isinstance(question, SingleChoice):
        best = max(choice.weight for choice in question.choices)
        return Given("items", items=tuple(c.text for c in question.choices if c.weight == best))
    if isinstance(question, MultipleChoice):
        return Given("items", items=tuple(c.text for c in question.choices if c.weight > 0))
    if isinstance(question, Ordering):
        return Given("items", items=tuple(question.steps))
    if isinstance(question, Matching):
        return Given("pairs", pairs=tuple((pair.left, pair.right) for pair in question.pairs if pair.left))
    if isinstance(question, TrueFalse):
        return Given("truefalse", value=question.correct)
    if isinstance(question, ShortAnswer):
        found = [answer.text for answer in question.answers if answer.weight >= 100]
        return Given("text", text=found[0]) if found else None
    if isinstance(question, Numeric):
        found = [answer for answer in question.answers if answer.weight >= 100 and answer.low is not None]
        if not found:
            return None
        low, high = found[0].low, found[0].high
        return Given("text", text=f"{low:g}" if low == high else f"{low:g} – {high:g}")
    return None


def given(question: Question, response) -> Given:
    """A grading response described in the question's own texts."""
    if response is None:
        return Given("none")
    if isinstance(question, (SingleChoice, MultipleChoice)):
        texts = _texts(question.id, "choice", [choice.text for choice in question.choices])
        chosen = [response] if isinstance(response, str) else list(response)
        return Given("items", items=tuple(texts[key] for key in chosen if key in texts))
    if isinstance(question, Ordering):
        texts = _texts(question.id, "step", question.steps)
        return Given("items", items=tuple(texts[key] for key in response if key in texts))
    if isinstance(question, Matching):
        prompts = _texts(question.id, "prompt", [pair.left for pair in question.pairs if pair.left])
        options = _texts(question.id, "option", list(matching_options(question)))
        return Given("pairs", pairs=tuple((prompts[prompt], options[response[prompt]]) for prompt in prompts
                                          if response.get(prompt) in options))
    if isinstance(question, TrueFalse):
        return Given("truefalse", value=response == "true")
    return Given("text", text=str(response))


def _texts(question_id: str, role: str, texts: list[str]) -> dict[str, str]:
    return dict(zip(item_keys(question_id, role, texts), texts))
