"""Exporting a course as a SCORM 1.2 package: build it (every check of `builder build`), render its pages
for the browser, and write OUT/<id>-<version>-scorm12.zip deterministically (sorted members, fixed
timestamps, SOURCE_DATE_EPOCH honoured, as bundles are) and atomically."""

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import player
from authoring.scorm.keys import TooManyItems
from authoring.scorm.manifest import manifest_xml
from authoring.scorm.pages import Pages
from authoring.scorm.state import MAX_SUSPEND_DATA, largest_suspend_data
from builder.build import CompiledCourse, CourseBuild
from courses.members import ASSETS_DIR, lesson_member, quiz_member
from courses.quiz import Quiz, quiz_from_bytes
from courses.writing import CHUNK_BYTES, bundle_timestamp, is_stored

RUNTIME = Path(__file__).resolve().parent.parent / "static" / "scorm"
PLAYER_STATIC = Path(player.__file__).resolve().parent / "static"
SUPPORT_FILES = {"tramhoc/runtime.js": RUNTIME / "runtime.js", "tramhoc/lesson.js": RUNTIME / "lesson.js",
           "tramhoc/scorm.css": RUNTIME / "scorm.css", "tramhoc/style.css": PLAYER_STATIC / "style.css",
           "tramhoc/quiz.js": PLAYER_STATIC / "quiz.js", "tramhoc/icon.svg": PLAYER_STATIC / "icon.svg"}
MANIFEST = "imsmanifest.xml"


class ExportFailed(Exception):
    """The course builds but cannot be a SCORM 1.2 package; the message says why."""


@dataclass(frozen=True)
class Exported:
    path: Path
    lessons: int
    questions: int
    suspend_data_limit: int  # the longest suspend_data this course can write


def package_name(compiled: CompiledCourse) -> str:
    return f"{compiled.course.id}-{compiled.course.version}-scorm12.zip"


def export_scorm(course_dir: Path, out_dir: Path) -> Exported:
    """Build the course folder and write its SCORM 1.2 package; raises builder's BuildFailed (with every
    problem, path:line) or ExportFailed, writing nothing."""
    compiled = CourseBuild(course_dir).compile()
    quizzes = course_quizzes(compiled)
    files = package_files(compiled, quizzes)
    target = Path(out_dir) / package_name(compiled)
    write_zip(target, files)
    course = compiled.course
    return Exported(target, len(course.lessons), sum(quiz.pool_size for quiz in quizzes.values()),
                    largest_suspend_data(course, _tests(quizzes)))


def course_quizzes(compiled: CompiledCourse) -> dict[str, Quiz]:
    """Lesson id -> quiz, for every lesson with questions."""
    return {lesson.id: quiz_from_bytes(compiled.members[quiz_member(lesson.id)], quiz_member(lesson.id))
            for lesson in compiled.course.lessons if quiz_member(lesson.id) in compiled.members}


def package_files(compiled: CompiledCourse, quizzes: dict[str, Quiz] | None = None) -> dict[str, bytes | Path]:
    """Every file of the package by its path inside the zip (its bytes, or an asset's path); raises
    ExportFailed."""
    course = compiled.course
    quizzes = course_quizzes(compiled) if quizzes is None else quizzes
    tests = _tests(quizzes)
    largest = largest_suspend_data(course, tests)
    if largest > MAX_SUSPEND_DATA:
        raise ExportFailed(f"{course.id}: with {len(course.lessons)} lessons and {len(tests)} tests the learner's "
                           f"place would need up to {largest} characters of cmi.suspend_data; SCORM 1.2 keeps "
                           f"{MAX_SUSPEND_DATA}. Split the course into smaller ones")
    pages = Pages(course, quizzes)
    files = {"index.html": pages.launch(tests), "contents.html": pages.contents()}
    for lesson in course.lessons:
        html = compiled.members[lesson_member(lesson.id)].decode("utf-8")
        try:
            files[f"lessons/{lesson.id}.html"] = pages.lesson(lesson, html)
        except TooManyItems as error:
            raise ExportFailed(f"lesson '{lesson.id}': {error}") from None
    data = {name: text.encode("utf-8") for name, text in files.items()}
    data.update((name, member) for name, member in compiled.members.items() if name.startswith(ASSETS_DIR))
    data.update((name, path.read_bytes()) for name, path in SUPPORT_FILES.items())
    data[MANIFEST] = manifest_xml(course, list(data))
    return data


def write_zip(target: Path, files: dict[str, bytes | Path]) -> None:
    """A deterministic zip: the manifest first, then every file by name, each with the same timestamp;
    written to a temporary file beside the target, fsynced, then renamed. Files given by path are copied
    in chunks."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = bundle_timestamp()
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            with zipfile.ZipFile(out, "w") as archive:
                for name in [MANIFEST, *sorted(name for name in files if name != MANIFEST)]:
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.create_system = 3
                    info.external_attr = 0o100644 << 16
                    info.compress_type = zipfile.ZIP_STORED if is_stored(name) else zipfile.ZIP_DEFLATED
                    if isinstance(files[name], Path):
                        with open(files[name], "rb") as source, archive.open(info, "w") as entry:
                            shutil.copyfileobj(source, entry, CHUNK_BYTES)  # zlib's default level is 6
                    else:
                        archive.writestr(info, files[name], compresslevel=6)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _tests(quizzes: dict[str, Quiz]) -> dict[str, Quiz]:
    return {lesson_id: quiz for lesson_id, quiz in quizzes.items() if quiz.settings.assessment}
