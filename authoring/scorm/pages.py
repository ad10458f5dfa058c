"""The SCORM package's pages: the launch page (the SCO), the contents and one page per lesson, rendered
with the player's own question markup (player/templates/quizzes/_macros.html), its cleaning of bundle
HTML and its translations, in the course's language when the player has it (else English).
"""

import re
from pathlib import Path
from random import Random

from jinja2 import ChoiceLoader, Environment, FileSystemLoader

import player
from authoring.scorm.keys import browser_quiz
from courses.model import Course, Lesson
from courses.quiz import Description, Quiz
from player.quizzes.form import field_name, max_length
from player.quizzes.page import PLACEHOLDER, Slot
from player.quizzes.public import public_question
from player.web.i18n import SOURCE_LOCALE, Language, available_locales
from player.web.sanitise import clean_bundle_html

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PLAYER_TEMPLATES = Path(player.__file__).resolve().parent / "templates"
# Messages the pages' scripts show, translated here once (the scripts fill in %(name)d and %%).
SCRIPT_MESSAGES = (
    "Right", "Partly right", "Not right", "Not scored automatically", "Question %(number)d", "Your answer:",
    "(no answer)", "True", "False", "Explanation:", "Answer this question again", "You passed!",
    "Not passed this time", "Your score: %(score)d%%", "pass mark %(percent)d%%",
    "You have no attempts left at this test.", "Try again", "Continue", "Attempts used: %(used)d of %(limit)d",
    "Your best score: %(score)d%%", "Passed", "Not passed yet", "Your results", "%(percent)d%% done",
    "Course completed",
)


def interface_language(course: Course) -> str:
    """The player's language closest to the course's: its own, or its primary subtag, else English."""
    wanted = course.language.replace("-", "_")
    for code in (wanted, wanted.split("_")[0]):
        if code in available_locales():
            return code
    return SOURCE_LOCALE


class Pages:
    """Renders every page of one course's package."""

    def __init__(self, course: Course, quizzes: dict[str, Quiz]):
        self.course, self.quizzes = course, quizzes
        self.ui = interface_language(course)
        self.language = Language(self.ui)
        self.lesson_ids = {lesson.id for lesson in course.lessons}
        env = Environment(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(PLAYER_TEMPLATES)]),
                          autoescape=True, extensions=["jinja2.ext.i18n"], keep_trailing_newline=True)
        env.install_gettext_translations(self.language.translations, newstyle=True)
        env.globals.update(get_locale=lambda: self.ui, quiz_field=field_name, answer_limit=max_length,
                           course=course, ui=self.ui)
        env.filters["bundle_html"] = lambda fragment: clean_bundle_html(self._relink(fragment))
        self.env = env
        self.strings = {message: self.language.gettext(message) for message in SCRIPT_MESSAGES}

    def launch(self, tests: dict[str, Quiz]) -> str:
        """index.html: the SCO itself, holding the LMS connection around a frame for the lessons."""
        lessons = [{"id": lesson.id, "title": lesson.title, "test": lesson.id in tests,
                    "attempts": tests[lesson.id].settings.attempts if lesson.id in tests else None}
                   for lesson in self.course.lessons]
        return self._render("scorm/index.html", root="", data={"id": self.course.id, "version": self.course.version,
                                                                "lessons": lessons})

    def contents(self) -> str:
        return self._render("scorm/contents.html", root="")

    def lesson(self, lesson: Lesson, html: str) -> str:
        """lessons/<id>.html: the lesson's text with its questions where the player shows them."""
        quiz = self.quizzes.get(lesson.id)
        previous, following = self.course.neighbours(lesson.id)
        key = None
        if quiz is not None:
            key = browser_quiz(quiz, html=lambda fragment: str(clean_bundle_html(self._relink(fragment))))
            key["more_tries"] = {n: self.language.ngettext("You can try %(num)d more time.",
                                                           "You can try %(num)d more times.", n)
                                 for n in range(1, (quiz.settings.attempts or 1))}
        return self._render("scorm/lesson.html", root="../", lesson=lesson, quiz=quiz, key=key,
                            parts=self._parts(html, quiz), previous=previous, following=following)

    def _parts(self, html: str, quiz: Quiz | None) -> list:
        """The lesson's HTML in cleaned pieces, each question placeholder replaced by its Slot. A shuffled
        test asks all its questions where the first one stands (as the player does); the page's script
        draws and orders them anew for each attempt."""
        slots, number = {}, 0
        if quiz is not None:
            for question in quiz.questions:
                graded = not isinstance(question, Description)
                number += graded
                shown = public_question(question, Random(question.id))  # choices in a fixed, shuffled order
                slots[question.id] = Slot(number if graded else None, shown)
        gather = quiz is not None and quiz.settings.assessment and quiz.settings.shuffle
        pieces, parts, placed = PLACEHOLDER.split(html), [], set()
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                if piece.strip():
                    parts.append(clean_bundle_html(self._relink(piece)))
            elif gather and not placed:
                parts.extend(sorted(slots.values(), key=lambda slot: slot.number is not None))
                placed.update(slots)
            elif not gather and piece in slots and piece not in placed:
                parts.append(slots[piece])
                placed.add(piece)
        parts.extend(slot for question_id, slot in slots.items() if question_id not in placed)
        return parts

    def _relink(self, fragment: str) -> str:
        """Links between lessons point to their pages here (`lesson-id` becomes `lesson-id.html`)."""
        def page(match: re.Match) -> str:
            target, fragment_id = match.group(2), match.group(3) or ""
            if target not in self.lesson_ids:
                return match.group(0)
            return f'{match.group(1)}{target}.html{fragment_id}"'
        return _LESSON_LINK.sub(page, fragment)

    def _render(self, template: str, root: str, **values) -> str:
        return self.env.get_template(template).render(root=root, strings=self.strings, **values)


_LESSON_LINK = re.compile(r'(href=")([a-z0-9][a-z0-9-]*)(#[^"]*)?"')
