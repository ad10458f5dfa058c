"""`python -m builder export-scorm COURSE -o OUT`: write the course's SCORM 1.2 package, or say why not."""

import sys
import time
from pathlib import Path

from authoring.scorm.package import ExportFailed, export_scorm
from builder.problems import BuildFailed

KEY_NOTICE = ("note: the answer key travels in the package. Inside an LMS the quizzes are graded in the "
              "learner's browser, so anyone who opens the package, or a lesson page's source, can read the right "
              "answers; the offline player keeps the key on its side, SCORM cannot (docs/scorm.md).")


def export_command(course_dir: Path, out_dir: Path, quiet: bool) -> int:
    started = time.perf_counter()
    try:
        exported = export_scorm(course_dir, out_dir)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        print(f"{len(failure.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 1
    except ExportFailed as error:
        print(f"{error}; nothing was written.", file=sys.stderr)
        return 1
    if not quiet:
        size = exported.path.stat().st_size / 1024 / 1024
        print(f"wrote {exported.path} (SCORM 1.2, one SCO: {exported.lessons} lessons, {exported.questions} "
              f"questions, {size:.1f} MB; {time.perf_counter() - started:.2f} s)")
    print(KEY_NOTICE, file=sys.stderr)
    return 0
