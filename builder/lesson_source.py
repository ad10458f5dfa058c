"""A lesson file: YAML front matter (id, title, minutes, quiz, narration) and its Markdown body; or a .gift file whose
id, title and quiz settings are written in course.yml."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builder.i18n import _, translate
from builder.problems import Problems
from builder.quiz_settings import questions_from, quiz_settings
from builder.sources import read_source
from builder.yamlsource import YamlError, load_yaml
from courses.model import is_valid_id
from courses.quiz import QuizSettings
from courses.text import text_problem

FRONT_MATTER_FIELDS = ("id", "title", "minutes", "quiz", "narration")
_FENCE = "---"


@dataclass(frozen=True)
class LessonFields:
    """The fields every lesson has, wherever they are written, with the lines of id and quiz."""

    id: str
    title: str
    minutes: int | None
    quiz: QuizSettings | None  # None: the lesson has no quiz settings (its questions use the defaults)
    id_line: int
    quiz_line: int
    quiz_from: str | None = None  # the test whose questions this lesson's quiz asks (`quiz: from:`)


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
    quiz: QuizSettings | None = None
    quiz_line: int = 0
    kind: str = "md"  # md, or gift for a lesson made of one .gift file
    meta_file: Path | None = None  # where id and quiz are written, when not in `file` (course.yml)
    quiz_from: str | None = None  # the test whose questions this lesson's quiz asks (`quiz: from:`)
    narration: str | None = None  # front matter `narration:` as written (relative to the lesson file)
    narration_line: int = 0


def load_lesson(course_dir: Path, relative: str, file: Path, problems: Problems) -> LessonSource | None:
    """Read one lesson, recording every problem with its front matter; None when unusable."""
    text = read_source(file, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        problems.add(file, 1, _("missing front matter: start the file with '---', then 'id:' and 'title:', then '---'"))
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (_FENCE, "...")), None)
    if end is None:
        problems.add(file, 1, _("front matter is not closed: add a line '---' after it"))
        return None
    try:
        doc = load_yaml("\n".join(lines[1:end]), first_line=2)
    except YamlError as error:
        problems.add(file, error.line, _("front matter: %(problem)s") % {"problem": error})
        return None
    meta = doc.data if doc.data is not None else {}
    if not isinstance(meta, dict):
        problems.add(file, 2, _("front matter must be fields such as 'id: …' and 'title: …'"))
        return None
    for key in meta:
        if key not in FRONT_MATTER_FIELDS:
            problems.add(file, doc.line(key), _("unknown front matter field '%(field)s' (known: %(known)s)")
                                              % {"field": key, "known": ", ".join(FRONT_MATTER_FIELDS)})
    fields = lesson_fields(meta, lambda *key: doc.line(*key) if key else 1,
                           lambda line, message: problems.add(file, line, message), _("front matter"))
    narration = meta.get("narration")
    if "narration" in meta and not (isinstance(narration, str) and narration.strip()):
        problems.add(file, doc.line("narration"), _("narration must be the path of an MP3 file, such as "
                                                    "'narration: audio/01-gioi-thieu.mp3'"))
        return None
    if fields is None or any(key not in FRONT_MATTER_FIELDS for key in meta):
        return None
    return LessonSource(path=relative, file=file, text=text, id=fields.id, title=fields.title, minutes=fields.minutes,
                        body="\n".join(lines[end + 1:]), body_line=end + 2, id_line=fields.id_line,
                        quiz=fields.quiz, quiz_line=fields.quiz_line, quiz_from=fields.quiz_from,
                        narration=narration and narration.strip(),
                        narration_line=doc.line("narration") if narration else 0)


def load_gift_lesson(relative: str, file: Path, fields: LessonFields, meta_file: Path,
                     problems: Problems) -> LessonSource | None:
    """A lesson made of one GIFT file; its fields come from its entry in course.yml (meta_file)."""
    text = read_source(file, problems)
    if text is None:
        return None
    return LessonSource(path=relative, file=file, text=text, id=fields.id, title=fields.title, minutes=fields.minutes,
                        body=text, body_line=1, id_line=fields.id_line, quiz=fields.quiz,
                        quiz_line=fields.quiz_line, kind="gift", meta_file=meta_file, quiz_from=fields.quiz_from)


def lesson_fields(meta: dict, line_of: Callable[..., int], report: Callable[[int, str], None],
                  where: str) -> LessonFields | None:
    """id, title, minutes and quiz checked; line_of(key) is a field's line, line_of() the entry's."""
    problems = []

    def fail(line: int, message: str) -> None:
        problems.append(message)
        report(line, message)

    lesson_id, title, minutes = meta.get("id"), meta.get("title"), meta.get("minutes")
    if "id" not in meta:
        fail(line_of(), _("%(where)s has no 'id'") % {"where": where})
    elif not is_valid_id(lesson_id):
        fail(line_of("id"), _("lesson id %(id)r must be lowercase letters, digits and hyphens") % {"id": lesson_id})
    if not (isinstance(title, str) and title.strip()):
        fail(line_of("title") if "title" in meta else line_of(),
             _("%(where)s needs a non-empty 'title'") % {"where": where})
    elif problem := text_problem(title):
        fail(line_of("title"), _("title %(problem)s") % {"problem": translate(problem)})
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0):
        fail(line_of("minutes"), _("minutes must be a whole number greater than 0"))
    quiz = None
    if "quiz" in meta:
        quiz = quiz_settings(meta["quiz"], lambda *key: line_of("quiz", *key), fail)
    if problems:
        return None
    quiz_line = line_of("quiz") if "quiz" in meta else 0
    return LessonFields(lesson_id, title.strip(), minutes, quiz, line_of("id"), quiz_line,
                        questions_from(meta.get("quiz")))
