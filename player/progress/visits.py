"""Time spent in lessons: one open visit per learner and lesson page, kept in memory, measured from the
page's heartbeats (sent while it is visible) and from the time between lesson pages.

A visit starts when a lesson page's own script reports that it is shown (a POST with the page's CSRF
token; showing the page records nothing, since an image tag could ask for it). It ends when the learner
opens another lesson, leaves the page (the page sends a last beacon), signs out, or stops sending
heartbeats (the window was closed): then its time is recorded once. A gap between heartbeats counts at
most MAX_GAP, so a sleeping PC adds nothing; a visit without heartbeats counts until the next lesson, up
to the sign-out timeout. Without JavaScript no visit is recorded; Done still completes a lesson.
"""

import threading
import uuid
from dataclasses import dataclass, field

from courses import Course, Lesson

BEAT_SECONDS = 30
MAX_GAP = 2 * BEAT_SECONDS
STALE_AFTER = 3 * BEAT_SECONDS


@dataclass
class Visit:
    """One learner on one lesson page."""

    learner_id: str
    course: Course
    lesson: Lesson
    started: float
    seen: float
    seconds: float = 0.0
    beats: int = 0
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def close(self, now: float, cap: float) -> "Visit":
        """Add the time since the last sign of life and return the finished visit."""
        tail = BEAT_SECONDS if self.beats else cap
        self.seconds += max(0.0, min(now - self.seen, tail))
        self.seen = now
        return self


class Visits:
    """Open visits of every learner (thread-safe)."""

    def __init__(self):
        self._open: dict[str, Visit] = {}
        self._lock = threading.Lock()

    def start(self, learner_id: str, course: Course, lesson: Lesson, now: float, cap: float
              ) -> tuple[Visit, list[Visit]]:
        """Open a visit; the learner's earlier open visits end now (returned for recording)."""
        visit = Visit(learner_id, course, lesson, started=now, seen=now)
        with self._lock:
            ended = [self._open.pop(key).close(now, cap) for key, open_ in list(self._open.items())
                     if open_.learner_id == learner_id]
            self._open[visit.id] = visit
        return visit, ended

    def beat(self, visit_id: str, learner_id: str, now: float) -> bool:
        """A heartbeat from a visible page; False if no such open visit of this learner."""
        with self._lock:
            visit = self._open.get(visit_id)
            if visit is None or visit.learner_id != learner_id:
                return False
            visit.seconds += max(0.0, min(now - visit.seen, MAX_GAP))
            visit.seen, visit.beats = now, visit.beats + 1
            return True

    def end(self, visit_id: str, learner_id: str, now: float, cap: float) -> Visit | None:
        """The page was left: end its visit (None if it was already ended)."""
        with self._lock:
            visit = self._open.get(visit_id)
            if visit is None or visit.learner_id != learner_id:
                return None
            del self._open[visit_id]
        return visit.close(now, cap)

    def end_learner(self, learner_id: str, now: float, cap: float) -> list[Visit]:
        """The learner signed out: end all their visits."""
        with self._lock:
            keys = [key for key, visit in self._open.items() if visit.learner_id == learner_id]
            return [self._open.pop(key).close(now, cap) for key in keys]

    def sweep(self, now: float, cap: float) -> list[Visit]:
        """End visits whose page went silent (closed window, power cut of a client PC): counted up to
        their last heartbeat only."""
        with self._lock:
            stale = [key for key, visit in self._open.items()
                     if now - visit.seen > (STALE_AFTER if visit.beats else cap)]
            return [self._open.pop(key).close(visit.seen, 0) for key, visit in
                    [(key, self._open[key]) for key in stale]]
