"""The manifest: format version, course metadata and the checksum of every other member."""

import json
from dataclasses import dataclass

from courses.errors import BundleError, UnsupportedFormat
from courses.members import (
    asset_member, is_content_member, lesson_member, practice_lesson_id, quiz_lesson_id, quiz_member, unsafe_reason,
)
from courses.model import (
    LANGUAGE_PATTERN, SEMVER_PATTERN, Course, FileEntry, Lesson, Section, is_valid_id,
)
from courses.text import lone_surrogate_at, text_problem

FORMAT = "tramhoc-bundle"
FORMAT_VERSION = 3  # 2: lessons may have practice simulations (practice/<lesson>.json); 3: course.pretest, narration
OLDEST_FORMAT_VERSION = 1  # a reader reads every version from this one to its own, and refuses newer ones
LOWEST_WRITTEN_VERSION = 2  # a writer uses the oldest version that holds what the course uses (Manifest.of)
PRETEST_FORMAT_VERSION = 3  # course.pretest
NARRATION_FORMAT_VERSION = 3  # a lesson's narration
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_SHA256_LENGTH = 64


@dataclass(frozen=True)
class Manifest:
    """What a bundle contains: the course and the pinned sha256 and size of every member."""

    course: Course
    files: dict[str, FileEntry]
    generator: str
    format_version: int = FORMAT_VERSION

    @classmethod
    def of(cls, course: Course, files: dict[str, FileEntry], generator: str) -> "Manifest":
        """The manifest a writer makes: in the oldest version that holds what the course uses, so that a
        course without a pre-test or a narration still opens in players of format version 2."""
        version = LOWEST_WRITTEN_VERSION
        if course.pretest:
            version = max(version, PRETEST_FORMAT_VERSION)
        if any(lesson.narration for lesson in course.lessons):
            version = max(version, NARRATION_FORMAT_VERSION)
        return cls(course=course, files=files, generator=generator, format_version=version)

    def to_bytes(self) -> bytes:
        """Canonical UTF-8 JSON: sorted keys, fixed indentation, so equal manifests are equal bytes."""
        course = self.course
        data = {
            "format": FORMAT,
            "format_version": self.format_version,
            "generator": self.generator,
            "course": {
                "id": course.id,
                "title": course.title,
                "language": course.language,
                "version": course.version,
                "authors": list(course.authors),
                "description": course.description,
                "sections": [
                    {"title": section.title,
                     "lessons": [_lesson_entry(lesson) for lesson in section.lessons]}
                    for section in course.sections
                ],
            },
            "files": {name: {"sha256": entry.sha256, "size": entry.size}
                      for name, entry in sorted(self.files.items())},
        }
        if course.pretest is not None:
            data["course"]["pretest"] = course.pretest
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Manifest":
        """Parse and validate a manifest, raising BundleError with a readable reason."""
        if len(raw) > MAX_MANIFEST_BYTES:
            raise BundleError(f"manifest is too large ({len(raw)} bytes, limit {MAX_MANIFEST_BYTES})")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise BundleError(f"manifest is not valid UTF-8 JSON: {error}") from None
        refuse_lone_surrogates(data, "manifest")
        return _parse(_Checker(data))


def _lesson_entry(lesson: Lesson) -> dict:
    """A lesson in the manifest; `narration` only when it has one."""
    entry = {"id": lesson.id, "title": lesson.title, "minutes": lesson.minutes}
    if lesson.narration is not None:
        entry["narration"] = lesson.narration
    return entry


class _Checker:
    """Typed access to untrusted JSON that raises BundleError naming the offending field."""

    def __init__(self, value, where: str = "manifest"):
        self.value, self.where = value, where

    def fail(self, problem: str):
        raise BundleError(f"{self.where}: {problem}")

    def get(self, key: str, kind, optional: bool = False) -> "_Checker":
        if not isinstance(self.value, dict):
            self.fail("must be an object")
        where = f"{self.where}.{key}"
        if key not in self.value:
            if optional:
                return _Checker(None, where)
            raise BundleError(f"{where}: missing")
        value = self.value[key]
        if not (value is None and optional) and (not isinstance(value, kind) or isinstance(value, bool)):
            raise BundleError(f"{where}: wrong type")
        return _Checker(value, where)

    def items(self) -> list["_Checker"]:
        return [_Checker(item, f"{self.where}[{index}]") for index, item in enumerate(self.value)]


def _parse(root: _Checker) -> Manifest:
    if root.get("format", str).value != FORMAT:
        root.fail("not a tramhoc bundle manifest")
    version = root.get("format_version", int).value
    if not OLDEST_FORMAT_VERSION <= version <= FORMAT_VERSION:
        raise UnsupportedFormat(
            f"unsupported bundle format version {version}; this player reads version {FORMAT_VERSION}"
            " (update the player, or rebuild the course)", version, FORMAT_VERSION)
    course = _parse_course(root.get("course", dict), version)
    files = {}
    for name, entry in root.get("files", dict).value.items():
        checker = _Checker(entry, f"manifest.files[{name!r}]")
        reason = unsafe_reason(name)
        if reason or not is_content_member(name):
            checker.fail(reason or "not a lesson, quiz, practice or asset member")
        if version < 2 and practice_lesson_id(name) is not None:
            checker.fail(f"a practice member needs bundle format version 2, not {version}")
        sha = checker.get("sha256", str).value
        size = checker.get("size", int).value
        if len(sha) != _SHA256_LENGTH or any(c not in "0123456789abcdef" for c in sha) or size < 0:
            checker.fail("bad checksum or size")
        files[name] = FileEntry(sha, size)
    for lesson in course.lessons:
        if lesson_member(lesson.id) not in files:
            root.fail(f"lesson {lesson.id!r} has no page in the bundle")
        if lesson.narration is not None and asset_member(lesson.narration) not in files:
            root.fail(f"the narration of lesson {lesson.id!r} is not in the bundle")
    for name in files:
        lesson_id = quiz_lesson_id(name) or practice_lesson_id(name)
        if lesson_id is not None and course.lesson(lesson_id) is None:
            root.fail(f"{'quiz' if quiz_lesson_id(name) else 'practice'} {name!r} belongs to no lesson of the course")
    if course.pretest is not None:
        where = _Checker(course.pretest, "manifest.course.pretest")
        if version < PRETEST_FORMAT_VERSION:
            where.fail(f"a pre-test needs bundle format version {PRETEST_FORMAT_VERSION}, not {version}")
        if course.lesson(course.pretest) is None or quiz_member(course.pretest) not in files:
            where.fail(f"{course.pretest!r} is not a lesson of the course with a quiz")
    return Manifest(course=course, files=files, generator=root.get("generator", str).value,
                    format_version=version)


def _parse_course(node: _Checker, format_version: int) -> Course:
    course_id = node.get("id", str).value
    if not is_valid_id(course_id):
        node.fail(f"bad course id {course_id!r}")
    version = node.get("version", str).value
    if not SEMVER_PATTERN.match(version):
        node.fail(f"bad version {version!r}")
    language = node.get("language", str).value
    if not LANGUAGE_PATTERN.match(language):
        node.fail(f"bad language tag {language!r}")
    authors = node.get("authors", list).items()
    if not all(isinstance(author.value, str) for author in authors):
        node.fail("authors must be strings")
    sections, seen = [], set()
    for section in node.get("sections", list).items():
        lessons = []
        for item in section.get("lessons", list).items():
            lesson_id = item.get("id", str).value
            if not is_valid_id(lesson_id) or lesson_id in seen:
                item.fail(f"bad or duplicate lesson id {lesson_id!r}")
            seen.add(lesson_id)
            minutes = item.get("minutes", int, optional=True).value
            lessons.append(Lesson(lesson_id, _shown(item.get("title", str)), minutes, _narration(item, format_version)))
        title = section.get("title", str, optional=True)
        sections.append(Section(None if title.value is None else _shown(title), tuple(lessons)))
    if not seen:
        node.fail("course has no lessons")
    return Course(
        id=course_id, title=_shown(node.get("title", str)), language=language, version=version,
        authors=tuple(_shown(author) for author in authors),
        description=_shown(node.get("description", str), multiline=True), sections=tuple(sections),
        pretest=node.get("pretest", str, optional=True).value)


def _narration(lesson: _Checker, format_version: int) -> str | None:
    """A lesson's narration: the path of an MP3 asset (since format version 3), or None."""
    narration = lesson.get("narration", str, optional=True)
    if narration.value is None:
        return None
    if format_version < NARRATION_FORMAT_VERSION:
        narration.fail(f"a narration needs bundle format version {NARRATION_FORMAT_VERSION}, not {format_version}")
    if unsafe_reason(asset_member(narration.value)) or not narration.value.lower().endswith(".mp3"):
        narration.fail("must be the path of an MP3 file in the course")
    return narration.value


def _shown(node: _Checker, multiline: bool = False) -> str:
    """A string shown to people, refused when it hides or reorders what it says (courses.text)."""
    problem = text_problem(node.value, multiline)
    if problem:
        node.fail(problem)
    return node.value


def refuse_lone_surrogates(data, where: str) -> None:
    """Raise BundleError naming the first string of parsed JSON that is not valid Unicode."""
    bad = lone_surrogate_at(data, where)
    if bad:
        raise BundleError(f"{bad}: not valid Unicode (a lone surrogate such as \\ud800)")
