"""The classes as their learners' statements name them, for a report read from an LRS (player.results.lrsread),
where no results file's header brings the class records.

Every statement of a learner in a running class names the class (id and name) in its grouping, beside its
course (player.xapi.statements.context). From those: a class's name (its newest statement's), its courses
(those its statements are about) and its learners (the accounts seen in it, on each computer). What statements
do not say — the trainer, the place, the days, and who is enrolled but has no record in the class yet — stays
unknown, and the held class says so (HeldClass.enrolment_known).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from player.results.figures import Named, utc_timestamp
from player.results.resultsfile import ClassRecord
from player.xapi import vocabulary as xapi

_CLASS_PREFIX = xapi.class_iri("")
_COURSE_PREFIX = xapi.course_iri("")


@dataclass
class _Seen:
    named: Named = field(default_factory=Named)
    courses: set[str] = field(default_factory=set)
    learners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # computer -> learner ids
    newest: dict[str, str] = field(default_factory=dict)  # computer -> its newest statement in the class


class SeenClasses:
    """The classes named by counted statements; feed it with `add(statement, device_id)`."""

    def __init__(self):
        self._classes: dict[str, _Seen] = {}

    def add(self, statement: dict, device_id: str) -> None:
        """Note the classes of one valid, de-duplicated statement of a learner's account about a course."""
        account = statement["actor"].get("account") or {}
        grouping = ((statement.get("context") or {}).get("contextActivities") or {}).get("grouping")
        activities = [item for item in (grouping if isinstance(grouping, list) else [grouping])
                      if isinstance(item, dict) and isinstance(item.get("id"), str)]
        course = next((item["id"] for item in activities
                       if (item.get("definition") or {}).get("type") == xapi.COURSE_TYPE), "")
        learner = account.get("name")
        if account.get("homePage") != xapi.ACCOUNT_HOME or not isinstance(learner, str) \
                or not course.startswith(_COURSE_PREFIX):
            return
        when = utc_timestamp(statement.get("timestamp", ""))
        for item in activities:
            definition = item.get("definition") or {}
            if definition.get("type") != xapi.CLASS_TYPE or not item["id"].startswith(_CLASS_PREFIX):
                continue
            seen = self._classes.setdefault(item["id"][len(_CLASS_PREFIX):], _Seen())
            seen.named.offer(definition.get("name"), when)
            seen.courses.add(course[len(_COURSE_PREFIX):])
            seen.learners[device_id].add(learner)
            seen.newest[device_id] = max(seen.newest.get(device_id, ""), when)

    def versions(self, pick: Callable[[dict, str], str]) -> list[tuple[str, str, ClassRecord]]:
        """(newest statement, computer, class record) of each class on each computer it was seen on: its name
        as `pick` chooses from the names' languages, its courses by id, its learners seen on that computer."""
        return [(seen.newest[device], device, record) for class_id, seen in sorted(self._classes.items())
                for device, learners in sorted(seen.learners.items())
                if (record := ClassRecord.from_json({"id": class_id, "name": pick(seen.named.names, class_id),
                                                     "courses": sorted(seen.courses), "learners": sorted(learners)}))]
