#!/usr/bin/env python3
"""Report benchmark: `python -m player report` over exports totalling N statements (default 1,000,000).

    .venv/bin/python benchmarks/report.py [--statements 1000000] [--centres 10] [--keep DIR]

Writes synthetic exports (see README) from 2 computers per centre: each computer exports twice, the
second export repeating the first one's statements (so 3/8 of all lines are duplicates the report
must ignore). Then times, each in a fresh process:

  floor   reading every line of every file and json.loads of each statement, nothing else
  report  `python -m player report DIR -o OUT --lang en`: checksums, validation, de-duplication,
          figures, CSV and HTML (on up to one worker process per core for inputs over 32 MB)

and prints wall time and peak resident memory (the process and its workers, sampled every 50 ms from
/proc, shared pages counted once per process: an upper bound) with the targets of issue 5 (≤ 30 s,
≤ 500 MB for 1,000,000 statements) and report/floor.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))  # statements in the player's shapes
from benchmarks._common import PROJECT, parse_args, verdict  # noqa: E402

TARGET_SECONDS = 30.0
TARGET_MB = 500
LEARNER_TOKEN = "LEARNER-TOKEN-0000000000000000000"
NAME_TOKEN = "TÊN-HỌC-VIÊN"
FLOOR = """
import json, sys
from pathlib import Path
count = 0
for path in sorted(Path(sys.argv[1]).glob("*.jsonl")):
    with open(path, "rb") as lines:
        for line in lines:
            json.loads(line)
            count += 1
print(count)
"""


def learner_template() -> list[str]:
    """One learner's statements in two courses, as JSON text with placeholders for who and which id."""
    from player.xapi import statements
    from support.statements import answered, single

    when = datetime(2025, 10, 1, 7, 0, tzinfo=timezone.utc)
    made = []
    for course_id, title in (("dich-vu-cong", "Dịch vụ công trực tuyến"), ("chu-ky-so", "Chữ ký số")):
        where = statements.Scope(LEARNER_TOKEN, NAME_TOKEN, course_id, title, "1.0.0", "vi", "DEVICE-TOKEN",
                                 "CENTRE-TOKEN")
        for lesson in range(1, 11):
            lesson_id, lesson_title = f"bai-{lesson}", f"Bài {lesson}"
            made += [statements.lesson_launched(where, lesson_id, lesson_title, when),
                     statements.lesson_experienced(where, lesson_id, lesson_title, 300 + lesson, when),
                     statements.lesson_completed(where, lesson_id, lesson_title, when)]
            if lesson % 2 == 0:
                registration = str(uuid.uuid4())
                answers = []
                for number in range(5):
                    question = single(f"{lesson_id}-cau-{number}", f"Câu hỏi {number} của {lesson_title}?",
                                      "Đáp án B", "Đáp án A", "Đáp án C")
                    answers.append(answered(question, ("Đáp án A", "Đáp án B", "Đáp án C")[(lesson + number) % 3]))
                    made.append(statements.question_answered(where, lesson_id, lesson_title, answers[-1],
                                                             registration, when))
                made.append(statements.quiz_finished(where, lesson_id, lesson_title, answers,
                                                     sum(a.correct for a in answers) >= 3, 120, registration, when))
            when += timedelta(minutes=7)
        made.append(statements.course_completed(where, when, 0.8, 3600))
    return [json.dumps(statement, ensure_ascii=False, separators=(",", ":")) for statement in made]


def write_exports(folder: Path, total: int, centres: int) -> int:
    """Two computers per centre, two exports each (the second repeats the first); returns lines written."""
    from player.results import resultsfile

    template = learner_template()
    devices = [(f"Trung tâm xã số {c + 1}", str(uuid.uuid4())) for c in range(centres) for _ in range(2)]
    unique = total * 5 // 8  # first export: 3/5 of a device's statements; second: all of them
    per_device = unique // len(devices)
    written = 0
    for number, (centre, device) in enumerate(devices):
        lines = []
        learner = 0
        while len(lines) < per_device:
            learner += 1
            who = f"{number:04d}{learner:028d}"
            for text in template:
                if len(lines) == per_device:
                    break
                statement = json.loads(text.replace(LEARNER_TOKEN, who).replace(NAME_TOKEN, f"Học viên {learner}")
                                        .replace("DEVICE-TOKEN", device).replace("CENTRE-TOKEN", centre))
                statement["id"] = str(uuid.uuid4())
                lines.append(statement)
        first = lines[:per_device * 3 // 5]
        for index, part in enumerate((first, lines)):
            header = {"centre": centre, "device_id": device, "exported_at": f"2025-10-0{index + 1}T00:00:00.000Z",
                      "generator": "benchmark", "xapi_version": "1.0.3"}
            written += resultsfile.write(folder / f"export-{number:03d}-{index}.jsonl", header, part)
    return written


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc; shared pages counted in each,
    so an upper bound)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def resultsfile_count(path: Path) -> int:
    with open(path, "rb") as lines:
        return sum(1 for _ in lines) - 2


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds and peak resident memory (MB) of a process with its worker processes, and its output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=PROJECT, stdout=out, stderr=err, text=True)
        peak = 0.0
        while child.poll() is None:
            peak = max(peak, tree_rss_mb(child.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if child.returncode:
            sys.exit(f"{' '.join(command)} failed:\n{out.read()}{err.read()}")
        return seconds, peak, out.read().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--centres", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="keep exports and report in this folder")
    parser.add_argument("--exports", type=Path, help="use the exports already in this folder (skip writing)")
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parse_args(parser, quick={"statements": 2000, "centres": 2})
    work = args.keep or Path(tempfile.mkdtemp(prefix="tramhoc-report-bench-"))
    exports = args.exports or work / "exports"
    if args.write_only:
        exports.mkdir(parents=True, exist_ok=True)
        print(write_exports(exports, args.statements, args.centres))
        return 0
    start = time.perf_counter()
    if args.exports:
        lines = sum(resultsfile_count(path) for path in exports.glob("*.jsonl"))
    else:
        # In a child of its own, so that this process stays small.
        lines = int(subprocess.run([sys.executable, __file__, "--write-only", "--keep", str(work), "--statements",
                                    str(args.statements), "--centres", str(args.centres)],
                                   check=True, capture_output=True, text=True).stdout)
    size = sum(path.stat().st_size for path in exports.iterdir()) / 1e6
    print(f"{lines:,} statement lines in {len(list(exports.iterdir()))} exports, {size:,.0f} MB "
          f"(ready in {time.perf_counter() - start:.1f} s)")

    floor_s, floor_mb, floor_out = timed([sys.executable, "-c", FLOOR, str(exports)])
    report_s, report_mb, report_out = timed([sys.executable, "-m", "player", "report", str(exports),
                                             "-o", str(work / "report"), "--lang", "en"])
    assert int(floor_out) == lines + 2 * len(list(exports.iterdir()))  # with each file's header and trailer
    print(f"floor  (read + json.loads)   {floor_s:7.1f} s  peak RSS {floor_mb:6.0f} MB")
    print(f"report (python -m player)    {report_s:7.1f} s  peak RSS {report_mb:6.0f} MB   {report_out}")
    print(f"report/floor                 {report_s / floor_s:7.2f}")
    print(f"statements per second        {lines / report_s:10,.0f}")
    if lines >= 1_000_000:
        print(f"target ≤ {TARGET_SECONDS:.0f} s: {verdict(report_s <= TARGET_SECONDS)};  "
              f"target ≤ {TARGET_MB} MB: {verdict(report_mb <= TARGET_MB)}")
    if not args.keep:
        import shutil
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
