"""A learner's progress per course, summarised from their xAPI statements, and the completion rule.

Summaries are kept in memory per learner and updated as statements are recorded, so pages never re-read
a learner's whole history; the first look after start-up reads it once.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from courses import Course, Lesson
from player.quizzes import catalogue
from player.store import LearnerStore
from player.xapi import vocabulary as xapi

MAX_CACHED_LEARNERS = 512


@dataclass
class CourseProgress:
    """What one learner did in one course (over all its versions: ids are stable)."""

    completed: set[str] = field(default_factory=set)   # lessons completed
    passed: set[str] = field(default_factory=set)      # lessons whose quiz was passed
    best_scores: dict[str, float] = field(default_factory=dict)  # quiz lesson -> best scaled score
    attempts: dict[str, set[str]] = field(default_factory=dict)  # quiz lesson -> ids of finished attempts
    last_lesson: str | None = None                      # the lesson opened most recently
    last_opened: str = ""                               # its timestamp
    seconds: float = 0.0                                # time spent in lessons
    completed_at: str | None = None                     # when the course's rule was first met

    def apply(self, statement: dict) -> None:
        """Take one statement into account (any order gives the same summary)."""
        ref = xapi.parse_activity(statement.get("object", {}).get("id", ""))
        verb = xapi.verb_name(statement)
        if ref is None or verb is None or ref.question_id:
            return
        when = statement.get("timestamp", "")
        result = statement.get("result", {})
        if ref.lesson_id is None:
            if verb == "completed" and (self.completed_at is None or when < self.completed_at):
                self.completed_at = when
        elif ref.quiz:
            registration = statement.get("context", {}).get("registration")
            if verb in ("passed", "failed", "completed") and registration:
                self.attempts.setdefault(ref.lesson_id, set()).add(registration)
            scaled = result.get("score", {}).get("scaled")
            if verb in ("passed", "failed") and scaled is not None:
                self.best_scores[ref.lesson_id] = max(scaled, self.best_scores.get(ref.lesson_id, scaled))
            if verb == "passed":
                self.passed.add(ref.lesson_id)
        elif verb == "launched":
            if when >= self.last_opened:
                self.last_lesson, self.last_opened = ref.lesson_id, when
        elif verb == "completed":
            self.completed.add(ref.lesson_id)
        elif verb == "experienced":
            self.seconds += xapi.parse_duration(result.get("duration", ""))

    def done(self, lesson_id: str) -> bool:
        """Completed, or its quiz passed."""
        return lesson_id in self.completed or lesson_id in self.passed


def rule_met(course: Course, progress: CourseProgress) -> bool:
    """The completion rule: every lesson completed and every quiz passed (the pre-test does not count)."""
    return (all(progress.done(lesson.id) for lesson in course.counted_lessons)
            and catalogue.test_lesson_ids(course) <= progress.passed)


def percent(course: Course, progress: CourseProgress | None) -> int:
    """Share of the course's current lessons that are done, 0-100 (rounded down, so 100 means all); the
    pre-test does not count."""
    lessons = course.counted_lessons
    if progress is None or not lessons:
        return 0
    done = sum(progress.done(lesson.id) for lesson in lessons)
    return done * 100 // len(lessons)


def course_score(course: Course, progress: CourseProgress) -> float | None:
    """The mean of the best scores of the course's quizzes (scaled 0..1), or None without quizzes."""
    quizzes = catalogue.test_lesson_ids(course)
    if not quizzes:
        return None
    return sum(progress.best_scores.get(lesson_id, 0.0) for lesson_id in quizzes) / len(quizzes)


def best_score(course: Course, progress: CourseProgress | None) -> float | None:
    """The best quiz score in this course so far (for the library card), or None."""
    if progress is None:
        return None
    scores = [progress.best_scores[lesson.id] for lesson in course.counted_lessons
              if lesson.id in progress.best_scores]
    return max(scores) if scores else None


def resume_lesson(course: Course, progress: CourseProgress | None) -> Lesson | None:
    """Where to continue: the lesson last opened, or the first one not done after it; None if not started
    or everything is done."""
    if progress is None or progress.last_lesson is None:
        return None
    lessons = course.lessons
    start = next((index for index, lesson in enumerate(lessons) if lesson.id == progress.last_lesson), 0)
    for lesson in lessons[start:] + lessons[:start]:
        if not progress.done(lesson.id):
            return lesson
    return None


class ProgressBook:
    """Per-learner summaries ({course id: CourseProgress}) over the learner store, kept current."""

    def __init__(self, learners: LearnerStore, max_learners: int = MAX_CACHED_LEARNERS):
        self._learners = learners
        self._max = max_learners
        self._cache: OrderedDict[str, dict[str, CourseProgress]] = OrderedDict()
        self._guard = threading.Lock()

    def of(self, learner_id: str) -> dict[str, CourseProgress]:
        """Course id -> progress of one learner. Read it, never change it."""
        with self._guard:
            cached = self._cache.get(learner_id)
            if cached is not None:
                self._cache.move_to_end(learner_id)
                return cached
        with self._learners.learner_lock(learner_id):
            summary: dict[str, CourseProgress] = {}
            for statement in self._learners.statements(learner_id):
                _apply(summary, statement)
            self._remember(learner_id, summary)
        return summary

    def record(self, learner_id: str, statements: list[dict]) -> None:
        """Store statements durably, then count them in the learner's summary."""
        with self._learners.learner_lock(learner_id):
            self._learners.append(learner_id, statements)
            with self._guard:
                summary = self._cache.get(learner_id)
            if summary is not None:
                for statement in statements:
                    _apply(summary, statement)

    def forget(self, learner_id: str) -> None:
        with self._guard:
            self._cache.pop(learner_id, None)

    def _remember(self, learner_id: str, summary: dict[str, CourseProgress]) -> None:
        with self._guard:
            self._cache[learner_id] = summary
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)


def _apply(summary: dict[str, CourseProgress], statement: dict) -> None:
    ref = xapi.parse_activity(statement.get("object", {}).get("id", ""))
    if ref is not None:
        summary.setdefault(ref.course_id, CourseProgress()).apply(statement)
