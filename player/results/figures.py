"""The report's figures, accumulated one statement at a time (any order gives the same figures).

Definitions (also printed in the report and in docs/results.md):
- A learner is one actor (their account, or mbox / openid) on one device: profiles live on one PC.
- A learner takes part in a course when they have any statement in it (the course is the statement's
  object or its `grouping` context activity of type course).
- Completed: the learner has a `completed` statement whose object is the course.
- Quiz: an activity of type assessment; an attempt ends with one `passed` or `failed` statement.
- Passed a course: attempted at least one of its quizzes and passed every quiz they attempted
  (each on at least one attempt). Pass rate = passed / learners who attempted a quiz.
- Score: the mean, over the quizzes a learner attempted, of their best scaled score; also the mean score of
  all their attempts.
- Self-checks (quizzes whose attempts end `completed`, with no pass mark) count in no pass rate or score;
  their questions are counted apart from the tests'.
- Item analysis: every `answered` statement of a question is an attempt; correct when result.success
  is true; the most-chosen wrong answer is the most frequent response among the incorrect ones.
- A centre is the one named by the newest export of a device; a device's learners count there.
- Practices: see player.results.practice_figures.
- Pre-test and post-test (player.results.gains): the attempts whose statements name that role; the pre-test
  counts in no pass or best score. Attendance: the quarter-hours (UTC) in which a learner has a statement.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from player.results.gains import PRE, PrePost, test_role
from player.results.practice_figures import PracticeFigures
from player.xapi import vocabulary as xapi

_COURSE_PREFIX = xapi.IRI_PREFIX + "course:"
_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
                       r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_DURATION_SECONDS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)


@dataclass
class LearnerCourse:
    """What one learner did in one course."""

    first: str = "\uffff"
    last: str = ""
    lessons_completed: set[str] = field(default_factory=set)
    seconds: float = 0.0
    attempts: int = 0
    quizzes: set[str] = field(default_factory=set)
    quizzes_passed: set[str] = field(default_factory=set)
    best_scores: dict[str, float] = field(default_factory=dict)
    attempt_scores: float = 0.0  # the scaled scores of every scored attempt, added up
    scored_attempts: int = 0
    completed_at: str | None = None
    pretests: set[str] = field(default_factory=set)  # quizzes attempted as the course's pre-test
    tests: PrePost = field(default_factory=PrePost)
    quarters: set[str] = field(default_factory=set)  # `YYYY-MM-DDTHH:MM` (UTC, MM 00/15/30/45) with a statement

    def absorb(self, other: "LearnerCourse") -> None:
        """Add what another reader counted for the same learner and course."""
        self.first, self.last = min(self.first, other.first), max(self.last, other.last)
        self.lessons_completed |= other.lessons_completed
        self.seconds += other.seconds
        self.attempts += other.attempts
        self.attempt_scores += other.attempt_scores
        self.scored_attempts += other.scored_attempts
        self.quizzes |= other.quizzes
        self.quizzes_passed |= other.quizzes_passed
        self.pretests |= other.pretests
        self.quarters |= other.quarters
        self.tests.absorb(other.tests)
        for quiz, scaled in other.best_scores.items():
            if scaled > self.best_scores.get(quiz, -2):
                self.best_scores[quiz] = scaled
        if other.completed_at is not None and (self.completed_at is None or other.completed_at < self.completed_at):
            self.completed_at = other.completed_at

    @property
    def passed(self) -> bool | None:
        """None without a quiz attempt (the pre-test does not count)."""
        counted = self.quizzes - self.pretests
        return counted <= self.quizzes_passed if counted else None

    @property
    def score(self) -> float | None:
        """The mean, over the quizzes attempted (but the pre-test), of the best score of each."""
        scores = [scaled for quiz, scaled in self.best_scores.items() if quiz not in self.pretests]
        return sum(scores) / len(scores) if scores else None

    @property
    def attempt_score(self) -> float | None:
        """The mean score of every attempt (not only the best)."""
        return self.attempt_scores / self.scored_attempts if self.scored_attempts else None


@dataclass
class Learner:
    device_id: str
    account: str
    name: str = ""
    named_at: str = ""


@dataclass
class QuestionStats:
    """One question's answers over everybody."""

    course: str
    quiz: str | None = None
    definition: dict | None = None
    defined_at: str = ""
    attempts: int = 0
    correct: int = 0
    learners: set[int] = field(default_factory=set)
    wrong: Counter = field(default_factory=Counter)

    def offer_definition(self, definition: dict, when: str) -> None:
        """Keep the definition carried by the newest answer (ties: the same one whatever the order)."""
        if self.definition is None or when > self.defined_at or (
                when == self.defined_at and definition != self.definition
                and _canonical(definition) > _canonical(self.definition)):
            self.definition, self.defined_at = definition, when

    def most_chosen_wrong(self) -> tuple[str, int] | None:
        """The most frequent incorrect response (ties: the alphabetically first), with its count."""
        if not self.wrong:
            return None
        return min(self.wrong.items(), key=lambda item: (-item[1], item[0]))


@dataclass
class Named:
    """An activity's display name: the one carried by the newest statement."""

    names: dict = field(default_factory=dict)
    at: str = ""

    def offer(self, names: dict | None, when: str) -> None:
        if names and (when > self.at or (when == self.at and names != self.names
                                         and _canonical(names) > _canonical(self.names))):
            self.names, self.at = names, when


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class Figures:
    """Everything the report counts; feed it with `add(statement, device_id)` and `saw_export(header)`."""

    def __init__(self):
        self.learners: list[Learner] = []
        self._learner_index: dict[tuple[str, str], int] = {}
        self.pairs: dict[tuple[int, str], LearnerCourse] = {}
        self.courses: dict[str, Named] = {}
        self.activities: dict[str, Named] = {}  # quizzes, for their titles
        self.questions: dict[str, QuestionStats] = {}
        # device -> (newest export, its centre, the computer's name)
        self.device_exports: dict[str, tuple[str, str, str]] = {}
        self.self_checks: set[str] = set()  # quizzes whose attempts end `completed` (no pass mark)
        self.tests: set[str] = set()  # quizzes whose attempts end `passed` or `failed`
        self.outside_courses = 0
        self.practice = PracticeFigures()

    def saw_export(self, exported_at: str, device_id: str, centre: str, device_name: str = "") -> None:
        newest = self.device_exports.get(device_id)
        if newest is None or (exported_at, centre, device_name) > newest:
            self.device_exports[device_id] = (exported_at, centre, device_name)

    def add(self, statement: dict, device_id: str) -> None:
        """Count one valid statement (already de-duplicated) recorded on `device_id`."""
        obj = statement["object"]
        definition = obj.get("definition") or {}
        context = statement.get("context") or {}
        when = utc_timestamp(statement.get("timestamp", ""))
        course = self._course_of(obj, definition, context, when)
        if course is None:
            self.outside_courses += 1
            return
        learner = self._learner(device_id, statement["actor"], when)
        pair = self.pairs.get((learner, course))
        if pair is None:
            pair = self.pairs[(learner, course)] = LearnerCourse()
        if when < pair.first:
            pair.first = when
        if when > pair.last:
            pair.last = when
        pair.quarters.add(quarter_hour(when))
        verb = statement["verb"]["id"]
        if not verb.startswith(xapi.ADL_VERB):
            return
        verb = verb[len(xapi.ADL_VERB):]
        kind = definition.get("type")
        object_id = obj.get("id")
        result = statement.get("result") or {}
        if kind in (xapi.QUESTION_TYPE, xapi.QUIZ_TYPE):
            pair.tests.add(statement)
        if kind == xapi.QUESTION_TYPE:
            if verb == "answered":
                self._answer(object_id, obj, course, context, result, learner, when)
        elif kind == xapi.QUIZ_TYPE:
            self._name(object_id, definition, when)
            if verb == "completed":
                self.self_checks.add(object_id)
            if verb in ("passed", "failed"):
                self.tests.add(object_id)
                if test_role(statement) == PRE:
                    pair.pretests.add(object_id)
                pair.attempts += 1
                pair.quizzes.add(object_id)
                if verb == "passed":
                    pair.quizzes_passed.add(object_id)
                scaled = (result.get("score") or {}).get("scaled")
                if scaled is not None:
                    pair.attempt_scores += scaled
                    pair.scored_attempts += 1
                if scaled is not None and scaled > pair.best_scores.get(object_id, -2):
                    pair.best_scores[object_id] = scaled
        elif kind in (xapi.PRACTICE_TYPE, xapi.PRACTICE_STEP_TYPE):
            self.practice.add(object_id, verb, definition, result, course, learner, when)
        elif verb == "completed" and object_id == course:
            if pair.completed_at is None or when < pair.completed_at:
                pair.completed_at = when
        elif verb == "completed" and kind == xapi.LESSON_TYPE:
            pair.lessons_completed.add(object_id)
        elif verb == "experienced":
            pair.seconds += duration_seconds(result.get("duration", ""))

    def _course_of(self, obj: dict, definition: dict, context: dict, when: str) -> str | None:
        if definition.get("type") == xapi.COURSE_TYPE:
            self._course_named(obj["id"], definition, when)
            return obj["id"]
        grouping = (context.get("contextActivities") or {}).get("grouping")
        for activity in grouping if isinstance(grouping, list) else [grouping] if grouping else []:
            course_definition = activity.get("definition") or {}
            if course_definition.get("type") == xapi.COURSE_TYPE:
                self._course_named(activity["id"], course_definition, when)
                return activity["id"]
        object_id = obj.get("id", "")
        if object_id.startswith(_COURSE_PREFIX):  # a statement of ours without definitions
            course = _COURSE_PREFIX + object_id[len(_COURSE_PREFIX):].split(":", 1)[0]
            self.courses.setdefault(course, Named())
            return course
        return None

    def _course_named(self, course: str, definition: dict, when: str) -> None:
        named = self.courses.get(course)
        if named is None:
            named = self.courses[course] = Named()
        named.offer(definition.get("name"), when)

    def _name(self, activity_id: str, definition: dict, when: str) -> None:
        named = self.activities.get(activity_id)
        if named is None:
            named = self.activities[activity_id] = Named()
        named.offer(definition.get("name"), when)

    def _learner(self, device_id: str, actor: dict, when: str) -> int:
        return self._learner_named(device_id, actor_key(actor), actor.get("name"), when)

    def _learner_named(self, device_id: str, account: str, name, when: str) -> int:
        """The learner's number; their name is the one of their newest statement."""
        index = self._learner_index.get((device_id, account))
        if index is None:
            index = self._learner_index[(device_id, account)] = len(self.learners)
            self.learners.append(Learner(device_id, account))
        learner = self.learners[index]
        if isinstance(name, str) and name and (when, name) > (learner.named_at, learner.name):
            learner.name, learner.named_at = name, when
        return index

    def absorb(self, other: "Figures") -> None:
        """Add the figures another reader counted from other statements (see player.results.merge)."""
        number = [self._learner_named(learner.device_id, learner.account, learner.name, learner.named_at)
                  for learner in other.learners]
        for (learner, course), pair in other.pairs.items():
            mine = self.pairs.get((number[learner], course))
            if mine is None:
                self.pairs[(number[learner], course)] = pair
            else:
                mine.absorb(pair)
        for mine, theirs in ((self.courses, other.courses), (self.activities, other.activities)):
            for activity, named in theirs.items():
                mine.setdefault(activity, Named()).offer(named.names, named.at)
        for question, stats in other.questions.items():
            mine = self.questions.setdefault(question, QuestionStats(stats.course))
            if stats.definition is not None:
                mine.offer_definition(stats.definition, stats.defined_at)
            mine.quiz = min(filter(None, (mine.quiz, stats.quiz)), default=None)
            mine.attempts += stats.attempts
            mine.correct += stats.correct
            mine.learners |= {number[learner] for learner in stats.learners}
            mine.wrong.update(stats.wrong)
        for device_id, (exported_at, centre, device_name) in other.device_exports.items():
            self.saw_export(exported_at, device_id, centre, device_name)
        self.self_checks |= other.self_checks
        self.tests |= other.tests
        self.outside_courses += other.outside_courses
        self.practice.absorb(other.practice, number)

    def _answer(self, question_id: str, obj: dict, course: str, context: dict, result: dict,
                learner: int, when: str) -> None:
        stats = self.questions.get(question_id)
        if stats is None:
            stats = self.questions[question_id] = QuestionStats(course)
        if obj.get("definition", {}).get("interactionType"):
            stats.offer_definition(obj["definition"], when)
        parent = (context.get("contextActivities") or {}).get("parent")
        for activity in parent if isinstance(parent, list) else [parent] if parent else []:
            if (activity.get("definition") or {}).get("type") == xapi.QUIZ_TYPE:
                if stats.quiz is None or activity["id"] < stats.quiz:
                    stats.quiz = activity["id"]
                break
        stats.attempts += 1
        stats.learners.add(learner)
        if result.get("success") is True:
            stats.correct += 1
        else:
            stats.wrong[result.get("response", "")] += 1

    def centre_of(self, device_id: str) -> str:
        return self.device_exports.get(device_id, ("", "", ""))[1]

    def device_name(self, device_id: str) -> str:
        """The computer's name in its newest export ("" in files made before exports carried it)."""
        return self.device_exports.get(device_id, ("", "", ""))[2]

    def is_self_check(self, quiz: str | None) -> bool:
        """Whether a quiz is a self-check: its attempts end without a pass mark, never passed or failed."""
        return quiz in self.self_checks and quiz not in self.tests


def actor_key(actor: dict) -> str:
    """The actor's inverse functional identifier as one string (a group without one: its members)."""
    account = actor.get("account")
    if account:
        return f"account:{account.get('homePage')}|{account.get('name')}"
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if key in actor:
            return f"{key}:{actor[key]}"
    return "group:" + ",".join(sorted(actor_key(member) for member in actor.get("member", [])))


def parse_timestamp(text: str) -> datetime | None:
    """An xAPI timestamp as an aware datetime (UTC when it names no zone), or None if it is not one."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def utc_timestamp(text: str) -> str:
    """A timestamp as comparable text: `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC (ours already are)."""
    if len(text) == 24 and text.endswith("Z"):
        return text
    when = parse_timestamp(text)
    return xapi.timestamp(when) if when else text


def quarter_hour(when: str) -> str:
    """A UTC timestamp of ours cut to its quarter-hour, `YYYY-MM-DDTHH:MM`: enough to find its day in any time
    zone (every zone's offset is a whole number of quarter-hours)."""
    return f"{when[:14]}{int(when[14:16]) // 15 * 15:02d}" if when[14:16].isdigit() else when[:16]


def duration_seconds(text: str) -> float:
    """Seconds in an ISO 8601 duration (a year as 365 days, a month as 30); 0 when unreadable."""
    match = _DURATION.match(text or "")
    if match is None:
        return 0.0
    return sum(float(part) * unit for part, unit in zip(match.groups(), _DURATION_SECONDS) if part)
