#!/usr/bin/env python3
"""Centre benchmark: a class of learners on other PCs using one player in LAN mode at once.

    .venv/bin/python benchmarks/centre.py [--learners 30] [--seconds 60] [--ramp 5] [--read 1.5] [--course DIR]

Builds the course (by default the real course "dich-vu-cong"), installs it into a temporary data folder and
starts `python -m player --data D serve --lan --host 127.0.0.1 --port P` (LAN mode: every request passes its
guard; bound to loopback so that this machine's neighbours cannot reach it). Each of --learners threads is
one PC of the class: its own keep-alive connection from its own address 127.0.0.(10+i) (another PC to the
player), its own cookies. The PCs start one after another over --ramp seconds (a class sitting down); for
--seconds each PC does what a class does, round after round:

  sign in      a new profile through the real form (its CSRF token from the page), as the next learner
  lessons      every lesson page, reported shown by the page's script (`opened`), read for --read seconds
               on average (never under 1 s, so its time is recorded), then left (the `activity/end` beacon)
  self-checks  on lessons that have them: answered right and checked, the lesson shown again
  test         the final test answered right, its summary, submitted, its results page
  sign out

One untimed round without reading comes first (templates compiled, files in the OS cache). The same PCs
then do the same (same requests, same reading times) against a bare Flask app served by waitress with the
player's settings: the reference. Printed: p50 / p95 / p99 per kind of request and overall, errors, the
player's p95 against the bare app's, the player process's CPU use (psutil), and, after the player is stopped,
every acknowledged write (a 2xx or 303 answer to a request that stores something) against what is in the
data folder. Needs psutil (benchmark-only; exits 2 without it). See benchmarks/README.md.
"""

import argparse
import http.client
import itertools
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks._common import (  # noqa: E402
    PROJECT, environment_lines, free_port, parse_args, percentile, require, stop, verdict,
)
from benchmarks.quiz import right_fields  # noqa: E402
from courses.quiz import Description  # noqa: E402

HOST = "127.0.0.1"
FIRST_CLIENT = 10  # PC i connects from 127.0.0.(FIRST_CLIENT + i)
START_DEADLINE = 30.0
TIMEOUT = 30.0  # seconds a request may take before it counts as an error
TARGET_P95_MS = 100
TARGET_VS_BARE = 5
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ATTEMPT = re.compile(r'name="attempt" value="([0-9a-f]{32})"')

BARE_APP = '''"""A bare Flask app answering the centre benchmark's requests as cheaply as it can, served by waitress;
given a folder, it first keeps every POST's body there durably, as the player's store keeps a write."""
import os
import sys

from flask import Flask, jsonify, redirect, request
from waitress.server import create_server

app = Flask(__name__)
PAGE = ('<form><input name="csrf_token" value="bare"><input name="attempt" value="' + "0" * 32 + '"></form>')
DURABLE = sys.argv[6] if len(sys.argv) > 6 else None


def keep(body: bytes) -> None:
    """Temporary file, fsync, rename over the client's file, fsync of its folder (one folder per client)."""
    folder = os.path.join(DURABLE, request.remote_addr)
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, "writes.json")
    with open(target + ".tmp", "wb") as out:
        out.write(body or b"{}")
        out.flush()
        os.fsync(out.fileno())
    os.replace(target + ".tmp", target)
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path):
    return PAGE


@app.post("/<path:path>")
def write(path):
    if DURABLE:
        keep(request.get_data())
    if path.endswith("/opened"):
        return jsonify(visit="bare")
    if path == "activity/end":
        return "", 204
    return redirect("/", code=303)


if __name__ == "__main__":
    port, threads, limit, idle, check = sys.argv[1:6]  # then the folder, if any
    server = create_server(app, host="127.0.0.1", port=int(port), threads=int(threads), ident="bare",
                           connection_limit=int(limit), channel_timeout=float(idle), cleanup_interval=float(check))
    print(f"bare app running at http://127.0.0.1:{port}/", flush=True)
    server.run()
'''


class RequestFailed(Exception):
    """A request failed or had an unexpected status (counted in the PC's errors)."""


class PC:
    """One PC of the class: a keep-alive connection from its own address, its cookies, its timings."""

    def __init__(self, number: int, port: int):
        self.address = f"127.0.0.{FIRST_CLIENT + number}"
        self.port = port
        self.cookies: dict[str, str] = {}
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.token = ""
        self._connection: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, *, form: dict | None = None, json_body=None,
                expect: int = 200) -> tuple[str, str]:
        """Send one request and read all of its answer; (body, Location). Raises RequestFailed (counted)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers.update({"Content-Type": "application/json", "X-CSRFToken": self.token})
        if self._connection is None:
            self._connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT,
                                                          source_address=(self.address, 0))
        start = time.perf_counter()
        try:
            self._connection.request(method, path, body, headers)
            response = self._connection.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.errors.append(f"{method} {path}: {error!r}")
            raise RequestFailed from error
        self.timings[kind].append(time.perf_counter() - start)
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        if response.will_close:
            self.close()
        if response.status != expect:
            self.errors.append(f"{method} {path}: {response.status}, not {expect}")
            raise RequestFailed
        return text, response.headers.get("Location", "")

    def page(self, kind: str, path: str) -> str:
        html = self.request(kind, "GET", path)[0]
        found = TOKEN.search(html)
        self.token = found.group(1) if found else self.token
        return html

    def post(self, kind: str, path: str, fields: dict | None = None, expect: int = 303) -> str:
        return self.request(kind, "POST", path, form={"csrf_token": self.token, **(fields or {})}, expect=expect)[1]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Learner:
    """What one PC's learners do, round after round, until the deadline; tallies the writes acknowledged."""

    def __init__(self, pc: PC, number: int, course, quizzes: dict, read_seconds: float):
        self.pc, self.number, self.course, self.quizzes = pc, number, course, quizzes
        self.random = random.Random(number)  # the same reading times against the player and the bare app
        self.read_seconds = read_seconds
        self.written: dict[str, Counter] = defaultdict(Counter)  # learner name -> (what, activity) -> count
        self.deadline = float("inf")

    def run(self, begin: float, deadline: float) -> None:
        time.sleep(max(0.0, begin - time.perf_counter()))
        self.deadline = deadline
        for round_number in itertools.count(1):
            if time.perf_counter() >= deadline:
                return
            try:
                self.round(f"Máy {self.number + 1:02d} – học viên {round_number}")
            except RequestFailed:
                self.pc.cookies.clear()  # the next learner starts afresh
            except _TimeUp:
                return

    def round(self, name: str) -> None:
        pc, lessons = self.pc, f"/courses/{self.course.id}/lessons/"
        pc.page("page", "/learners/new")
        pc.post("sign in", "/learners/new", {"name": name, "kind": "none"})
        self.written[name]["profile", ""] += 1
        pc.page("page", "/")
        for lesson in self.course.lessons:
            quiz = self.quizzes.get(lesson.id)
            url = lessons + lesson.id
            if quiz is not None and quiz.settings.assessment:
                self.test(name, url, lesson.id, quiz)
                continue
            html = self.read(name, url, lesson.id)
            if quiz is not None:
                fields = right_fields(html, quiz)
                asked = next(question.id for question in quiz.questions if not isinstance(question, Description))
                pc.post("self-check", url + "/quiz", {"attempt": ATTEMPT.search(html).group(1), "check": asked,
                                                      **fields})
                self.written[name]["attempt", lesson.id] += 1
                self.read(name, url, lesson.id)
        pc.post("sign out", "/learners/sign-out")

    def read(self, name: str, url: str, lesson_id: str, seconds: float | None = None) -> str:
        """Open a lesson page as a browser does (its script reports it shown), read it, leave it."""
        html = self.pc.page("page", url)
        visit = json.loads(self.pc.request("opened", "POST", url + "/opened", json_body={})[0])["visit"]
        self.written[name]["launched", lesson_id] += 1
        self.pause(seconds or self.reading_time())
        self.pc.post("time", "/activity/end", {"visit": visit}, expect=204)
        self.written[name]["experienced", lesson_id] += 1
        return html

    def test(self, name: str, url: str, lesson_id: str, quiz) -> None:
        """Take the test: answer every question (longer than reading), the summary, submit, the results."""
        html = self.read(name, url, lesson_id, 2 * self.reading_time())
        fields = {"attempt": ATTEMPT.search(html).group(1), **right_fields(html, quiz)}
        self.pc.page("page", self.pc.post("other write", url + "/quiz/summary", fields))
        results = self.pc.post("test", url + "/quiz", fields)
        self.written[name]["attempt", lesson_id] += 1
        self.pc.page("page", results)

    def reading_time(self) -> float:
        """Seconds on a page: from 1 s (time under 1 s is not recorded) to twice the mean less 1 s; none when
        warming up (read_seconds 0)."""
        return self.random.uniform(1.0, 2 * self.read_seconds - 1.0) if self.read_seconds else 0.0

    def pause(self, seconds: float) -> None:
        if time.perf_counter() + seconds >= self.deadline:
            raise _TimeUp
        time.sleep(seconds)


class _TimeUp(Exception):
    """The learner's time is over before the next request."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30, help="PCs of the class at once (default 30)")
    parser.add_argument("--seconds", type=float, default=60, help="how long each PC works (default 60)")
    parser.add_argument("--read", type=float, default=1.5,
                        help="mean seconds a learner stays on a lesson page, at least 1.25 (default 1.5)")
    parser.add_argument("--ramp", type=float, default=5,
                        help="the PCs start one after another over this many seconds (default 5; 0: all at once)")
    parser.add_argument("--course", type=Path, default=PROJECT / "content" / "dich-vu-cong")
    args = parse_args(parser, quick={"learners": 4, "seconds": 3, "ramp": 1})
    require("psutil", purpose="benchmarks/centre.py")
    if args.learners < 1 or args.learners > 240 or args.read < 1.25:
        parser.error("--learners must be 1-240 and --read at least 1.25")
    _require_addresses(args.learners)
    with tempfile.TemporaryDirectory(prefix="tramhoc-bench-centre-") as temp:
        return run(Path(temp), args)


def _require_addresses(learners: int) -> None:
    """Exit 2 when this machine cannot connect from the PCs' loopback addresses (macOS has only 127.0.0.1)."""
    last = f"127.0.0.{FIRST_CLIENT + learners - 1}"
    try:
        with socket.socket() as probe:
            probe.bind((last, 0))
    except OSError as error:
        print(f"cannot use {last} as a client address ({error}): the PCs need 127.0.0.{FIRST_CLIENT}-{last}",
              file=sys.stderr)
        sys.exit(2)


def run(root: Path, args) -> int:
    import psutil

    from builder.build import build
    from courses import Bundle
    from courses.quiz import load_quizzes
    from player.app import create_app
    from player.web import server
    from player.web.services import services

    bundle = build(args.course, root / "dist", use_cache=False)
    with Bundle(bundle) as opened:
        course = opened.course
        quizzes = load_quizzes(opened)
    data = root / "data"
    services(create_app(data)).library.install(bundle, allow_unverified=True)
    (root / "bare.py").write_text(BARE_APP, encoding="utf-8")
    settings = [str(value) for value in (server.THREADS, server.CONNECTION_LIMIT, server.IDLE_SECONDS,
                                         server.CHECK_SECONDS)]
    player = lambda port: [sys.executable, "-m", "player", "--data", str(data), "serve", "--lan",  # noqa: E731
                           "--host", HOST, "--port", str(port)]
    bare = lambda port: [sys.executable, str(root / "bare.py"), str(port), *settings]  # noqa: E731
    durable = lambda port: [*bare(port), str(root / "bare-writes")]  # noqa: E731

    print("== tramhoc centre benchmark: a class on one player in LAN mode ==")
    for line in environment_lines():
        print(line)
    print(f"course {course.id} {course.version}: {len(course.lessons)} lessons, "
          f"{sum(not q.settings.assessment for q in quizzes.values())} with self-checks, "
          f"{sum(q.settings.assessment for q in quizzes.values())} test")
    print(f"{args.learners} PCs (127.0.0.{FIRST_CLIENT}-{FIRST_CLIENT + args.learners - 1}) for {args.seconds:g} s "
          f"each, starting over {args.ramp:g} s, reading {args.read:g} s a page on average; waitress threads "
          f"{server.THREADS}")
    print()
    figures = {}
    for name, command in (("player", player), ("bare", bare), ("bare, durable writes", durable)):
        print(f"{name}: {args.learners} PCs for {args.seconds:g} s ...", file=sys.stderr, flush=True)
        figures[name] = _load(command, root / f"{name}.log", args, course, quizzes, psutil)
    for name, (pcs, learners, cpu, wall, load) in figures.items():
        print(f"{name}: {sum(len(v) for pc in pcs for v in pc.timings.values())} requests in {wall:.1f} s, "
              f"server CPU {cpu:.1f} s = {100 * cpu / wall:.0f} % of one core; load average {load:.1f} at the end")
        _table(pcs, figures["bare"][0] if name != "bare" else None)
        print()
    player_pcs, player_learners = figures["player"][0], figures["player"][1]
    p95 = _p95(player_pcs)
    bare_p95 = _p95(figures["bare"][0])
    errors = [error for name in figures for pc in figures[name][0] for error in pc.errors]
    acknowledged, missing = _check_writes(data, player_learners)
    print(f"player p95 {p95:.1f} ms   target <= {TARGET_P95_MS} ms   {verdict(p95 <= TARGET_P95_MS)}")
    print(f"player p95 / bare p95 {p95 / bare_p95:.2f} x   target <= {TARGET_VS_BARE} x   "
          f"{verdict(p95 / bare_p95 <= TARGET_VS_BARE)}")
    print(f"player p95 / bare p95 with durable writes {p95 / _p95(figures['bare, durable writes'][0]):.2f} x   "
          f"(info: the bare app keeping each POST as the store keeps a write, two fsyncs)")
    print(f"errors {len(errors)}   target 0   {verdict(not errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    print(f"acknowledged writes {acknowledged}, on disk {acknowledged - missing}   "
          f"{verdict(missing == 0)}")
    return 1 if errors or missing else 0


def _load(command, log: Path, args, course, quizzes: dict, psutil):
    """Start a server, let the PCs work against it, stop it; (PCs, learners, server CPU s, wall s, the
    machine's load average over the last minute at the end: other programs' share of the cores)."""
    port = free_port(HOST)
    with open(log, "wb") as out:
        process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT)
    try:
        _wait_until_listening(process, port, log)
        proc = psutil.Process(process.pid)
        warm = PC(-1, port)  # one untimed round without reading, from 127.0.0.9: templates compiled, files cached
        Learner(warm, -1, course, quizzes, 0).round("Khởi động")
        warm.close()
        pcs = [PC(number, port) for number in range(args.learners)]
        learners = [Learner(pc, number, course, quizzes, args.read) for number, pc in enumerate(pcs)]
        cpu_before, start = sum(proc.cpu_times()[:2]), time.perf_counter()
        offsets = [args.ramp * number / args.learners for number in range(args.learners)]
        threads = [threading.Thread(target=learner.run, args=(start + offset, start + offset + args.seconds))
                   for learner, offset in zip(learners, offsets)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall, cpu = time.perf_counter() - start, sum(proc.cpu_times()[:2]) - cpu_before
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        for pc in pcs:
            pc.close()
    finally:
        stop(process)
    return pcs, learners, cpu, wall, load


def _wait_until_listening(process, port: int, log: Path) -> None:
    deadline = time.perf_counter() + START_DEADLINE
    while f"http://{HOST}:{port}/".encode() not in log.read_bytes():
        if process.poll() is not None or time.perf_counter() > deadline:
            raise SystemExit(f"server did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.01)


def _table(pcs: list[PC], reference: list[PC] | None = None) -> None:
    """p50 / p95 / p99 / max per kind of request and overall (with p95 against `reference`'s, when given)."""
    kinds, reference_kinds = _by_kind(pcs), _by_kind(reference or [])
    for kind, ordered in kinds.items():
        line = (f"  {kind:<12} n {len(ordered):>6}   p50 {1000 * percentile(ordered, 50):7.1f} ms   "
                f"p95 {1000 * percentile(ordered, 95):7.1f} ms   p99 {1000 * percentile(ordered, 99):7.1f} ms   "
                f"max {1000 * ordered[-1]:7.1f} ms")
        if reference_kinds.get(kind):
            line += f"   p95 / bare {percentile(ordered, 95) / percentile(reference_kinds[kind], 95):5.1f} x"
        print(line)


def _by_kind(pcs: list[PC]) -> dict[str, list[float]]:
    kinds: dict[str, list[float]] = defaultdict(list)
    for pc in pcs:
        for kind, values in pc.timings.items():
            kinds[kind] += values
    kinds["all"] = [value for values in kinds.values() for value in values]
    return {kind: sorted(values) for kind, values in kinds.items()}


def _p95(pcs: list[PC]) -> float:
    return 1000 * percentile(_by_kind(pcs)["all"], 95)


def _check_writes(data: Path, learners: list[Learner]) -> tuple[int, int]:
    """(acknowledged writes, how many of them are not on disk), reading the stopped player's data folder."""
    from player.paths import DataPaths
    from player.store import Store
    from player.xapi.vocabulary import parse_activity, verb_name

    written: dict[str, Counter] = {name: tally for learner in learners for name, tally in learner.written.items()}
    store = Store(DataPaths(data))
    found: dict[str, Counter] = {}
    for row in store.learners.learners():
        tally = found.setdefault(row["name"], Counter())
        tally["profile", ""] += 1
        for statement in store.learners.statements(row["id"]):
            activity = parse_activity(statement["object"]["id"])
            verb = verb_name(statement)
            if activity is None or activity.lesson_id is None:
                continue
            if activity.quiz and verb in ("completed", "passed", "failed"):
                tally["attempt", activity.lesson_id] += 1
            elif not activity.quiz and verb in ("launched", "experienced"):
                tally[verb, activity.lesson_id] += 1
    acknowledged = sum(sum(tally.values()) for tally in written.values())
    missing = sum(sum((tally - found.get(name, Counter())).values()) for name, tally in written.items())
    return acknowledged, missing


if __name__ == "__main__":
    sys.exit(main())
