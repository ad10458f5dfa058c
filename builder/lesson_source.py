"""A lesson file: YAML front matter (id, title, minutes) and its Markdown body."""

from dataclasses import dataclass
from pathlib import Path

from builder.problems import Problems
from builder.sources import read_source
from builder.yamlsource import YamlError, load_yaml
from courses.model import is_valid_id

FRONT_MATTER_FIELDS = ("id", "title", "minutes")
_FENCE = "---"


@dataclass(frozen=True)
class LessonSource:
    """A lesson's metadata and body, with the line where the body starts."""

    path: str  # POSIX, relative to the course folder
    file: Path
    text: str
    id: str
    title: str
    minutes: int | None
    body: str
    body_line: int
    id_line: int


def load_lesson(course_dir: Path, relative: str, file: Path, problems: Problems) -> LessonSource | None:
    """Read one lesson, recording every problem with its front matter; None when unusable."""
    text = read_source(file, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        problems.add(file, 1, "missing front matter: start the file with '---', then 'id:' and 'title:', then '---'")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (_FENCE, "...")), None)
    if end is None:
        problems.add(file, 1, "front matter is not closed: add a line '---' after it")
        return None
    try:
        doc = load_yaml("\n".join(lines[1:end]), first_line=2)
    except YamlError as error:
        problems.add(file, error.line, f"front matter: {error}")
        return None
    meta = doc.data if doc.data is not None else {}
    if not isinstance(meta, dict):
        problems.add(file, 2, "front matter must be fields such as 'id: …' and 'title: …'")
        return None
    start = len(problems.items)
    for key in meta:
        if key not in FRONT_MATTER_FIELDS:
            problems.add(file, doc.line(key), f"unknown front matter field '{key}' (known: id, title, minutes)")
    lesson_id, title, minutes = meta.get("id"), meta.get("title"), meta.get("minutes")
    if "id" not in meta:
        problems.add(file, 1, "front matter has no 'id'")
    elif not is_valid_id(lesson_id):
        problems.add(file, doc.line("id"), f"lesson id {lesson_id!r} must be lowercase letters, digits and hyphens")
    if not (isinstance(title, str) and title.strip()):
        problems.add(file, doc.line("title") if "title" in meta else 1, "front matter needs a non-empty 'title'")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0):
        problems.add(file, doc.line("minutes"), "minutes must be a whole number greater than 0")
    if len(problems.items) > start:
        return None
    return LessonSource(path=relative, file=file, text=text, id=lesson_id, title=title.strip(), minutes=minutes,
                        body="\n".join(lines[end + 1:]), body_line=end + 2,
                        id_line=doc.line("id"))
