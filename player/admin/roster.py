"""Learners' progress as the admin pages show it: one summary per learner (courses finished and in
progress), how many learners began and finished each course, and one row per learner for a single course."""

from dataclasses import dataclass

from courses import Course
from player.progress import recorder
from player.progress.summary import CourseProgress, percent, rule_met


@dataclass(frozen=True)
class LearnerSummary:
    """A learner on the learners page: how many of the installed courses they finished, and started."""

    person: dict
    finished: int
    started: int


@dataclass(frozen=True)
class CourseRow:
    """A learner on a course's page: the share of its lessons done, and whether its rule is met."""

    person: dict
    share: int
    complete: bool
    progress: CourseProgress | None


def learner_summaries(people: list[dict], courses: list[Course]) -> list[LearnerSummary]:
    summaries = []
    for person in people:
        progress = recorder.progress_of(person["id"])
        finished = sum(1 for course in courses if _complete(course, progress.get(course.id)))
        started = sum(1 for course in courses if course.id in progress)
        summaries.append(LearnerSummary(person, finished, started - finished))
    return summaries


def course_rows(course: Course, people: list[dict]) -> list[CourseRow]:
    """Every learner who began `course`, in the order given."""
    rows = []
    for person in people:
        progress = recorder.progress_of(person["id"]).get(course.id)
        if progress is not None:
            rows.append(CourseRow(person, percent(course, progress), _complete(course, progress), progress))
    return rows


def course_counts(courses: list[Course], people: list[dict]) -> dict[str, tuple[int, int]]:
    """Course id -> (learners who began it, learners who finished it)."""
    counts = {course.id: [0, 0] for course in courses}
    for person in people:
        progress = recorder.progress_of(person["id"])
        for course in courses:
            if course.id in progress:
                counts[course.id][0] += 1
                counts[course.id][1] += _complete(course, progress[course.id])
    return {course_id: (begun, finished) for course_id, (begun, finished) in counts.items()}


def _complete(course: Course, progress: CourseProgress | None) -> bool:
    return progress is not None and rule_met(course, progress)
