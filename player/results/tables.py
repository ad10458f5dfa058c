"""The report's tables (courses, centres, learners, questions, practices and their steps) as typed rows, from
the figures.

Shares are exact fractions (None when there is nothing to divide), times are UTC timestamps, so the
CSV and the HTML page can each format them their way (in the centre's time zone) without rounding twice.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from player.results.figures import Figures, LearnerCourse
from player.web.i18n import N_
from player.xapi import vocabulary as xapi

_QUESTION_MARK = ":question:"


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # a gettext message id
    kind: str  # text, count, share, minutes, time, yesno
    html: bool = True  # False: in the CSV file only (raw ids that would squeeze the page's text)


@dataclass(frozen=True)
class Table:
    name: str  # also the CSV file's name
    title: str
    columns: tuple[Column, ...]
    rows: list[dict]


def _columns(*specs: tuple) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


COURSE_COLUMNS = _columns(
    ("course", N_("Course"), "text"), ("course_id", N_("Course id"), "text"),
    ("learners", N_("Learners"), "count"), ("completed", N_("Completed"), "count"),
    ("completion_rate", N_("Completion rate"), "share"), ("quiz_takers", N_("Took a quiz"), "count"),
    ("passed", N_("Passed"), "count"), ("pass_rate", N_("Pass rate"), "share"),
    ("quiz_attempts", N_("Quiz attempts"), "count"), ("mean_score", N_("Average best score"), "share"),
    ("attempt_score", N_("Average score of all attempts"), "share"))
CENTRE_COLUMNS = _columns(
    ("centre", N_("Centre"), "text"), ("devices", N_("Computers"), "count"),
    ("learners", N_("Learners"), "count"), ("enrolments", N_("Learners × courses"), "count"),
    ("completed", N_("Completed"), "count"), ("completion_rate", N_("Completion rate"), "share"),
    ("quiz_takers", N_("Took a quiz"), "count"), ("passed", N_("Passed"), "count"),
    ("pass_rate", N_("Pass rate"), "share"), ("last_activity", N_("Last activity"), "time"),
    ("last_export", N_("Last export"), "time"))
LEARNER_COLUMNS = _columns(
    ("centre", N_("Centre"), "text"), ("device", N_("Computer"), "text"), ("learner", N_("Learner"), "text"),
    ("learner_id", N_("Learner id"), "text"), ("course", N_("Course"), "text"),
    ("first_activity", N_("First activity"), "time"), ("last_activity", N_("Last activity"), "time"),
    ("lessons_completed", N_("Lessons completed"), "count"), ("time_in_lessons", N_("Minutes in lessons"), "minutes"),
    ("quiz_attempts", N_("Quiz attempts"), "count"), ("quizzes_attempted", N_("Quizzes taken"), "count"),
    ("quizzes_passed", N_("Quizzes passed"), "count"), ("score", N_("Best score"), "share"),
    ("attempt_score", N_("Average of all attempts"), "share"),
    ("passed", N_("Passed"), "yesno"), ("completed", N_("Completed"), "yesno"),
    ("completed_at", N_("Completed on"), "time"))
QUESTION_COLUMNS = _columns(
    ("course", N_("Course"), "text"), ("quiz", N_("Quiz"), "text"), ("question_id", N_("Question id"), "text"),
    ("question", N_("Question"), "text"), ("type", N_("Type"), "text"), ("attempts", N_("Answers"), "count"),
    ("learners", N_("Learners"), "count"), ("correct", N_("Correct"), "count"),
    ("share_correct", N_("Share correct"), "share"), ("wrong_answer", N_("Most-chosen wrong answer"), "text"),
    ("wrong_response", N_("Its xAPI response"), "text", False), ("wrong_count", N_("Times chosen"), "count"))

PRACTICE_COLUMNS = _columns(
    ("course", N_("Course"), "text"), ("practice", N_("Practice"), "text"), ("practice_id", N_("Practice id"), "text"),
    ("started", N_("Started"), "count"), ("finished", N_("Finished"), "count"),
    ("completion_rate", N_("Completion rate"), "share"))
PRACTICE_STEP_COLUMNS = _columns(
    ("course", N_("Course"), "text"), ("practice", N_("Practice"), "text"), ("step", N_("Step"), "text"),
    ("step_id", N_("Step id"), "text"), ("hints", N_("Hints shown"), "count"),
    ("learners_hinted", N_("Learners who needed a hint"), "count"), ("learners", N_("Learners"), "count"),
    ("checks", N_("Checks"), "count"), ("wrong", N_("Wrong checks"), "count"))


def share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


class Naming:
    """Display names from language maps: the report's language, then Vietnamese, then any; a centre that
    was given no name is called after its computer by `unnamed_centre` (with `%(computer)s`); learners by
    name, or by code (`codes`) for sharing outside the province."""

    def __init__(self, language: str, true_text: str, false_text: str, unnamed_centre: str = "%(computer)s",
                 codes: bool = False):
        self.language, self.true_text, self.false_text = language, true_text, false_text
        self.unnamed_centre, self.codes = unnamed_centre, codes

    def learner(self, device_id: str, learner: str, name: str) -> str:
        """The learner's name, or their code."""
        return learner_code(device_id, learner) if self.codes else name

    def centre(self, figures: Figures, device_id: str) -> str:
        """The centre named in the computer's newest export, else the computer's name (or id) with a hint."""
        return self.centre_named(figures.centre_of(device_id), figures.device_name(device_id), device_id)

    def centre_named(self, centre: str, device_name: str, device_id: str) -> str:
        return centre if centre.strip() else self.unnamed_centre % {"computer": device_name or device_id[:8]}

    def pick(self, names: dict | None, fallback: str = "") -> str:
        if not names:
            return fallback
        return names.get(self.language) or names.get("vi") or next(iter(names.values()), fallback)


def build_tables(figures: Figures, naming: Naming) -> list[Table]:
    course_names = {course: naming.pick(named.names, short_id(course)) for course, named in figures.courses.items()}
    return [
        Table("courses", N_("Courses"), COURSE_COLUMNS, _course_rows(figures, course_names)),
        Table("centres", N_("Centres"), CENTRE_COLUMNS, _centre_rows(figures, naming)),
        Table("learners", N_("Learners"), LEARNER_COLUMNS, _learner_rows(figures, course_names, naming)),
        Table("questions", N_("Test questions"), QUESTION_COLUMNS,
              _question_rows(figures, course_names, naming, self_checks=False)),
        Table("self_checks", N_("Self-check questions"), QUESTION_COLUMNS,
              _question_rows(figures, course_names, naming, self_checks=True)),
        Table("practices", N_("Practices"), PRACTICE_COLUMNS, _practice_rows(figures, course_names, naming)),
        Table("practice_steps", N_("Practice steps needing most hints"), PRACTICE_STEP_COLUMNS,
              _practice_step_rows(figures, course_names, naming)),
    ]


def short_id(iri: str) -> str:
    """`urn:tramhoc:course:abc` → `abc`; `…:question:q1` → `q1`; a foreign IRI stays whole."""
    if _QUESTION_MARK in iri and iri.startswith(xapi.IRI_PREFIX):
        return iri.rsplit(_QUESTION_MARK, 1)[1]
    prefix = xapi.IRI_PREFIX + "course:"
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def learner_code(device_id: str, learner: str) -> str:
    """A learner's code: stable across reports, and says nothing about the learner."""
    return "HV-" + hashlib.sha256(f"{device_id}|{learner}".encode()).hexdigest()[:6].upper()


def learner_id(actor_key: str) -> str:
    """What identifies a learner, for people: the account's name, or the mbox / openid."""
    if actor_key.startswith("account:"):
        return actor_key.split("|", 1)[-1]
    return actor_key.split(":", 1)[-1]


def _course_rows(figures: Figures, course_names: dict[str, str]) -> list[dict]:
    by_course: dict[str, list[LearnerCourse]] = defaultdict(list)
    for (_, course), pair in figures.pairs.items():
        by_course[course].append(pair)
    rows = []
    for course, pairs in by_course.items():
        takers = [pair for pair in pairs if pair.passed is not None]  # took a quiz (not only the pre-test)
        scores = [pair.score for pair in takers if pair.score is not None]
        attempts = sum(pair.scored_attempts for pair in pairs)
        completed = sum(pair.completed_at is not None for pair in pairs)
        passed = sum(bool(pair.passed) for pair in takers)
        rows.append({"course": course_names[course], "course_id": short_id(course), "learners": len(pairs),
                     "completed": completed, "completion_rate": share(completed, len(pairs)),
                     "quiz_takers": len(takers), "passed": passed, "pass_rate": share(passed, len(takers)),
                     "quiz_attempts": sum(pair.attempts for pair in pairs),
                     "mean_score": sum(scores) / len(scores) if scores else None,
                     "attempt_score": sum(pair.attempt_scores for pair in pairs) / attempts if attempts else None})
    return sorted(rows, key=lambda row: (row["course"], row["course_id"]))


def _centre_rows(figures: Figures, naming: Naming) -> list[dict]:
    rows: dict[str, dict] = {}
    learners_of: dict[str, set[int]] = defaultdict(set)

    def row_of(centre: str) -> dict:
        if centre not in rows:
            rows[centre] = {"centre": centre, "devices": 0, "learners": 0, "enrolments": 0, "completed": 0,
                            "quiz_takers": 0, "passed": 0, "last_activity": None, "last_export": None}
        return rows[centre]

    for device, (exported_at, _, _) in figures.device_exports.items():
        row = row_of(naming.centre(figures, device))
        row["devices"] += 1
        row["last_export"] = max(row["last_export"] or "", exported_at)
    for (learner, _), pair in figures.pairs.items():
        centre = naming.centre(figures, figures.learners[learner].device_id)
        row = row_of(centre)
        learners_of[centre].add(learner)
        row["enrolments"] += 1
        row["completed"] += pair.completed_at is not None
        row["quiz_takers"] += pair.passed is not None
        row["passed"] += bool(pair.passed)
        row["last_activity"] = max(row["last_activity"] or "", pair.last)
    for centre, row in rows.items():
        row["learners"] = len(learners_of[centre])
        row["completion_rate"] = share(row["completed"], row["enrolments"])
        row["pass_rate"] = share(row["passed"], row["quiz_takers"])
    return sorted(rows.values(), key=lambda row: row["centre"])


def _learner_rows(figures: Figures, course_names: dict[str, str], naming: Naming) -> list[dict]:
    rows = []
    for (index, course), pair in figures.pairs.items():
        learner = figures.learners[index]
        rows.append({
            "centre": naming.centre(figures, learner.device_id), "device": learner.device_id[:8],
            "learner": naming.learner(learner.device_id, learner_id(learner.account), learner.name),
            "learner_id": learner_id(learner.account),
            "course": course_names[course], "first_activity": pair.first, "last_activity": pair.last,
            "lessons_completed": len(pair.lessons_completed), "time_in_lessons": pair.seconds,
            "quiz_attempts": pair.attempts, "quizzes_attempted": len(pair.quizzes),
            "quizzes_passed": len(pair.quizzes_passed & pair.quizzes), "score": pair.score,
            "attempt_score": pair.attempt_score,
            "passed": pair.passed, "completed": pair.completed_at is not None,
            "completed_at": pair.completed_at})
    return sorted(rows, key=lambda row: (row["centre"], row["learner"], row["learner_id"], row["course"]))


def _question_rows(figures: Figures, course_names: dict[str, str], naming: Naming, self_checks: bool) -> list[dict]:
    """The questions of tests, or (`self_checks`) those of self-checks, which have no pass mark."""
    rows = []
    for question, stats in figures.questions.items():
        if figures.is_self_check(stats.quiz) != self_checks:
            continue
        definition = stats.definition or {}
        wrong = stats.most_chosen_wrong()
        quiz = figures.activities.get(stats.quiz) if stats.quiz else None
        rows.append({
            "course": course_names.get(stats.course, short_id(stats.course)),
            "quiz": naming.pick(quiz.names, short_id(stats.quiz)) if quiz else "",
            "question_id": short_id(question),
            "question": naming.pick(definition.get("description") or definition.get("name")),
            "type": definition.get("interactionType", ""), "attempts": stats.attempts,
            "learners": len(stats.learners), "correct": stats.correct,
            "share_correct": share(stats.correct, stats.attempts),
            "wrong_answer": answer_text(definition, wrong[0], naming) if wrong else "",
            "wrong_response": wrong[0] if wrong else "", "wrong_count": wrong[1] if wrong else 0})
    return sorted(rows, key=lambda row: (row["course"], row["share_correct"] is None,
                                         row["share_correct"] or 0, row["question_id"]))


def answer_text(definition: dict, response: str, naming: Naming) -> str:
    """A response in words: choice texts for ids, `source → target` for matching pairs."""
    kind = definition.get("interactionType")
    if kind == "true-false":
        return {"true": naming.true_text, "false": naming.false_text}.get(response, response)
    components = {}
    for name in ("choices", "source", "target", "steps", "scale"):
        for component in definition.get(name) or []:
            components.setdefault(component.get("id"), naming.pick(component.get("description"),
                                                                   component.get("id", "")))
    if not components:
        return response
    parts = []
    for item in xapi.response_items(response):
        pair = item.split(xapi.PAIR_SEPARATOR, 1)
        parts.append(" → ".join(components.get(part, part) for part in pair))
    return "; ".join(parts)


def _practice_rows(figures: Figures, course_names: dict[str, str], naming: Naming) -> list[dict]:
    found = figures.practice
    rows = [{"course": course_names.get(stats.course, short_id(stats.course)),
             "practice": naming.pick(found.name(practice), practice.rsplit(":", 1)[1]),
             "practice_id": practice.rsplit(":", 1)[1], "started": len(stats.started),
             "finished": len(stats.finished), "completion_rate": share(len(stats.finished), len(stats.started))}
            for practice, stats in found.practices.items()]
    return sorted(rows, key=lambda row: (row["course"], row["practice"], row["practice_id"]))


def _practice_step_rows(figures: Figures, course_names: dict[str, str], naming: Naming) -> list[dict]:
    """The steps of every practice, those where learners were shown most hints first."""
    found = figures.practice
    rows = [{"course": course_names.get(stats.course, short_id(stats.course)),
             "practice": naming.pick(found.name(stats.practice), stats.practice.rsplit(":", 1)[1]),
             "step": naming.pick(found.name(step), step.rsplit(":", 1)[1]), "step_id": step.rsplit(":", 1)[1],
             "hints": sum(stats.hints.values()), "learners_hinted": sum(bool(n) for n in stats.hints.values()),
             "learners": stats.learners, "checks": stats.checks, "wrong": stats.wrong}
            for step, stats in found.steps.items()]
    return sorted(rows, key=lambda row: (-row["hints"], -row["wrong"], row["course"], row["practice"],
                                         row["step_id"]))
