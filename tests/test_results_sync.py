"""Sync to a real Ralph LRS (file-system backend, 127.0.0.1): a connection lost half-way, a stopped
network and a restart still deliver every statement exactly once, as the LRS's own GET API shows."""

import json
import uuid

import pytest
from support.lrs import PASSWORD, USER, free_port, ids_on_lrs
from support.sources import JsonLinesSource
from support.statements import many

from player.paths import DataPaths
from player.results.lrs import LrsClient, LrsError
from player.results.sync import Ledger, SyncSettings, run_sync_command, sync


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
