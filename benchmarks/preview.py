#!/usr/bin/env python3
"""Preview benchmark: from saving a lesson to the open preview page showing the change, against the
`builder watch` rebuild of the same edit, in the same run.

    .venv/bin/python benchmarks/preview.py [--lessons 200] [--edits 10] [--generator PATH]

Generates the synthetic corpus (gen_corpus.py); each of --edits rounds appends a paragraph to the middle
lesson and measures, one after the other on the same sources (so both see the same machine load):

  watch      a CourseBuild kept alive (what `python -m builder watch` does) builds the corpus once, then
             rebuilds after each save below (its build time, as `watch` prints it)
  preview    `python -m builder preview CORPUS --no-browser` runs as a trainer starts it; Debian's chromium
             (Playwright) opens the edited lesson's page; each edit is saved and timed until the page
             shows it: from the write (wall clock) to the moment the preview's script has put the new
             content in place (the time its "tramhoc-preview-shown" event gives), or, for a page the
             script reloads, to the new page's DOMContentLoaded (navigation timing): either way the
             document holds the change, before the browser paints it; and to the moment the page asked
             for itself again
  browser    the same page reloaded with nothing changed: what a full reload alone costs the browser

Targets (issue 18): median save -> reloaded page <= 0.5 s, and <= 2 x the median watch rebuild.
Needs Playwright and /usr/bin/chromium (test dependencies; exits 2 without them).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks._common import (  # noqa: E402
    PROJECT, environment_lines, generator_path, lesson_files, make_corpus, median, parse_args, require, verdict,
)
from builder.build import CACHE_VARIABLE  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TARGET_SECONDS = 0.5
TARGET_VS_WATCH = 2.0
READY = re.compile(r"preview at (http://127\.0\.0\.1:\d+/)")
BUILT = re.compile(r"built .* \((\d+\.\d+) s\)")
PAUSE = 0.4  # between edits, so that each is a save of its own


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=200, help="corpus size (default 200)")
    parser.add_argument("--edits", type=int, default=10, help="saves timed, for each figure (default 10)")
    parser.add_argument("--generator", help="path of gen_corpus.py (default $TRAMHOC_GEN_CORPUS or "
                                            "../shared/bench/gen_corpus.py beside the project)")
    args = parse_args(parser, quick={"lessons": 10, "edits": 3})
    require("playwright", purpose="benchmarks/preview.py")
    if not CHROMIUM.is_file():
        print(f"benchmarks/preview.py needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
              file=sys.stderr)
        return 2
    generator = generator_path(args.generator)
    with tempfile.TemporaryDirectory(prefix="tramhoc-bench-preview-") as temp:
        return run(Path(temp), args, generator)


def run(root: Path, args, generator: Path) -> int:
    corpus = root / "corpus"
    os.environ[CACHE_VARIABLE] = str(root / "cache")  # never the per-user cache of whoever runs this
    summary = make_corpus(generator, corpus, args.lessons)
    lessons = lesson_files(corpus)
    edited = lessons[len(lessons) // 2]
    original = edited.read_text(encoding="utf-8")
    lesson_id = re.search(r"^id:\s*(\S+)", original, re.MULTILINE).group(1)
    print("== tramhoc preview benchmark ==")
    for line in environment_lines():
        print(line)
    print(f"corpus {corpus}: {summary}")
    print(f"edited lesson: {edited.relative_to(corpus)} (id {lesson_id}); {args.edits} saves, each timed in "
          "the preview and then rebuilt by watch")
    print()
    try:
        figures = _rounds(root, corpus, lesson_id, edited, original, args.edits)
    finally:
        edited.write_text(original, encoding="utf-8")

    print(f"{'measurement':<60} {'median s':>9} {'[min-max]':>15}")
    rows = (("watch", "watch: rebuild after the save (CourseBuild kept alive)"),
            ("build", "preview: its build and install, as it prints them"),
            ("asked", "preview: save -> the page asks for itself again"),
            ("shown", "preview: save -> the page showing the change"),
            ("reload", "browser: reload of the unchanged page, start -> DOMContentLoaded"))
    for name, label in rows:
        values = figures[name]
        print(f"{label:<60} {median(values):>9.3f} {f'[{min(values):.3f}-{max(values):.3f}]':>15}")
    print()
    shown, watch = median(figures["shown"]), median(figures["watch"])
    paired = median(s / w for s, w in zip(figures["shown"], figures["watch"]))
    print(f"{'shown in place, of the saves':<60} {figures['in_place']:>9d} of {len(figures['shown'])}")
    print(f"{'save -> page showing the change (median), seconds':<60} {shown:>9.3f}   target <= {TARGET_SECONDS} "
          f"{verdict(shown <= TARGET_SECONDS)}")
    print(f"{'save -> page showing the change / watch rebuild (medians)':<60} {shown / watch:>9.2f}   target <= "
          f"{TARGET_VS_WATCH} {verdict(shown / watch <= TARGET_VS_WATCH)}")
    print(f"{'  the same, median of the ratios of each save':<60} {paired:>9.2f}")
    print(f"{'  info: preview part (save -> page asks again) / watch':<60} "
          f"{median(figures['asked']) / watch:>9.2f}")
    print(f"{'  info: browser part (reload, nothing changed) / watch':<60} "
          f"{median(figures['reload']) / watch:>9.2f}")
    return 0


def _rounds(root: Path, corpus: Path, lesson_id: str, edited: Path, original: str, edits: int) -> dict:
    """Each round saves one edit; the open preview page is timed until it shows it, then a CourseBuild
    kept alive (watch) rebuilds the same sources: both figures of a round see the same machine load."""
    from playwright.sync_api import sync_playwright

    from builder.build import CourseBuild

    session = CourseBuild(corpus, root / "out")
    session.build()
    command = [sys.executable, "-m", "builder", "preview", str(corpus), "--no-browser", "--port", "0"]
    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(PROJECT)})
    figures = {"watch": [], "build": [], "asked": [], "shown": [], "reload": [], "in_place": 0}
    try:
        address = _address(process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{address}courses/{corpus_id(corpus)}/lessons/{lesson_id}")
            page.wait_for_load_state("load")
            for number in range(edits):
                marker = f"Đoạn đo {time.time_ns()} {number}"
                time.sleep(PAUSE)
                saved = []

                def save(marker=marker, saved=saved):
                    saved.append(time.time())
                    edited.write_text(original + f"\n\n{marker}: đoạn văn thêm vào để đo thời gian.\n",
                                      encoding="utf-8")

                asked, shown, in_place = _shown_after(page, save, marker)
                saved = saved[0]
                figures["in_place"] += in_place
                figures["asked"].append(asked - saved)
                figures["shown"].append(shown - saved)
                figures["build"].append(_build_seconds(process))
                time.sleep(PAUSE)
                started = time.perf_counter()
                session.build()
                figures["watch"].append(time.perf_counter() - started)
            for _ in range(edits):  # the browser's own share: reloading the page when nothing changed
                time.sleep(PAUSE)
                page.reload(wait_until="domcontentloaded")
                figures["reload"].append(page.evaluate(
                    "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd") / 1000)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    return figures


# Resolves, once the preview's script has put new content holding the marker in place, with the wall-clock
# times (ms) it asked for the page and put the content in place (listening on the page's own event, not
# polling the page, which would take CPU from the preview).
SHOWN_IN_PLACE = """marker => new Promise((resolve) => {
  const shown = (event) => {
    if (!document.body.innerText.includes(marker)) return;
    document.removeEventListener("tramhoc-preview-shown", shown);
    resolve([performance.timeOrigin + event.detail.asked, performance.timeOrigin + event.detail.shown]);
  };
  document.addEventListener("tramhoc-preview-shown", shown);
})"""


def _shown_after(page, save, marker: str) -> tuple[float, float, bool]:
    """Save (from a timer thread, once the page listens) and wait until the page shows `marker`, in place
    or reloaded; the wall-clock times (s) the page asked for itself and showed it, and whether in place."""
    from playwright.sync_api import Error

    timer = threading.Timer(0.05, save)
    timer.start()
    try:
        asked, shown = page.evaluate(SHOWN_IN_PLACE, marker)
        return asked / 1000, shown / 1000, True
    except Error:  # the script reloaded the page instead (the evaluation's page went away)
        timer.join()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_load_state("domcontentloaded", timeout=30_000)
        if page.evaluate("marker => document.body.innerText.includes(marker)", marker):
            asked, shown = page.evaluate("[performance.timeOrigin, performance.timeOrigin + "
                                         "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]")
            return asked / 1000, shown / 1000, False
        page.wait_for_event("domcontentloaded", timeout=30_000)
    raise SystemExit(f"the page never showed {marker!r}")


def corpus_id(corpus: Path) -> str:
    return re.search(r"^id:\s*(\S+)", (corpus / "course.yml").read_text(encoding="utf-8"), re.MULTILINE).group(1)


def _address(process) -> str:
    for line in process.stdout:
        found = READY.search(line)
        if found:
            return found.group(1)
    raise SystemExit(f"the preview stopped before serving (exit status {process.wait()})")


def _build_seconds(process) -> float:
    """The build time of the preview's next 'built' line (it prints one per build)."""
    for line in process.stdout:
        found = BUILT.search(line)
        if found:
            return float(found.group(1))
    raise SystemExit("the preview stopped")


if __name__ == "__main__":
    sys.exit(main())
