"""`report --lrs`: the report straight from a real Ralph LRS holding a few thousand statements the player
wrote gives every CSV file as the report over the results files of the same statements (the centres' last
export aside: from an LRS, the last sync; the class files as far as statements tell a class); a read cut
by the network or by Ctrl+C goes on with `--resume` and counts each statement once; `--since` and `--until`
read only those days; a `more` link to another host, a page of the wrong shape and pages that go round in a
circle are refused."""

import csv
import io
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from support.centres import C1, DEVICE_A, DEVICE_B, export, scenario
from support.class_results import K1, centre_a, class_record, exported
from support.lrs import PASSWORD, USER, Proxy, Ralph, require_ralph
from support.statements import many, scope
from support.stub_lrs import reply

from player.cli import main
from player.results import lrsread
from player.results.figures import Figures, parse_timestamp
from player.results.lrs import LrsClient, LrsError
from player.xapi import vocabulary as xapi

ROOT = Path(__file__).resolve().parents[1]
ZONE = timezone(timedelta(hours=7))
DEVICE_C = scope("x").device_id
DEVICE_K = "dddddddd-4444-4444-8444-444444444444"  # class K1's computer: its statements name the class
CLASS_K1 = (K1, "Lớp DVC thôn Đông")
CLASS_FILES = ("classes.csv", "class_learners.csv", "class_attendance.csv", "class_questions.csv",
               "class_centres.csv")
NOT_IN_STATEMENTS = {"classes.csv": ("Trainer", "Place", "First day", "Last day", "Learners enrolled"),
                     "class_attendance.csv": ("Learners enrolled",), "class_centres.csv": ("Learners enrolled",)}
BULK_LEARNERS, BULK_EACH = 24, 125  # 3,000 statements on a third computer
PAGE = 100  # Ralph sends at most 100 a page (RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT)


def bulk() -> list[dict]:
    """The third computer's learners, the n-th on the n-th day after the first (for --since and --until)."""
    return [{**statement, "timestamp": xapi.timestamp(parse_timestamp(statement["timestamp"]) + timedelta(days=number))}
            for number in range(BULK_LEARNERS) for statement in many(BULK_EACH, f"hv-{number:02d}")]


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    """A Ralph of this module's own holding the statements of three computers, and their results files:
    two overlapping exports of computer A (the first under the centre's old name), one of B (with an invalid
    statement, which Ralph stores too), one of C, and one of K: class K1 of four learners, one not started."""
    work = tmp_path_factory.mktemp("lrs-report")
    server = Ralph(require_ralph(), work / "ralph")
    first, added, device_b = scenario()
    bulk_statements = bulk()
    files = work / "usb"
    in_class = centre_a(DEVICE_K, [CLASS_K1])
    k1 = class_record(K1, CLASS_K1[1], ["c1", "c2", "c3", "c4"], "2025-10-01", "2025-10-10")
    exported(files, work, "k", in_class, "Xã Tân Lập", DEVICE_K, [k1], datetime(2025, 10, 3, tzinfo=timezone.utc))
    export(files, work, "a1", first, "Xa Tan Lap (ten cu)", DEVICE_A, datetime(2025, 10, 2, tzinfo=timezone.utc))
    export(files, work, "a2", first + added, "Xã Tân Lập", DEVICE_A, datetime(2025, 10, 9, tzinfo=timezone.utc))
    export(files, work, "b", device_b, "Phường Hòa Bình", DEVICE_B, datetime(2025, 10, 5, tzinfo=timezone.utc))
    export(files, work, "c", bulk_statements, "Xã Tân Lập", DEVICE_C, datetime(2025, 10, 5, tzinfo=timezone.utc))
    every = first + added + device_b + bulk_statements + in_class
    client = LrsClient(server.endpoint, USER, PASSWORD)
    sent_at = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    for start in range(0, len(every), 500):
        assert client.post(every[start:start + 500])[0] == 200
    try:
        yield {"server": server, "sent_at": sent_at, "files": files, "statements": every, "work": work,
               "parts": {DEVICE_A: ("Xã Tân Lập", first + added), DEVICE_B: ("Phường Hòa Bình", device_b),
                         DEVICE_C: ("Xã Tân Lập", bulk_statements)}}
    finally:
        server.stop()


@pytest.fixture(scope="module")
def from_files(lrs):
    """The CSV files of the report over the results files."""
    out = lrs["work"] / "from-files"
    assert main(["report", str(lrs["files"]), "-o", str(out), "--lang", "en"]) == 0
    return csvs(out)


def csvs(folder: Path) -> dict[str, bytes | list[list[str]]]:
    """Every CSV file's bytes (the class files' and centres.csv's rows); the centres' "Last export" (from an
    LRS: when it stored the centre's newest record) is taken out and kept apart, under "last export"."""
    found = {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}
    assert all(len(found[name]) > 200 for name in ("centres.csv", "courses.csv", "learners.csv", "questions.csv"))
    found.update({name: rows(found[name]) for name in ("centres.csv", *CLASS_FILES)})
    column = found["centres.csv"][0].index("Last export")
    found["last export"] = [row[column] for row in found["centres.csv"][1:]]
    found["centres.csv"] = [row[:column] + row[column + 1:] for row in found["centres.csv"]]
    return found


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def as_statements_tell(from_files: dict) -> dict:
    """The report over files as statements can tell it: no class's trainer, place, days or number enrolled
    (those cells empty), no learner of a class who has not started."""
    told = dict(from_files)
    for name in CLASS_FILES:
        head, *body = from_files[name]
        unknown = {head.index(title) for title in NOT_IN_STATEMENTS.get(name, ())}
        started = head.index("Started") if name == "class_learners.csv" else None
        told[name] = [head] + [["" if index in unknown else cell for index, cell in enumerate(row)] for row in body
                               if started is None or row[started] == "yes"]
    return told


def same_figures(from_lrs: dict, from_files: dict, read_from: datetime) -> None:
    """Equal files (the class files as statements tell them), and each centre's last sync between `read_from`
    (when its statements were sent) and now."""
    assert {**from_lrs, "last export": None} == {**as_statements_tell(from_files), "last export": None}
    earliest = read_from.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
    latest = datetime.now(ZONE).strftime("%Y-%m-%d %H:%M")
    assert all(earliest <= synced <= latest for synced in from_lrs["last export"]), from_lrs["last export"]


def lrs_args(endpoint: str, out: Path, *more: str) -> list[str]:
    return ["report", "--lrs", endpoint, "--user", USER, "--password", PASSWORD, "-o", str(out), "--lang", "en",
            "--page-size", str(PAGE), *more]


@pytest.mark.slow
def test_the_report_from_the_lrs_equals_the_report_from_files_of_the_same_statements(lrs, from_files, tmp_path,
                                                                                     capsys):
    out = tmp_path / "from-lrs"
    assert main(lrs_args(lrs["server"].endpoint, out)) == 0
    same_figures(csvs(out), from_files, lrs["sent_at"])
    assert len(from_files["learners.csv"].splitlines()) > BULK_LEARNERS + 5
    classes = dict(zip(*from_files["classes.csv"]))  # what the files knew and the LRS cannot (blank there)
    assert (classes["Trainer"], classes["First day"], classes["Learners enrolled"]) == ("Cô Hạnh", "2025-10-01", "4")
    # c4 has not started: shown by id, in Vietnamese order among the names
    assert [row[5] for row in from_files["class_learners.csv"][1:]] == ["c4", "c3", "c1", "c2"]
    assert (classes["Started"], classes["Average gain (points)"]) == ("3", "67")
    total = len(lrs["statements"])
    pages = -(-total // PAGE) + (total % PAGE == 0)  # Ralph offers an empty last page after a full one
    captured = capsys.readouterr()
    progress = [line for line in captured.err.splitlines() if line.startswith("LRS: ")]
    assert len(progress) == pages and f"{total} records read" in progress[-1]
    assert f"{total} records read from {lrs['server'].endpoint}statements (pages: {pages}), {total - 1} counted " \
           "(0 duplicates, 1 invalid)" in captured.out
    assert "score.raw: must lie between min and max" in captured.err
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Read from a Learning Record Store" in page and "Only results files carry the computers' names" in page
    assert "files read" not in page
    class_page = (out / f"class-{K1}.html").read_text(encoding="utf-8")
    assert "its records name the class, not its trainer, place, days or enrolled learners" in class_page
    assert not (out / lrsread.CACHE_FOLDER).exists(), "the cache outlived the report"


@pytest.mark.slow
def test_a_read_cut_by_the_network_goes_on_with_resume_and_counts_each_statement_once(lrs, from_files, tmp_path):
    proxy = Proxy(lrs["server"].port)
    out = tmp_path / "report"
    client = LrsClient(proxy.endpoint, USER, PASSWORD, timeout=10)

    def cut_after_three_pages(done):
        if done.pages == 3:
            proxy.go_down()

    try:
        with pytest.raises(LrsError, match="broke off"):
            lrsread.read_lrs(client, USER, out, Figures(), page_size=PAGE, progress=cut_after_three_pages,
                             retries=1, first_wait=0)
        cached = (out / lrsread.CACHE_FOLDER / "statements.jsonl").read_bytes().splitlines()
        assert len(cached) == 3 * PAGE
        proxy.come_up()
        report = lrsread.build_lrs_report(client, USER, out, "en", page_size=PAGE, resume=True)
    finally:
        proxy.close()
    assert report.log.resumed_from == 3 * PAGE
    assert (report.log.statements, report.log.duplicates) == (len(lrs["statements"]), 0)
    same_figures(csvs(out), from_files, lrs["sent_at"])


@pytest.mark.slow
def test_ctrl_c_stops_the_read_with_a_message_and_resume_finishes_it(lrs, from_files, tmp_path, capsys):
    out = tmp_path / "report"
    command = [sys.executable, "-m", "player", *lrs_args(lrs["server"].endpoint, out, "--page-size", "50")]
    reader = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    first = reader.stderr.readline()
    assert first.startswith("LRS: page 1, 50 records read"), first
    reader.send_signal(signal.SIGINT)
    stdout, stderr = reader.communicate(timeout=60)
    assert reader.returncode == 130, stderr
    assert "report stopped on request (Ctrl+C)." in stderr and "run the same command with --resume" in stderr
    assert "Traceback" not in stderr
    assert not (out / "index.html").exists()
    capsys.readouterr()

    assert main(lrs_args(lrs["server"].endpoint, out, "--page-size", "50", "--resume")) == 0
    same_figures(csvs(out), from_files, lrs["sent_at"])
    captured = capsys.readouterr()
    read_before = int(captured.err.split("Went on from ")[1].split()[0])
    assert 50 <= read_before < len(lrs["statements"])
    assert f"{len(lrs['statements']) - 1} counted (0 duplicates, 1 invalid)" in captured.out


@pytest.mark.slow
def test_since_and_until_read_only_the_statements_of_those_days(lrs, tmp_path):
    files = tmp_path / "usb"
    for device, (centre, statements) in lrs["parts"].items():
        days = [s for s in statements if "2025-10-10" <= parse_timestamp(s["timestamp"]).astimezone(ZONE).date()
                .isoformat() <= "2025-10-20"]
        if days:
            export(files, tmp_path, device[:8], days, centre, device, datetime(2025, 10, 21, tzinfo=timezone.utc))
    period = ["--since", "2025-10-10", "--until", "2025-10-20"]
    assert main(["report", str(files), "-o", str(tmp_path / "files"), "--lang", "en", *period]) == 0
    assert main(lrs_args(lrs["server"].endpoint, tmp_path / "lrs", *period)) == 0
    same_figures(csvs(tmp_path / "lrs"), csvs(tmp_path / "files"), lrs["sent_at"])
    assert len(csvs(tmp_path / "lrs")["learners.csv"].splitlines()) == 1 + 11  # a header, those days' learners
    page = (tmp_path / "lrs" / "index.html").read_text(encoding="utf-8")
    assert "Only the records from 2025-10-10 on." in page and "Only the records up to 2025-10-20." in page


def statement_page(more: str | None) -> dict:
    made = many(1, "hv-stub")
    return {"statements": made, **({"more": more} if more else {})}


@pytest.mark.parametrize("more", ["http://127.0.0.1:{other}/xAPI/statements?page=2", "//127.0.0.1:{other}/p2",
                                  "https://127.0.0.1:{port}/xAPI/statements?page=2"])
def test_a_more_link_to_another_host_is_refused_and_nothing_is_sent_there(tmp_path, stub, more, capsys):
    elsewhere = stub(lambda request: reply(200, statement_page(None)))
    lrs = stub(lambda request: reply(200, statement_page(more.format(other=elsewhere.port, port=lrs.port))))
    assert main(lrs_args(lrs.endpoint, tmp_path / "out")) == 1
    assert len(lrs.requests) == 1 and elsewhere.requests == []
    request = lrs.requests[0]
    assert request.method == "GET" and request.target == f"/xAPI/statements?limit={PAGE}"
    assert request.headers["x-experience-api-version"] == "1.0.3"
    assert request.headers["authorization"].startswith("Basic ")
    err = capsys.readouterr().err
    assert "its next page of records on another host" in err and "It was not read" in err
    assert "--resume" in err


def test_a_relative_more_link_is_followed_on_the_same_lrs(tmp_path, stub):
    pages = iter([statement_page("/xAPI/statements?page=2"), statement_page("statements?page=3"), statement_page(None)])
    lrs = stub(lambda request: reply(200, next(pages)))
    report = lrsread.build_lrs_report(LrsClient(lrs.endpoint, USER, PASSWORD), USER, tmp_path / "out", "en")
    assert [request.target for request in lrs.requests] == ["/xAPI/statements?limit=500", "/xAPI/statements?page=2",
                                                            "/xAPI/statements?page=3"]
    assert (report.log.pages, report.log.statements) == (3, 3)


@pytest.mark.parametrize("body", [[], {"statements": {}}, {"statements": [{"verb": {}}]}, {"statements": [1]},
                                  {"statements": [], "more": 3}, "<html>not an LRS</html>"])
def test_a_page_of_the_wrong_shape_is_refused(tmp_path, stub, body):
    lrs = stub(lambda request: reply(200, body))
    with pytest.raises(LrsError, match="something other than a list of statements|not JSON") as raised:
        lrsread.build_lrs_report(LrsClient(lrs.endpoint, USER, PASSWORD), USER, tmp_path / "out", "en")
    assert raised.value.kind == "answer"
    assert not (tmp_path / "out" / "index.html").exists()


def test_the_password_comes_from_the_environment_and_files_and_lrs_do_not_mix(tmp_path, stub, monkeypatch, capsys):
    lrs = stub(lambda request: reply(200, statement_page(None)))
    monkeypatch.setenv("TRAMHOC_LRS_PASSWORD", "tu-bien-moi-truong")
    assert main(["report", "--lrs", lrs.endpoint, "--user", USER, "-o", str(tmp_path / "out"), "--lang", "en"]) == 0
    assert lrs.requests[0].headers["authorization"] == "Basic dHJhbWhvYzp0dS1iaWVuLW1vaS10cnVvbmc="
    assert main(["report", str(tmp_path), "--lrs", lrs.endpoint, "--user", USER, "-o", str(tmp_path / "o2"),
                 "--lang", "en"]) == 2
    assert main(["report", "-o", str(tmp_path / "o3"), "--lang", "en"]) == 2
    assert capsys.readouterr().err.count("give results files or folders, or --lrs URL (not both)") == 2
    with pytest.raises(SystemExit, match="2"):
        main(lrs_args(lrs.endpoint, tmp_path / "o4", "--since", "last week"))
    assert "'last week' is not a day like 2025-10-01" in capsys.readouterr().err


def test_without_a_password_the_report_asks_for_it_in_a_terminal_and_stops_elsewhere(tmp_path, stub, monkeypatch,
                                                                                     capsys):
    lrs = stub(lambda request: reply(200, statement_page(None)))
    monkeypatch.delenv("TRAMHOC_LRS_PASSWORD", raising=False)
    command = ["report", "--lrs", lrs.endpoint, "--user", USER, "-o", str(tmp_path / "out"), "--lang", "en"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: nobody to ask
    assert main(command) == 2
    assert "give --user and --password (or TRAMHOC_LRS_PASSWORD) with --lrs" in capsys.readouterr().err
    assert lrs.requests == []
    asked = []
    monkeypatch.setattr(sys, "stdin", type("Terminal", (io.StringIO,), {"isatty": lambda self: True})())
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "go-vao")
    assert main(command) == 0
    assert asked == [f"Password for {USER} at the LRS: "]
    assert lrs.requests[0].headers["authorization"] == "Basic dHJhbWhvYzpnby12YW8="


def test_since_and_until_are_whole_days_in_the_centres_zone():
    assert lrsread.period_query("2025-10-01", "2025-10-02", ZONE) == {"since": "2025-09-30T17:00:00.000Z",
                                                                     "until": "2025-10-02T16:59:59.999Z"}
    assert lrsread.period_query(None, "2025-10-02", ZONE) == {"until": "2025-10-02T16:59:59.999Z"}
    assert lrsread.period_query(None, None, ZONE) == {}



def test_pages_that_go_round_in_a_circle_end_the_read(tmp_path, stub):
    same = statement_page(None)["statements"]
    lrs = stub(lambda request: reply(200, {"statements": same,
                                           "more": f"/xAPI/statements?page={len(lrs.requests) + 1}"}))
    with pytest.raises(LrsError, match="go round in a circle"):
        lrsread.build_lrs_report(LrsClient(lrs.endpoint, USER, PASSWORD), USER, tmp_path / "out", "en")
    assert len(lrs.requests) == 2


def test_the_classes_come_from_the_records_with_what_they_do_not_say_left_empty(tmp_path, stub):
    """Issue 19 #5: the class tables from an LRS: each class the statements' grouping names, with the courses
    and learners seen in it, their figures as from files; trainer, place, days and "enrolled" left empty, and
    said so on the class's page and the period's; an old player's statements (no class) add no class."""
    made = centre_a(DEVICE_K, [CLASS_K1]) + many(3, "hv-cu")
    lrs = stub(lambda request: reply(200, {"statements": made}))
    lrsread.build_lrs_report(LrsClient(lrs.endpoint, USER, PASSWORD), USER, tmp_path / "out", "en")
    out = tmp_path / "out"
    found = {name: rows((out / name).read_bytes()) for name in CLASS_FILES}
    head, *classes = found["classes.csv"]
    assert classes == [[K1, CLASS_K1[1], "Xã Tân Lập", "", "", "", "", C1[1], "", "3", "1", "2", "22", "100", "67"]]
    assert [row[4:] for row in found["class_learners.csv"][1:]] == [
        ["Lê Văn Cường", "c3", "yes", "no", "no", "0", "", ""],
        ["Nguyễn Văn An", "c1", "yes", "yes", "yes", "33", "100", "67"],
        ["Trần Thị Bình", "c2", "yes", "no", "yes", "33", "100", "67"]]
    assert [row[3:] for row in found["class_attendance.csv"][1:]] == [["2025-10-01", "3", ""], ["2025-10-02", "1", ""]]
    assert [row[4:] for row in found["class_questions.csv"][1:]] == [
        ["q-matkhau", "Mật khẩu nào an toàn nhất?", "3", "0", "3", "67"],
        ["q-otp", "Có nên đọc mã OTP cho người lạ?", "3", "33", "3", "100"],
        ["q-vneid", "VNeID mức 2 dùng được cho dịch vụ công.", "3", "33", "3", "100"]]
    assert found["class_centres.csv"][1:] == [["Xã Tân Lập", "1", "", "3", "1", "2", "22", "100", "67"],
                                              ["All centres", "1", "", "3", "1", "2", "22", "100", "67"]]
    page = (out / f"class-{K1}.html").read_text(encoding="utf-8")
    assert "its records name the class, not its trainer, place, days or enrolled learners" in page
    assert "Days" not in page
    period = (out / "period.html").read_text(encoding="utf-8")
    assert "“Learners enrolled” stays empty" in period and "All classes named in the records" in period
    assert "who is enrolled is not known" in (out / "index.html").read_text(encoding="utf-8")
