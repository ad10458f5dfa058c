"""Importing a class list: every row of the sheet checked against the mapping, the other rows and the
learners already here, as a `Plan` shown before anything is written; then, once confirmed, the new
learners created as ordinary profiles and everyone enrolled in the class.

A row is imported as a new learner, matched to a learner already here (same name, and the same birth
year when both are known), or skipped with the reason: no name, a name too long, a value that is not a
birth year, phone number or gender, the same name as an earlier row, or the name of someone else here."""

import re
from dataclasses import dataclass, field

from flask_babel import gettext

from player import clock
from player.classes.columns import BIRTH_YEAR, GENDER, GROUP, NAME, PHONE, fold
from player.classes.listfile import Sheet
from player.learners import profiles
from player.learners.profiles import MAX_NAME, ProfileError
from player.web.services import services

NEW, HERE, IN_CLASS, SKIPPED = "new", "here", "in-class", "skipped"
GENDERS = {"nam": "male", "male": "male", "m": "male", "trai": "male",
           "nu": "female", "female": "female", "f": "female", "gai": "female",
           "khac": "other", "other": "other"}
MAX_GROUP = 80
OLDEST = 1900


@dataclass
class Entry:
    """One row of the list and what importing does with it."""

    number: int
    name: str
    details: dict
    action: str
    reason: str = ""
    learner_id: str | None = None


@dataclass
class Plan:
    """What importing a list would do: its entries, and problems that stop the whole import."""

    entries: list[Entry] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)

    def of(self, *actions: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.action in actions]

    @property
    def can_import(self) -> bool:
        return not self.blocking and bool(self.of(NEW, HERE))


def plan(sheet: Sheet, mapping: dict[str, int], header: int | None, class_row: dict) -> Plan:
    """Check every learner row of `sheet` (those below the header row) against the learners here now."""
    result = Plan()
    if NAME not in mapping:
        result.blocking.append(gettext("Choose the column that holds the names."))
    rows = sheet.rows[header + 1:] if header is not None else sheet.rows
    if not rows:
        result.blocking.append(gettext("The sheet has column names but no learners."))
    if result.blocking:
        return result
    here = {row.get("name", "").casefold(): row["id"] for row in services().store.learners.learners()}
    members = set(class_row.get("learners", []))
    first_row: dict[str, int] = {}
    for number, cells in rows:
        values = {key: cells[index] if index < len(cells) else "" for key, index in mapping.items()}
        entry = _entry(number, values)
        if entry.action != SKIPPED:
            key = entry.name.casefold()
            if key in first_row:
                entry.action, entry.reason = SKIPPED, gettext("the same name as row %(row)d", row=first_row[key])
            else:
                first_row[key] = number
                _match(entry, here.get(key), members)
        result.entries.append(entry)
    return result


def apply(checked: Plan, class_row: dict) -> Plan:
    """Create the new learners of a checked plan and enrol them and the matched ones; returns the plan
    as done (a name taken meanwhile is skipped)."""
    for entry in checked.of(NEW):
        try:
            entry.learner_id = profiles.create(entry.name, None, None, **entry.details)["id"]
        except ProfileError as error:
            entry.action, entry.reason = SKIPPED, str(error)
    services().store.classes.enrol(class_row["id"], [entry.learner_id for entry in checked.of(NEW, HERE)])
    return checked


def _entry(number: int, values: dict[str, str]) -> Entry:
    """A row read: its cleaned name and details, or skipped with the first problem found."""
    name = values.get(NAME, "")
    entry = Entry(number, name, {}, NEW)
    try:
        if not name:
            raise ValueError(gettext("no name"))
        if len(name) > MAX_NAME:
            raise ValueError(gettext("the name is longer than %(num)d letters", num=MAX_NAME))
        entry.name = profiles.clean_name(name)
        entry.details = _details(values)
    except (ValueError, ProfileError) as error:
        entry.action, entry.reason = SKIPPED, str(error)
    return entry


def _details(values: dict[str, str]) -> dict:
    """Birth year, phone, gender and group of a row (those given); ValueError naming a wrong one."""
    details: dict = {}
    if raw := values.get(BIRTH_YEAR):
        details["birth_year"] = birth_year(raw)
    if raw := values.get(PHONE):
        details["phone"] = phone_number(raw)
    if raw := values.get(GENDER):
        if fold(raw) not in GENDERS:
            raise ValueError(gettext("“%(value)s” is not a gender (Nam, Nữ or Khác)", value=raw))
        details["gender"] = GENDERS[fold(raw)]
    if raw := values.get(GROUP):
        details["group"] = raw[:MAX_GROUP]
    return details


def birth_year(raw: str) -> int:
    """A year (1985), or the year of a date (12/03/1985, 1985-03-12); ValueError otherwise."""
    found = re.fullmatch(r"(\d{4})|\d{1,2}[/.-]\d{1,2}[/.-](\d{4})|(\d{4})-\d{1,2}-\d{1,2}", raw)
    year = int(next(group for group in found.groups() if group)) if found else 0
    if not OLDEST <= year <= clock.utcnow().year:
        raise ValueError(gettext("“%(value)s” is not a birth year", value=raw))
    return year


def phone_number(raw: str) -> str:
    """A Vietnamese phone number as digits (`+84 912 345 678` → `0912345678`; a leading 0 Excel dropped
    from a number cell comes back); ValueError otherwise."""
    digits = re.sub(r"[\s.()-]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if digits.isdigit() and len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise ValueError(gettext("“%(value)s” is not a phone number", value=raw))
    return digits


def _match(entry: Entry, learner_id: str | None, members: set[str]) -> None:
    """A row whose name a learner here has: that learner, unless their birth years differ."""
    if learner_id is None:
        return
    known = (services().store.learners.profile(learner_id) or {}).get("birth_year")
    given = entry.details.get("birth_year")
    if known and given and known != given:
        entry.action = SKIPPED
        entry.reason = gettext("someone else here has this name (born %(year)d): add a family name or a number",
                               year=known)
        return
    entry.action, entry.learner_id = (IN_CLASS if learner_id in members else HERE), learner_id
