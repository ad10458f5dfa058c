"""Questions as xAPI interactions: the cmi.interaction definition an `answered` statement carries, and a
learner's response written in xAPI's format for its interaction type (and read back for the results page).

Items are named by their opaque keys (`courses.quiz.item_keys`), the same keys the form used. Formats, as
xAPI 1.0.3 defines them: choice `key[,]key`; true-false `true`/`false`; fill-in, long-fill-in and numeric
the text typed; matching `source[.]target[,]…`; sequencing `key[,]key[,]…` in the learner's order. An
unanswered question is the empty string. Definitions hold the answer key (`correctResponsesPattern`):
they are stored on the server for trainers' item analysis and never sent to a learner's browser.
"""

from html.parser import HTMLParser

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
from player.quizzes.grading import RIGHT, UNGRADED, QuestionResult
from player.xapi import vocabulary as xapi
from player.xapi.statements import Answer

SEPARATOR, PAIR, RANGE = xapi.LIST_SEPARATOR, xapi.PAIR_SEPARATOR, xapi.RANGE_SEPARATOR
MAX_NAME = 500  # characters of a question's text kept as its name
INTERACTION_TYPES = {"single": "choice", "multiple": "choice", "truefalse": "true-false", "short": "fill-in",
                     "numeric": "numeric", "matching": "matching", "ordering": "sequencing",
                     "essay": "long-fill-in"}


def answer(question: Question, response, result: QuestionResult, language: str) -> Answer:
    """A graded response to a question, as its `answered` statement records it."""
    graded = result.status != UNGRADED
    return Answer(question.id, response_text(question, response), result.status == RIGHT if graded else None,
                  points=result.score * result.points if graded else None, max_points=result.points,
                  interaction_type=interaction_type(question), definition=definition(question, language))


def interaction_type(question: Question) -> str:
    return INTERACTION_TYPES.get(question.type, "other")


def response_text(question: Question, response) -> str:
    """A grading response (see player.quizzes.grading) in xAPI's format; "" when unanswered."""
    if response is None:
        return ""
    if isinstance(question, MultipleChoice):
        return SEPARATOR.join(response)
    if isinstance(question, Matching):
        return SEPARATOR.join(f"{prompt}{PAIR}{option}" for prompt, option in response.items())
    if isinstance(question, Ordering):
        return SEPARATOR.join(response)
    return str(response)


def parse_response(question: Question, text: str):
    """The grading response written by response_text (None when unanswered)."""
    if not text:
        return None
    if isinstance(question, (MultipleChoice, Ordering)):
        return text.split(SEPARATOR)
    if isinstance(question, Matching):
        return dict(pair.split(PAIR, 1) for pair in text.split(SEPARATOR) if PAIR in pair)
    return text


def definition(question: Question, language: str) -> dict:
    """The question's cmi.interaction definition beyond its type: name, items and correct responses."""
    found = {"name": {language: plain_text(question.text)[:MAX_NAME] or question.id}}
    if isinstance(question, (SingleChoice, MultipleChoice)):
        keys = item_keys(question.id, "choice", [choice.text for choice in question.choices])
        found["choices"] = _components(keys, [choice.text for choice in question.choices], language)
        if isinstance(question, SingleChoice):
            found["correctResponsesPattern"] = [key for key, choice in zip(keys, question.choices)
                                                if choice.weight >= 100]
        else:
            found["correctResponsesPattern"] = [SEPARATOR.join(key for key, choice in zip(keys, question.choices)
                                                               if choice.weight > 0)]
    elif isinstance(question, TrueFalse):
        found["correctResponsesPattern"] = ["true" if question.correct else "false"]
    elif isinstance(question, ShortAnswer):
        prefix = "" if question.ignore_case else "{case_matters=true}"
        found["correctResponsesPattern"] = [prefix + answer.text for answer in question.answers
                                            if answer.weight >= 100]
    elif isinstance(question, Numeric):
        found["correctResponsesPattern"] = [f"{answer.low:g}{RANGE}{answer.high:g}" for answer in question.answers
                                            if answer.weight >= 100 and answer.low is not None]
    elif isinstance(question, Matching):
        prompts = [pair for pair in question.pairs if pair.left]
        prompt_keys = item_keys(question.id, "prompt", [pair.left for pair in prompts])
        options = matching_options(question)
        option_keys = dict(zip(options, item_keys(question.id, "option", options)))
        found["source"] = _components(prompt_keys, [pair.left for pair in prompts], language)
        found["target"] = _components(tuple(option_keys.values()), options, language)
        found["correctResponsesPattern"] = [SEPARATOR.join(f"{key}{PAIR}{option_keys[pair.right]}"
                                                           for key, pair in zip(prompt_keys, prompts))]
    elif isinstance(question, Ordering):
        keys = item_keys(question.id, "step", question.steps)
        found["choices"] = _components(keys, question.steps, language)
        found["correctResponsesPattern"] = [SEPARATOR.join(keys)]
    return found


def _components(keys, texts, language: str) -> list[dict]:
    return [{"id": key, "description": {language: plain_text(text)[:MAX_NAME] or key}}
            for key, text in zip(keys, texts)]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, tags dropped and white space collapsed (for xAPI names)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def shortened(text: str, limit: int) -> str:
    """`text` if it has at most `limit` characters, else cut after a whole word (within `limit`, "…" included)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
