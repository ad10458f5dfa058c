"""A practice's xAPI statements: one per check of a step (right or wrong, mistakes and hints so far, never
what was typed), and its completion, which completes the lesson too."""

from courses import Course, Lesson
from courses.practice import Practice, PracticeStep
from player import clock
from player.practice.checking import ANSWER_LEVEL
from player.practice.runs import Run
from player.progress import recorder
from player.web.services import services
from player.xapi import statements
from player.xapi import vocabulary as xapi
from player.xapi.statements import PracticeRun


def hints_shown(run: Run, step: PracticeStep) -> int:
    """Hints the learner has seen at a step: one per mistake at each field, the answer being the last."""
    return sum(min(run.mistakes_at(step.id, field.id), ANSWER_LEVEL) for field in step.fields)


def total_hints(run: Run, practice: Practice) -> int:
    return sum(hints_shown(run, step) for step in practice.steps)


def record_check(course: Course, lesson: Lesson, practice: Practice, step: PracticeStep, run: Run, passed: bool,
                 learner: dict) -> None:
    """One statement for this check of the step; when it was the last step, the practice's completion."""
    scope, when = recorder.practice_scope(learner, course), clock.utcnow()
    about = PracticeRun(lesson.id, lesson.title, practice.id, practice.title, run.registration)
    made = [statements.practice_step_checked(scope, about, step.id, step.screen, passed,
                                             run.wrong_checks.get(step.id, 0), hints_shown(run, step), when)]
    finished = passed and run.position >= len(practice.path())
    if finished:
        made.append(statements.practice_completed(scope, about, sum(run.wrong_checks.values()),
                                                  total_hints(run, practice), clock.now() - run.started, when))
    recorder.record_practice(course, made, learner, lesson if finished else None)


def finished_practices(learner_id: str, course_id: str) -> set[tuple[str, str]]:
    """(lesson id, practice id) of every practice of the course the learner has finished."""
    found = set()
    for statement in services().store.learners.statements(learner_id):
        ref = xapi.parse_practice(statement.get("object", {}).get("id", ""))
        if ref and ref.course_id == course_id and ref.step_id is None and xapi.verb_name(statement) == "completed":
            found.add((ref.lesson_id, ref.practice_id))
    return found
