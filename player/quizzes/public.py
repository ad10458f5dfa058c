"""The public view of a question: what may reach the browser before the question is submitted.

It is built by copying texts into `PublicQuestion`, a type that has no field for weights, feedback,
accepted answers, the right order or the pairs, so nothing of the answer key can leak through it.
"""

from dataclasses import asdict, dataclass
from random import Random

from courses.quiz import Matching, MultipleChoice, Ordering, Question, SingleChoice, item_keys, matching_options


@dataclass(frozen=True)
class PublicItem:
    """A choice, step, prompt or option: the key a response names it by, and its text."""

    key: str
    text: str


@dataclass(frozen=True)
class PublicQuestion:
    """A question as shown before submitting: text and items, never which of them is right."""

    id: str
    type: str
    text: str
    points: float
    choices: tuple[PublicItem, ...] = ()  # single and multiple choice, in the order to show
    steps: tuple[PublicItem, ...] = ()  # ordering: shuffled, never in the right order when avoidable
    prompts: tuple[PublicItem, ...] = ()  # matching: the left-hand side
    options: tuple[PublicItem, ...] = ()  # matching: the right-hand side and extra options, shuffled

    def to_dict(self) -> dict:
        return asdict(self)


def public_question(question: Question, rng: Random, shuffle_choices: bool = True) -> PublicQuestion:
    """The public view of a question; rng decides the order of choices, steps and options."""
    view = PublicQuestion(question.id, question.type, question.text, question.points)
    if isinstance(question, (SingleChoice, MultipleChoice)):
        texts = [choice.text for choice in question.choices]
        choices = _items(question.id, "choice", texts)
        if shuffle_choices:
            rng.shuffle(choices)
        return _replace(view, choices=choices)
    if isinstance(question, Ordering):
        return _replace(view, steps=_shuffled_away(_items(question.id, "step", question.steps), rng))
    if isinstance(question, Matching):
        prompts = _items(question.id, "prompt", [pair.left for pair in question.pairs if pair.left])
        options = _items(question.id, "option", matching_options(question))
        if shuffle_choices:
            rng.shuffle(prompts)
        rng.shuffle(options)
        return _replace(view, prompts=prompts, options=options)
    return view


def _items(question_id: str, role: str, texts) -> list[PublicItem]:
    texts = list(texts)
    return [PublicItem(key, text) for key, text in zip(item_keys(question_id, role, texts), texts)]


def _shuffled_away(items: list[PublicItem], rng: Random) -> list[PublicItem]:
    """Shuffle so that the right order is not what the learner starts from (when the texts differ)."""
    right = [item.text for item in items]
    shuffled = list(items)
    for _ in range(8):
        rng.shuffle(shuffled)
        if [item.text for item in shuffled] != right:
            return shuffled
    return shuffled[1:] + shuffled[:1]


def _replace(view: PublicQuestion, **items) -> PublicQuestion:
    return PublicQuestion(view.id, view.type, view.text, view.points,
                          **{name: tuple(value) for name, value in items.items()})
