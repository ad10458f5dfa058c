"""A lesson's questions and practices: its ```quiz and ```gift blocks (or a whole .gift lesson) parsed, given
ids, checked; its ```practice blocks read (builder.practice_source)."""

from dataclasses import dataclass

from builder.i18n import _, translate
from builder.practice_source import PracticeSyntaxError, parse_practice
from builder.quiz_fences import Fence, find_fences
from builder.quiz_gift import parse_gift
from builder.quiz_native import parse_native
from builder.quiz_source import QuizSyntaxError, Render, assign_id
from courses.practice import Practice, practice_placeholder
from courses.quiz import Question, question_problems

QUIZ_PLACEHOLDER = '<div class="quiz-question" id="q-{id}"></div>'  # only div, class and id: kept by sanitisers


@dataclass(frozen=True)
class LessonQuiz:
    """The questions of one lesson source, what replaces each block in its HTML, and every problem."""

    questions: tuple[tuple[int, Question], ...]  # (source line, question)
    replacements: dict[int, tuple[int, str]]  # block's first line index -> (last line index, placeholder HTML)
    masked_body: str  # the body with the blocks' lines blanked, for locating the lesson's other problems
    problems: tuple[tuple[int, str], ...]
    practices: tuple[tuple[int, Practice], ...] = ()  # (source line, practice)

    @property
    def placeholders(self) -> str:
        """The HTML of a lesson made only of questions (a .gift lesson)."""
        return "\n".join(html for _, html in self.replacements.values() if html)


def compile_lesson_quiz(body: str, body_line: int, source_kind: str, render: Render) -> LessonQuiz:
    """Parse every question of a lesson body whose first line is `body_line`; source_kind is md or gift."""
    lines = body.split("\n")
    if source_kind == "gift":
        fences, problems = [Fence("gift", -1, len(lines))], []
    else:
        fences, found = find_fences(lines)
        problems = [(body_line + index, message) for index, message in found]
    questions, replacements, practices = [], {}, []
    for fence in fences:
        first_line = body_line + fence.start + 1
        if fence.kind == "practice":
            try:
                practice = parse_practice(fence.content(lines), first_line)
            except PracticeSyntaxError as error:
                problems.extend(error.problems)
                continue
            practices.append((body_line + fence.start, practice))
            replacements[fence.start] = (fence.end, practice_placeholder(practice.id))
            continue
        if fence.kind == "quiz" and not "".join(fence.content(lines)).strip():
            problems.append((body_line + fence.start, _("this ```quiz block is empty: write a question in it")))
            continue
        try:
            if fence.kind == "quiz":
                items = [parse_native(fence.content(lines), first_line, render)]
            else:
                items = list(parse_gift("\n".join(fence.content(lines)), first_line, render).questions)
        except QuizSyntaxError as error:
            problems.extend(error.problems)
            items = []
        placeholders = []
        for item in items:
            item, problem = assign_id(item)
            if problem:
                problems.append(problem)
                continue
            found = question_problems(item.question)
            problems.extend((item.line, translate(message)) for message in found)
            if not found:
                questions.append((item.line, item.question))
                placeholders.append(QUIZ_PLACEHOLDER.format(id=item.question.id))
        replacements[fence.start] = (fence.end, "\n".join(placeholders))
    masked = list(lines)
    for fence in fences:
        masked[max(fence.start, 0):fence.end + 1] = [""] * (min(fence.end + 1, len(lines)) - max(fence.start, 0))
    return LessonQuiz(tuple(questions), replacements, "\n".join(masked), tuple(problems), tuple(practices))
