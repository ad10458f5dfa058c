"""Load and validate `course.yml`: course metadata and the ordered lesson files."""

from dataclasses import dataclass
from pathlib import Path

from builder.i18n import N_, _, translate
from builder.lesson_source import LessonFields, lesson_fields
from builder.problems import Problems
from builder.sources import read_source
from builder.yamlsource import YamlError, load_yaml
from courses.model import LANGUAGE_PATTERN, SEMVER_PATTERN, is_valid_id
from courses.text import text_problem

COURSE_FILE = "course.yml"
KNOWN_FIELDS = ("id", "title", "language", "version", "authors", "description", "sections", "lessons", "pretest")
REQUIRED_FIELDS = ("id", "title", "language", "version")
GIFT_LESSON_FIELDS = ("file", "id", "title", "minutes", "quiz")


@dataclass(frozen=True)
class LessonRef:
    """A lesson file named in course.yml, with the line that names it."""

    path: str  # POSIX, relative to the course folder, NFC
    line: int
    gift: LessonFields | None = None  # a .gift lesson: its fields, written in course.yml


@dataclass(frozen=True)
class SectionConfig:
    title: str | None
    lessons: tuple[LessonRef, ...]


@dataclass(frozen=True)
class CourseConfig:
    """The course metadata as written in course.yml, validated."""

    id: str
    title: str
    language: str
    version: str
    authors: tuple[str, ...]
    description: str
    sections: tuple[SectionConfig, ...]
    pretest: str | None = None  # the id of the test lesson taken before the first lesson
    pretest_line: int = 0


def load_course_config(course_dir: Path, problems: Problems) -> CourseConfig | None:
    """Read course.yml, recording every problem; None when it cannot be used at all."""
    path = course_dir / COURSE_FILE
    if not path.is_file():
        problems.add(course_dir, 0, _("no %(file)s in the course folder") % {"file": COURSE_FILE})
        return None
    text = read_source(path, problems)
    if text is None:
        return None
    try:
        doc = load_yaml(text)
    except YamlError as error:
        problems.add(path, error.line, str(error))
        return None
    if not isinstance(doc.data, dict):
        problems.add(path, 1, _("%(file)s must be a mapping of fields (id, title, …)") % {"file": COURSE_FILE})
        return None
    data = doc.data
    start = len(problems.items)

    def fail(message, *where):
        problems.add(path, doc.line(*where), message)


    for key, line in doc.duplicate_keys():
        problems.add(path, line, _("field '%(field)s' is given twice") % {"field": key})
    for key in data:
        if key not in KNOWN_FIELDS:
            fail(_("unknown course field '%(field)s' (known: %(known)s)")
                 % {"field": key, "known": ", ".join(KNOWN_FIELDS)}, key)
    for key in REQUIRED_FIELDS:
        if key not in data:
            problems.add(path, 1, _("missing course field '%(field)s'") % {"field": key})
    course_id, title = data.get("id"), data.get("title")
    language, version = data.get("language"), data.get("version")
    if "id" in data and not is_valid_id(course_id):
        fail(_("course id %(id)r must be lowercase letters, digits and hyphens") % {"id": course_id}, "id")
    if "title" in data and not _text(title):
        fail(_("title must be non-empty text"), "title")
    if "language" in data and not (isinstance(language, str) and LANGUAGE_PATTERN.match(language)):
        fail(_("language %(value)r must be a BCP 47 tag such as 'vi' or 'en'") % {"value": language}, "language")
    if "version" in data and not (isinstance(version, str) and SEMVER_PATTERN.match(version)):
        fail(_("version %(value)r must be a semantic version such as \"1.0.0\" (in quotes)") % {"value": version},
             "version")
    authors = data.get("authors", [])
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not all(_text(author) for author in authors):
        fail(_("authors must be a list of names"), "authors")
        authors = []
    description = data.get("description", "")
    if not isinstance(description, str):
        fail(_("description must be text"), "description")
    _check_shown(fail, title, N_("title %(problem)s"), "title")
    for index, author in enumerate(authors):
        _check_shown(fail, author, N_("an author's name %(problem)s"), "authors", index)
    _check_shown(fail, description, N_("description %(problem)s"), "description", multiline=True)
    pretest = data.get("pretest")
    if "pretest" in data and not is_valid_id(pretest):
        fail(_("pretest %(value)r must be the id of the course's pre-test lesson") % {"value": pretest}, "pretest")
    sections = _sections(data, doc, fail, lambda line, message: problems.add(path, line, message))
    if len(problems.items) > start:
        return None
    return CourseConfig(id=course_id, title=title.strip(), language=language, version=version,
                        authors=tuple(a.strip() for a in authors), description=description.strip(),
                        sections=sections, pretest=pretest, pretest_line=doc.line("pretest") if pretest else 0)


def _sections(data, doc, fail, report) -> tuple[SectionConfig, ...]:
    if ("sections" in data) == ("lessons" in data):
        fail(_("list the lessons under either 'lessons' or 'sections' (exactly one of them)"))
        return ()
    if "lessons" in data:
        return (SectionConfig(None, _lesson_refs(data["lessons"], doc, fail, report, ("lessons",))),)
    sections = data["sections"]
    if not isinstance(sections, list) or not sections:
        fail(_("sections must be a non-empty list of {title, lessons}"), "sections")
        return ()
    result = []
    for index, section in enumerate(sections):
        where = ("sections", index)
        if not isinstance(section, dict) or set(section) - {"title", "lessons"}:
            fail(_("each section has a 'title' and a 'lessons' list, nothing else"), *where)
            continue
        if not _text(section.get("title")):
            fail(_("section title must be non-empty text"), *where)
            continue
        if _check_shown(fail, section["title"], N_("section title %(problem)s"), *where, "title"):
            continue
        refs = _lesson_refs(section.get("lessons"), doc, fail, report, (*where, "lessons"))
        result.append(SectionConfig(section["title"].strip(), refs))
    return tuple(result)


def _lesson_refs(items, doc, fail, report, where) -> tuple[LessonRef, ...]:
    if not isinstance(items, list) or not items:
        fail(_("lessons must be a non-empty list of lesson files"), *where)
        return ()
    refs = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            ref = _gift_lesson(item, doc, report, (*where, index))
            if ref is not None:
                refs.append(ref)
            continue
        if not _text(item) or not item.strip().endswith(".md"):
            fail(_("lesson entry %(entry)r must be the path of a .md file (or, for a GIFT file, 'file:', 'id:' and "
                   "'title:')") % {"entry": item}, *where, index)
            continue
        refs.append(LessonRef(item.strip(), doc.line(*where, index)))
    return tuple(refs)


def _gift_lesson(item: dict, doc, report_to, where) -> LessonRef | None:
    """A lesson made of a GIFT file: `- file: quiz.gift` with id, title, and optionally minutes and quiz."""
    problems = []

    def report(line: int, message: str) -> None:
        problems.append(message)
        report_to(line, message)

    for key in item:
        if key not in GIFT_LESSON_FIELDS:
            report(doc.line(*where, key), _("unknown field '%(field)s' in a GIFT lesson entry (known: %(known)s)")
                                          % {"field": key, "known": ", ".join(GIFT_LESSON_FIELDS)})
    path = item.get("file")
    if not _text(path) or not path.strip().endswith(".gift"):
        report(doc.line(*where, "file") if "file" in item else doc.line(*where),
               _("a lesson entry with fields needs 'file:' naming a .gift file"))
    fields = lesson_fields(item, lambda *key: doc.line(*where, *key), report, _("GIFT lesson entry"))
    if problems or fields is None:
        return None
    return LessonRef(path.strip(), doc.line(*where, "file"), fields)


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_shown(fail, value, message: str, *where, multiline: bool = False) -> bool:
    """Report text shown to learners that hides or reorders what it says (courses.text) as `message`, a msgid
    naming the field with a %(problem)s; True if so."""
    problem = text_problem(value, multiline) if isinstance(value, str) else None
    if problem:
        fail(_(message) % {"problem": translate(problem)}, *where)
    return problem is not None
