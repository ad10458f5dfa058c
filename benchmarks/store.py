#!/usr/bin/env python3
"""Store benchmark: latency of recording one xAPI statement for one learner who already has 10, 1,000
and 10,000, through the player's store (crash-safe, segmented) and through TinyDB's default
JSONStorage (one file, rewritten in place) in the same run.

    .venv/bin/python benchmarks/store.py [--writes 200] [--sizes 10 1000 10000]

Each size starts from a fresh temporary folder filled in bulk (untimed), then --writes single-statement
appends are timed one by one (fewer for JSONStorage at 10,000, which is slow). Prints median and p95 per
event, the ratio to the smallest size, the ratio to TinyDB's default, and the files on disk.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks import _common  # noqa: E402


def make_statement(number: int) -> dict:
    """A realistic statement (a lesson launch) as the player records it."""
    from player import clock
    from player.xapi import statements

    where = statements.Scope("5f0c3e9a1b2d4c6e8f0a1b2c3d4e5f60", "Nguyễn Thị Lan", "dich-vu-cong",
                             "Dịch vụ công trực tuyến cho người dân", "1.2.0", "vi",
                             "8b2f6a4e-0c55-4a8e-9d1f-2f4b8c1d9e70", "Trạm Học xã Tân Lập")
    return statements.lesson_launched(where, f"bai-{number % 40:03d}",
                                      f"Bài {number % 40}: Đăng nhập Cổng Dịch vụ công bằng VNeID", clock.utcnow())


def time_writes(write, count: int) -> list[float]:
    timings = []
    for number in range(count):
        statement = make_statement(number)
        start = time.perf_counter()
        write(statement)
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def ours(root: Path, existing: int, writes: int) -> tuple[list[float], int, int]:
    from player.paths import DataPaths
    from player.store import Store

    store = Store(DataPaths(root))
    learner = store.learners.create({"name": "Nguyễn Thị Lan"})["id"]
    for start in range(0, existing, 100):
        store.learners.append(learner, [make_statement(n) for n in range(start, min(start + 100, existing))])
    timings = time_writes(lambda statement: store.learners.append(learner, [statement]), writes)
    files = list(store.learners.folder(learner).glob("*.json"))
    return timings, len(files), sum(path.stat().st_size for path in files)


def tinydb_default(root: Path, existing: int, writes: int) -> tuple[list[float], int, int]:
    from tinydb import TinyDB

    path = root / "learner.json"
    database = TinyDB(path)  # JSONStorage: the whole file rewritten in place, no fsync of the folder
    table = database.table("statements")
    table.insert_multiple(make_statement(n) for n in range(existing))
    timings = time_writes(table.insert, writes)
    database.close()
    return timings, 1, path.stat().st_size


def summary(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), _common.percentile(timings, 95)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=200, help="timed appends per size (default 200)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    args = _common.parse_args(parser, quick={"writes": 20, "sizes": [10, 200]})
    _common.require("tinydb", purpose="benchmarks/store.py")
    from player.store.learners import SEGMENT_SIZE

    print("== tramhoc store benchmark: one statement appended for one learner ==")
    for line in _common.environment_lines():
        print(line)
    print(f"segment size {SEGMENT_SIZE} statements; statement ~{len(str(make_statement(1)))} characters")
    print(f"{'existing':>9}  {'store':<15} {'median ms':>9} {'p95 ms':>8} {'files':>6} {'MiB':>7}  "
          f"{'p95 / smallest':>14}  {'JSONStorage / ours':>20}")
    first: dict[str, float] = {}
    for existing in args.sizes:
        results = {}
        for name, run in (("ours (atomic)", ours), ("TinyDB default", tinydb_default)):
            writes = args.writes if name.startswith("ours") or existing < 5000 else max(20, args.writes // 10)
            with tempfile.TemporaryDirectory(prefix="tramhoc-bench-store-") as temp:
                timings, files, size = run(Path(temp), existing, writes)
            median, p95 = summary(timings)
            results[name] = p95
            first.setdefault(name, p95)
            versus = f"{p95 / results['ours (atomic)']:.1f} x" if name != "ours (atomic)" else ""
            print(f"{existing:>9}  {name:<15} {median:>9.2f} {p95:>8.2f} {files:>6} {size / 2**20:>7.2f}  "
                  f"{p95 / first[name]:>13.2f}x  {versus:>20}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
