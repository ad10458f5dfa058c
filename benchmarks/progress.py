#!/usr/bin/env python3
"""Progress benchmark: latency of recording one event through the Flask app, with an empty store and
with 2,000 learners × 100 events already stored, and the store's size on disk.

    .venv/bin/python benchmarks/progress.py [--learners 2000] [--events 100] [--requests 300]

Builds the mini test course, installs it into a temporary data folder, and for each store size times
--requests events, each by a different learner (cycling), through Flask's test client:

  page view   GET of a lesson page (renders it) and the page's own report that it is shown (a POST that
              records a `launched` statement durably)
  record      recorder.lesson_opened() alone inside a request: build the statement, write, update progress

The filled store is written through the store's own API (untimed): per learner a profile, an index row
and 100 realistic statements. Target (issue 4): p95 ≤ 15 ms at the large size, and ≤ 2× the empty case.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks import _common  # noqa: E402
from benchmarks import store as _store_bench  # noqa: E402

TARGET_P95_MS = 15.0
TARGET_RATIO = 2.0
LESSON = "dang-nhap"


def fill(data: Path, learners: int, events: int) -> None:
    from player.paths import DataPaths
    from player.store import Store

    store = Store(DataPaths(data))
    started = time.perf_counter()
    for number in range(learners):
        learner = store.learners.create({"name": f"Học viên {number:04d}", "colour": number % 8})["id"]
        store.learners.append(learner, [_store_bench.make_statement(n) for n in range(events)])
        if number % 250 == 249:
            print(f"  filled {number + 1} learners ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


def measure(data: Path, bundle: Path, publisher, requests: int, extra_learners: int) -> dict[str, list[float]]:
    from player.app import create_app
    from player.progress import recorder
    from player.web.services import services

    app = create_app(data, {"TESTING": True})
    services(app).trust.add(publisher.public)
    services(app).library.install(bundle)
    store = services(app).store
    course = services(app).library.course("mini")
    lesson = course.lesson(LESSON)
    for number in range(max(0, requests - len(store.learners.learners()))):
        store.learners.create({"name": f"Người học {number}", "colour": 0})
    rows = store.learners.learners()
    timings: dict[str, list[float]] = {"page view": [], "record": []}
    client = app.test_client()
    for number in range(requests):
        row = rows[number % len(rows)]
        with client.session_transaction() as session:
            session["learner"], session["seen"] = row["id"], time.time()
        start = time.perf_counter()
        response = client.get(f"/courses/mini/lessons/{LESSON}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)
        opened = client.post(f"/courses/mini/lessons/{LESSON}/opened", json={}, headers={"X-CSRFToken": token})
        timings["page view"].append((time.perf_counter() - start) * 1000)
        assert (response.status_code, opened.status_code) == (200, 200), (response.status_code, opened.status_code)
        with app.test_request_context():
            start = time.perf_counter()
            recorder.lesson_opened(course, lesson, learner=store.learners.profile(row["id"]))
            timings["record"].append((time.perf_counter() - start) * 1000)
    return {name: sorted(values) for name, values in timings.items()}


def disk_usage(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300)
    args = _common.parse_args(parser, quick={"learners": 20, "events": 10, "requests": 20})
    from builder.build import build
    from courses.keys import generate

    print("== tramhoc progress benchmark: one event recorded through the Flask app ==")
    for line in _common.environment_lines():
        print(line)
    with tempfile.TemporaryDirectory(prefix="tramhoc-bench-progress-") as temp:
        root = Path(temp)
        publisher = generate("Trạm Học benchmarks")  # signed and trusted, as a centre's courses are
        bundle = build(_common.PROJECT / "tests" / "fixtures" / "courses" / "mini", root / "dist", use_cache=False,
                       signer=publisher)
        results = {}
        for label, learners in (("empty", 0), (f"{args.learners} × {args.events}", args.learners)):
            data = root / label.replace(" ", "")
            if learners:
                print(f"filling {learners} learners × {args.events} events ...", file=sys.stderr)
                fill(data, learners, args.events)
            files, size = disk_usage(data / "learners") if (data / "learners").exists() else (0, 0)
            results[label] = measure(data, bundle, publisher, args.requests, learners)
            files, size = disk_usage(data / "learners")
            print(f"\nstore {label}: {files} files, {size / 2**20:.1f} MiB on disk under learners/")
            for name, values in results[label].items():
                print(f"  {name:<10} p50 {statistics.median(values):6.2f} ms   p95 {_common.percentile(values, 95):6.2f} ms"
                      f"   max {values[-1]:6.2f} ms   ({len(values)} events, each by another learner)")
        empty, large = results.values()
        print()
        for name in ("record", "page view"):
            p95_large, p95_empty = _common.percentile(large[name], 95), _common.percentile(empty[name], 95)
            ratio = p95_large / p95_empty
            print(f"{name:<10} p95 at the large size {p95_large:6.2f} ms (target ≤ {TARGET_P95_MS} ms: "
                  f"{_common.verdict(p95_large <= TARGET_P95_MS)}); large/empty {ratio:.2f}× "
                  f"(target ≤ {TARGET_RATIO}×: {_common.verdict(ratio <= TARGET_RATIO)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
