#!/usr/bin/env python3
"""Build benchmark: our builder against raw Python-Markdown (the floor) and MkDocs.

    .venv/bin/python benchmarks/build.py [--runs 3] [--keep DIR] [--profile]

Generates the synthetic 200-lesson Vietnamese corpus (gen_corpus.py), wraps it as a course
(course.yml, one section per module) and measures, median of --runs runs:

  floor      raw Python-Markdown (extra, toc, admonition, sane_lists) over the same 200 files,
             front matter stripped, one process: subprocess wall time and in-process time
  ours       `python -m builder build --no-cache --quiet` (subprocess) and build(use_cache=False)
  mkdocs     `mkdocs build` of the generated mkdocs.yml (subprocess)
  rebuild    one lesson edited after a cached build, rebuilt with the cache (subprocess and
             in-process); the result must be byte-identical to a clean build of the edited sources
  watch      the same edit rebuilt by a CourseBuild kept alive (what `builder watch` does)

Needs mkdocs in the same venv (benchmark-only; exits 2 without it). See benchmarks/README.md.
"""

import argparse
import contextlib
import cProfile
import hashlib
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks._common import (  # noqa: E402
    PROJECT, environment_lines, generator_path, lesson_files, make_corpus, median, parse_args, require, verdict,
)
from builder.build import CACHE_VARIABLE  # noqa: E402

FLOOR_CODE = '''
import pathlib
import markdown

def render_all(corpus):
    """Raw Python-Markdown over every corpus lesson, front matter stripped; one reused instance."""
    md = markdown.Markdown(extensions=["extra", "toc", "admonition", "sane_lists"])
    total = 0
    for path in sorted(pathlib.Path(corpus).glob("docs/module-*/lesson-*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\\n"):
            text = text[text.index("\\n---\\n", 3) + 5:]
        total += len(md.reset().convert(text))
    return total
'''
EDIT = "\n\nĐoạn văn này được thêm vào để đo thời gian dựng lại một bài học sau khi sửa.\n"
TARGET_OURS_FLOOR = 1.2
TARGET_MKDOCS_OURS = 2.0
TARGET_REBUILD_FULL = 0.10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate the corpus into DIR/corpus and outputs into DIR/out, and keep them")
    parser.add_argument("--lessons", type=int, default=200, help="corpus size (default 200)")
    parser.add_argument("--generator", help="path of gen_corpus.py (default $TRAMHOC_GEN_CORPUS or "
                                            "../shared/bench/gen_corpus.py beside the project)")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile one in-process clean build (rendering serially) and print where time goes")
    args = parse_args(parser, quick={"runs": 1, "lessons": 10})
    require("mkdocs", "markdown", purpose="benchmarks/build.py")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    generator = generator_path(args.generator)

    if args.keep:
        root = args.keep.resolve()
        root.mkdir(parents=True, exist_ok=True)
        return run(root, args, generator)
    with tempfile.TemporaryDirectory(prefix="tramhoc-bench-build-") as temp:
        return run(Path(temp), args, generator)


def run(root: Path, args, generator: Path) -> int:
    from builder.build import CourseBuild, build

    corpus, out = root / "corpus", root / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    os.environ[CACHE_VARIABLE] = str(out / "cache")  # never the per-user cache of whoever runs this
    started = time.perf_counter()
    summary = make_corpus(generator, corpus, args.lessons)
    lessons = lesson_files(corpus)
    edited = lessons[len(lessons) // 2]
    original = edited.read_bytes()
    print("== tramhoc build benchmark ==")
    for line in environment_lines():
        print(line)
    print(f"mkdocs {_version('mkdocs')}")
    print(f"corpus {corpus}: {summary}")
    print(f"runs per figure: {args.runs} (median shown; min-max in brackets)")
    print()

    namespace: dict = {}
    exec(FLOOR_CODE, namespace)
    floor_in_process = namespace["render_all"]
    floor_cmd = [sys.executable, "-c", FLOOR_CODE + "\nimport sys\nrender_all(sys.argv[1])\n", str(corpus)]
    mkdocs_cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(corpus / "mkdocs.yml")]

    def builder_cmd(target: Path, cache: bool) -> list[str]:
        return [sys.executable, "-m", "builder", "build", str(corpus), "-o", str(target), "--quiet",
                *([] if cache else ["--no-cache"])]

    # warm the OS page cache and the .pyc files once, untimed
    _timed_subprocess([sys.executable, "-c", "import builder.build, markdown, mkdocs.commands.build"])
    floor_in_process(corpus)

    figures: dict[str, list[tuple[float, float]]] = {}
    clean_hashes, identical, rebuilt_hashes = set(), [], []

    def record(name: str, measurement: tuple[float, float]) -> None:
        figures.setdefault(name, []).append(measurement)

    try:
        for number in range(1, args.runs + 1):
            print(f"run {number}/{args.runs} ...", file=sys.stderr, flush=True)
            edited.write_bytes(original)
            # (a) the floor
            record("floor_sub", _timed_subprocess(floor_cmd))
            record("floor_in", _timed_call(lambda: floor_in_process(corpus)))
            # (b) our clean build
            target = _fresh(out / f"clean-sub-{number}")
            record("ours_sub", _timed_subprocess(builder_cmd(target, cache=False)))
            clean_hashes.add(_sha256(_bundle(target)))
            target = _fresh(out / f"clean-in-{number}")
            record("ours_in", _timed_call(lambda: build(corpus, target, use_cache=False)))
            clean_hashes.add(_sha256(_bundle(target)))
            record("startup_sub", _timed_subprocess([sys.executable, "-c", "import builder.cli"]))
            # (c) mkdocs
            site = _fresh(out / f"site-{number}")
            record("mkdocs_sub", _timed_subprocess([*mkdocs_cmd, "-d", str(site)]))
            # (d) incremental: prime a cache on the original sources, edit one lesson, rebuild (each rebuild
            # from its own copy of the primed cache, which lives outside the output folder)
            prime = _fresh(out / f"prime-{number}")
            caches = {name: out / f"cache-{name}-{number}" for name in ("prime", "sub", "in")}
            _timed_subprocess(builder_cmd(prime, cache=True), cache=caches["prime"])
            edited.write_bytes(original + EDIT.encode("utf-8"))
            target_sub, target_in = _fresh(out / f"rebuild-sub-{number}"), _fresh(out / f"rebuild-in-{number}")
            for name in ("sub", "in"):
                shutil.rmtree(caches[name], ignore_errors=True)
                shutil.copytree(caches["prime"], caches[name])
            record("rebuild_sub", _timed_subprocess(builder_cmd(target_sub, cache=True), cache=caches["sub"]))
            with _build_cache(caches["in"]):
                record("rebuild_in", _timed_call(lambda: build(corpus, target_in, use_cache=True)))
            # (e) watch mode: one CourseBuild kept alive across builds, primed on the original sources
            edited.write_bytes(original)
            target_watch = _fresh(out / f"watch-{number}")
            with _build_cache(_fresh(out / f"cache-watch-{number}")):
                session = CourseBuild(corpus, target_watch)
                session.build()
                edited.write_bytes(original + EDIT.encode("utf-8"))
                record("rebuild_watch", _timed_call(session.build))
            reference = _fresh(out / f"reference-{number}")
            _timed_subprocess(builder_cmd(reference, cache=False))
            hashes = {_sha256(_bundle(t)) for t in (target_sub, target_in, target_watch, reference)}
            identical.append(len(hashes) == 1)
            rebuilt_hashes.append(_sha256(_bundle(target_sub)))
            if not args.keep:
                for folder in out.iterdir():
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        edited.write_bytes(original)

    med = {name: median(wall for wall, _ in values) for name, values in figures.items()}
    print(f"{'measurement':<52} {'wall s':>8} {'[min-max]':>15} {'cpu s':>7}")
    rows = [
        ("floor_sub", "(a) floor: raw Python-Markdown, subprocess"),
        ("floor_in", "(a) floor: raw Python-Markdown, in-process"),
        ("ours_sub", "(b) ours: python -m builder build --no-cache"),
        ("ours_in", "(b) ours: build(use_cache=False), in-process"),
        ("startup_sub", "    info: python -c 'import builder.cli' only"),
        ("mkdocs_sub", "(c) mkdocs build, subprocess"),
        ("rebuild_sub", "(d) rebuild after 1 edit, cache, subprocess"),
        ("rebuild_in", "(d) rebuild after 1 edit, cache, in-process"),
        ("rebuild_watch", "(e) rebuild after 1 edit, watch mode (in memory)"),
    ]
    for name, label in rows:
        walls = [wall for wall, _ in figures[name]]
        cpu = median(c for _, c in figures[name])
        print(f"{label:<52} {med[name]:>8.3f} {f'[{min(walls):.3f}-{max(walls):.3f}]':>15} {cpu:>7.3f}")
    print("(cpu s = user+sys of this process and all its children, pool workers included)")
    print()

    def ratio(label: str, value: float, target: float, at_most: bool) -> None:
        ok = value <= target if at_most else value >= target
        print(f"{label:<52} {value:>6.2f}   target {'<=' if at_most else '>='} {target:<5} {verdict(ok)}")

    ratio("ours/floor (subprocess wall)", med["ours_sub"] / med["floor_sub"], TARGET_OURS_FLOOR, True)
    ratio("ours/floor (in-process)", med["ours_in"] / med["floor_in"], TARGET_OURS_FLOOR, True)
    ratio("mkdocs/ours (subprocess wall)", med["mkdocs_sub"] / med["ours_sub"], TARGET_MKDOCS_OURS, False)
    ratio("rebuild/full (subprocess wall)", med["rebuild_sub"] / med["ours_sub"], TARGET_REBUILD_FULL, True)
    ratio("rebuild/full (in-process)", med["rebuild_in"] / med["ours_in"], TARGET_REBUILD_FULL, True)
    ratio("watch rebuild/full (in-process)", med["rebuild_watch"] / med["ours_in"], TARGET_REBUILD_FULL, True)
    cpu_floor = median(c for _, c in figures["floor_sub"])
    cpu_ours = median(c for _, c in figures["ours_sub"])
    print(f"{'info: ours/floor by CPU time (subprocess)':<52} {cpu_ours / cpu_floor:>6.2f}   "
          f"(ours renders on {min(os.cpu_count() or 1, 4)} worker processes)")
    print(f"{'info: startup (interpreter + imports)/full':<52} {med['startup_sub'] / med['ours_sub']:>6.2f}   "
          f"(fixed cost inside every subprocess rebuild)")
    print(f"{'rebuilt bundle identical to clean build (sha256)':<52} "
          f"{'yes' if all(identical) else 'NO'}   ({sum(identical)}/{len(identical)} runs)")
    print(f"{'clean builds reproducible (one sha256 over runs)':<52} "
          f"{'yes' if len(clean_hashes) == 1 else 'NO'}   ({len(clean_hashes)} distinct)")
    if args.profile:
        try:
            phase_timings(corpus, edited, original, out)
            profile_build(corpus, _fresh(out / "profile"))
        finally:
            edited.write_bytes(original)
    print(f"total benchmark time {time.perf_counter() - started:.1f} s")
    return 0 if all(identical) and len(clean_hashes) == 1 else 1


PHASES = (  # (module, attribute, label): functions CourseBuild calls through module globals
    ("builder.build", "load_course_config", "course.yml"),
    ("builder.build", "list_course_files", "list course folder"),
    ("builder.build", "_load_lessons", "read lessons + front matter"),
    ("builder.build", "_render", "render (cache lookups + Markdown)"),
    ("builder.build", "_check_references", "cross-lesson anchor check"),
    ("builder.build", "write_bundle", "write bundle (zip, manifest, fsync)"),
    ("builder.cache", "EntryStore.commit", "cache: write new entries, remove unused ones"),
)


def phase_timings(corpus: Path, edited: Path, original: bytes, out: Path, repeats: int = 3) -> None:
    """Wall time per build phase without a profiler (wrapped functions), clean build and 1-edit rebuild."""
    import builder.build as pipeline
    import builder.cache as cache_module

    spent: dict[str, float] = {}
    saved = []

    def wrap(owner, name, label):
        original_function = getattr(owner, name)
        saved.append((owner, name, original_function))

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original_function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
        setattr(owner, name, timed)

    for module, attribute, label in PHASES:
        owner = pipeline if module == "builder.build" else cache_module
        if "." in attribute:
            owner, attribute = getattr(owner, attribute.split(".")[0]), attribute.split(".")[1]
        wrap(owner, attribute, label)
    wrap(pipeline.CourseBuild, "compile", "compile (total)")
    results = {"clean": [], "rebuild": []}
    try:
        for number in range(repeats):
            edited.write_bytes(original)
            target = _fresh(out / f"phases-{number}")
            with _build_cache(_fresh(out / f"cache-phases-{number}")):
                for kind, use_cache in (("clean", True), ("rebuild", True)):
                    if kind == "rebuild":
                        edited.write_bytes(original + EDIT.encode("utf-8"))
                    spent.clear()
                    start = time.perf_counter()
                    pipeline.build(corpus, target, use_cache=use_cache)
                    spent["build() total"] = time.perf_counter() - start
                    results[kind].append(dict(spent))
    finally:
        for owner, name, original_function in saved:
            setattr(owner, name, original_function)
        edited.write_bytes(original)
    labels = [label for _, _, label in PHASES] + ["compile (total)", "build() total"]
    print()
    print(f"== phase wall times, no profiler (median of {repeats}; clean = first build into an empty "
          f"cache, rebuild = after editing 1 lesson) ==")
    print(f"  {'phase':<40} {'clean s':>8} {'rebuild s':>10}")
    for label in labels:
        clean = median(r.get(label, 0.0) for r in results["clean"])
        rebuild = median(r.get(label, 0.0) for r in results["rebuild"])
        print(f"  {label:<40} {clean:>8.3f} {rebuild:>10.3f}")
    print("  (compile minus the phases above = reading assets + building the member dict)")


def profile_build(corpus: Path, target: Path) -> None:
    """cProfile one in-process clean build with rendering forced serial, so the profile sees it all."""
    import builder.build as pipeline

    saved = pipeline.PARALLEL_MIN_LESSONS
    pipeline.PARALLEL_MIN_LESSONS = 10**9  # benchmark-only: render in this process, not in a pool
    pipeline._worker.clear()
    profiler = cProfile.Profile()
    try:
        profiler.runcall(pipeline.build, corpus, target, use_cache=False)
    finally:
        pipeline.PARALLEL_MIN_LESSONS = saved
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    phases = [
        ("builder/build.py", "compile", "compile (everything before writing)"),
        ("builder/course_config.py", "load_course_config", "  course.yml"),
        ("builder/sources.py", "list_course_files", "  list course folder"),
        ("builder/build.py", "_load_lessons", "  read lessons + front matter (YAML)"),
        ("builder/build.py", "_render", "  render all lessons"),
        ("markdown/core.py", "convert", "    Python-Markdown convert()"),
        ("builder/render.py", "run", "    our tree/raw-HTML processors (run)"),
        ("builder/links.py", "resolve", "    LinkResolver.resolve"),
        ("builder/render.py", "__call__", "    _LineFinder lookups"),
        ("builder/build.py", "_check_references", "  cross-lesson anchor check"),
        ("builder/cache.py", "put", "  cache entries written"),
        ("builder/cache.py", "renderer_fingerprint", "  cache: builder code fingerprint"),
        ("courses/writing.py", "write_bundle", "write bundle (zip + manifest + fsync)"),
        ("courses/writing.py", "_payloads", "  deflate members (threads)"),
    ]
    print()
    print(f"== cProfile: one in-process clean build, serial rendering (profiled total {total:.3f} s) ==")
    print("phase (cumulative time; profiler overhead inflates absolute numbers)")
    for suffix, function, label in phases:
        cumulative = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.stats.items()
                         if name == function and file.replace(os.sep, "/").endswith(suffix))
        print(f"  {label:<48} {cumulative:>7.3f} s {100 * cumulative / total:>5.1f} %")
    print("top 15 functions by own time:")
    ranked = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:15]
    for (file, line, name), (_, calls, own, cumulative, _) in ranked:
        short = "/".join(Path(file).parts[-2:]) if file != "~" else "~"
        print(f"  {own:>7.3f} s own {cumulative:>7.3f} s cum {calls:>8} calls  {short}:{line}({name})")


@contextlib.contextmanager
def _build_cache(folder: Path):
    """Builds in this process keep their cache in `folder` for the duration of the block."""
    before = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(CACHE_VARIABLE)
        else:
            os.environ[CACHE_VARIABLE] = before


def _timed_subprocess(cmd: list[str], cache: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of a command; a builder run keeps its cache in `cache` when given."""
    env = {**os.environ, **({CACHE_VARIABLE: str(cache)} if cache else {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(f"command failed ({done.returncode}): {' '.join(cmd[:6])} ...\n{done.stderr}", file=sys.stderr)
        sys.exit(1)
    return wall, _cpu(after) - _cpu(before)


def _timed_call(function) -> tuple[float, float]:
    before = _cpu(resource.getrusage(resource.RUSAGE_SELF)) + _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
    start = time.perf_counter()
    function()
    wall = time.perf_counter() - start
    after = _cpu(resource.getrusage(resource.RUSAGE_SELF)) + _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
    return wall, after - before


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _bundle(folder: Path) -> Path:
    found = sorted(folder.glob("*.tramhoc"))
    if len(found) != 1:
        raise SystemExit(f"expected one bundle in {folder}, found {len(found)}")
    return found[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - informational only
        return "?"


if __name__ == "__main__":
    sys.exit(main())
