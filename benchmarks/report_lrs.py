#!/usr/bin/env python3
"""Report-from-an-LRS benchmark: `report --lrs` against a real Ralph beside `report` over files, same statements.

    .venv/bin/python benchmarks/report_lrs.py [--statements 100000] [--centres 5] [--page-size 1000]

Needs Ralph in .venv-ralph (scripts/setup test). Makes N distinct statements in the player's shapes (the
learners of benchmarks/report.py, 2 computers per centre), writes them as one results file per computer
and POSTs the same statements to a fresh Ralph (file-system backend, the tests' launcher, batches of
--batch; Ralph told to send up to --page-size statements a page). Then times, each in a fresh process:

  floor   GET every page of statements (following `more`) with urllib and json.loads each, nothing else
  lrs     `python -m player report --lrs URL … --page-size N`: pages, cache, checkpoint, counting, report
  files   `python -m player report DIR`: the same statements from the results files

and prints statements per second for each, lrs/files, and whether both reports have the same figures
(every CSV file equal, the centres' "Last export" aside: from an LRS it is the last sync).
"""

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead; tests/ too, for the Ralph launcher the tests use.
sys.path[0] = str(Path(__file__).resolve().parents[1])
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))
from benchmarks._common import parse_args  # noqa: E402
from benchmarks.report import LEARNER_TOKEN, NAME_TOKEN, learner_template, timed  # noqa: E402
from support.lrs import PASSWORD, RALPH_PYTHON, USER, Ralph  # noqa: E402

FLOOR = """
import json, sys, urllib.parse, urllib.request
url, token, count = sys.argv[1], sys.argv[2], 0
while url:
    request = urllib.request.Request(url, headers={"Authorization": token, "X-Experience-API-Version": "1.0.3"})
    with urllib.request.urlopen(request, timeout=600) as answer:
        page = json.loads(answer.read())
    count += len(page["statements"])
    url = urllib.parse.urljoin(url, page["more"]) if page.get("more") and page["statements"] else None
print(count)
"""


def computers(total: int, centres: int) -> list[tuple[str, str, list[dict]]]:
    """(centre, device id, statements) for 2 computers per centre, `total` distinct statements in all."""
    template = learner_template()
    devices = [(f"Trung tâm xã số {c + 1}", str(uuid.uuid4())) for c in range(centres) for _ in range(2)]
    made = []
    for number, (centre, device) in enumerate(devices):
        share = total // len(devices) + (number < total % len(devices))
        lines, learner = [], 0
        while len(lines) < share:
            learner += 1
            who = f"{number:04d}{learner:028d}"
            for text in template[:share - len(lines)]:
                statement = json.loads(text.replace(LEARNER_TOKEN, who).replace(NAME_TOKEN, f"Học viên {learner}")
                                       .replace("DEVICE-TOKEN", device).replace("CENTRE-TOKEN", centre))
                statement["id"] = str(uuid.uuid4())
                lines.append(statement)
        made.append((centre, device, lines))
    return made


def figures(folder: Path) -> dict:
    """Every CSV file of a report, the centres' "Last export" column left out."""
    found = {}
    for path in sorted(folder.glob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_bytes()[3:].decode("utf-8"))))
        if path.name == "centres.csv":
            column = rows[0].index("Last export")
            rows = [row[:column] + row[column + 1:] for row in rows]
        found[path.name] = rows
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--centres", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=5000, help="statements per POST when loading Ralph")
    parser.add_argument("--keep", type=Path, help="keep the results files, Ralph's data and both reports here")
    args = parse_args(parser, quick={"statements": 2000, "centres": 2, "page_size": 200, "batch": 1000})
    if not RALPH_PYTHON.exists():
        print(f"{RALPH_PYTHON} is missing: run scripts/setup test", file=sys.stderr)
        return 2
    from player.results import resultsfile
    from player.results.lrs import LrsClient

    work = args.keep or Path(tempfile.mkdtemp(prefix="tramhoc-report-lrs-bench-"))
    exports = work / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    made = computers(args.statements, args.centres)
    for number, (centre, device, statements) in enumerate(made):
        header = {"centre": centre, "device_id": device, "exported_at": "2025-10-09T00:00:00.000Z",
                  "generator": "benchmark", "xapi_version": "1.0.3"}
        resultsfile.write(exports / f"export-{number:03d}.jsonl", header, statements)
    print(f"{args.statements:,} statements from {len(made)} computers written as results files "
          f"({sum(p.stat().st_size for p in exports.iterdir()) / 1e6:,.0f} MB) in {time.perf_counter() - start:.1f} s")

    os.environ["RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT"] = str(args.page_size)
    ralph = Ralph(RALPH_PYTHON, work / "ralph")
    try:
        client = LrsClient(ralph.endpoint, USER, PASSWORD, timeout=600)
        every = [statement for _, _, statements in made for statement in statements]
        del made
        start = time.perf_counter()
        for first in range(0, len(every), args.batch):
            assert client.post(every[first:first + args.batch])[0] == 200
        loaded = time.perf_counter() - start
        print(f"loaded into Ralph (POST of {args.batch:,} a batch) in {loaded:.1f} s: {len(every) / loaded:,.0f} "
              "statements per second")
        count = len(every)
        del every

        first_page = f"{ralph.endpoint}statements?limit={args.page_size}"
        floor_s, floor_mb, floor_out = timed([sys.executable, "-c", FLOOR, first_page,
                                              client.headers["Authorization"]])
        assert int(floor_out) == count, f"the floor read {floor_out} statements of {count}"
        lrs_s, lrs_mb, lrs_out = timed([sys.executable, "-m", "player", "report", "--lrs", ralph.endpoint, "--user",
                                        USER, "--password", PASSWORD, "--page-size", str(args.page_size),
                                        "-o", str(work / "from-lrs"), "--lang", "en"])
    finally:
        ralph.stop()
    files_s, files_mb, files_out = timed([sys.executable, "-m", "player", "report", str(exports),
                                          "-o", str(work / "from-files"), "--lang", "en"])
    same = figures(work / "from-lrs") == figures(work / "from-files")
    print(f"floor  (GET pages + json.loads)   {floor_s:7.1f} s  {count / floor_s:9,.0f} statements/s  "
          f"peak RSS {floor_mb:5.0f} MB")
    print(f"report --lrs (page size {args.page_size:,})    {lrs_s:7.1f} s  {count / lrs_s:9,.0f} statements/s  "
          f"peak RSS {lrs_mb:5.0f} MB   {lrs_out}")
    print(f"report over the results files     {files_s:7.1f} s  {count / files_s:9,.0f} statements/s  "
          f"peak RSS {files_mb:5.0f} MB   {files_out}")
    print(f"lrs/files {lrs_s / files_s:.1f}x the time;  lrs/floor {lrs_s / floor_s:.2f};  "
          f"same figures: {'yes' if same else 'NO'}")
    if not args.keep:
        shutil.rmtree(work)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
