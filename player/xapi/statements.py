"""The one builder of the player's xAPI 1.0.3 statements: the recorder, the quiz attempts, the tests'
fixtures and the benchmarks all make their statements here. docs/xapi.md shows what each kind looks like,
and tests/test_xapi_docs.py checks every example there against a statement the player really wrote.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from player.xapi.vocabulary import (
    ACCOUNT_HOME,
    CLASS_TYPE,
    COURSE_TYPE,
    EXTENSION_CENTRE,
    EXTENSION_DEVICE,
    EXTENSION_HINTS,
    EXTENSION_MISTAKES,
    EXTENSION_TEST_ROLE,
    INTERACTION_TYPES,
    LESSON_TYPE,
    PLATFORM,
    PRACTICE_STEP_TYPE,
    PRACTICE_TYPE,
    QUESTION_TYPE,
    QUIZ_TYPE,
    XAPI_VERSION,
    class_iri,
    course_iri,
    duration,
    lesson_iri,
    practice_iri,
    practice_step_iri,
    question_iri,
    quiz_iri,
    score,
    timestamp,
    verb,
)


@dataclass(frozen=True)
class Scope:
    """Who did it and where: the learner, the course (and its version), this installation and centre, and
    the learner's classes of that course running that day, as (class id, class name)."""

    learner_id: str
    learner_name: str
    course_id: str
    course_title: str
    course_version: str
    language: str
    device_id: str
    centre: str
    classes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Answer:
    """How a learner answered one question of a quiz attempt.

    question_id       the question's stable id (unique in the course)
    response          the answer in xAPI's response format for its interaction type (see
                      player.quizzes.interactions): choice keys joined by `[,]`, the text typed, …
    correct           whether it counts as right; None when it is not graded automatically (an essay):
                      then no success or score is recorded and it does not count in the attempt's score
    points            points scored, for partial credit; None means all of max_points when correct,
                      else 0. max_points is the question's weight
    interaction_type  xAPI interaction type: `choice`, `true-false`, `fill-in`, `long-fill-in`, `numeric`,
                      `matching`, `sequencing` or `other`
    definition        the rest of the question's cmi.interaction definition (name, choices, source/target,
                      correctResponsesPattern), see player.quizzes.interactions
    """

    question_id: str
    response: str
    correct: bool | None
    points: float | None = None
    max_points: float = 1.0
    interaction_type: str = "other"
    definition: dict | None = None

    @property
    def scored(self) -> float:
        if self.points is not None:
            return self.points
        return self.max_points if self.correct else 0.0


def agent(scope: Scope) -> dict:
    """The learner as an Agent identified by an account whose name is the learner's id."""
    return {"objectType": "Agent", "name": scope.learner_name,
            "account": {"homePage": ACCOUNT_HOME, "name": scope.learner_id}}


def activity(iri: str, activity_type: str, name: str, language: str) -> dict:
    return {"objectType": "Activity", "id": iri, "definition": {"name": {language: name}, "type": activity_type}}


def course_activity(scope: Scope) -> dict:
    return activity(course_iri(scope.course_id), COURSE_TYPE, scope.course_title, scope.language)


def lesson_activity(scope: Scope, lesson_id: str, title: str) -> dict:
    return activity(lesson_iri(scope.course_id, lesson_id), LESSON_TYPE, title, scope.language)


def quiz_activity(scope: Scope, lesson_id: str, title: str) -> dict:
    return activity(quiz_iri(scope.course_id, lesson_id), QUIZ_TYPE, title, scope.language)


def question_activity(scope: Scope, answer: Answer) -> dict:
    """A question as a cmi.interaction, with its whole definition, so every answer can be read on its own."""
    if answer.interaction_type not in INTERACTION_TYPES:
        raise ValueError(f"unknown xAPI interaction type {answer.interaction_type!r}")
    return {"objectType": "Activity", "id": question_iri(scope.course_id, answer.question_id),
            "definition": {**(answer.definition or {}), "type": QUESTION_TYPE,
                           "interactionType": answer.interaction_type}}


def class_activity(scope: Scope, class_id: str, name: str) -> dict:
    return activity(class_iri(class_id), CLASS_TYPE, name, scope.language)


def context(scope: Scope, parent: dict | None = None, registration: str | None = None,
            test_role: str | None = None) -> dict:
    """Where a statement happened: the course and its version, the learner's classes, this installation and
    centre, and whether the attempt is the course's pre-test or post-test (`test_role`)."""
    made = {
        "platform": PLATFORM,
        "language": scope.language,
        "revision": scope.course_version,
        "contextActivities": {"grouping": [course_activity(scope), *(class_activity(scope, class_id, name)
                                                                     for class_id, name in scope.classes)]},
        "extensions": {EXTENSION_DEVICE: scope.device_id, EXTENSION_CENTRE: scope.centre},
    }
    if parent is not None:
        made["contextActivities"]["parent"] = [parent]
    if registration is not None:
        made["registration"] = registration
    if test_role is not None:
        made["extensions"][EXTENSION_TEST_ROLE] = test_role
    return made


def statement(scope: Scope, verb_name: str, object_: dict, when: datetime, result: dict | None = None,
              parent: dict | None = None, registration: str | None = None,
              statement_id: str | None = None, test_role: str | None = None) -> dict:
    """A complete statement; a new random UUID unless `statement_id` is given."""
    made = {"id": statement_id or str(uuid.uuid4()), "actor": agent(scope), "verb": verb(verb_name),
            "object": object_, "context": context(scope, parent, registration, test_role),
            "timestamp": timestamp(when),
            "version": XAPI_VERSION}
    if result is not None:
        made["result"] = result
    return made


# One builder per statement kind (see docs/xapi.md). `ids` may carry a fixed `statement_id`; a quiz attempt's
# `ids` also its `test_role` (vocabulary.PRE_TEST or POST_TEST).

def lesson_launched(scope: Scope, lesson_id: str, title: str, when: datetime, **ids) -> dict:
    """The learner opened a lesson."""
    return statement(scope, "launched", lesson_activity(scope, lesson_id, title), when, **ids)


def lesson_experienced(scope: Scope, lesson_id: str, title: str, seconds: float, when: datetime,
                       **ids) -> dict:
    """Time spent on a lesson page (one visit)."""
    return statement(scope, "experienced", lesson_activity(scope, lesson_id, title), when,
                     result={"duration": duration(seconds)}, **ids)


def lesson_completed(scope: Scope, lesson_id: str, title: str, when: datetime, **ids) -> dict:
    """The learner reached the end of a lesson and pressed Done."""
    return statement(scope, "completed", lesson_activity(scope, lesson_id, title), when,
                     result={"completion": True}, **ids)


def question_answered(scope: Scope, lesson_id: str, title: str, answer: Answer, registration: str,
                      when: datetime, **ids) -> dict:
    """One answer of a quiz attempt; an answer not graded automatically carries only its response."""
    if answer.correct is None:
        result = {"response": answer.response}
    else:
        result = {"success": answer.correct, "response": answer.response,
                  "score": score(answer.scored, answer.max_points)}
    return statement(scope, "answered", question_activity(scope, answer), when, result=result,
                     parent=quiz_activity(scope, lesson_id, title), registration=registration, **ids)


def quiz_finished(scope: Scope, lesson_id: str, title: str, answers: list[Answer], passed: bool | None,
                  seconds: float, registration: str, when: datetime, **ids) -> dict:
    """The end of an attempt: `passed` or `failed` for a test, `completed` for self-checks (passed None),
    with the score summed over the graded answers."""
    result = {"completion": True, "duration": duration(seconds)}
    graded = [answer for answer in answers if answer.correct is not None]
    if graded:
        result["score"] = score(sum(a.scored for a in graded), sum(a.max_points for a in graded))
    if passed is not None:
        result["success"] = passed
    verb_name = "completed" if passed is None else "passed" if passed else "failed"
    return statement(scope, verb_name, quiz_activity(scope, lesson_id, title), when, result=result,
                     parent=lesson_activity(scope, lesson_id, title), registration=registration, **ids)


def course_completed(scope: Scope, when: datetime, scaled_score: float | None = None,
                     seconds: float | None = None, **ids) -> dict:
    """The course's completion rule was met (every lesson done, every test passed)."""
    result = {"completion": True, "success": True}
    if seconds is not None:
        result["duration"] = duration(seconds)
    if scaled_score is not None:
        result["score"] = score(scaled_score, 1.0)
    return statement(scope, "completed", course_activity(scope), when, result=result, **ids)


@dataclass(frozen=True)
class PracticeRun:
    """One run of a practice simulation: where it is, and its id (every statement's registration)."""

    lesson_id: str
    lesson_title: str
    practice_id: str
    practice_title: str
    registration: str


def practice_activity(scope: Scope, run: PracticeRun) -> dict:
    return activity(practice_iri(scope.course_id, run.lesson_id, run.practice_id), PRACTICE_TYPE,
                    run.practice_title, scope.language)


def practice_step_checked(scope: Scope, run: PracticeRun, step_id: str, screen: str, success: bool, mistakes: int,
                          hints: int, when: datetime, **ids) -> dict:
    """One check of a practice step: right or wrong, with the step's mistakes and hints so far; never what the
    learner typed."""
    step = activity(practice_step_iri(scope.course_id, run.lesson_id, run.practice_id, step_id), PRACTICE_STEP_TYPE,
                    screen, scope.language)
    result = {"success": success, "extensions": {EXTENSION_MISTAKES: mistakes, EXTENSION_HINTS: hints}}
    return statement(scope, "answered", step, when, result=result, parent=practice_activity(scope, run),
                     registration=run.registration, **ids)


def practice_completed(scope: Scope, run: PracticeRun, mistakes: int, hints: int, seconds: float, when: datetime,
                       **ids) -> dict:
    """The learner went through every step of a practice, with its mistakes and hints in total."""
    result = {"completion": True, "duration": duration(seconds),
              "extensions": {EXTENSION_MISTAKES: mistakes, EXTENSION_HINTS: hints}}
    return statement(scope, "completed", practice_activity(scope, run), when, result=result,
                     parent=lesson_activity(scope, run.lesson_id, run.lesson_title), registration=run.registration,
                     **ids)
