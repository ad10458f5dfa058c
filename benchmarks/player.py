#!/usr/bin/env python3
"""Player benchmark: launch time, memory and lesson-page latency of `python -m player serve`.

    .venv/bin/python benchmarks/player.py [--runs 5] [--requests 1000] [--course DIR]

Builds the synthetic 200-lesson corpus course (or --course DIR), signs it with a throwaway publisher key
that the temporary data folder trusts, installs it there, then measures on 127.0.0.1 only:

  launch     spawn of `python -m player --data D serve --port P` until GET of the first lesson page
             returns 200 (polled every 2 ms), against a bare Flask hello-world launched the same way
             (waitress, and Flask's development server); median of --runs
  memory     RSS/USS of the player process (psutil): ready but untouched, idle after the first
             lesson page, and after --requests lesson-page requests
  latency    --requests sequential GETs cycling over every lesson, one keep-alive connection:
             p50 / p95 / p99 / max

Needs psutil in the same venv (benchmark-only; exits 2 without it). See benchmarks/README.md.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks._common import (  # noqa: E402
    PROJECT, environment_lines, free_port, generator_path, make_corpus, median, parse_args, percentile, require, stop,
    verdict,
)

HOST = "127.0.0.1"
LAUNCH_DEADLINE = 30.0  # seconds; a launch slower than this is a failure, not a figure
POLL_INTERVAL = 0.002
IDLE_SETTLE = 0.5
TARGET_LAUNCH_S = 0.5
TARGET_LAUNCH_VS_FLASK = 2.5
TARGET_RSS_IDLE_MB = 60
TARGET_P95_MS = 10

HELLO_APP = '''"""Bare Flask hello-world, served like the player (waitress) or by Flask's dev server."""
import sys

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "Hello, World!"


if __name__ == "__main__":
    server, port = sys.argv[1], int(sys.argv[2])
    if server == "waitress":
        from waitress.server import create_server

        httpd = create_server(app, host="127.0.0.1", port=port, threads=8, ident="hello")
        print(f"hello running at http://127.0.0.1:{port}/", flush=True)
        httpd.run()
    else:
        app.run(host="127.0.0.1", port=port)
'''


LAUNCH_PARTS_CODE = '''
import json, sys, time
data, course_id, first, second, learner_id = sys.argv[1:6]
t = [time.perf_counter()]
import flask, waitress.server
t.append(time.perf_counter())
import player.cli, player.web.server
from player.app import create_app
from player.web.services import services
t.append(time.perf_counter())
app = create_app(data)
t.append(time.perf_counter())
from player.web import i18n
i18n.language_names()
t.append(time.perf_counter())
services(app).library.bundle(course_id)
t.append(time.perf_counter())
for name in ("lessons/lesson.html", "base.html"):
    app.jinja_env.get_template(name)
t.append(time.perf_counter())
client = app.test_client()
with client.session_transaction() as session:
    session["learner"], session["seen"] = learner_id, time.time()
assert client.get(first).status_code == 200
t.append(time.perf_counter())
assert client.get(second).status_code == 200
t.append(time.perf_counter())
print(json.dumps([b - a for a, b in zip(t, t[1:])]))
'''
LAUNCH_PARTS = (
    "import flask + waitress (as bare Flask does)",
    "import player (babel, flask_babel, courses, platformdirs)",
    "create_app()",
    "first request: i18n.language_names() (Babel CLDR)",
    "first request: open + validate bundle (zip, manifest)",
    "first request: compile lesson.html + base.html",
    "first lesson request, rest (test client)",
    "a second lesson request (test client)",
)


class BenchError(Exception):
    pass


class LearnerConnection(http.client.HTTPConnection):
    """An HTTP connection that sends a signed-in learner's session cookie with every request (reading
    courses needs a learner); bare Flask ignores it."""

    cookie = ""

    def request(self, method, url, body=None, headers=None, **kwargs):
        super().request(method, url, body, {"Cookie": self.cookie, **(headers or {})}, **kwargs)


def learner_cookie(app, learner_id: str) -> str:
    """The session cookie of `learner_id` signed in now, as the player itself would set it."""
    from player import clock

    value = app.session_interface.get_signing_serializer(app).dumps({"learner": learner_id, "seen": clock.now()})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="launches per server; the median is shown (default 9)")
    parser.add_argument("--requests", type=int, default=1000, help="lesson-page requests (default 1000)")
    parser.add_argument("--course", type=Path, metavar="DIR",
                        help="course folder to build and serve (default: the generated 200-lesson corpus)")
    parser.add_argument("--profile", action="store_true",
                        help="also break the launch down (fresh interpreters, in-process timers) and cProfile requests")
    parser.add_argument("--lessons", type=int, default=200, help="corpus size when generating (default 200)")
    parser.add_argument("--generator", help="path of gen_corpus.py (default $TRAMHOC_GEN_CORPUS or "
                                            "../shared/bench/gen_corpus.py beside the project)")
    args = parse_args(parser, quick={"runs": 1, "requests": 20, "lessons": 10})
    require("psutil", purpose="benchmarks/player.py")
    if args.runs < 1 or args.requests < 1:
        parser.error("--runs and --requests must be at least 1")
    with tempfile.TemporaryDirectory(prefix="tramhoc-bench-player-") as temp:
        try:
            return run(Path(temp), args)
        except BenchError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 1


def run(root: Path, args) -> int:
    import psutil

    from builder.build import build
    from courses.keys import generate
    from player.app import create_app
    from player.web.services import services

    started = time.perf_counter()
    if args.course:
        course_dir, summary = args.course.resolve(), f"course folder {args.course}"
    else:
        course_dir = root / "corpus"
        summary = make_corpus(generator_path(args.generator), course_dir, args.lessons)
    publisher = generate("Trạm Học benchmarks")  # signed and trusted, as a centre's courses would be
    bundle = build(course_dir, root / "out", use_cache=False, signer=publisher)
    data = root / "data"
    app = create_app(data)
    services(app).trust.add(publisher.public)
    course = services(app).library.install(bundle)
    learner = services(app).store.learners.create({"name": "Người học thử"})
    LearnerConnection.cookie = learner_cookie(app, learner["id"])
    lessons = [lesson.id for lesson in course.lessons]
    lesson_path = f"/courses/{course.id}/lessons/%s"
    first = lesson_path % lessons[0]
    hello = root / "hello_app.py"
    hello.write_text(HELLO_APP, encoding="utf-8")

    print("== tramhoc player benchmark ==")
    for line in environment_lines():
        print(line)
    print(f"psutil {psutil.__version__}")
    print(f"course {course.id} {course.version}: {len(lessons)} lessons, bundle {bundle.stat().st_size // 1024} KiB "
          f"({summary})")
    print(f"runs per launch figure: {args.runs} (median shown; min-max in brackets)")
    print()

    player_cmd = lambda port: [sys.executable, "-m", "player", "--data", str(data), "serve", "--port", str(port)]  # noqa: E731
    servers = {
        "player": (player_cmd, first),
        "hello-waitress": (lambda port: [sys.executable, str(hello), "waitress", str(port)], "/"),
        "hello-flask-dev": (lambda port: [sys.executable, str(hello), "dev", str(port)], "/"),
    }
    # one untimed launch each, so .pyc files and the OS page cache are warm for every contender
    for name, (command, path) in servers.items():
        stop(_launch(command, path, root / f"warm-{name}.log")[1])
    launches: dict[str, list[float]] = {name: [] for name in servers}
    listening: list[float] = []
    for number in range(args.runs):
        print(f"launch run {number + 1}/{args.runs} ...", file=sys.stderr, flush=True)
        for name, (command, path) in servers.items():
            seconds, process, ready = _launch(command, path, root / f"{name}-{number}.log")
            stop(process)
            launches[name].append(seconds)
            if name == "player" and ready is not None:
                listening.append(ready)

    print("launch -> first page 200 (s)")
    launch = {name: median(values) for name, values in launches.items()}
    for name, values in launches.items():
        page = "first lesson page" if name == "player" else "/"
        print(f"  {name:<18} {launch[name]:>7.3f}  [{min(values):.3f}-{max(values):.3f}]  GET {page}")
    if listening:
        print(f"  (player accepted its first TCP connection after {median(listening):.3f} s median: start-up; "
              f"the rest is the first request)")
    ratio_waitress = launch["player"] / launch["hello-waitress"]
    ratio_dev = launch["player"] / launch["hello-flask-dev"]
    print(f"  player launch                 {launch['player']:>6.3f} s   target <= {TARGET_LAUNCH_S} s   "
          f"{verdict(launch['player'] <= TARGET_LAUNCH_S)}")
    print(f"  player / bare Flask (waitress) {ratio_waitress:>5.2f} x    target <= {TARGET_LAUNCH_VS_FLASK} x   "
          f"{verdict(ratio_waitress <= TARGET_LAUNCH_VS_FLASK)}")
    print(f"  player / bare Flask (dev srv)  {ratio_dev:>5.2f} x    (info)")
    print()

    # memory and latency: one more player launch, kept running
    print("memory and latency (one player process)", file=sys.stderr, flush=True)
    hello_rss = _idle_rss_of(servers["hello-waitress"], root / "hello-rss.log")
    process = None
    try:
        process, ready_at = _spawn_until_ready_line(player_cmd, root / "player-rss.log")
        proc = psutil.Process(process.pid)
        time.sleep(IDLE_SETTLE)
        rss_ready = _memory(proc)
        connection = LearnerConnection(HOST, ready_at, timeout=10)
        _get(connection, first)
        time.sleep(IDLE_SETTLE)
        rss_idle = _memory(proc)
        timings, reconnects, sizes = [], 0, []
        cpu_before = sum(proc.cpu_times()[:2])
        load_start = time.perf_counter()
        for index in range(args.requests):
            path = lesson_path % lessons[index % len(lessons)]
            start = time.perf_counter()
            body, will_close = _get(connection, path)
            timings.append(time.perf_counter() - start)
            sizes.append(len(body))
            reconnects += will_close
        load_seconds = time.perf_counter() - load_start
        cpu_used = sum(proc.cpu_times()[:2]) - cpu_before
        extra = {}
        for label, path, count in (("library page /", "/", 100),
                                   (f"contents page ({len(lessons)} lessons)", f"/courses/{course.id}/", 100),
                                   ("asset (first image)", None, 100)):
            if path is None:
                path = _first_asset(connection, first)
                if path is None:
                    continue
            samples = []
            for _ in range(count):
                start = time.perf_counter()
                _get(connection, path)
                samples.append(time.perf_counter() - start)
            extra[label] = sorted(samples)
        time.sleep(IDLE_SETTLE)
        rss_after = _memory(proc)
        connection.close()
    finally:
        if process is not None:
            stop(process)

    mib = 1024 * 1024
    print("player memory (MiB; RSS counts shared libraries, USS only this process's own pages)")
    print(f"  bare Flask hello (waitress), idle  RSS {hello_rss[0] / mib:>6.1f}  USS {hello_rss[1] / mib:>6.1f}  (info)")
    print(f"  player ready, no request yet       RSS {rss_ready[0] / mib:>6.1f}  USS {rss_ready[1] / mib:>6.1f}")
    print(f"  player idle after first lesson     RSS {rss_idle[0] / mib:>6.1f}  USS {rss_idle[1] / mib:>6.1f}   "
          f"target RSS <= {TARGET_RSS_IDLE_MB} MB   {verdict(rss_idle[0] / mib <= TARGET_RSS_IDLE_MB)}")
    print(f"  player after {args.requests} lesson requests  RSS {rss_after[0] / mib:>6.1f}  "
          f"USS {rss_after[1] / mib:>6.1f}   (growth {(rss_after[0] - rss_idle[0]) / mib:+.1f} MiB RSS)")
    print()
    ordered = sorted(timings)
    p50, p95 = percentile(ordered, 50) * 1000, percentile(ordered, 95) * 1000
    print(f"lesson page latency, {args.requests} sequential requests over {len(lessons)} lessons, keep-alive")
    print(f"  p50 {p50:.2f} ms   p95 {p95:.2f} ms   target p95 <= {TARGET_P95_MS} ms   {verdict(p95 <= TARGET_P95_MS)}")
    print(f"  p99 {percentile(ordered, 99) * 1000:.2f} ms   max {ordered[-1] * 1000:.2f} ms   "
          f"mean {statistics.fmean(ordered) * 1000:.2f} ms   {args.requests / load_seconds:.0f} req/s   "
          f"player CPU {1000 * cpu_used / args.requests:.2f} ms/request")
    print(f"  page size median {median(sizes) / 1024:.1f} KiB; responses asking to close the connection: {reconnects}")
    for label, samples in extra.items():
        print(f"  info: {label:<28} p50 {percentile(samples, 50) * 1000:.2f} ms   "
              f"p95 {percentile(samples, 95) * 1000:.2f} ms  ({len(samples)} requests)")
    if args.profile:
        launch_breakdown(data, course.id, lessons, lesson_path, max(args.runs, 5), learner["id"])
        profile_requests(data, lessons, lesson_path, learner["id"])
    print(f"total benchmark time {time.perf_counter() - started:.1f} s")
    return 0


def launch_breakdown(data: Path, course_id: str, lessons: list[str], lesson_path: str, runs: int,
                     learner_id: str) -> None:
    """Where launch time goes: each part timed in a fresh interpreter (pieces the first request would do
    are done ahead of it here, so the 'rest' line is what remains)."""
    import json

    second = lessons[1] if len(lessons) > 1 else lessons[0]
    command = [sys.executable, "-c", LAUNCH_PARTS_CODE, str(data), course_id,
               lesson_path % lessons[0], lesson_path % second, learner_id]
    bare, parts = [], []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, cwd=PROJECT)
        bare.append(time.perf_counter() - start)
        done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=PROJECT)
        parts.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print()
    print(f"== launch breakdown: fresh interpreter, in-process timers, median of {runs} (ms) ==")
    print(f"  {'python -c pass (interpreter start + exit)':<58} {1000 * median(bare):>7.1f}")
    for index, label in enumerate(LAUNCH_PARTS):
        print(f"  {label:<58} {1000 * median(p[index] for p in parts):>7.1f}")


def profile_requests(data: Path, lessons: list[str], lesson_path: str, learner_id: str, count: int = 400) -> None:
    """cProfile steady-state lesson requests through the WSGI app (no HTTP server)."""
    import cProfile
    import pstats

    from player.app import create_app

    client = create_app(data).test_client()
    with client.session_transaction() as session:
        session["learner"], session["seen"] = learner_id, time.time()
    client.get(lesson_path % lessons[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(count):
        client.get(lesson_path % lessons[index % len(lessons)])
    profiler.disable()
    stats = pstats.Stats(profiler)
    print()
    print(f"== cProfile: {count} lesson requests through the Flask test client "
          f"(profiled {1000 * stats.total_tt / count:.2f} ms/request) ==")
    wanted = (("player/web_courses.py", "lesson", "view function (all of it)"),
              ("flask/templating.py", "render_template", "  render_template"),
              ("player/i18n.py", "language_names", "    i18n.language_names"),
              ("courses/reading.py", "read", "  Bundle.read (inflate + sha256)"),
              ("player/sanitise.py", "clean_lesson", "  clean_lesson (nh3 sanitiser)"),
              ("courses/model.py", "lesson", "  Course.lesson lookup"),
              ("courses/model.py", "neighbours", "  Course.neighbours"))
    for suffix, function, label in wanted:
        cumulative = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.stats.items()
                         if name == function and file.replace(os.sep, "/").endswith(suffix))
        print(f"  {label:<40} {1000 * cumulative / count:>6.3f} ms/request {100 * cumulative / stats.total_tt:>5.1f} %")


def _launch(command, path: str, log: Path):
    """Spawn a server and poll GET path until 200; returns (seconds, process, seconds until it accepted a
    TCP connection, i.e. was listening)."""
    port = free_port(HOST)
    listening = None
    with open(log, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT)
    try:
        while True:
            elapsed = time.perf_counter() - start
            if process.poll() is not None:
                raise BenchError(f"server exited ({process.returncode}) before serving:\n{log.read_text()[-2000:]}")
            if elapsed > LAUNCH_DEADLINE:
                raise BenchError(f"server did not serve {path} within {LAUNCH_DEADLINE} s")
            connection = LearnerConnection(HOST, port, timeout=10)
            try:
                connection.connect()
                if listening is None:
                    listening = time.perf_counter() - start
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (ConnectionRefusedError, ConnectionResetError):
                time.sleep(POLL_INTERVAL)
                continue
            finally:
                connection.close()
            if response.status != 200:
                raise BenchError(f"GET {path} returned {response.status}")
            return time.perf_counter() - start, process, listening
    except BaseException:
        stop(process)
        raise


def _spawn_until_ready_line(command, log: Path):
    """Spawn the player and wait (polling its log) for the line naming its address; no request is made."""
    port = free_port(HOST)
    with open(log, "wb") as out:
        process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT)
    deadline = time.perf_counter() + LAUNCH_DEADLINE
    while f"http://{HOST}:{port}/".encode() not in log.read_bytes():
        if process.poll() is not None or time.perf_counter() > deadline:
            stop(process)
            raise BenchError(f"player did not start:\n{log.read_text()[-2000:]}")
        time.sleep(POLL_INTERVAL)
    return process, port


def _idle_rss_of(server, log: Path) -> tuple[int, int]:
    import psutil

    command, path = server
    _, process, _ = _launch(command, path, log)
    try:
        time.sleep(IDLE_SETTLE)
        return _memory(psutil.Process(process.pid))
    finally:
        stop(process)


def _memory(proc) -> tuple[int, int]:
    info = proc.memory_full_info()
    return info.rss, getattr(info, "uss", 0)


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[bytes, bool]:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise BenchError(f"GET {path} returned {response.status}")
    return body, bool(response.will_close)


def _first_asset(connection, lesson: str) -> str | None:
    body, _ = _get(connection, lesson)
    marker = body.find(b'src="../assets/')
    if marker < 0:
        return None
    end = body.index(b'"', marker + 5)
    relative = body[marker + 5:end].decode()
    return lesson.rsplit("/lessons/", 1)[0] + relative[2:]


if __name__ == "__main__":
    sys.exit(main())
