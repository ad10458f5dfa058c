"""A class's learning outcomes, for each of its courses that has a pre-test: every learner's pre-test and
post-test score (the best attempt at each; the post-test is the course's last test) and the gain, the
class's averages, and for each question of the post-test the share of answers that were right before the
course (in the pre-test) and after it (in the post-test)."""

from dataclasses import dataclass, field

from courses import Course
from player.quizzes import catalogue
from player.quizzes.interactions import plain_text
from player.web.services import services
from player.xapi import vocabulary as xapi

MAX_QUESTION_TEXT = 120


@dataclass(frozen=True)
class LearnerOutcome:
    """One learner's best pre-test and post-test scores (0..1), None when not taken."""

    person: dict
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass
class QuestionOutcome:
    """Right answers and answers to one question, before (pre-test) and after (post-test)."""

    question_id: str
    text: str
    counts: dict = field(default_factory=lambda: {"before": [0, 0], "after": [0, 0]})

    def share(self, when: str) -> float | None:
        right, total = self.counts[when]
        return right / total if total else None


@dataclass(frozen=True)
class CourseOutcome:
    course: Course
    post_test: str
    learners: list[LearnerOutcome]
    questions: list[QuestionOutcome]

    def mean(self, name: str) -> float | None:
        """The class's average pre, post or gain over the learners who have one."""
        values = [value for learner in self.learners if (value := getattr(learner, name)) is not None]
        return sum(values) / len(values) if values else None


def post_test(course: Course) -> str | None:
    """The course's last test (in course order), which is its post-test."""
    tests = catalogue.test_lesson_ids(course)
    return next((lesson.id for lesson in reversed(course.counted_lessons) if lesson.id in tests), None)


def class_outcomes(row: dict, people: list[dict]) -> list[CourseOutcome]:
    """The outcomes of a class's learners in each of its courses that has a pre-test and a post-test."""
    found = []
    for course_id in row.get("courses", []):
        course = services().library.course(course_id)
        post = post_test(course) if course is not None and course.pretest else None
        if post is not None:
            found.append(_course_outcome(course, post, people))
    return found


def _course_outcome(course: Course, post: str, people: list[dict]) -> CourseOutcome:
    quiz = catalogue.lesson_quiz(course.id, post)
    questions = {question.id: QuestionOutcome(question.id, plain_text(question.text)[:MAX_QUESTION_TEXT])
                 for question in quiz.questions if question.graded}
    sides = {xapi.quiz_iri(course.id, course.pretest): "before", xapi.quiz_iri(course.id, post): "after"}
    learners = []
    for person in people:
        progress = services().progress.of(person["id"]).get(course.id)
        scores = progress.best_scores if progress else {}
        learners.append(LearnerOutcome(person, scores.get(course.pretest), scores.get(post)))
        for statement in services().store.learners.statements(person["id"]):
            _count(statement, sides, questions)
    return CourseOutcome(course, post, learners, list(questions.values()))


def _count(statement: dict, sides: dict[str, str], questions: dict[str, QuestionOutcome]) -> None:
    """Count one answer to a post-test question given in the pre-test or the post-test."""
    if xapi.verb_name(statement) != "answered":
        return
    parents = (statement.get("context", {}).get("contextActivities") or {}).get("parent") or [{}]
    side = sides.get(parents[0].get("id", ""))
    ref = xapi.parse_activity(statement.get("object", {}).get("id", ""))
    success = statement.get("result", {}).get("success")
    if side is None or ref is None or ref.question_id not in questions or not isinstance(success, bool):
        return
    counts = questions[ref.question_id].counts[side]
    counts[0] += success
    counts[1] += 1
