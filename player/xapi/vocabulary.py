"""The xAPI 1.0.3 vocabulary of the player: ADL verbs, activity types, stable activity IRIs built from
course, lesson and question ids, response separators, scores, timestamps and durations. Statements are
made from it in player.xapi.statements.

Records are stored exactly as those statements, so export to a file or a Learning Record Store needs no
translation. Activity IRIs are URNs (`urn:tramhoc:course:<course>[:lesson:<lesson>[:quiz]]`,
`urn:tramhoc:course:<course>:question:<question>`): stable across course versions and centres, and
owned by no web domain. Never change their shape: results already recorded would no longer match.
A class of a centre is `urn:tramhoc:class:<class id>`. A practice simulation is
`urn:tramhoc:course:<course>:lesson:<lesson>:practice:<practice>`, each of its steps
that IRI followed by `:step:<step>`.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from player import __version__

XAPI_VERSION = "1.0.3"
IRI_PREFIX = "urn:tramhoc:"
ACCOUNT_HOME = "urn:tramhoc:learners"
PLATFORM = f"Trạm Học {__version__}"

ADL_VERB = "http://adlnet.gov/expapi/verbs/"
VERBS = {name: ADL_VERB + name for name in
         ("launched", "experienced", "completed", "answered", "passed", "failed")}

ADL_ACTIVITY = "http://adlnet.gov/expapi/activities/"
COURSE_TYPE = ADL_ACTIVITY + "course"
LESSON_TYPE = ADL_ACTIVITY + "lesson"
QUIZ_TYPE = ADL_ACTIVITY + "assessment"
QUESTION_TYPE = ADL_ACTIVITY + "cmi.interaction"
PRACTICE_TYPE = ADL_ACTIVITY + "simulation"
PRACTICE_STEP_TYPE = ADL_ACTIVITY + "interaction"  # a practice's step (not a question: no response is kept)
CLASS_TYPE = IRI_PREFIX + "activity-type:class"  # a centre's class (player.classes); no ADL type fits
INTERACTION_TYPES = ("true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other")

EXTENSION_DEVICE = IRI_PREFIX + "extension:device-id"
EXTENSION_CENTRE = IRI_PREFIX + "extension:centre"
EXTENSION_MISTAKES = IRI_PREFIX + "extension:mistakes"  # wrong checks of a practice step (or a whole practice)
EXTENSION_HINTS = IRI_PREFIX + "extension:hints"  # hints shown so far, the answer shown counting as the third
EXTENSION_TEST_ROLE = IRI_PREFIX + "extension:test-role"  # PRE_TEST or POST_TEST, in an attempt's context
PRE_TEST, POST_TEST = "pre-test", "post-test"  # a course's pre-test, and its last test when it has a pre-test

# xAPI's delimiters inside a response or a correct-responses pattern (Data 2.4.4.1, Response Patterns).
LIST_SEPARATOR = "[,]"
PAIR_SEPARATOR = "[.]"
RANGE_SEPARATOR = "[:]"

_PRACTICE = re.compile(r"^urn:tramhoc:course:([a-z0-9][a-z0-9-]*):lesson:([a-z0-9][a-z0-9-]*)"
                       r":practice:([a-z0-9][a-z0-9-]*)(?::step:([a-z0-9][a-z0-9-]*))?$")
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


def class_iri(class_id: str) -> str:
    """A centre's class: `urn:tramhoc:class:<class id>` (32 hex digits, made when the class is)."""
    return f"{IRI_PREFIX}class:{class_id}"


def lesson_iri(course_id: str, lesson_id: str) -> str:
    return f"{course_iri(course_id)}:lesson:{lesson_id}"


def quiz_iri(course_id: str, lesson_id: str) -> str:
    """The quiz of a lesson (all its questions together)."""
    return f"{lesson_iri(course_id, lesson_id)}:quiz"


def question_iri(course_id: str, question_id: str) -> str:
    """A question; its id is unique within the course, so the IRI survives moving it to another lesson."""
    return f"{course_iri(course_id)}:question:{question_id}"


def practice_iri(course_id: str, lesson_id: str, practice_id: str) -> str:
    """A practice simulation of a lesson."""
    return f"{lesson_iri(course_id, lesson_id)}:practice:{practice_id}"


def practice_step_iri(course_id: str, lesson_id: str, practice_id: str, step_id: str) -> str:
    return f"{practice_iri(course_id, lesson_id, practice_id)}:step:{step_id}"


@dataclass(frozen=True)
class PracticeRef:
    """What a practice or practice-step IRI points at."""

    course_id: str
    lesson_id: str
    practice_id: str
    step_id: str | None = None


def parse_practice(iri: str) -> PracticeRef | None:
    """The practice (and step) an IRI names, or None when it names no practice."""
    match = _PRACTICE.match(iri or "")
    return PracticeRef(*match.groups()) if match else None


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


def response_items(text: str) -> list[str]:
    """The items of a response or pattern (`a[,]b` → [`a`, `b`]); an empty response has none."""
    return text.split(LIST_SEPARATOR) if text else []


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def hundredths(seconds: float) -> float:
    """Seconds as a duration keeps them: to the hundredth, never negative (parse_duration gives it back)."""
    return max(0, round(seconds * 100)) / 100


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
    whole = int(hours or 0) * 3600 + int(minutes or 0) * 60
    return (whole * 100 + round(float(seconds or 0) * 100)) / 100  # exactly what hundredths() gives
