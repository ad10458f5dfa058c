"""A learner's run through a practice, kept in the session: where they are, the fields already right and
the mistakes at each field. Only right/wrong is kept, never what was typed.

The run's id is a random UUID, the xAPI registration of its statements (player.practice.recording).
"""

import uuid
from dataclasses import dataclass, field

from flask import session

from player import clock

SESSION_KEY = "practice"
MAX_RUNS = 8  # practices whose run the session remembers (the cookie must stay small)


@dataclass
class Run:
    """One run through one practice."""

    id: str
    started: float  # clock.now()
    position: int = 0  # index in the practice's path
    right: set[str] = field(default_factory=set)  # "step/field" answered right
    misses: dict[str, int] = field(default_factory=dict)  # "step/field" -> mistakes
    wrong_checks: dict[str, int] = field(default_factory=dict)  # step -> checks that were not all right

    @property
    def registration(self) -> str:
        return str(uuid.UUID(self.id))

    def mistakes_at(self, step_id: str, field_id: str) -> int:
        return self.misses.get(f"{step_id}/{field_id}", 0)

    def is_right(self, step_id: str, field_id: str) -> bool:
        return f"{step_id}/{field_id}" in self.right

    def to_dict(self) -> dict:
        return {"id": self.id, "started": self.started, "position": self.position, "right": sorted(self.right),
                "misses": self.misses, "wrong_checks": self.wrong_checks}


def run_key(course_id: str, lesson_id: str, practice_id: str) -> str:
    return f"{course_id}/{lesson_id}/{practice_id}"


def current_run(key: str, learner_id: str) -> Run | None:
    """The learner's open run of this practice, or None."""
    found = _runs(learner_id).get(key)
    try:
        return Run(str(found["id"]), float(found["started"]), int(found["position"]), set(found["right"]),
                   {str(k): int(v) for k, v in found["misses"].items()},
                   {str(k): int(v) for k, v in found["wrong_checks"].items()})
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def start_run(key: str, learner_id: str) -> Run:
    """A new run from the first step (an open one is dropped)."""
    run = Run(uuid.uuid4().hex, clock.now())
    save_run(key, learner_id, run)
    return run


def save_run(key: str, learner_id: str, run: Run | None) -> None:
    """Keep the run (None: forget it, the practice is finished)."""
    runs = _runs(learner_id)
    runs.pop(key, None)
    if run is not None:
        runs[key] = run.to_dict()
    while len(runs) > MAX_RUNS:
        runs.pop(next(iter(runs)))
    session[SESSION_KEY] = {"learner": learner_id, "runs": runs}


def _runs(learner_id: str) -> dict:
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("learner") != learner_id:
        return {}
    return dict(state.get("runs") or {})
