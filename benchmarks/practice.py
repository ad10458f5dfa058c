#!/usr/bin/env python3
"""Practice benchmark: latency of checking a practice step, against a lesson page, through the Flask app.

    .venv/bin/python benchmarks/practice.py [--checks 300] [--course content/dich-vu-cong] [--practice ID]

Builds the course (by default the real course "dich-vu-cong"), installs it into a temporary data folder
and drives the player with Flask's test client (no HTTP server), the store writing to disk with fsync as
in production. Timed, p50 / p95 / max in ms:

  lesson (reference)   GET of the course's first lesson
  practice lesson      GET of the lesson that holds the practice (its card says whether it is finished)
  step page            GET of the current step's screen
  check (wrong)        POST of the step with every field wrong: checked, hints counted, one durable write
  check (right)        POST of the step answered right: checked, one durable write (two at the last step:
                       the practice's and its lesson's completion), redirect

The learner goes through the practice again and again (one wrong and one right check per step), so their
statements grow as a class's would. Ratios are against the reference lesson page measured in the same run;
the target is a right check's p95 at most 1.5 times the lesson page's.
"""

import argparse
import sys
import tempfile
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks import _common  # noqa: E402
from benchmarks.quiz import csrf, summary, timed  # noqa: E402

from builder.build import build  # noqa: E402
from courses import Bundle  # noqa: E402
from courses.practice import CHOOSING, load_practices  # noqa: E402
from player.app import create_app  # noqa: E402
from player.practice.checking import field_name, shown_value  # noqa: E402
from player.web.services import services  # noqa: E402

TARGET_RATIO = 1.5


def forms(step, token: str) -> tuple[dict, dict]:
    """The step's form answered right, and every field wrong."""
    right = {"csrf_token": token, "step": step.id, **{field_name(f): shown_value(f) for f in step.fields}}
    wrong = {**right, **{field_name(f): next(c for c in f.choices if c != f.expected) if f.type in CHOOSING
                         else "sai" for f in step.fields}}
    return right, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checks", type=int, default=300, help="right checks to time (as many wrong ones)")
    parser.add_argument("--course", type=Path, default=_common.PROJECT / "content" / "dich-vu-cong")
    parser.add_argument("--practice", help="the practice to go through (default: the one with most steps)")
    args = _common.parse_args(parser, quick={"checks": 12})
    with tempfile.TemporaryDirectory(prefix="tramhoc-practice-bench-") as folder:
        folder = Path(folder)
        bundle = build(args.course, folder / "dist", use_cache=False)
        with Bundle(bundle) as opened:
            course = opened.course
            found = [(lesson_id, practice) for lesson_id, items in load_practices(opened).items()
                     for practice in items if args.practice in (None, practice.id)]
        if not found:
            print(f"{args.course} has no practice{f' {args.practice!r}' if args.practice else ''}", file=sys.stderr)
            return 2
        lesson_id, practice = max(found, key=lambda item: len(item[1].path()))
        app = create_app(folder / "data")
        services(app).library.install(bundle, allow_unverified=True)
        client = app.test_client()
        token = csrf(client)
        assert client.post("/learners/new", data={"name": "Học viên", "kind": "none",
                                                 "csrf_token": token}).status_code == 303
        token = csrf(client)
        first = f"/courses/{course.id}/lessons/{course.lessons[0].id}"
        holder = f"/courses/{course.id}/lessons/{lesson_id}"
        base = f"{holder}/practice/{practice.id}"
        path = practice.path()
        times = {name: [] for name in ("lesson", "holder", "step", "wrong", "right")}
        runs, position = 0, len(path)
        for number in range(args.checks + 2):  # the first two rounds warm up: templates, bundle, practice read
            if position == len(path):
                assert client.post(f"{base}/start", data={"csrf_token": token}).status_code == 303
                runs, position = runs + 1, 0
            step = path[position]
            right, wrong = forms(step, token)
            measured = [("lesson", lambda: client.get(first)), ("holder", lambda: client.get(holder)),
                        ("step", lambda: client.get(base)),
                        ("wrong", lambda: client.post(f"{base}/check", data=wrong)),
                        ("right", lambda: client.post(f"{base}/check", data=right))]
            for name, action in measured:
                spent, response = timed(action)
                assert response.status_code in (200, 303), (name, response.status_code)
                if number >= 2:
                    times[name].append(spent)
            position += 1
        with client.session_transaction() as session:
            statements = services(app).store.learners.count(session["learner"])
        print(f"course {course.id} {course.version}, practice '{practice.id}' ({practice.kind}, {len(path)} steps):"
              f" {args.checks} right and {args.checks} wrong checks over {runs} runs; {statements} statements"
              " stored at the end")
        for line in _common.environment_lines():
            print(line)
        print(summary("lesson (reference)", times["lesson"]))
        print(summary("practice lesson", times["holder"], times["lesson"]))
        print(summary("step page", times["step"], times["lesson"]))
        print(summary("check (wrong)", times["wrong"], times["lesson"]))
        print(summary("check (right)", times["right"], times["lesson"]))
        ratio = _common.percentile(sorted(times["right"]), 95) / _common.percentile(sorted(times["lesson"]), 95)
        print(f"target check p95 <= {TARGET_RATIO} x lesson page p95: {ratio:.2f} x, "
              f"{_common.verdict(ratio <= TARGET_RATIO)}")
    return 0



if __name__ == "__main__":
    sys.exit(main())
