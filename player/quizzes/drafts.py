"""The answers typed so far in an open test attempt, kept in the learner's store (crash-safe, like their
records) while they work: a reload, a sign-out or a restart of the player brings the same attempt back with
its answers filled in. A draft holds form fields as the quiz page sent them, already read by
player.quizzes.form; it is dropped when its attempt is submitted."""

from werkzeug.datastructures import MultiDict

from player import clock
from player.web.services import services


def lesson_key(course_id: str, lesson_id: str) -> str:
    return f"{course_id}/{lesson_id}"


def saved(learner_id: str, course_id: str, lesson_id: str) -> dict | None:
    """The draft of this lesson's open attempt: `attempt`, `started`, `fingerprint`, `fields`; or None."""
    found = services().store.learners.draft(learner_id, lesson_key(course_id, lesson_id))
    if not found or not isinstance(found.get("fields"), list):
        return None
    return found


def save(learner_id: str, attempt, form: MultiDict) -> None:
    """Keep the answer fields of `form` (already read without a problem) as the draft of `attempt`."""
    fields = [[name, value] for name, values in form.lists() if name.startswith("a-") for value in values]
    services().store.learners.put_draft(learner_id, lesson_key(attempt.course_id, attempt.lesson_id), {
        "attempt": attempt.id, "started": attempt.started, "fingerprint": attempt.fingerprint,
        "fields": fields, "saved": clock.now()})


def fields_of(learner_id: str, attempt) -> MultiDict:
    """The answer fields saved for this very attempt (none when the draft is of another)."""
    found = saved(learner_id, attempt.course_id, attempt.lesson_id)
    if not found or found.get("attempt") != attempt.id:
        return MultiDict()
    return MultiDict([(str(name), str(value)) for name, value in found["fields"]])


def drop(learner_id: str, course_id: str, lesson_id: str) -> None:
    services().store.learners.put_draft(learner_id, lesson_key(course_id, lesson_id), None)
