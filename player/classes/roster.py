"""Classes as the admin makes them and as learners meet them: the class form read and checked, the classes
running today, and a learner's class courses first."""

import re
import unicodedata
from datetime import date

from flask_babel import gettext

from player import clock
from player.search.folding import alphabetical
from player.web.services import services
from player.xapi.vocabulary import timestamp

MAX_NAME, MAX_TEXT = 80, 120


def read_class(form, installed: set[str]) -> tuple[dict, list[str]]:
    """The class fields typed in a form (name, courses, trainer, place, start, end) and every problem."""
    fields = {"name": _line(form.get("name", "")), "courses": [course for course in form.getlist("courses")
                                                               if course in installed],
              "trainer": _line(form.get("trainer", "")), "place": _line(form.get("place", "")),
              "start": form.get("start", "").strip(), "end": form.get("end", "").strip()}
    problems = []
    if not fields["name"]:
        problems.append(gettext("Type the class's name."))
    if any(len(fields[key]) > (MAX_NAME if key != "place" else MAX_TEXT) for key in ("name", "trainer", "place")):
        problems.append(gettext("A name or place is too long (at most %(num)d letters).", num=MAX_TEXT))
    if not fields["courses"]:
        problems.append(gettext("Choose the class's course or courses."))
    start, end = _day(fields["start"]), _day(fields["end"])
    if start is None or end is None:
        problems.append(gettext("Choose the first and the last day of the class."))
    elif end < start:
        problems.append(gettext("The last day comes before the first day."))
    return fields, problems


def create_class(fields: dict) -> dict:
    """Store a checked class."""
    return services().store.classes.create({**fields, "created": timestamp(clock.utcnow())})


def today() -> str:
    """Today on this PC, as the class dates are written (YYYY-MM-DD)."""
    return clock.utcnow().astimezone().date().isoformat()


def is_active(row: dict, day: str | None = None) -> bool:
    """Whether a class runs on `day` (today)."""
    return row.get("start", "") <= (day or today()) <= row.get("end", "")


def active_courses(learner_id: str) -> list[str]:
    """The courses of the classes a learner is in that run today, in the classes' order."""
    found = [course for row in services().store.classes.classes_of(learner_id) if is_active(row)
             for course in row.get("courses", [])]
    return list(dict.fromkeys(found))


def grouping(learner_id: str, course_id: str) -> tuple[tuple[str, str], ...]:
    """(id, name) of the classes a learner is in that have a course and run today: what the learner's
    statements about that course name in their xAPI `context.contextActivities.grouping`."""
    return tuple((row["id"], row["name"]) for row in services().store.classes.classes_of(learner_id)
                 if course_id in row.get("courses", []) and is_active(row))


def members(row: dict) -> list[dict]:
    """The profiles of a class's learners, by name (a deleted learner is left out)."""
    store = services().store.learners
    found = [profile for learner_id in row.get("learners", []) if (profile := store.profile(learner_id))]
    return sorted(found, key=lambda profile: alphabetical(profile.get("name", "")))


def _line(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
