"""A lesson's quiz as its page shows it: the lesson's text with the questions of the learner's attempt
placed in it, or a checked self-check's review in place of its question.

A test (a lesson with quiz settings) asks the attempt's drawn questions: not shuffled, each where it
stands in the lesson; shuffled, all together where the first question stands. Self-check questions each
stay where the author put them. Questions are rendered from `player.quizzes.public.PublicQuestion` only,
so nothing of a question's key reaches the page before that question is submitted.
"""

import re
from dataclasses import dataclass

from flask import request
from werkzeug.datastructures import MultiDict

from courses import Course, Lesson
from courses.quiz import Description, Quiz
from player.learners import sessions
from player.progress import recorder
from player.quizzes import attempts, catalogue, drafts
from player.quizzes.attempts import Attempt
from player.quizzes.public import PublicQuestion
from player.quizzes.recorded import recorded
from player.quizzes.review import Review, review
from player.quizzes.standings import allowed_attempts, used_attempts
from player.web.sanitise import clean_bundle_html

PLACEHOLDER = re.compile(r'<div class="quiz-question" id="q-([a-z0-9][a-z0-9-]*)"></div>')


@dataclass(frozen=True)
class Slot:
    """A question where it stands on the page: its number (None for a description), its public view, and
    for a checked self-check question the review shown instead of it."""

    number: int | None
    public: PublicQuestion
    review: Review | None = None


@dataclass(frozen=True)
class QuizPage:
    """What a lesson page shows of its quiz."""

    test: bool
    attempt: Attempt | None  # None: a test without attempts left
    parts: tuple  # cleaned lesson HTML (Markup) and Slot, in page order
    pass_percent: float
    used: int
    limit: int | None
    best: float | None
    passed: bool
    answers: MultiDict  # the draft's fields: what the learner had answered in this attempt so far
    last: str | None  # a test: the id of the attempt submitted last, whose results the page links to
    unanswered: str | None  # a self-check question whose Check was pressed with nothing answered


def quiz_page(course: Course, lesson: Lesson, html: str) -> QuizPage | None:
    """The lesson's quiz for the signed-in learner, or None when the lesson has no questions."""
    quiz = catalogue.lesson_quiz(course.id, lesson.id)
    if quiz is None:
        return None
    learner = sessions.current_learner()
    learner_id = learner["id"]
    progress = recorder.progress_of(learner_id).get(course.id)
    used = used_attempts(course.id, lesson.id, learner_id)
    test, limit = quiz.settings.assessment, allowed_attempts(quiz, learner, course.id, lesson.id)
    _close_if_recorded(course, quiz, attempts.current_attempt(course.id, lesson.id, learner_id), used, learner_id)
    attempt = None
    if limit is None or len(used) < limit:
        attempt = attempts.open_attempt(course.id, lesson.id, learner_id, used)
    slots = _slots(course, quiz, attempt, learner_id) if attempt else {}
    parts = _place(html, slots, gather=test and quiz.settings.shuffle)
    last = attempts.last_attempt(course.id, lesson.id, learner_id) if test else None
    return QuizPage(test, attempt, parts, quiz.settings.pass_percent, len(used), limit,
                    progress.best_scores.get(lesson.id) if progress else None,
                    bool(progress and lesson.id in progress.passed),
                    drafts.fields_of(learner_id, attempt) if attempt and test else MultiDict(),
                    last if last and attempts.registration(last) in used else None,
                    None if test else request.args.get("unanswered"))


def _close_if_recorded(course: Course, quiz: Quiz, attempt: Attempt | None, used: set[str], learner_id: str) -> None:
    """An attempt recorded whose answer never reached the browser (the response was lost) is finished as
    its submit would have finished it: a self-check shows its results in place, a test links to them."""
    if attempt is None or attempt.registration not in used:
        return
    made = recorded(learner_id, course.id, {attempt.id}).get(attempt.id)
    checked = [] if quiz.settings.assessment or made is None else [answer.question_id for answer in made.answers]
    attempts.close_attempt(attempt, learner_id, checked)


def _slots(course: Course, quiz: Quiz, attempt: Attempt, learner_id: str) -> dict[str, Slot]:
    """The attempt's questions in the order asked, numbered; checked self-checks carry their review."""
    reviews = {}
    if not quiz.settings.assessment:
        checked = attempts.checked_questions(course.id, attempt.lesson_id, learner_id)
        found = recorded(learner_id, course.id, set(checked.values()))
        for question_id, attempt_id in checked.items():
            answer = found[attempt_id].answer(question_id) if attempt_id in found else None
            if answer is not None and quiz.question(question_id) is not None:
                reviews[question_id] = review(quiz.question(question_id), answer)
    slots, number = {}, 0
    for question, public in attempt.asked(quiz):
        if not isinstance(question, Description):
            number += 1
        slots[question.id] = Slot(None if isinstance(question, Description) else number, public,
                                  reviews.get(question.id))
    return slots


def _place(html: str, slots: dict[str, Slot], gather: bool) -> tuple:
    """The lesson's text (the bundle's HTML, each piece cleaned) with each placeholder replaced by its
    question, or (gather) with every question, in the attempt's order, where the first placeholder stands.
    Questions not asked are left out."""
    pieces = PLACEHOLDER.split(html)
    parts, placed = [], set()
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            if piece.strip():
                parts.append(clean_bundle_html(piece))
        elif gather and not placed:
            parts.extend(slots.values())
            placed.update(slots)
        elif not gather and piece in slots and piece not in placed:
            parts.append(slots[piece])
            placed.add(piece)
    parts.extend(slot for question_id, slot in slots.items() if question_id not in placed)
    return tuple(parts)
