"""Before and after a course, from statements: a learner's best pre-test and post-test scores, their gain and
their answers to each question in either test. The player's class page (player.classes.outcomes) and the
report's class figures (player.results.class_figures) both count with `PrePost`.

An attempt is the pre-test or the post-test by its statements' `urn:tramhoc:extension:test-role` context
extension (docs/xapi.md); statements recorded before players wrote it are placed by their quiz when the
caller knows the course (`roles`: quiz IRI -> role)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from player.xapi import vocabulary as xapi

PRE, POST = xapi.PRE_TEST, xapi.POST_TEST
ROLES = (PRE, POST)


def test_role(statement: dict, roles: Mapping[str, str] | None = None) -> str | None:
    """PRE or POST when the statement belongs to a pre-test or post-test attempt, else None."""
    context = statement.get("context") or {}
    role = (context.get("extensions") or {}).get(xapi.EXTENSION_TEST_ROLE)
    if role in ROLES:
        return role
    return roles.get(_quiz_of(statement, context)) if roles else None


def _quiz_of(statement: dict, context: dict) -> str | None:
    """The quiz of an attempt's statement: its object (the closing statement) or its parent (an answer)."""
    obj = statement.get("object") or {}
    if (obj.get("definition") or {}).get("type") == xapi.QUIZ_TYPE:
        return obj.get("id")
    parents = (context.get("contextActivities") or {}).get("parent")
    parent = parents[0] if isinstance(parents, list) and parents else parents
    return parent.get("id") if isinstance(parent, dict) else None


@dataclass
class PrePost:
    """One learner's pre-test and post-test in one course: best scaled score of each (0..1) and, per question,
    [right, answered] in each."""

    best: dict[str, float] = field(default_factory=dict)
    answers: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (role, question id) -> counts

    def add(self, statement: dict, roles: Mapping[str, str] | None = None) -> None:
        """Count one statement (any kind: those of neither test are ignored)."""
        role = test_role(statement, roles)
        if role is None:
            return
        verb, result = xapi.verb_name(statement), statement.get("result") or {}
        if verb in ("passed", "failed"):
            scaled = (result.get("score") or {}).get("scaled")
            if isinstance(scaled, (int, float)) and scaled > self.best.get(role, -2):
                self.best[role] = scaled
        elif verb == "answered" and isinstance(result.get("success"), bool):
            ref = xapi.parse_activity((statement.get("object") or {}).get("id", ""))
            if ref is not None and ref.question_id is not None:
                counts = self.answers.setdefault((role, ref.question_id), [0, 0])
                counts[0] += result["success"]
                counts[1] += 1

    def absorb(self, other: "PrePost") -> None:
        """Add what another reader counted from other statements of the same learner and course."""
        for role, scaled in other.best.items():
            if scaled > self.best.get(role, -2):
                self.best[role] = scaled
        for key, (right, total) in other.answers.items():
            counts = self.answers.setdefault(key, [0, 0])
            counts[0] += right
            counts[1] += total

    @property
    def pre(self) -> float | None:
        return self.best.get(PRE)

    @property
    def post(self) -> float | None:
        return self.best.get(POST)

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


def mean(values: Iterable[float | None]) -> float | None:
    """The average of the values there are (None when there is none): a class's average pre, post or gain."""
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def question_counts(learners: Iterable[PrePost]) -> dict[str, dict[str, list[int]]]:
    """Question id -> role -> [right, answered], added over learners."""
    found: dict[str, dict[str, list[int]]] = {}
    for gains in learners:
        for (role, question_id), (right, total) in gains.answers.items():
            counts = found.setdefault(question_id, {side: [0, 0] for side in ROLES})[role]
            counts[0] += right
            counts[1] += total
    return found
