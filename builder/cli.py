"""Command line: `python -m builder check|build`. Parses arguments and calls one function."""

import argparse
import sys
import time
from pathlib import Path

from builder import __version__
from builder.build import build, check
from builder.problems import BuildFailed

DEFAULT_OUT = Path("dist")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder",
                                     description="Compile a Trạm Học course folder into an offline bundle.")
    parser.add_argument("--version", action="version", version=f"tramhoc-builder {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="validate a course folder without writing anything")
    check_cmd.add_argument("course_dir", type=Path)
    build_cmd = commands.add_parser("build", help="build OUT_DIR/<id>-<version>.tramhoc")
    build_cmd.add_argument("course_dir", type=Path)
    build_cmd.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: dist)")
    build_cmd.add_argument("--no-cache", action="store_true", help="render every lesson again")
    for command in (check_cmd, build_cmd):
        command.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    args = parser.parse_args(argv)
    if not args.course_dir.is_dir():
        print(f"{args.course_dir}: not a course folder", file=sys.stderr)
        return 2
    progress = None if args.quiet else ProgressLine()
    started = time.perf_counter()
    try:
        if args.command == "check":
            compiled = check(args.course_dir, progress)
            result = f"{args.course_dir}: OK, {len(compiled.course.lessons)} lessons"
        else:
            path = build(args.course_dir, args.out, progress, use_cache=not args.no_cache)
            result = f"wrote {path}"
    except BuildFailed as failure:
        if progress:
            progress.clear()
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        print(f"{len(failure.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 1
    if progress:
        progress.clear()
    if not args.quiet:
        print(f"{result} ({time.perf_counter() - started:.2f} s)")
    return 0


class ProgressLine:
    """Shows `[ n/total] path` on stderr: one updating line on a terminal, a few lines otherwise."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty, self.shown = self.stream.isatty(), 0

    def __call__(self, done: int, total: int, path: str) -> None:
        if self.tty:
            self.stream.write(f"\r\033[K[{done:>{len(str(total))}}/{total}] {path}")
            self.stream.flush()
        elif done == total or done * 10 // total > self.shown:
            self.shown = done * 10 // total
            print(f"[{done}/{total}] {path}", file=self.stream)

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()
