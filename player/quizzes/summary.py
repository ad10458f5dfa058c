"""The summary shown before a test is submitted (Moodle's "Summary of attempt"): each question of the
attempt, numbered as on the page, answered or not, from the answers saved so far."""

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from courses.quiz import Description
from player.quizzes.form import FormProblem, read_answers
from player.quizzes.interactions import plain_text, shortened

SNIPPET = 90  # characters of a question's text shown in the summary


@dataclass(frozen=True)
class SummaryRow:
    number: int
    question_id: str
    text: str  # plain text, shortened
    answered: bool


def attempt_summary(asked: list, fields: MultiDict) -> list[SummaryRow]:
    """One row per question asked (descriptions left out), in the attempt's order."""
    try:
        responses = read_answers(fields, [public for _, public in asked])
    except FormProblem:  # a draft of an older page: nothing in it counts
        responses = {}
    rows = []
    for question, public in asked:
        if isinstance(question, Description):
            continue
        text = plain_text(public.text)
        answered = question.id in responses and not untouched(asked, question.id, responses[question.id])
        rows.append(SummaryRow(len(rows) + 1, question.id, shortened(text, SNIPPET), answered))
    return rows


def untouched(asked: list, question_id: str, response) -> bool:
    """An ordering question left as shown: it counts as not answered."""
    public = next(public for _, public in asked if public.id == question_id)
    return public.type == "ordering" and list(response) == [step.key for step in public.steps]
