"""Checking a practice step on the player's side: each field against the scenario's value, hints that grow
with each mistake, and the refusal of anything that looks like a learner's real personal data.

Nothing a learner types is kept: a check returns only which fields were right.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from courses.practice import CHOOSING, PracticeField, PracticeStep

ANSWER_LEVEL = 3  # the third mistake shows the answer
PIN_TRIES = 3  # a real token locks after three wrong PINs
MAX_INPUT = 200
_SEPARATORS = re.compile(r"[\s.\-()]")
_ID_NUMBER = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^(?:\+?84|0)\d{9}$")
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Check:
    """What one press of Check found: the fields right, and whether something personal was refused."""

    right: frozenset[str]
    personal: bool = False

    def passed(self, step: PracticeStep) -> bool:
        return not self.personal and all(field.id in self.right for field in step.fields)


def check_step(step: PracticeStep, form) -> Check:
    """Each field of the step against the form; a real-looking ID or phone number refuses the whole form."""
    values = {field.id: str(form.get(field_name(field), ""))[:MAX_INPUT] for field in step.fields}
    if any(looks_personal(field, values[field.id]) for field in step.fields):
        return Check(frozenset(), personal=True)
    return Check(frozenset(field.id for field in step.fields if is_right(field, values[field.id])))


def field_name(field: PracticeField) -> str:
    return f"f-{field.id}"


def looks_personal(field: PracticeField, value: str) -> bool:
    """A 12-digit number (an ID number) or a phone number that is not the scenario's own."""
    if field.type in CHOOSING:
        return False
    digits = _SEPARATORS.sub("", value)
    if not (_ID_NUMBER.match(digits) or _PHONE.match(digits)):
        return False
    return digits != _SEPARATORS.sub("", field.expected)


def is_right(field: PracticeField, value: str) -> bool:
    if field.type in CHOOSING:
        return value == field.expected
    if field.type == "date":
        return read_date(value) == field.expected
    if field.type == "pin":
        return value.strip() == field.expected
    if field.expected.isdigit():  # a number may be typed in groups: 0010 9901 2345
        return _SEPARATORS.sub("", value) == field.expected
    return _normal(value) == _normal(field.expected)


def read_date(value: str) -> str | None:
    """A date typed dd/mm/yyyy or sent by a date box (yyyy-mm-dd), as yyyy-mm-dd."""
    value = value.strip()
    match = _DAY_FIRST.match(value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day).isoformat()
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def shown_value(field: PracticeField) -> str:
    """The expected value as the learner would write it (a date as dd/mm/yyyy)."""
    if field.type == "date":
        year, month, day = field.expected.split("-")
        return f"{day}/{month}/{year}"
    return field.expected


def hint(field: PracticeField, mistakes: int) -> str | None:
    """What the learner is told after this many mistakes at a field: the author's hint, a stronger one, then
    the answer itself."""
    if mistakes <= 0:
        return None
    if mistakes == 1:
        return field.hint or gettext("Read the scenario card again: it has what this box needs.")
    if mistakes == 2:
        return field.more_hint or _stronger(field)
    return shown_value(field)


def _stronger(field: PracticeField) -> str:
    if field.type in CHOOSING:
        other = next(choice for choice in field.choices if choice != field.expected) \
            if len(field.choices) > 1 else field.expected
        pair = sorted({field.expected, other})
        return gettext("It is one of these two: %(choices)s", choices=" / ".join(pair))
    answer = shown_value(field)
    return gettext("It starts with “%(start)s” and has %(count)d characters.",
                   start=answer[:max(1, len(answer) // 3)], count=len(answer))


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
