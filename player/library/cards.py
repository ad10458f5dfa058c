"""Course cards rendered one at a time, so that no single course can take a page down.

A bundle's text comes from whoever made the file: a title holding a lone surrogate renders but cannot be
sent as UTF-8, and anything else in one course's data may break its template. Each card is rendered and
encoded on its own; a course whose card fails, like a bundle that no longer opens, shows as a damaged card
naming the course id, with a way to remove it."""

import logging
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from courses import Course
from player.library.visibility import hidden_courses
from player.web.sanitise import rendered
from player.web.services import services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Card:
    """One installed course on a page: its rendered card, or None when it is damaged."""

    course_id: str
    course: Course | None
    html: Markup | None


def course_cards(template: str, for_learners: bool = False, **context) -> list[Card]:
    """A card for every installed bundle from `template` (given `course`): the courses by title, then the
    damaged ones by id; for learners, without the courses the admin hid."""
    library = services().library
    hidden = hidden_courses() if for_learners else frozenset()
    cards = [Card(course.id, course, _render(template, course, context))
             for course in library.courses() if course.id not in hidden]
    shown = [card for card in cards if card.html is not None]
    damaged = sorted(({card.course_id for card in cards if card.html is None} | set(library.damaged())) - hidden)
    return shown + [Card(course_id, None, None) for course_id in damaged]


def shown_courses() -> list[Course]:
    """The installed courses whose cards can be shown (for pages that list courses in other ways)."""
    return [card.course for card in course_cards("library/_title.html") if card.html is not None]


def _render(template: str, course: Course, context: dict) -> Markup | None:
    try:
        html = render_template(template, course=course, **context)
        html.encode("utf-8")  # text that is not valid Unicode renders, but cannot be sent
    except Exception:  # noqa: BLE001 - whatever one course's data breaks stays on its own card
        log.exception("the card of course %s cannot be shown", course.id)
        return None
    return rendered(html)
