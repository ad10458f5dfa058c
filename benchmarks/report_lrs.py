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

and prints statements per second for each, the CPU seconds of the timed process (with its workers) and
of Ralph during it (Linux /proc: on a loaded machine wall times vary, CPU times much less), lrs/files, and
whether both reports have the same figures (every CSV file equal, the centres' "Last export" aside: from an
LRS it is the last sync).
"""

import argparse
import csv
import io
import json
import os
import resource
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


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_timed(command: list[str], ralph: Ralph | None = None) -> tuple[float, float, str, float, float]:
    """`timed`, with the CPU seconds of the command (and its children) and of Ralph while it ran."""
    before, ralph_before = resource.getrusage(resource.RUSAGE_CHILDREN), process_cpu(ralph.process.pid) if ralph else 0
    seconds, peak, out = timed(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, peak, out, own, (process_cpu(ralph.process.pid) - ralph_before) if ralph else 0.0


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
        floor = cpu_timed([sys.executable, "-c", FLOOR, first_page, client.headers["Authorization"]], ralph)
        assert int(floor[2]) == count, f"the floor read {floor[2]} statements of {count}"
        lrs = cpu_timed([sys.executable, "-m", "player", "report", "--lrs", ralph.endpoint, "--user", USER,
                         "--password", PASSWORD, "--page-size", str(args.page_size), "-o", str(work / "from-lrs"),
                         "--lang", "en"], ralph)
    finally:
        ralph.stop()
    files = cpu_timed([sys.executable, "-m", "player", "report", str(exports), "-o", str(work / "from-files"),
                       "--lang", "en"])
    same = figures(work / "from-lrs") == figures(work / "from-files")
    print(f"{'':34} {'wall':>7}  {'statements/s':>12}  {'cpu s':>6}  {'Ralph cpu s':>11}  {'peak RSS':>8}")
    for name, (seconds, peak, out, own, ralph_cpu) in (("floor (GET pages + json.loads)", floor),
                                                       (f"report --lrs (page size {args.page_size:,})", lrs),
                                                       ("report over the results files", files)):
        print(f"{name:34} {seconds:6.1f}s  {count / seconds:12,.0f}  {own:6.1f}  {ralph_cpu:11.1f}  {peak:5.0f} MB"
              + (f"   {out}" if name.startswith("report") else ""))
    print(f"lrs/files {lrs[0] / files[0]:.1f}x the time;  lrs/floor {lrs[0] / floor[0]:.2f} the time, "
          f"{(lrs[3] + lrs[4]) / (floor[3] + floor[4]):.2f} the CPU (with Ralph's);  "
          f"same figures: {'yes' if same else 'NO'}")
    if not args.keep:
        shutil.rmtree(work)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
