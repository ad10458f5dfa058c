"""Each lesson's quiz, from its rendered questions and its settings, checked across the whole course."""

from builder.i18n import _
from builder.lesson_source import LessonSource
from builder.problems import Problems
from builder.render import RenderedLesson
from courses.quiz import Quiz, QuizSettings, question_from_json


def collect_quizzes(lessons: dict[str, LessonSource], rendered: dict[str, RenderedLesson],
                    problems: Problems) -> dict[str, Quiz]:
    """The quiz of every lesson that has questions, by lesson id; duplicate ids and bad settings reported."""
    quizzes, first_use = {}, {}
    for path, lesson in lessons.items():
        questions = []
        for line, data in rendered[path].questions:
            question = question_from_json(data, f"{path}:{line}")
            if question.id in first_use:
                problems.add(lesson.file, line, _("duplicate question id '%(id)s' (also used at %(other)s): give one "
                                                  "of them another 'id:'")
                             % {"id": question.id, "other": first_use[question.id]})
                continue
            first_use[question.id] = f"{path}:{line}"
            questions.append(question)
        settings_file = lesson.meta_file or lesson.file
        if not questions:
            if lesson.quiz is not None and not rendered[path].problems:
                problems.add(settings_file, lesson.quiz_line, _("quiz settings, but this lesson has no questions: add "
                                                                "```quiz blocks or remove 'quiz:'"))
            continue
        quiz = Quiz(lesson.quiz or QuizSettings(), tuple(questions))
        if quiz.settings.draw is not None and quiz.settings.draw > quiz.pool_size:
            problems.add(settings_file, lesson.quiz_line,
                         _("quiz draw %(draw)s is more than the %(count)s questions of this lesson")
                         % {"draw": quiz.settings.draw, "count": quiz.pool_size})
        quizzes[lesson.id] = quiz
    return quizzes
