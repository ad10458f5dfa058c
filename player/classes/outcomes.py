"""A class's learning outcomes, for each of its courses that has a pre-test: every learner's pre-test and
post-test score (the best attempt at each; the post-test is the course's last test) and the gain, the
class's averages, and for each question of the post-test the share of answers that were right before the
course (in the pre-test) and after it (in the post-test)."""

from dataclasses import dataclass

from courses import Course
from player.quizzes import catalogue
from player.quizzes.interactions import plain_text, shortened
from player.results.gains import POST, PRE, PrePost, mean, question_counts
from player.web.services import services
from player.xapi import vocabulary as xapi

MAX_QUESTION_TEXT = 120
_SIDES = {"before": PRE, "after": POST}


@dataclass(frozen=True)
class LearnerOutcome:
    """One learner's best pre-test and post-test scores (0..1), None when not taken (player.results.gains)."""

    person: dict
    gains: PrePost

    @property
    def pre(self) -> float | None:
        return self.gains.pre

    @property
    def post(self) -> float | None:
        return self.gains.post

    @property
    def gain(self) -> float | None:
        return self.gains.gain


@dataclass(frozen=True)
class QuestionOutcome:
    """Right answers and answers to one question, in the pre-test and in the post-test (role -> counts)."""

    question_id: str
    text: str
    counts: dict

    def share(self, when: str) -> float | None:
        """`when` is "before" (the pre-test) or "after" (the post-test)."""
        right, total = self.counts.get(_SIDES[when], (0, 0))
        return right / total if total else None


@dataclass(frozen=True)
class CourseOutcome:
    course: Course
    post_test: str
    learners: list[LearnerOutcome]
    questions: list[QuestionOutcome]

    @property
    def taken(self) -> bool:
        """Whether any learner of the class has taken the pre-test or the post-test."""
        return any(learner.pre is not None or learner.post is not None for learner in self.learners)

    def mean(self, name: str) -> float | None:
        """The class's average pre, post or gain over the learners who have one."""
        return mean(getattr(learner, name) for learner in self.learners)


def class_outcomes(row: dict, people: list[dict]) -> list[CourseOutcome]:
    """The outcomes of a class's learners in each of its courses that has a pre-test and a post-test."""
    found = []
    for course_id in row.get("courses", []):
        course = services().library.course(course_id)
        post = catalogue.post_test(course) if course is not None and course.pretest else None
        if post is not None:
            found.append(_course_outcome(course, post, people))
    return found


def _course_outcome(course: Course, post: str, people: list[dict]) -> CourseOutcome:
    """Counted from the learners' statements; those recorded before statements named their test's role are
    placed by their quiz."""
    roles = {xapi.quiz_iri(course.id, course.pretest): PRE, xapi.quiz_iri(course.id, post): POST}
    learners = []
    for person in people:
        gains = PrePost()
        for statement in services().store.learners.statements(person["id"]):
            if _in_course(statement, course.id):
                gains.add(statement, roles)
        learners.append(LearnerOutcome(person, gains))
    counts = question_counts(learner.gains for learner in learners)
    quiz = catalogue.lesson_quiz(course.id, post)
    questions = [QuestionOutcome(question.id, shortened(plain_text(question.text), MAX_QUESTION_TEXT),
                                 counts.get(question.id, {}))
                 for question in quiz.questions if question.graded]
    return CourseOutcome(course, post, learners, questions)


def _in_course(statement: dict, course_id: str) -> bool:
    ref = xapi.parse_activity((statement.get("object") or {}).get("id", ""))
    return ref is not None and ref.course_id == course_id
