"""Each lesson's practices, from its rendered blocks, with practice ids checked across the whole course."""

import json

from builder.i18n import _
from builder.lesson_source import LessonSource
from builder.problems import Problems
from builder.render import RenderedLesson
from courses.practice import Practice, practice_from_json


def collect_practices(lessons: dict[str, LessonSource], rendered: dict[str, RenderedLesson],
                      problems: Problems) -> dict[str, tuple[Practice, ...]]:
    """The practices of every lesson that has some, by lesson id; an id used twice in the course reported."""
    found, first_use = {}, {}
    for path, lesson in lessons.items():
        practices = []
        for line, data in rendered[path].practices:
            practice = practice_from_json(json.loads(data), f"{path}:{line}")
            if practice.id in first_use:
                problems.add(lesson.file, line, _("two practices have the id '%(id)s' (also at %(other)s): give one of "
                                                  "them another 'id:'")
                             % {"id": practice.id, "other": first_use[practice.id]})
                continue
            first_use[practice.id] = f"{path}:{line}"
            practices.append(practice)
        if practices:
            found[lesson.id] = tuple(practices)
    return found

