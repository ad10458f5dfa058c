"""Helpers for quiz tests: the quiz of an installed lesson, what a quiz page shows, and the form fields
that answer a question right, partly or wrong (worked out from the answer key in the bundle)."""

import re
from dataclasses import dataclass

from support.pages import open_lesson

from courses.quiz import (
    Essay,
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
from player.quizzes import catalogue

FIELDSET = re.compile(r'<(fieldset|section) class="question(?:-result)? [^"]*" id="q-([a-z0-9-]+)"')
RESULT = re.compile(r'<section class="question-result result-(\w+)" id="q-([a-z0-9-]+)"')
FIELD = re.compile(r'name="(a-[^"]+)"')


def lesson_quiz(app, course_id: str, lesson_id: str) -> Quiz:
    with app.test_request_context():
        return catalogue.lesson_quiz(course_id, lesson_id)


@dataclass
class QuizPage:
    """A lesson page with questions, as the browser got it."""

    html: str

    @property
    def attempt(self) -> str:
        return re.search(r'name="attempt" value="([0-9a-f]{32})"', self.html).group(1)

    @property
    def question_ids(self) -> list[str]:
        """Questions and results in page order (descriptions are not answerable and not listed)."""
        return [question_id for _, question_id in FIELDSET.findall(self.html)]

    @property
    def results(self) -> dict[str, str]:
        return {question_id: status for status, question_id in RESULT.findall(self.html)}

    def fields(self) -> list[str]:
        return FIELD.findall(self.html)

    def block(self, question_id: str) -> str:
        """The HTML of one question, from its opening tag to the next question's."""
        start = self.html.index(f'id="q-{question_id}"')
        following = [self.html.find(f'id="q-{other}"') for other in self.question_ids if other != question_id]
        ends = [index for index in following if index > start]
        return self.html[start:min(ends) if ends else len(self.html)]


def open_quiz(client, course_id: str, lesson_id: str) -> QuizPage:
    """Open a quiz's lesson as a browser does (the page, then its script reporting the visit)."""
    response, _ = open_lesson(client, course_id, lesson_id)
    return QuizPage(response.get_data(as_text=True))


def answer(question: Question, outcome: str, page: QuizPage) -> dict:
    """Form fields answering `question` with outcome `right`, `partial`, `wrong` or `none`."""
    if outcome == "none":
        return _untouched_order(question, page) if isinstance(question, Ordering) else {}
    name = f"a-{question.id}"
    if isinstance(question, (SingleChoice, MultipleChoice)):
        keys = item_keys(question.id, "choice", [c.text for c in question.choices])
        right = [k for k, c in zip(keys, question.choices) if c.weight > 0]
        wrong = [k for k, c in zip(keys, question.choices) if c.weight <= 0]
        if isinstance(question, SingleChoice):
            chosen = [k for k, c in zip(keys, question.choices) if c.weight >= 100] if outcome == "right" else wrong
            return {name: chosen[0]}
        return {name: {"right": right, "partial": right[:1], "wrong": wrong[:1]}[outcome]}
    if isinstance(question, TrueFalse):
        return {name: "true" if question.correct == (outcome == "right") else "false"}
    if isinstance(question, ShortAnswer):
        return {name: question.answers[0].text if outcome == "right" else "câu trả lời sai"}
    if isinstance(question, Numeric):
        first = next(a for a in question.answers if a.weight >= 100)
        return {name: f"{(first.low + first.high) / 2:g}".replace(".", ",") if outcome == "right" else "98765"}
    if isinstance(question, Matching):
        prompts = [pair for pair in question.pairs if pair.left]
        prompt_keys = item_keys(question.id, "prompt", [p.left for p in prompts])
        options = matching_options(question)
        option_keys = dict(zip(options, item_keys(question.id, "option", options)))
        rights = [option_keys[p.right] for p in prompts]
        chosen = {"right": rights, "partial": rights[:1] + [""] * (len(rights) - 1),
                  "wrong": rights[1:] + rights[:1]}[outcome]
        return {f"{name}.{key}": value for key, value in zip(prompt_keys, chosen)}
    if isinstance(question, Ordering):
        keys = item_keys(question.id, "step", question.steps)
        order = {"right": keys, "partial": keys[:2] + keys[2:][::-1], "wrong": keys[::-1]}[outcome]
        return {f"{name}.{key}": str(order.index(key) + 1) for key in keys}
    if isinstance(question, Essay):
        return {name: "Bước tìm thủ tục khó nhất, vì có nhiều tên giống nhau."}
    raise AssertionError(f"no answer for {question.type}")


def _untouched_order(question: Ordering, page: QuizPage) -> dict:
    """The ordering question submitted as shown (its selects always send their positions)."""
    names = [name for name in page.fields() if name.startswith(f"a-{question.id}.")]
    return {name: str(position) for position, name in enumerate(names, 1)}


def submit(client, course_id: str, lesson_id: str, page: QuizPage, fields: dict, **kwargs):
    return client.post(f"/courses/{course_id}/lessons/{lesson_id}/quiz",
                       data={"attempt": page.attempt, **fields}, **kwargs)
