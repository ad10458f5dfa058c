"""Sync to a real Ralph LRS (file-system backend, 127.0.0.1): a connection lost half-way, a stopped
network and a restart still deliver every statement exactly once, as the LRS's own GET API shows. Against
local stub servers: a redirect, a wrong address, a malformed, huge or slow answer never mark anything
delivered that the LRS did not store, and a run ends at its deadline or when cancelled."""

import json
import threading
import time
import urllib.parse
import uuid

import pytest
from support.lrs import PASSWORD, USER, free_port, ids_on_lrs
from support.sources import JsonLinesSource
from support.statements import many
from support.stub_lrs import dribble, endless, reply

from player.paths import DataPaths
from player.results.lrs import LrsClient, LrsError, RunControl, lrs_problem
from player.results.sync import Ledger, SyncSettings, run_sync_command, sync
from player.web.i18n import Language


def source_of(tmp_path, statements, name="statements.jsonl") -> JsonLinesSource:
    path = tmp_path / name
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in statements), encoding="utf-8")
    return JsonLinesSource(path, "Xã Tân Lập", "6b0d3c1e-2f4a-4d8b-9c1e-0a1b2c3d4e5f")


def test_lost_response_network_outage_and_restart_deliver_each_statement_once(ralph, proxy, tmp_path):
    learner = uuid.uuid4().hex
    statements = many(95, learner)
    source = source_of(tmp_path, statements)
    ledger_file = tmp_path / "ledger.txt"
    client = LrsClient(proxy.endpoint, USER, PASSWORD, timeout=10)
    proxy.lose_response_of(2)  # the second batch is stored, but its acknowledgement never comes back
    seen = []

    def watch(outcome):
        seen.append(outcome.done)
        if outcome.done >= 40:
            proxy.go_down()  # then the network goes away for good

    with pytest.raises(LrsError, match="broke off"):
        sync(source, client, Ledger(ledger_file), batch_size=10, progress=watch, retries=1, first_wait=0)
    assert proxy.lost == 1
    assert seen == [0, 10, 20, 30, 40]
    acknowledged = Ledger(ledger_file).ids  # read back from disk, as after a restart
    assert acknowledged == {s["id"] for s in statements[:40]}

    proxy.come_up()
    outcome = sync(source, client, Ledger(ledger_file), batch_size=10, retries=1, first_wait=0)
    assert (outcome.total, outcome.sent, outcome.already_there, outcome.rejected) == (55, 55, 0, [])

    on_lrs = ids_on_lrs(ralph, learner)
    assert set(on_lrs) == {s["id"] for s in statements}
    assert max(on_lrs.values()) == 1, f"duplicates on the LRS: {[i for i, n in on_lrs.items() if n > 1]}"
    assert sum(on_lrs.values()) == 95

    again = sync(source, client, Ledger(ledger_file), batch_size=10)
    assert (again.total, again.sent) == (0, 0)


def test_a_batch_the_lrs_partly_has_or_refuses_is_settled_statement_by_statement(ralph, tmp_path):
    learner = uuid.uuid4().hex
    statements = many(12, learner)
    client = LrsClient(ralph.endpoint, USER, PASSWORD)
    assert client.put(statements[0]) == 204  # sent earlier by a run whose ledger was lost
    changed = {**statements[1], "result": {"completion": False}}
    assert client.put(changed) == 204  # a different statement under the same id: the LRS answers 409
    broken = {**statements[2], "actor": {"objectType": "Agent", "name": "Lan"}}  # no identifier: invalid
    source = source_of(tmp_path, [statements[0], statements[1], broken, *statements[3:]])

    outcome = sync(source, client, Ledger(tmp_path / "ledger.txt"), batch_size=20)

    assert outcome.rejected == [broken["id"]]
    assert (outcome.sent, outcome.already_there) == (9, 2)
    on_lrs = ids_on_lrs(ralph, learner)
    assert set(on_lrs) == {s["id"] for s in statements} - {broken["id"]}
    assert max(on_lrs.values()) == 1
    assert broken["id"] not in Ledger(tmp_path / "ledger.txt")


def test_wrong_password_unreachable_lrs_and_tls_problems_are_explained(ralph, tmp_path):
    source = source_of(tmp_path, many(3, uuid.uuid4().hex))
    port = free_port()
    cases = [
        (LrsClient(ralph.endpoint, USER, "sai-mat-khau"), "user name or password", True, "credentials"),
        (LrsClient(f"http://127.0.0.1:{port}/xAPI/", USER, PASSWORD), "nothing answers", False, "refused"),
        (LrsClient(f"https://127.0.0.1:{ralph.port}/xAPI/", USER, PASSWORD), "secure connection", True, "tls"),
    ]
    for client, message, lasting, kind in cases:
        with pytest.raises(LrsError, match=message) as caught:
            sync(source, client, Ledger(tmp_path / "ledger.txt"), retries=0)
        assert caught.value.lasting is lasting
        assert caught.value.kind == kind and caught.value.host == client.host  # for the admin area's words
    with pytest.raises(LrsError, match="not an http") as caught:
        LrsClient("ftp://lrs.example.org/", USER, PASSWORD)
    assert caught.value.kind == "address"
    assert Ledger(tmp_path / "ledger.txt").ids == set()


def test_sync_command_saves_settings_and_resumes(ralph, tmp_path):
    learner = uuid.uuid4().hex
    source = source_of(tmp_path, many(25, learner))
    lines = []
    code = run_sync_command(DataPaths(tmp_path), source, ralph.endpoint, USER, PASSWORD, batch_size=10, echo=lines.append)
    assert code == 0
    assert lines == ["đồng bộ: đã gửi 0 trên 25 bản ghi", "đồng bộ: đã gửi 10 trên 25 bản ghi",
                     "đồng bộ: đã gửi 20 trên 25 bản ghi", "đồng bộ: đã gửi 25 trên 25 bản ghi",
                     "đồng bộ xong: đã gửi 25, 0 đã có trên LRS, 0 bị từ chối vì không hợp lệ"]
    assert SyncSettings.load(DataPaths(tmp_path)) == SyncSettings(ralph.endpoint, USER, PASSWORD)
    assert oct(DataPaths(tmp_path).sync_settings.stat().st_mode & 0o777) == "0o600"
    assert len(Ledger(DataPaths(tmp_path).sync_ledger(ralph.endpoint)).ids) == 25

    lines.clear()
    assert run_sync_command(DataPaths(tmp_path), source, None, None, None, echo=lines.append) == 0  # saved settings
    assert lines[-1] == "đồng bộ xong: đã gửi 0, 0 đã có trên LRS, 0 bị từ chối vì không hợp lệ"
    assert sum(ids_on_lrs(ralph, learner).values()) == 25


def ids_posted(request) -> list[str]:
    return [statement["id"] for statement in json.loads(request.body)]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed_and_the_password_goes_nowhere_else(tmp_path, stub, code):
    elsewhere = stub(lambda request: reply(200, {"statements": []}))
    moved = stub(lambda request: reply(code, Location=f"{elsewhere.endpoint}statements"))
    source = source_of(tmp_path, many(5, uuid.uuid4().hex))

    with pytest.raises(LrsError) as caught:
        sync(source, LrsClient(moved.endpoint, USER, PASSWORD), Ledger(tmp_path / "ledger.txt"))

    assert caught.value.kind == "moved" and caught.value.lasting
    assert caught.value.moved_to == f"{elsewhere.endpoint}statements"
    assert elsewhere.requests == []  # no request, so no password, went to the address the redirect named
    assert [r.method for r in moved.requests] == ["POST"]
    assert Ledger(tmp_path / "ledger.txt").ids == set()
    words = lrs_problem(caught.value.kind, caught.value.host, caught.value.moved_to).text(Language("vi").gettext)
    assert f"({elsewhere.endpoint}statements)" in words and f"127.0.0.1:{moved.port}" in words


def test_a_wrong_address_answering_404_or_a_web_page_marks_nothing_delivered(tmp_path, stub):
    source = source_of(tmp_path, many(12, uuid.uuid4().hex))
    missing = stub(lambda request: reply(404, "<h1>Not Found</h1>", Content_Type="text/html"))
    web_page = stub(lambda request: reply(200, "<html>Welcome</html>", Content_Type="text/html"))
    for server in (missing, web_page):
        with pytest.raises(LrsError) as caught:
            sync(source, LrsClient(server.endpoint, USER, PASSWORD), Ledger(tmp_path / "ledger.txt"),
                 batch_size=5)
        assert caught.value.kind == "answer" and caught.value.lasting
        assert Ledger(tmp_path / "ledger.txt").ids == set()
        assert all(r.method == "POST" for r in server.requests) and len(server.requests) == 1


def test_only_the_ids_the_lrs_lists_are_delivered_the_others_are_looked_up_and_put(tmp_path, stub):
    statements = many(6, uuid.uuid4().hex)

    def answer(request):
        if request.method == "POST":
            return reply(200, ids_posted(request)[:2])  # claims to have stored two of six
        if request.method == "GET":
            return reply(404, {"error": "not found"})
        return reply(204)
    lrs = stub(answer)

    outcome = sync(source_of(tmp_path, statements), LrsClient(lrs.endpoint, USER, PASSWORD),
                   Ledger(tmp_path / "ledger.txt"))

    assert (outcome.sent, outcome.already_there) == (6, 0)
    put = [urllib.parse.parse_qs(urllib.parse.urlsplit(r.target).query)["statementId"][0]
           for r in lrs.requests if r.method == "PUT"]
    assert put == [s["id"] for s in statements[2:]]
    assert Ledger(tmp_path / "ledger.txt").ids == {s["id"] for s in statements}


def test_a_conflict_is_delivered_only_when_reading_back_shows_the_statement(tmp_path, stub):
    statements = many(3, uuid.uuid4().hex)
    held = statements[0]["id"]

    def answer(request):
        if request.method == "GET" and urllib.parse.quote(held) in request.target and any(
                r.method == "PUT" for r in lrs.requests):
            return reply(200, {"id": held})
        if request.method == "GET":
            return reply(404)
        return reply(409)
    lrs = stub(answer)

    with pytest.raises(LrsError, match="does not hold it") as caught:
        sync(source_of(tmp_path, statements), LrsClient(lrs.endpoint, USER, PASSWORD),
             Ledger(tmp_path / "ledger.txt"), retries=0)
    assert caught.value.kind == "answer"
    assert Ledger(tmp_path / "ledger.txt").ids == {held}  # confirmed by reading it back; the next one not


@pytest.mark.parametrize("post, get", [
    (reply(200, [1, 2, 3]), reply(404)),  # numbers where ids belong
    (reply(200, {"ids": []}), reply(404)),
    (reply(400, {}), reply(200, {"statements": [1, 2]})),  # numbers where statements belong
    (reply(400, {}), reply(200, [["nested"]])),
    (reply(400, {}), reply(200, "[" * 100_000)),  # deeper than the JSON reader goes
], ids=["numbers-for-ids", "object-for-ids", "numbers-for-statements", "nested-lists", "too-deep"])
def test_a_malformed_answer_is_an_error_and_the_ledger_stays_intact(tmp_path, stub, post, get):
    statements = many(4, uuid.uuid4().hex)
    ledger_file = tmp_path / "ledger.txt"
    Ledger(ledger_file).add([statements[0]["id"]])
    lrs = stub(lambda request: post if request.method == "POST" else get)

    with pytest.raises(LrsError) as caught:
        sync(source_of(tmp_path, statements), LrsClient(lrs.endpoint, USER, PASSWORD), Ledger(ledger_file))

    assert caught.value.kind == "answer" and caught.value.lasting
    assert Ledger(ledger_file).ids == {statements[0]["id"]}


def test_a_huge_answer_is_not_read_whole(tmp_path, stub):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 629145600\r\n\r\n["
    lrs = stub(lambda request: endless(head))
    started = time.monotonic()
    with pytest.raises(LrsError, match="larger than 1024 KiB") as caught:
        sync(source_of(tmp_path, many(3, uuid.uuid4().hex)), LrsClient(lrs.endpoint, USER, PASSWORD),
             Ledger(tmp_path / "ledger.txt"))
    assert caught.value.kind == "answer"
    assert time.monotonic() - started < 5
    assert lrs.sent < 64 * 1024 * 1024  # the client hung up after its limit (plus what the sockets buffer)
    assert Ledger(tmp_path / "ledger.txt").ids == set()


def sync_in_thread(*args, **kwargs) -> tuple[threading.Thread, dict]:
    ended = {}

    def run():
        try:
            ended["outcome"] = sync(*args, **kwargs)
        except LrsError as error:
            ended["error"] = error
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, ended


def test_a_slow_lrs_is_cut_off_by_the_request_deadline_not_the_read_timeout(tmp_path, stub):
    lrs = stub(lambda request: dribble(reply(200, "[]"), every=0.3))  # each read well within the timeout
    client = LrsClient(lrs.endpoint, USER, PASSWORD, timeout=1.5)
    started = time.monotonic()
    thread, ended = sync_in_thread(source_of(tmp_path, many(3, uuid.uuid4().hex)), client,
                                   Ledger(tmp_path / "ledger.txt"), retries=0)
    thread.join(10)
    assert not thread.is_alive(), "the sync still runs"
    assert ended["error"].kind == "timeout" and 1.4 < time.monotonic() - started < 4
    assert Ledger(tmp_path / "ledger.txt").ids == set()


def test_a_run_has_an_overall_deadline_and_can_be_cancelled_mid_request(tmp_path, stub):
    lrs = stub(lambda request: dribble(reply(200, "[]"), every=0.3))
    source = source_of(tmp_path, many(3, uuid.uuid4().hex))
    started = time.monotonic()
    thread, ended = sync_in_thread(source, LrsClient(lrs.endpoint, USER, PASSWORD, control=RunControl(1.0)),
                                   Ledger(tmp_path / "ledger.txt"), first_wait=0)
    thread.join(10)
    assert ended["error"].kind == "run_deadline" and time.monotonic() - started < 3

    control = RunControl()
    thread, ended = sync_in_thread(source, LrsClient(lrs.endpoint, USER, PASSWORD, control=control),
                                   Ledger(tmp_path / "ledger.txt"))
    time.sleep(0.5)
    cancelled = time.monotonic()
    control.cancel()
    thread.join(10)
    assert ended["error"].kind == "cancelled" and time.monotonic() - cancelled < 1
    assert Ledger(tmp_path / "ledger.txt").ids == set()

