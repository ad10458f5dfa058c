"""Shared helpers for the benchmarks: dependency checks, the synthetic corpus, statistics.

Benchmark-only code: nothing here is imported by the product.
"""

import importlib.util
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# Measure what an installed player and builder do: their modules are compiled to bytecode once. With
# PYTHONDONTWRITEBYTECODE set (some shells and tools set it), every process we start would compile the
# project's sources anew and every launch figure would include that.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

GEN_CORPUS_ENV = "TRAMHOC_GEN_CORPUS"
SHARED = Path(os.environ.get("TRAMHOC_SHARED") or PROJECT.parent / "shared")  # ../shared beside the project
GEN_CORPUS_DEFAULT = SHARED / "bench" / "gen_corpus.py"
COURSE_ID = "corpus-bench"


def parse_args(parser, quick: dict):
    """Parse the command line; `--quick` swaps in the small sizes of `quick` (a run of a few seconds that
    shows the benchmark still works: its figures mean little)."""
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, a few seconds: checks that the benchmark runs (figures mean little)")
    args = parser.parse_args()
    if args.quick:
        for name, value in quick.items():
            setattr(args, name, value)
    return args


def require(*modules: str, purpose: str) -> None:
    """Exit 2 with a clear message when a benchmark-only dependency is missing."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        print(f"{purpose} needs {', '.join(missing)}, which is not installed in {sys.executable}.\n"
              f"These are benchmark-only tools, not project dependencies. Install them with:\n"
              f"    {sys.executable} -m pip install {' '.join(missing)}", file=sys.stderr)
        sys.exit(2)
    for name in ("builder", "player", "courses"):
        if importlib.util.find_spec(name) is None:
            print(f"cannot import '{name}': run this with the project's venv python "
                  f"(e.g. {PROJECT / '.venv/bin/python'})", file=sys.stderr)
            sys.exit(2)


def generator_path(explicit: str | None) -> Path:
    path = Path(explicit or os.environ.get(GEN_CORPUS_ENV) or GEN_CORPUS_DEFAULT)
    if not path.is_file():
        print(f"corpus generator not found: {path} (pass --generator PATH or set {GEN_CORPUS_ENV})",
              file=sys.stderr)
        sys.exit(2)
    return path


def make_corpus(generator: Path, dest: Path, lessons: int) -> str:
    """Run gen_corpus.py into dest and wrap it as a course (course.yml); returns its summary line."""
    dest.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, str(generator), str(dest), str(lessons)],
                          check=True, capture_output=True, text=True)
    write_course_yml(dest)
    return done.stdout.strip()


def lesson_files(corpus: Path) -> list[Path]:
    """The corpus lessons in reading order (module by module, lesson by lesson)."""
    return sorted(corpus.glob("docs/module-*/lesson-*.md"))


def write_course_yml(corpus: Path) -> None:
    """course.yml listing every lesson in order, one section per module; paths are under docs/."""
    lines = [f"id: {COURSE_ID}", 'title: "Khóa học mẫu: dịch vụ công trực tuyến"', "language: vi",
             'version: "1.0.0"', "authors:", '  - "Trạm Học benchmarks"',
             'description: "Khóa học tổng hợp (gen_corpus.py) dùng để đo hiệu năng."', "sections:"]
    modules: dict[str, list[str]] = {}
    for path in lesson_files(corpus):
        modules.setdefault(path.parent.name, []).append(path.relative_to(corpus).as_posix())
    for number, (module, paths) in enumerate(modules.items(), 1):
        lines += [f'  - title: "Phần {number} ({module})"', "    lessons:"]
        lines += [f"      - {path}" for path in paths]
    (corpus / "course.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def median(values) -> float:
    return statistics.median(values)


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(pct / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def environment_lines() -> list[str]:
    import markdown

    return [f"python {platform.python_version()} ({sys.executable}); bytecode cache on",
            f"platform {platform.platform()}",
            f"cpu count {os.cpu_count()} (os.cpu_count); usable {len(os.sched_getaffinity(0))}"
            if hasattr(os, "sched_getaffinity") else f"cpu count {os.cpu_count()}",
            f"Python-Markdown {markdown.__version__}"]


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop one server we started (by its own pid only)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
