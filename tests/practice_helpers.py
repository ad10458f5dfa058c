"""Driving a practice through the Flask test client: its model, its page, and the form that answers a step
right (from the model, as a learner who read the scenario card would) or wrong."""

import re

from courses.practice import CHOOSING, Practice, PracticeStep
from player.practice import catalogue
from player.practice.checking import field_name, shown_value

STEP = re.compile(r'<input type="hidden" name="step" value="([a-z0-9-]+)">')


def practice_of(app, course_id: str, lesson_id: str, practice_id: str) -> Practice:
    with app.test_request_context():
        return catalogue.practice(course_id, lesson_id, practice_id)


def url(course_id: str, lesson_id: str, practice_id: str, action: str = "") -> str:
    return f"/courses/{course_id}/lessons/{lesson_id}/practice/{practice_id}" + (f"/{action}" if action else "")


def current_step(client, base: str) -> str | None:
    found = STEP.search(client.get(base).get_data(as_text=True))
    return found.group(1) if found else None


def right_form(step: PracticeStep) -> dict:
    return {"step": step.id, **{field_name(field): shown_value(field) for field in step.fields}}


def wrong_form(step: PracticeStep) -> dict:
    form = right_form(step)
    for field in step.fields:
        form[field_name(field)] = next(c for c in field.choices if c != field.expected) \
            if field.type in CHOOSING else "sai"
    return form
