"""The report's practice figures, accumulated one statement at a time (any order gives the same figures).

- A learner started a practice when they have any statement of it or of its steps; finished it when they
  have its `completed` statement. Completion rate = finished / started.
- A step's hints are, per learner, the most hints they were shown at that step (its statements carry the
  count so far); the report adds them over learners, so the steps where a class needed most help come first.
"""

from dataclasses import dataclass, field

from player.xapi import vocabulary as xapi


@dataclass
class PracticeStats:
    course: str
    started: set[int] = field(default_factory=set)
    finished: set[int] = field(default_factory=set)


@dataclass
class StepStats:
    course: str
    practice: str
    checks: int = 0
    wrong: int = 0
    hints: dict[int, int] = field(default_factory=dict)  # learner -> most hints shown

    @property
    def learners(self) -> int:
        return len(self.hints)


class PracticeFigures:
    """Practices and their steps over everybody; fed by player.results.figures.Figures."""

    def __init__(self):
        self.practices: dict[str, PracticeStats] = {}
        self.steps: dict[str, StepStats] = {}
        self.names: dict[str, tuple[str, dict]] = {}  # activity -> (newest timestamp, its name map)

    def add(self, object_id: str, verb: str, definition: dict, result: dict, course: str, learner: int,
            when: str) -> None:
        ref = xapi.parse_practice(object_id)
        if ref is None:
            return
        self._name(object_id, definition.get("name"), when)
        practice = object_id if ref.step_id is None else object_id.rsplit(":step:", 1)[0]
        stats = self.practices.setdefault(practice, PracticeStats(course))
        stats.started.add(learner)
        if ref.step_id is None:
            if verb == "completed":
                stats.finished.add(learner)
            return
        if verb != "answered":
            return
        step = self.steps.setdefault(object_id, StepStats(course, practice))
        step.checks += 1
        step.wrong += result.get("success") is not True
        hints = (result.get("extensions") or {}).get(xapi.EXTENSION_HINTS)
        hints = hints if isinstance(hints, int) and not isinstance(hints, bool) and hints >= 0 else 0
        step.hints[learner] = max(hints, step.hints.get(learner, 0))

    def absorb(self, other: "PracticeFigures", number: list[int]) -> None:
        """Add what another reader counted; `number` maps its learner numbers to ours."""
        for practice, stats in other.practices.items():
            mine = self.practices.setdefault(practice, PracticeStats(stats.course))
            mine.started |= {number[learner] for learner in stats.started}
            mine.finished |= {number[learner] for learner in stats.finished}
        for step, stats in other.steps.items():
            mine = self.steps.setdefault(step, StepStats(stats.course, stats.practice))
            mine.checks += stats.checks
            mine.wrong += stats.wrong
            for learner, hints in stats.hints.items():
                mine.hints[number[learner]] = max(hints, mine.hints.get(number[learner], 0))
        for activity, (when, names) in other.names.items():
            self._name(activity, names, when)

    def name(self, activity: str) -> dict:
        return self.names.get(activity, ("", {}))[1]

    def _name(self, activity: str, names, when: str) -> None:
        if isinstance(names, dict) and names and (when, sorted(names.items())) > \
                (self.names.get(activity, ("", {}))[0], sorted(self.name(activity).items())):
            self.names[activity] = (when, names)
