"""Where each learner stopped in a lesson's narrations (the lesson's own, and its sections'), and at what
speed: kept in the learner's store (crash-safe, like their records) and given back when they open the lesson
again. A place belongs to one recording: when a course update brings another narration file, it starts from
the beginning."""

import math
from dataclasses import dataclass

from flask_babel import format_decimal

from player import clock
from player.web.services import services

SPEEDS = (0.75, 1.0, 1.25)
MAX_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Place:
    """A position in a narration (seconds from the start) and the speed it was played at."""

    position: float = 0.0
    speed: float = 1.0


def speed_choices() -> list[tuple[float, str]]:
    """The speeds a learner can choose, with their labels in the page's language (`0,75×` in Vietnamese)."""
    return [(speed, format_decimal(speed, "0.##") + "×") for speed in SPEEDS]


def _key(course_id: str, lesson_id: str, narration: str) -> str:
    return f"{course_id}/{lesson_id}#{narration}"


def place_of(learner_id: str, course_id: str, lesson_id: str, narration: str) -> Place:
    """Where the learner stopped in this narration (an MP3's path in the course) of the lesson; the
    beginning when never heard."""
    found = services().store.learners.listening(learner_id, _key(course_id, lesson_id, narration))
    return (read_place(found) if found else None) or Place()


def keep(learner_id: str, course_id: str, lesson_id: str, narration: str, place: Place) -> None:
    """Remember the learner's place in this narration of the lesson durably."""
    services().store.learners.put_listening(learner_id, _key(course_id, lesson_id, narration), {
        "narration": narration, "position": place.position, "speed": place.speed, "saved": clock.now()})


def read_place(data: dict) -> Place | None:
    """A place from JSON (the page's or the store's), or None when it is not one."""
    position, speed = data.get("position"), data.get("speed")
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (position, speed)):
        return None
    if not (math.isfinite(position) and 0 <= position <= MAX_SECONDS) or float(speed) not in SPEEDS:
        return None
    return Place(round(float(position), 1), float(speed))
