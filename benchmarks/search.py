#!/usr/bin/env python3
"""Search benchmark: query latency over 2,000 installed lessons, next to a lesson page in the same run.

    .venv/bin/python benchmarks/search.py [--courses 10] [--lessons 200] [--queries 300] [--quick]

Generates the Vietnamese corpus (gen_corpus.py), builds it as --courses courses of --lessons lessons each
(the same lessons under other course ids), signs and installs them, and signs a learner in. Through
Flask's test client it then times the first search (which builds the index), --queries searches (plain
words, Telex, VNI, phrases; each query a different one of a fixed list, cycling) and as many lesson pages
(each a different lesson). Targets (issue 17): query p95 ≤ 20 ms, and ≤ 2× the lesson page p95.
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

TARGET_P95_MS = 20.0
TARGET_RATIO = 2.0
QUERIES = ("dich vu cong", "dịch vụ công", "dduwowngf", "duong", "cong6", "ho so", "nộp hồ sơ", "chữ ký số",
           "thu tuc", "tai khoan", "VNeID", "mat khau", "đăng nhập", "trực tuyến", "xa phuong", "le phi",
           "kiem tra", "giấy tờ", "nguoi dan", "cổng")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=10)
    parser.add_argument("--lessons", type=int, default=200)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--generator", help="path of gen_corpus.py (default $TRAMHOC_GEN_CORPUS or "
                                            "../shared/bench/gen_corpus.py beside the project)")
    args = _common.parse_args(parser, quick={"courses": 2, "lessons": 10, "queries": 40})
    from builder.build import build
    from courses.keys import generate
    from player.app import create_app
    from player.web.services import services

    print("== tramhoc search benchmark: queries over the installed courses, and a lesson page ==")
    for line in _common.environment_lines():
        print(line)
    with tempfile.TemporaryDirectory(prefix="tramhoc-bench-search-") as temp:
        root = Path(temp)
        corpus = root / "corpus"
        summary = _common.make_corpus(_common.generator_path(args.generator), corpus, args.lessons)
        publisher = generate("Trạm Học benchmarks")
        app = create_app(root / "data", {"TESTING": True})
        services(app).trust.add(publisher.public)
        config = (corpus / "course.yml").read_text(encoding="utf-8")
        lessons = []
        for number in range(args.courses):
            course_id = f"khoa-hoc-{number:02d}"
            (corpus / "course.yml").write_text(re.sub(r"^id: .*$", f"id: {course_id}", config, flags=re.M),
                                               encoding="utf-8")
            course = services(app).library.install(build(corpus, root / "dist", use_cache=False, signer=publisher))
            lessons += [f"/courses/{course.id}/lessons/{lesson.id}" for lesson in course.lessons]
        print(f"corpus: {summary}; {args.courses} courses installed, {len(lessons)} lessons")
        learner = services(app).store.learners.create({"name": "Người học thử", "colour": 0})
        client = app.test_client()
        with client.session_transaction() as session:
            session["learner"], session["seen"] = learner["id"], time.time()
        start = time.perf_counter()
        assert client.get("/search?q=dich+vu+cong").status_code == 200
        print(f"first search (builds the index of {len(lessons)} lessons): {time.perf_counter() - start:.2f} s; "
              f"index {services(app).paths.search_index.stat().st_size / 2**20:.1f} MiB")
        for url in lessons[:5] + [f"/search?q={QUERIES[1]}"]:  # warm: templates, bundles
            client.get(url)
        timings = {"lesson page": [], "search": []}
        for number in range(args.queries):
            for name, url in (("lesson page", lessons[number % len(lessons)]),
                              ("search", f"/search?q={QUERIES[number % len(QUERIES)]}")):
                began = time.perf_counter()
                response = client.get(url)
                timings[name].append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (url, response.status_code)
    for name, values in timings.items():
        values.sort()
        print(f"  {name:<12} p50 {_common.median(values):6.2f} ms   p95 {_common.percentile(values, 95):6.2f} ms"
              f"   max {values[-1]:6.2f} ms   (n={len(values)})")
    p95 = _common.percentile(timings["search"], 95)
    ratio = p95 / _common.percentile(timings["lesson page"], 95)
    print(f"search p95 {p95:.2f} ms (target ≤ {TARGET_P95_MS} ms: {_common.verdict(p95 <= TARGET_P95_MS)}); "
          f"search / lesson page p95 {ratio:.2f}× (target ≤ {TARGET_RATIO}×: {_common.verdict(ratio <= TARGET_RATIO)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
