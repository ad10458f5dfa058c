"""The xAPI 1.0.3 statement profile of Trạm Học: one builder per statement kind, over the vocabulary and
activity IRIs of player.xapi. docs/xapi.md is the contract; the recorder, the export, the report and the
sync all follow it.

Activity IRIs are URNs built from stable ids (`urn:tramhoc:course:<course>[:lesson:<lesson>[:quiz]]`,
`urn:tramhoc:course:<course>:question:<question>`): the same across course versions and centres. Never
change their shape, or results already recorded would no longer match.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from player.xapi.vocabulary import (
    ACCOUNT_HOME, COURSE_TYPE, EXTENSION_CENTRE, EXTENSION_DEVICE, LESSON_TYPE, LIST_SEPARATOR, PAIR_SEPARATOR,
    PLATFORM, QUESTION_TYPE, QUIZ_TYPE, VERBS, XAPI_VERSION, course_iri, duration, lesson_iri, question_iri,
    quiz_iri, score, timestamp,
)

VERB_NAMES = tuple(VERBS)


@dataclass(frozen=True)
class Scope:
    """Who did it and where: the learner, the course (and its version), this installation and centre."""

    learner_id: str
    learner_name: str
    course_id: str
    course_title: str
    course_version: str
    language: str
    device_id: str
    centre: str


@dataclass(frozen=True)
class Question:
    """A quiz question as an xAPI interaction activity.

    components  interaction components by list name (`choices`, `source`, `target`, `steps`, `scale`),
                each a sequence of (component id, text)
    correct     the correctResponsesPattern: every accepted response in xAPI's response format
    """

    question_id: str
    prompt: str
    interaction_type: str
    components: dict[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    correct: Sequence[str] = ()


def agent(scope: Scope) -> dict:
    """The learner as an Agent identified by an account whose name is the learner's id."""
    return {"objectType": "Agent", "name": scope.learner_name,
            "account": {"homePage": ACCOUNT_HOME, "name": scope.learner_id}}


def activity(iri: str, activity_type: str, name: str, language: str, **definition) -> dict:
    return {"objectType": "Activity", "id": iri,
            "definition": {"name": {language: name}, "type": activity_type, **definition}}


def course_activity(scope: Scope) -> dict:
    return activity(course_iri(scope.course_id), COURSE_TYPE, scope.course_title, scope.language)


def lesson_activity(scope: Scope, lesson_id: str, title: str) -> dict:
    return activity(lesson_iri(scope.course_id, lesson_id), LESSON_TYPE, title, scope.language)


def quiz_activity(scope: Scope, lesson_id: str, title: str) -> dict:
    return activity(quiz_iri(scope.course_id, lesson_id), QUIZ_TYPE, title, scope.language)


def question_activity(scope: Scope, question: Question) -> dict:
    """The question with its full interaction definition, so every answer can be read on its own."""
    definition = {"description": {scope.language: question.prompt}, "interactionType": question.interaction_type,
                  "correctResponsesPattern": list(question.correct)}
    for name, components in question.components.items():
        definition[name] = [{"id": component_id, "description": {scope.language: text}}
                            for component_id, text in components]
    return {"objectType": "Activity", "id": question_iri(scope.course_id, question.question_id),
            "definition": {"type": QUESTION_TYPE, **definition}}


def context(scope: Scope, parent: dict | None = None, registration: str | None = None) -> dict:
    """Where a statement happened: the course and its version, this installation and centre."""
    made = {
        "platform": PLATFORM,
        "language": scope.language,
        "revision": scope.course_version,
        "contextActivities": {"grouping": [course_activity(scope)]},
        "extensions": {EXTENSION_DEVICE: scope.device_id, EXTENSION_CENTRE: scope.centre},
    }
    if parent is not None:
        made["contextActivities"]["parent"] = [parent]
    if registration is not None:
        made["registration"] = registration
    return made


def statement(scope: Scope, verb_name: str, object_: dict, when: datetime, result: dict | None = None,
              parent: dict | None = None, registration: str | None = None,
              statement_id: str | None = None) -> dict:
    """A complete statement; a new random UUID unless `statement_id` is given."""
    made = {"id": statement_id or str(uuid.uuid4()), "actor": agent(scope),
            "verb": {"id": VERBS[verb_name], "display": {"en-US": verb_name}}, "object": object_,
            "context": context(scope, parent, registration), "timestamp": timestamp(when), "version": XAPI_VERSION}
    if result is not None:
        made["result"] = result
    return made


# One builder per statement kind of the profile (see docs/xapi.md).

def lesson_launched(scope: Scope, lesson_id: str, title: str, when: datetime, **ids) -> dict:
    return statement(scope, "launched", lesson_activity(scope, lesson_id, title), when, **ids)


def lesson_experienced(scope: Scope, lesson_id: str, title: str, seconds: float, when: datetime,
                       **ids) -> dict:
    return statement(scope, "experienced", lesson_activity(scope, lesson_id, title), when,
                     result={"duration": duration(seconds)}, **ids)


def lesson_completed(scope: Scope, lesson_id: str, title: str, when: datetime, **ids) -> dict:
    return statement(scope, "completed", lesson_activity(scope, lesson_id, title), when,
                     result={"completion": True}, **ids)


def quiz_attempted(scope: Scope, lesson_id: str, title: str, registration: str, when: datetime, **ids) -> dict:
    """The start of a quiz attempt; `registration` (a UUID) ties all statements of the attempt together."""
    return statement(scope, "attempted", quiz_activity(scope, lesson_id, title), when,
                     parent=lesson_activity(scope, lesson_id, title), registration=registration, **ids)


def question_answered(scope: Scope, lesson_id: str, title: str, question: Question, response: str,
                      success: bool, registration: str, when: datetime, points: float = 1.0,
                      max_points: float = 1.0, **ids) -> dict:
    """One answer of an attempt; `response` in xAPI's format for the interaction (see `response`)."""
    return statement(scope, "answered", question_activity(scope, question), when,
                     result={"success": success, "response": response, "score": score(points, max_points)},
                     parent=quiz_activity(scope, lesson_id, title), registration=registration, **ids)


def quiz_finished(scope: Scope, lesson_id: str, title: str, passed: bool, points: float, max_points: float,
                  seconds: float, registration: str, when: datetime, **ids) -> dict:
    """The end of an attempt: `passed` or `failed` for the quiz, with the attempt's score."""
    return statement(scope, "passed" if passed else "failed", quiz_activity(scope, lesson_id, title), when,
                     result={"score": score(points, max_points), "success": passed, "completion": True,
                             "duration": duration(seconds)},
                     parent=lesson_activity(scope, lesson_id, title), registration=registration, **ids)


def course_completed(scope: Scope, when: datetime, scaled_score: float | None = None,
                     seconds: float | None = None, **ids) -> dict:
    """The course's completion rule was met (all lessons done, all quizzes passed)."""
    result = {"completion": True, "success": True}
    if scaled_score is not None:
        result["score"] = score(scaled_score, 1.0)
    if seconds is not None:
        result["duration"] = duration(seconds)
    return statement(scope, "completed", course_activity(scope), when, result=result, **ids)


def response(interaction_type: str, answer) -> str:
    """A learner's answer in xAPI's response format: `true`/`false`; choice ids or sequence joined by
    `[,]`; matching pairs `source[.]target` joined by `[,]`; fill-in texts joined by `[,]`; a number."""
    if interaction_type == "true-false":
        return "true" if answer else "false"
    if interaction_type == "matching":
        return LIST_SEPARATOR.join(f"{source}{PAIR_SEPARATOR}{target}" for source, target in answer)
    if interaction_type in ("choice", "sequencing", "fill-in", "long-fill-in") and not isinstance(answer, str):
        return LIST_SEPARATOR.join(str(item) for item in answer)
    if interaction_type == "numeric":
        return f"{answer:g}" if isinstance(answer, float) else str(answer)
    return str(answer)


def response_items(text: str) -> list[str]:
    """The items of a response or pattern (`a[,]b` → [`a`, `b`]); an empty response has none."""
    return text.split(LIST_SEPARATOR) if text else []
