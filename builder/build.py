"""The build pipeline: config -> lessons -> render -> validate across lessons -> write through courses."""

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import platformdirs

from builder import GENERATOR
from builder.cache import DeflatedMembers, EntryStore, RenderCache
from builder.course_config import COURSE_FILE, CourseConfig, load_course_config
from builder.lesson_source import LessonSource, load_gift_lesson
from builder.i18n import _, current_language, use_language
from builder.links import LinkResolver
from builder.narration import check_recordings, find_narrations
from builder.practices import collect_practices
from builder.problems import BuildFailed, Problems, did_you_mean
from builder.quizzes import collect_quizzes
from builder.render import LessonRenderer, RenderedLesson
from builder.source_memo import SourceMemo
from builder.sources import MB, CourseFiles, list_course_files, refusal
from courses.keys import SigningKey
from courses.messages import Message
from courses.members import asset_member, lesson_member, practice_member, quiz_member
from courses.model import Course, Lesson, Section
from courses.practice import practices_to_bytes
from courses.quiz import quiz_to_bytes
from courses.reading import MAX_TOTAL_BYTES
from courses.writing import FileChanged, write_bundle

CACHE_VARIABLE = "TRAMHOC_BUILD_CACHE"  # where build caches live (default: the per-user cache folder)
PARALLEL_MIN_LESSONS = 24

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class CompiledCourse:
    """A course checked and rendered, ready to be written as a bundle: members are bytes, or the path of
    an asset file (read in chunks when the bundle is written, never held in memory)."""

    course: Course
    members: dict[str, bytes | Path]

    @property
    def bundle_name(self) -> str:
        return f"{self.course.id}-{self.course.version}.tramhoc"


def check(course_dir: Path, progress: Progress | None = None) -> CompiledCourse:
    """Compile a course without writing anything; raises BuildFailed listing every problem."""
    return CourseBuild(course_dir).compile(progress)


def build(course_dir: Path, out_dir: Path, progress: Progress | None = None, use_cache: bool = True,
          signer: SigningKey | None = None) -> Path:
    """Compile a course and write OUT_DIR/<id>-<version>.tramhoc, signed when a signer is given;
    nothing is written on failure."""
    return CourseBuild(course_dir, out_dir, use_cache, signer).build(progress)


def cache_dir(course_dir: Path) -> Path:
    """The build cache of one course folder: in the per-user cache folder (or $TRAMHOC_BUILD_CACHE), never
    in the output folder, which may be a USB stick."""
    course_dir = Path(course_dir).resolve()
    root = Path(os.environ.get(CACHE_VARIABLE) or platformdirs.user_cache_dir("tramhoc", appauthor=False))
    key = hashlib.sha256(os.fsencode(course_dir)).hexdigest()[:12]
    return root / "builds" / f"{course_dir.name}-{key}"


class CourseBuild:
    """One course folder, built as often as asked; what can be kept between builds is kept.

    With an output folder and use_cache, rendered lessons and deflated members are also kept on disk (see
    `cache_dir`) once a build succeeds, so the next process starts warm; a failed build writes nothing at
    all. Watch mode keeps one CourseBuild alive.
    """

    def __init__(self, course_dir: Path, out_dir: Path | None = None, use_cache: bool = True,
                 signer: SigningKey | None = None):
        self.course_dir, self.signer = Path(course_dir), signer
        self.out_dir = Path(out_dir) if out_dir is not None else None
        root = cache_dir(self.course_dir) if self.out_dir and use_cache else None
        self.render_cache = RenderCache(EntryStore(root / "render" if root else None))
        self.deflated = DeflatedMembers(EntryStore(root / "deflate" if root else None))
        self.sources = SourceMemo()

    def build(self, progress: Progress | None = None) -> Path:
        """Compile and write the bundle; raises BuildFailed (writing nothing) when sources have problems
        or a file changes while it is being written."""
        if self.out_dir is None:
            raise ValueError("this CourseBuild has no output folder")
        compiled = self.compile(progress)
        target = self.out_dir / compiled.bundle_name
        try:
            write_bundle(target, compiled.course, compiled.members, GENERATOR, self.deflated, self.signer)
        except FileChanged as error:  # an author saving a video again, say: the next build will see it whole
            problems = Problems(self.course_dir)
            problems.add(error.path, 0, _("changed while the bundle was being written: build again once it "
                                          "is saved"))
            raise BuildFailed(problems.sorted()) from None
        self.render_cache.commit()
        self.deflated.commit()
        return target

    def compile(self, progress: Progress | None = None) -> CompiledCourse:
        """Check and render everything; raises BuildFailed listing every problem."""
        course_dir = self.course_dir
        problems = Problems(course_dir)
        config = load_course_config(course_dir, problems)
        if config is None:
            raise BuildFailed(problems.sorted())
        listing = list_course_files(course_dir)
        files = listing.paths
        lessons = _load_lessons(course_dir, config, listing, problems, self.sources)
        narrations = find_narrations(course_dir, lessons, listing, problems)
        broken = {ref.path: None for section in config.sections for ref in section.lessons if ref.path in files}
        lesson_ids = broken | {lesson.path: lesson.id for lesson in lessons.values()}  # None: listed, reported broken
        self.render_cache.start(lesson_ids)
        rendered = _render(list(lessons.values()), lesson_ids, frozenset(files), listing.refused,
                           self.render_cache, progress)
        _check_references(lessons, rendered, problems)
        quizzes = collect_quizzes(lessons, rendered, problems)
        _check_pretest(course_dir, config, lessons, problems)
        practices = collect_practices(lessons, rendered, problems)
        played = {asset for result in rendered.values() for asset in result.assets}
        check_recordings(course_dir, played - set(narrations.values()), listing, problems)
        assets = sorted(played | set(narrations.values()))
        _check_total_size(course_dir, [files[asset] for asset in assets], problems)
        if problems:
            raise BuildFailed(problems.sorted())
        members = {lesson_member(lesson.id): rendered[lesson.path].html.encode("utf-8")
                   for lesson in lessons.values()}
        members.update({quiz_member(lesson_id): quiz_to_bytes(quiz) for lesson_id, quiz in quizzes.items()})
        members.update({practice_member(lesson_id): practices_to_bytes(list(found))
                        for lesson_id, found in practices.items()})
        members.update((asset_member(asset), files[asset]) for asset in assets)
        return CompiledCourse(_course_model(config, lessons, narrations), members)


def _check_total_size(course_dir: Path, assets: list[Path], problems: Problems) -> None:
    """A bundle unpacks to at most what the player accepts (courses.reading.MAX_TOTAL_BYTES)."""
    total = sum(path.stat().st_size for path in assets)
    if total > MAX_TOTAL_BYTES:
        problems.add(course_dir / COURSE_FILE, 1, _("the course's files add up to %(size)s MB, more than a course "
                                                    "can hold (%(limit)s MB)")
                     % {"size": -(-total // MB), "limit": MAX_TOTAL_BYTES // MB})


def _load_lessons(course_dir: Path, config: CourseConfig, listing: CourseFiles, problems: Problems,
                  sources: SourceMemo) -> dict[str, LessonSource]:
    lessons, first_with_id, files = {}, {}, listing.paths
    for section in config.sections:
        for ref in section.lessons:
            if ref.path in lessons:
                problems.add(course_dir / COURSE_FILE, ref.line,
                             _("lesson %(path)s is listed twice") % {"path": ref.path})
                continue
            if ref.path in listing.refused:
                problems.add(course_dir / COURSE_FILE, ref.line, refusal(ref.path, listing.refused[ref.path]))
                continue
            if ref.path not in files:
                problems.add(course_dir / COURSE_FILE, ref.line,
                             _("no lesson file %(path)s") % {"path": ref.path} + did_you_mean(ref.path, files))
                continue
            if ref.gift is not None:
                lesson = load_gift_lesson(ref.path, files[ref.path], ref.gift, course_dir / COURSE_FILE, problems)
            else:
                lesson = sources.lesson(course_dir, ref.path, files[ref.path], problems)
            if lesson is None:
                continue
            if lesson.id in first_with_id:
                problems.add(lesson.meta_file or lesson.file, lesson.id_line,
                             _("duplicate lesson id '%(id)s' (also used by %(other)s)")
                             % {"id": lesson.id, "other": first_with_id[lesson.id]})
                continue
            first_with_id[lesson.id] = lesson.path
            lessons[ref.path] = lesson
    return lessons


def _render(lessons: list[LessonSource], lesson_ids: dict[str, str], files: frozenset[str], refused: dict[str, Message],
            cache: RenderCache, progress: Progress | None) -> dict[str, RenderedLesson]:
    results = {lesson.path: cache.get(lesson, files) for lesson in lessons}
    todo = [lesson for lesson in lessons if results[lesson.path] is None]
    done = len(lessons) - len(todo)
    jobs = [(lesson.path, lesson.body, lesson.body_line, lesson.kind) for lesson in todo]
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) >= PARALLEL_MIN_LESSONS and workers > 1:
        pool = ProcessPoolExecutor(workers, initializer=_start_worker,
                                   initargs=(lesson_ids, files, refused, current_language()))
        with pool:
            outputs = pool.map(_render_job, jobs, chunksize=max(1, len(jobs) // (workers * 4)))
            for lesson, result in zip(todo, outputs):
                done = _finish(lesson, result, results, cache, progress, done, len(lessons))
    else:
        _start_worker(lesson_ids, files, refused)
        for lesson, job in zip(todo, jobs):
            done = _finish(lesson, _render_job(job), results, cache, progress, done, len(lessons))
    return results


def _finish(lesson, result, results, cache, progress, done, total) -> int:
    results[lesson.path] = result
    cache.put(lesson, result)
    if progress:
        progress(done + 1, total, lesson.path)
    return done + 1


_worker: dict = {}


def _start_worker(lesson_ids: dict[str, str], files: frozenset[str], refused: dict[str, Message],
                  language: str | None = None) -> None:
    if language:
        use_language(language)  # a spawned process (Windows) starts in English
    _worker.update(renderer=_worker.get("renderer") or LessonRenderer(), lesson_ids=lesson_ids, files=files,
                   refused=refused)


def _render_job(job: tuple[str, str, int, str]) -> RenderedLesson:
    path, body, body_line, kind = job
    resolver = LinkResolver(path, _worker["lesson_ids"], _worker["files"], refused=_worker["refused"])
    return _worker["renderer"].render(body, body_line, resolver, kind)


def _check_references(lessons: dict[str, LessonSource], rendered: dict[str, RenderedLesson],
                      problems: Problems) -> None:
    anchors = {lessons[path].id: set(result.anchors) for path, result in rendered.items()}
    for path, result in rendered.items():
        file = lessons[path].file
        for line, message in result.problems:
            problems.add(file, line, message)
        for lesson_id, fragment, line in result.lesson_links:
            if fragment and fragment not in anchors.get(lesson_id, ()):
                problems.add(file, line, _("lesson '%(id)s' has no heading with anchor #%(anchor)s")
                             % {"id": lesson_id, "anchor": fragment})


def _check_pretest(course_dir: Path, config: CourseConfig, lessons: dict[str, LessonSource],
                   problems: Problems) -> None:
    """The pre-test named in course.yml is a test lesson of the course."""
    if config.pretest is None:
        return
    lesson = next((lesson for lesson in lessons.values() if lesson.id == config.pretest), None)
    if lesson is None:
        problems.add(course_dir / COURSE_FILE, config.pretest_line,
                     _("pretest '%(id)s' is not the id of a lesson listed in this course") % {"id": config.pretest})
    elif lesson.quiz is None:
        problems.add(course_dir / COURSE_FILE, config.pretest_line,
                     _("pretest '%(id)s' must be a test: give that lesson 'quiz:' settings") % {"id": config.pretest})


def _course_model(config: CourseConfig, lessons: dict[str, LessonSource], narrations: dict[str, str]) -> Course:
    sections = tuple(
        Section(section.title, tuple(Lesson(lessons[ref.path].id, lessons[ref.path].title, lessons[ref.path].minutes,
                                            narrations.get(ref.path))
                                     for ref in section.lessons if ref.path in lessons))
        for section in config.sections)
    return Course(id=config.id, title=config.title, language=config.language, version=config.version,
                  authors=config.authors, description=config.description, sections=sections,
                  pretest=config.pretest)
