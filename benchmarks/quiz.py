#!/usr/bin/env python3
"""Quiz benchmark: latency of a test's lesson page and of submitting an attempt, through the Flask app.

    .venv/bin/python benchmarks/quiz.py [--requests 200] [--course content/dich-vu-cong] [--lesson ID]

Builds the course (by default the real course "dich-vu-cong"), installs it into a temporary data folder
and drives the player with Flask's test client (no HTTP server), the store writing to disk with fsync as
in production. Timed, --requests of each, p50 / p95 / max in ms:

  lesson (reference)   GET of the course's first lesson (no questions)
  quiz page            GET of the final test's page: the attempt's questions drawn, placed in the lesson
                       HTML, rendered from their public view
  submit               POST of a whole attempt (every question answered right): the form read, graded, one
                       durable write of the attempt's xAPI statements, redirect
  results              GET of the attempt's results page

Learners take turns (a new learner whenever the test's attempt limit is reached), so the store grows as
it would. Ratios are against the reference lesson page measured in the same run.
"""

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder would come first on sys.path, where benchmarks/player.py would shadow the
# player package: the project root goes there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])
from benchmarks import _common  # noqa: E402

from builder.build import build  # noqa: E402
from courses import Bundle  # noqa: E402
from courses.quiz import Description, item_keys, load_quiz, matching_options  # noqa: E402
from player.app import create_app  # noqa: E402
from player.quizzes.form import field_name  # noqa: E402
from player.web.services import services  # noqa: E402

TARGET_P95_MS = 50


def csrf(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def new_learner(app, number: int):
    client = app.test_client()
    token = csrf(client)
    response = client.post("/learners/new", data={"name": f"Học viên {number}", "kind": "none", "csrf_token": token})
    assert response.status_code == 303, response.status_code
    return client, csrf(client)


def right_fields(html: str, quiz) -> dict:
    """Every question asked on the page answered right, from the key (as a learner who knows it would)."""
    fields = {}
    for question in quiz.questions:
        if isinstance(question, Description) or f'id="q-{question.id}"' not in html:
            continue
        name = field_name(question.id)
        if question.type in ("single", "multiple"):
            keys = item_keys(question.id, "choice", [choice.text for choice in question.choices])
            fields[name] = [key for key, choice in zip(keys, question.choices) if choice.weight > 0]
        elif question.type == "truefalse":
            fields[name] = str(question.correct).lower()
        elif question.type == "matching":
            prompts = [pair for pair in question.pairs if pair.left]
            options = matching_options(question)
            option_keys = dict(zip(options, item_keys(question.id, "option", options)))
            for key, pair in zip(item_keys(question.id, "prompt", [p.left for p in prompts]), prompts):
                fields[field_name(question.id, key)] = option_keys[pair.right]
        elif question.type == "ordering":
            for position, key in enumerate(item_keys(question.id, "step", question.steps), 1):
                fields[field_name(question.id, key)] = str(position)
        elif question.type in ("short", "numeric"):
            fields[name] = question.answers[0].text if question.type == "short" else f"{question.answers[0].low:g}"
        else:
            fields[name] = "Bước tìm thủ tục khó nhất."
    return fields


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def summary(name: str, values: list[float], reference: list[float] | None = None) -> str:
    ordered = sorted(values)
    p50, p95 = _common.percentile(ordered, 50), _common.percentile(ordered, 95)
    line = f"{name:<20} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   max {ordered[-1]:7.2f} ms   (n={len(values)})"
    if reference:
        line += f"   p95 / reference {p95 / _common.percentile(sorted(reference), 95):5.2f}"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--course", type=Path, default=_common.PROJECT / "content" / "dich-vu-cong")
    parser.add_argument("--lesson", default="kiem-tra-cuoi-khoa", help="the test lesson to take")
    args = _common.parse_args(parser, quick={"requests": 10})
    with tempfile.TemporaryDirectory(prefix="tramhoc-quiz-bench-") as folder:
        folder = Path(folder)
        bundle = build(args.course, folder / "dist", use_cache=False)
        with Bundle(bundle) as opened:
            course, quiz = opened.course, load_quiz(opened, args.lesson)
        app = create_app(folder / "data")
        services(app).library.install(bundle, allow_unverified=True)
        first = f"/courses/{course.id}/lessons/{course.lessons[0].id}"
        quiz_url = f"/courses/{course.id}/lessons/{args.lesson}"
        limit = quiz.settings.attempts or args.requests
        times = {"lesson": [], "quiz": [], "submit": [], "results": []}
        learners, client, token, used = 0, None, "", limit
        for number in range(2):  # warm-up: templates compiled, bundle and quiz read
            warm, warm_token = new_learner(app, 100_000 + number)
            warm.get(first)
            html = warm.get(quiz_url).get_data(as_text=True)
            attempt = re.search(r'name="attempt" value="([0-9a-f]{32})"', html).group(1)
            done = warm.post(f"{quiz_url}/quiz", data={"csrf_token": warm_token, "attempt": attempt,
                                                       **right_fields(html, quiz)})
            warm.get(done.headers["Location"])
        for _ in range(args.requests):
            if used >= limit:
                learners += 1
                client, token = new_learner(app, learners)
                used = 0
            spent, response = timed(lambda: client.get(first))
            times["lesson"].append(spent)
            spent, response = timed(lambda: client.get(quiz_url))
            times["quiz"].append(spent)
            html = response.get_data(as_text=True)
            attempt = re.search(r'name="attempt" value="([0-9a-f]{32})"', html).group(1)
            data = {"csrf_token": token, "attempt": attempt, **right_fields(html, quiz)}
            spent, response = timed(lambda: client.post(f"{quiz_url}/quiz", data=data))
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
            times["submit"].append(spent)
            used += 1
            spent, response = timed(lambda: client.get(response.headers["Location"]))
            assert response.status_code == 200
            times["results"].append(spent)
        asked = len(re.findall(r'<fieldset class="question ', html))
        print(f"course {course.id} {course.version}, test '{args.lesson}': {asked} questions asked per attempt; "
              f"{args.requests} attempts by {learners} learners")
        for line in _common.environment_lines():
            print(line)
        print(summary("lesson (reference)", times["lesson"]))
        print(summary("quiz page", times["quiz"], times["lesson"]))
        print(summary("submit", times["submit"], times["lesson"]))
        print(summary("results", times["results"], times["lesson"]))
        for name in ("quiz", "submit"):
            p95 = _common.percentile(sorted(times[name]), 95)
            print(f"target {name} p95 <= {TARGET_P95_MS} ms: {_common.verdict(p95 <= TARGET_P95_MS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
