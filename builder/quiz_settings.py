"""A lesson's `quiz:` settings (in its front matter, or in its course.yml entry for a .gift lesson), checked."""

from typing import Callable

from builder.i18n import _
from courses.model import is_valid_id
from courses.quiz import QuizSettings

QUIZ_SETTINGS = ("pass", "shuffle", "draw", "attempts", "from")


def quiz_settings(value, line_of: Callable[..., int], report: Callable[[int, str], None]) -> QuizSettings | None:
    """The settings of a test (`quiz:` makes a lesson one), or None after reporting every problem;
    line_of(key) is the line of a setting."""
    if value is None:
        return QuizSettings(assessment=True)
    if not isinstance(value, dict):
        report(line_of(), _("quiz must be settings such as 'pass: 80' (known: %(known)s)")
               % {"known": ", ".join(QUIZ_SETTINGS)})
        return None
    problems = 0

    def fail(key: str, message: str) -> None:
        nonlocal problems
        problems += 1
        report(line_of(key), message)

    for key in value:
        if key not in QUIZ_SETTINGS:
            fail(key, _("unknown quiz setting '%(key)s' (known: %(known)s)")
                 % {"key": key, "known": ", ".join(QUIZ_SETTINGS)})
    pass_percent, shuffle = value.get("pass", 70), value.get("shuffle", True)
    draw, attempts = value.get("draw"), value.get("attempts")
    if not _number(pass_percent) or not 0 <= pass_percent <= 100:
        fail("pass", _("quiz pass %(value)r must be a percentage from 0 to 100 (without the %% sign)")
             % {"value": pass_percent})
    if not isinstance(shuffle, bool):
        fail("shuffle", _("quiz shuffle %(value)r must be true or false") % {"value": shuffle})
    if draw is not None and not (_whole(draw) and draw >= 1):
        fail("draw", _("quiz draw %(value)r must be a whole number of questions, at least 1") % {"value": draw})
    if "from" in value and not is_valid_id(value["from"]):
        fail("from", _("quiz from %(value)r must be the id of the test whose questions are drawn") % {"value": value["from"]})
    if attempts is not None and not (_whole(attempts) and attempts >= 1):
        fail("attempts", _("quiz attempts %(value)r must be a whole number, at least 1 (leave it out for unlimited "
                           "attempts)") % {"value": attempts})
    return None if problems else QuizSettings(pass_percent, shuffle, draw, attempts, assessment=True)


def questions_from(value) -> str | None:
    """The lesson whose test questions a quiz asks (`from:`, for a pre-test drawn from the final test), or None."""
    return value.get("from") if isinstance(value, dict) else None


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
