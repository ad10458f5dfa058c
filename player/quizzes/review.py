"""A submitted question as the learner sees it afterwards: what they answered, right or wrong, the feedback
for what they chose and the explanation. Only for questions already submitted: this reveals the key."""

from dataclasses import dataclass

from courses.quiz import (
    Matching,
    MultipleChoice,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
    item_keys,
    matching_options,
)
from player.quizzes.grading import feedback
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


def review(question: Question, answer: RecordedAnswer) -> Review:
    """The review of a recorded answer: the verdict recorded at submit, and the feedback for what was given."""
    response = parse_response(question, answer.response)
    return Review(question, answer.status, given(question, response), feedback(question, response),
                  question.explanation)


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
