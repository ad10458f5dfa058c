"""A lesson's quiz as the SCORM package's pages grade it in the browser: the answer key, keyed by the same
opaque item keys the player's question markup uses (courses.quiz.item_keys), and how each question is
recorded as a SCORM 1.2 interaction.

This is the answer key, and it is in the package on purpose: inside an LMS there is no server of ours to
grade on (docs/scorm.md). SCORM 1.2 writes choices, steps and matched items as single characters
(`a`-`z`, `0`-`9`), so a question may have at most 36 of them.
"""

from collections.abc import Callable

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
from player.web.sanitise import clean_bundle_html

LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"  # choices, steps, matching options
DIGITS = "1234567890abcdefghijklmnopqrstuvwxyz"  # matching prompts: `1.b,2.a`
MAX_ITEMS = len(LETTERS)
MAX_RESPONSE = 255  # characters of cmi.interactions.n.student_response and of a correct_responses pattern
INTERACTION_TYPES = {"single": "choice", "multiple": "choice", "truefalse": "true-false", "short": "fill-in",
                     "numeric": "numeric", "matching": "matching", "ordering": "sequencing", "essay": "fill-in"}


class TooManyItems(ValueError):
    """A question with more items than SCORM 1.2 can name."""


def browser_quiz(quiz: Quiz, html: Callable[[str], str] | None = None) -> dict:
    """The quiz's settings and every question's key, as JSON-ready data for the lesson page; `html` cleans
    the author's HTML (feedback, explanations), by default as the player does."""
    settings = quiz.settings
    return {
        "test": settings.assessment, "pass": settings.pass_percent, "shuffle": settings.shuffle,
        "draw": settings.draw, "attempts": settings.attempts,
        "questions": [question_key(question, html or _html) for question in quiz.questions
                      if not isinstance(question, Description)],
    }


def question_key(question: Question, html: Callable[[str], str]) -> dict:
    """How to grade one question and record it: its type, points, explanation and per-type key."""
    key = {"id": question.id, "type": question.type, "points": question.points, "graded": question.graded,
           "explanation": html(question.explanation)}
    scorm = {"type": INTERACTION_TYPES.get(question.type, "performance"), "ids": {}, "correct": ""}
    if isinstance(question, (SingleChoice, MultipleChoice)):
        keys = _checked(question, item_keys(question.id, "choice", [choice.text for choice in question.choices]))
        key["choices"] = {item: {"weight": choice.weight, "feedback": html(choice.feedback)}
                          for item, choice in zip(keys, question.choices)}
        scorm["ids"] = dict(zip(keys, LETTERS))
        right = [LETTERS[index] for index, choice in enumerate(question.choices)
                 if (choice.weight >= 100 if isinstance(question, SingleChoice) else choice.weight > 0)]
        scorm["correct"] = right[0] if isinstance(question, SingleChoice) and right else ",".join(right)
    elif isinstance(question, TrueFalse):
        key.update(correct=question.correct, feedback_true=html(question.feedback_true),
                   feedback_false=html(question.feedback_false))
        scorm["correct"] = "t" if question.correct else "f"
    elif isinstance(question, ShortAnswer):
        key.update(answers=[{"text": answer.text, "weight": answer.weight, "feedback": html(answer.feedback)}
                            for answer in question.answers],
                   ignore_case=question.ignore_case, ignore_diacritics=question.ignore_diacritics)
        scorm["correct"] = next((answer.text for answer in question.answers if answer.weight >= 100), "")
    elif isinstance(question, Numeric):
        key["answers"] = [{"low": answer.low, "high": answer.high, "weight": answer.weight,
                           "feedback": html(answer.feedback)} for answer in question.answers]
        exact = next((answer for answer in question.answers if answer.weight >= 100 and answer.low is not None
                      and answer.low == answer.high), None)
        scorm["correct"] = f"{exact.low:g}" if exact else ""  # a range has no SCORM 1.2 pattern
    elif isinstance(question, Matching):
        prompts = [pair for pair in question.pairs if pair.left]
        prompt_keys = _checked(question, item_keys(question.id, "prompt", [pair.left for pair in prompts]))
        options = matching_options(question)
        option_keys = _checked(question, item_keys(question.id, "option", options))
        option_of = dict(zip(options, option_keys))
        key["pairs"] = {prompt: option_of[pair.right] for prompt, pair in zip(prompt_keys, prompts)}
        scorm["ids"] = {**dict(zip(prompt_keys, DIGITS)), **dict(zip(option_keys, LETTERS))}
        scorm["correct"] = ",".join(f"{scorm['ids'][prompt]}.{scorm['ids'][option]}"
                                    for prompt, option in key["pairs"].items())
    elif isinstance(question, Ordering):
        keys = _checked(question, item_keys(question.id, "step", question.steps))
        key["steps"] = list(keys)  # the right order
        scorm["ids"] = dict(zip(keys, LETTERS))
        scorm["correct"] = ",".join(LETTERS[:len(keys)])
    scorm["correct"] = scorm["correct"][:MAX_RESPONSE]
    key["scorm"] = scorm
    return key


def _checked(question: Question, keys: tuple[str, ...]) -> tuple[str, ...]:
    if len(keys) > MAX_ITEMS:
        raise TooManyItems(f"question '{question.id}' has {len(keys)} items; SCORM 1.2 can record at most "
                           f"{MAX_ITEMS} (a-z, 0-9)")
    return keys


def _html(fragment: str) -> str:
    """Author's HTML, cleaned as the player cleans it before showing it."""
    return str(clean_bundle_html(fragment))
