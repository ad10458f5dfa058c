"""The xAPI 1.0.3 vocabulary of the player: ADL verbs, activity types, stable activity IRIs built from
course, lesson and question ids, and builders for the statements every progress record is stored as.

Records are stored exactly as these statements, so export to a file or a Learning Record Store needs no
translation. Activity IRIs are URNs (`urn:tramhoc:course:<course>[:lesson:<lesson>[:quiz]]`,
`urn:tramhoc:course:<course>:question:<question>`): stable across course versions and centres, and
owned by no web domain. Never change their shape: results already recorded would no longer match.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from courses import Course, Lesson
from player import __version__

XAPI_VERSION = "1.0.3"
IRI_PREFIX = "urn:tramhoc:"
ACCOUNT_HOME = "urn:tramhoc:learners"
PLATFORM = f"Trạm Học {__version__}"

ADL_VERB = "http://adlnet.gov/expapi/verbs/"
VERBS = {name: ADL_VERB + name for name in
         ("launched", "experienced", "completed", "attempted", "answered", "passed", "failed")}

ADL_ACTIVITY = "http://adlnet.gov/expapi/activities/"
COURSE_TYPE = ADL_ACTIVITY + "course"
LESSON_TYPE = ADL_ACTIVITY + "lesson"
QUIZ_TYPE = ADL_ACTIVITY + "assessment"
QUESTION_TYPE = ADL_ACTIVITY + "cmi.interaction"
INTERACTION_TYPES = ("true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other")

EXTENSION_DEVICE = IRI_PREFIX + "extension:device-id"
EXTENSION_CENTRE = IRI_PREFIX + "extension:centre"

# xAPI's delimiters inside a response or a correct-responses pattern (Data 2.4.4.1, Response Patterns).
LIST_SEPARATOR = "[,]"
PAIR_SEPARATOR = "[.]"
RANGE_SEPARATOR = "[:]"

_ACTIVITY = re.compile(r"^urn:tramhoc:course:([a-z0-9][a-z0-9-]*)"
                       r"(?::lesson:([a-z0-9][a-z0-9-]*)(:quiz)?|:question:([a-z0-9][a-z0-9-]*))?$")


@dataclass(frozen=True)
class ActivityRef:
    """What an activity IRI of ours points at."""

    course_id: str
    lesson_id: str | None = None
    quiz: bool = False
    question_id: str | None = None


def course_iri(course_id: str) -> str:
    return f"{IRI_PREFIX}course:{course_id}"


def lesson_iri(course_id: str, lesson_id: str) -> str:
    return f"{course_iri(course_id)}:lesson:{lesson_id}"


def quiz_iri(course_id: str, lesson_id: str) -> str:
    """The quiz of a lesson (all its questions together)."""
    return f"{lesson_iri(course_id, lesson_id)}:quiz"


def question_iri(course_id: str, question_id: str) -> str:
    """A question; its id is unique within the course, so the IRI survives moving it to another lesson."""
    return f"{course_iri(course_id)}:question:{question_id}"


def parse_activity(iri: str) -> ActivityRef | None:
    """The course / lesson / question an activity IRI names, or None for a foreign IRI."""
    match = _ACTIVITY.match(iri or "")
    if match is None:
        return None
    course_id, lesson_id, quiz, question_id = match.groups()
    return ActivityRef(course_id, lesson_id, bool(quiz), question_id)


def verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en-US": name}}


def verb_name(statement: dict) -> str | None:
    """The short name of a statement's ADL verb (`completed`, …), or None for another verb."""
    verb_id = statement.get("verb", {}).get("id", "")
    return verb_id[len(ADL_VERB):] if verb_id.startswith(ADL_VERB) else None


def actor(learner_id: str, name: str) -> dict:
    """A learner as an xAPI Agent, identified by an account whose name is the learner's id."""
    return {"objectType": "Agent", "name": name, "account": {"homePage": ACCOUNT_HOME, "name": learner_id}}


def activity(iri: str, activity_type: str, name: str, language: str, **definition) -> dict:
    return {"objectType": "Activity", "id": iri,
            "definition": {"name": {language: name}, "type": activity_type, **definition}}


def course_activity(course: Course) -> dict:
    return activity(course_iri(course.id), COURSE_TYPE, course.title, course.language)


def lesson_activity(course: Course, lesson: Lesson) -> dict:
    return activity(lesson_iri(course.id, lesson.id), LESSON_TYPE, lesson.title, course.language)


def quiz_activity(course: Course, lesson: Lesson) -> dict:
    return activity(quiz_iri(course.id, lesson.id), QUIZ_TYPE, lesson.title, course.language)


def question_activity(course: Course, question_id: str, interaction_type: str = "other",
                      definition: dict | None = None) -> dict:
    """A question as a cmi.interaction; `definition` adds its name, items and correct responses."""
    if interaction_type not in INTERACTION_TYPES:
        raise ValueError(f"unknown xAPI interaction type {interaction_type!r}")
    return {"objectType": "Activity", "id": question_iri(course.id, question_id),
            "definition": {**(definition or {}), "type": QUESTION_TYPE, "interactionType": interaction_type}}


def context(course: Course, device_id: str, centre: str, parents: list[dict] = (),
            registration: str | None = None) -> dict:
    """Where a statement happened: the course and its version, this installation and centre."""
    found = {
        "platform": PLATFORM,
        "language": course.language,
        "revision": course.version,
        "contextActivities": {"grouping": [course_activity(course)]},
        "extensions": {EXTENSION_DEVICE: device_id, EXTENSION_CENTRE: centre},
    }
    if parents:
        found["contextActivities"]["parent"] = list(parents)
    if registration:
        found["registration"] = registration
    return found


def statement(actor_: dict, verb_name_: str, object_: dict, context_: dict, result: dict | None = None,
              when: datetime | None = None) -> dict:
    """A complete statement with a new UUID and a UTC timestamp."""
    made = {"id": str(uuid.uuid4()), "actor": actor_, "verb": verb(verb_name_), "object": object_,
            "context": context_, "timestamp": timestamp(when)}
    if result is not None:
        made["result"] = result
    return made


def score(raw: float, maximum: float, minimum: float = 0.0) -> dict:
    """An xAPI score; `scaled` is raw over the range (xAPI wants min < max and raw within them)."""
    if not minimum < maximum or not minimum <= raw <= maximum:
        raise ValueError(f"score {raw} outside {minimum}..{maximum}")
    return {"scaled": round((raw - minimum) / (maximum - minimum), 4), "raw": raw, "min": minimum, "max": maximum}


def timestamp(when: datetime | None = None) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. `2025-10-01T07:30:00.125Z` (a naive time is taken as UTC)."""
    when = when or datetime.now(timezone.utc)
    when = when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def duration(seconds: float) -> str:
    """ISO 8601 duration with at most two decimals of seconds, as xAPI wants: `PT1H2M3.5S`."""
    centis = max(0, round(seconds * 100))
    hours, centis = divmod(centis, 360_000)
    minutes, centis = divmod(centis, 6_000)
    secs = f"{centis // 100}" + (f".{centis % 100:02d}".rstrip("0") if centis % 100 else "")
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


def parse_duration(text: str) -> float:
    """Seconds in a `PT…H…M…S` duration (the only form the player writes); 0 for anything else."""
    match = _DURATION.match(text or "")
    if match is None:
        return 0.0
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)
