"""A lesson's section narrations: each audio the builder marked `narration` (`![…](x.mp3){.narration}`) in the
cleaned lesson HTML becomes the player's narration controls, starting where the learner stopped."""

import html
import re
from urllib.parse import unquote

from flask import render_template
from markupsafe import Markup

from courses import Course, Lesson
from player.lessons import listening
from player.web.sanitise import rendered

# nh3's output: attributes in double quotes, values without a raw ">"; the builder wraps the audio in a <p>.
_PART = re.compile(r'(?:<p>)?<audio\b[^>]*\bclass="narration"[^>]*>.*?</audio>(?:</p>)?', re.S)
_SOURCE = re.compile(r'\bsrc="\.\./assets/([^"]+)"')
_LABEL = re.compile(r'\baria-label="([^"]*)"')


def with_narration_controls(body: Markup, course: Course, lesson: Lesson, learner_id: str) -> tuple[Markup, int]:
    """The lesson body with its section narrations given controls, and how many there are."""
    count = 0

    def controls(match: re.Match) -> str:
        nonlocal count
        source = _SOURCE.search(match.group(0))
        if source is None:
            return match.group(0)
        count += 1
        narration = unquote(html.unescape(source.group(1)))
        label = _LABEL.search(match.group(0))
        return render_template("lessons/_narration.html", course=course, lesson=lesson, narration=narration,
                               number=count, title=html.unescape(label.group(1)) if label else "",
                               place=listening.place_of(learner_id, course.id, lesson.id, narration),
                               speeds=listening.speed_choices())

    return rendered(_PART.sub(controls, str(body))), count
