"""The crash-safe TinyDB storage and the learner store: atomic writes, leftover temp files, damaged files
quarantined without touching other learners, segments, the index, deletion."""

import json
import os
import threading

import pytest
from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from player.paths import DataPaths
from player.store import DamagedFile, Store
from player.store.atomic import AtomicJSONStorage, temp_files
from player.store.databases import Databases, damaged_files
from player.store.learners import SEGMENT_SIZE, NameTaken


@pytest.fixture(params=["atomic", "memory"])
def database(request, tmp_path):
    """A TinyDB over our atomic storage and over TinyDB's memory storage: they must behave alike."""
    if request.param == "memory":
        database = TinyDB(storage=MemoryStorage)
    else:
        database = TinyDB(tmp_path / "db.json", storage=AtomicJSONStorage)
    yield database
    database.close()


def test_tinydb_operations_behave_as_with_any_storage(database):
    table = database.table("t")
    ids = table.insert_multiple([{"n": n, "text": "Chữ ký số"} for n in range(5)])
    table.update({"n": 10}, doc_ids=[ids[0]])
    table.remove(doc_ids=[ids[1]])
    assert sorted(row["n"] for row in table.all()) == [2, 3, 4, 10]
    assert table.get(doc_id=ids[2])["text"] == "Chữ ký số"
    assert len(table) == 4


def test_writes_are_plain_utf8_json_and_survive_reopening(tmp_path):
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as database:
        database.table("t").insert({"name": "Nguyễn Thị Lan"})
    assert "Nguyễn Thị Lan" in path.read_text(encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["t"]["1"] == {"name": "Nguyễn Thị Lan"}
    with TinyDB(path, storage=AtomicJSONStorage) as database:
        assert database.table("t").all() == [{"name": "Nguyễn Thị Lan"}]
    assert temp_files(path) == []


def test_a_leftover_temp_file_is_discarded_and_the_last_whole_version_kept(tmp_path):
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as database:
        database.table("t").insert({"n": 1})
    leftover = tmp_path / ".db.json.tmp-999-abcd"
    leftover.write_text('{"t": {"1": {"n": 2}, "2": {"n"')  # a write cut off by a power failure
    with TinyDB(path, storage=AtomicJSONStorage) as database:
        assert database.table("t").all() == [{"n": 1}]
    assert not leftover.exists()


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    database = TinyDB(path, storage=AtomicJSONStorage)
    database.table("t").insert({"n": 1})
    before = path.read_bytes()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        database.table("t").insert({"n": 2})
    monkeypatch.undo()
    assert path.read_bytes() == before and temp_files(path) == []
    assert database.table("t").all() == [{"n": 1}]  # the in-memory cache was dropped with the write


def test_a_change_on_disk_is_seen_even_with_the_read_cache(tmp_path):
    path = tmp_path / "db.json"
    database = TinyDB(path, storage=AtomicJSONStorage)
    database.table("t").insert({"n": 1})
    assert len(database.table("t")) == 1
    other = TinyDB(path, storage=AtomicJSONStorage)
    other.table("t").insert({"n": 2})
    assert len(database.table("t")) == 2


@pytest.mark.parametrize("content", [b"", b"{\"t\": {\"1\": {\"n\"", b"\xff\xfe garbage", b"[1, 2]", b'{"t": 5}'])
def test_a_damaged_file_is_reported_not_overwritten(tmp_path, content):
    path = tmp_path / "db.json"
    path.write_bytes(content)
    with pytest.raises(DamagedFile):
        TinyDB(path, storage=AtomicJSONStorage).table("t").all()
    assert path.read_bytes() == content


def test_databases_quarantine_a_damaged_file_and_start_afresh(tmp_path):
    path = tmp_path / "db.json"
    path.write_bytes(b"{broken")
    databases = Databases()
    with pytest.raises(DamagedFile):
        with databases.locked(path) as database:
            database.table("t").all()
    assert damaged_files(tmp_path)[0].read_bytes() == b"{broken"
    with databases.locked(path) as database:
        database.table("t").insert({"n": 1})
        assert database.table("t").all() == [{"n": 1}]


def test_evicted_databases_reopen_cleanly(tmp_path):
    databases = Databases(max_open=2)
    for round_ in range(3):
        for number in range(5):
            with databases.locked(tmp_path / f"{number}.json") as database:
                database.table("t").insert({"round": round_})
    for number in range(5):
        with databases.locked(tmp_path / f"{number}.json") as database:
            assert len(database.table("t")) == 3


def statement(number: int) -> dict:
    return {"id": f"00000000-0000-4000-8000-{number:012d}", "verb": {"id": "x"}}


def test_a_taken_name_in_any_case_makes_no_second_learner(tmp_path):
    store = Store(DataPaths(tmp_path))
    store.learners.create({"name": "Lan"})
    with pytest.raises(NameTaken):
        store.learners.create({"name": "LAN"})
    assert [row["name"] for row in store.learners.learners()] == ["Lan"]
    assert len(list(store.paths.learner_ids())) == 1


def test_statements_roll_over_into_new_segments_and_read_back_in_order(tmp_path):
    store = Store(DataPaths(tmp_path))
    learner = store.learners.create({"name": "Lan"})["id"]
    total = SEGMENT_SIZE * 2 + 7
    for start in range(0, total, 10):
        store.learners.append(learner, [statement(n) for n in range(start, min(start + 10, total))])
    segments = sorted(path.name for path in store.learners.folder(learner).glob("statements-*.json"))
    assert segments == ["statements-00001.json", "statements-00002.json", "statements-00003.json"]
    assert [row["id"] for row in Store(DataPaths(tmp_path)).learners.statements(learner)] == [
        statement(n)["id"] for n in range(total)]
    assert store.learners.count(learner) == total


def test_a_damaged_learner_file_never_takes_other_learners_with_it(tmp_path):
    store = Store(DataPaths(tmp_path))
    lan, minh = (store.learners.create({"name": name})["id"] for name in ("Lan", "Minh"))
    for learner in (lan, minh):
        store.learners.append(learner, [statement(1), statement(2)])
    segment = store.learners.folder(lan) / "statements-00001.json"
    segment.write_bytes(segment.read_bytes()[:40])  # a disk error cut it

    reopened = Store(DataPaths(tmp_path))
    assert list(reopened.learners.statements(lan)) == []
    assert [row["id"] for row in reopened.learners.statements(minh)] == [statement(1)["id"], statement(2)["id"]]
    assert [path.name.split(".damaged-")[0] for path in reopened.damaged_files()] == ["statements-00001.json"]
    reopened.learners.append(lan, [statement(3)])  # Lan goes on learning in a fresh segment
    assert [row["id"] for row in reopened.learners.statements(lan)] == [statement(3)["id"]]


def test_changing_a_listed_profile_field_keeps_when_the_learner_was_last_seen(tmp_path):
    """The index alone knows when a learner was last seen (touch): renaming them, or the admin resetting their
    code, must not forget it (the start screen's and the admin's order, and which profile is newer when
    learners move between players)."""
    store = Store(DataPaths(tmp_path))
    lan = store.learners.create({"name": "Lan", "colour": 1, "secret_kind": "pin"})["id"]
    store.learners.touch(lan, "2026-03-01T08:00:00Z")
    store.learners.update_profile(lan, name="Nguyễn Thị Lan", colour=4, secret_kind="none")
    [row] = store.learners.learners()
    assert (row["name"], row["colour"], row["secret_kind"], row["last_seen"]) == (
        "Nguyễn Thị Lan", 4, "none", "2026-03-01T08:00:00Z")


def test_a_damaged_profile_hides_only_that_learner(tmp_path):
    store = Store(DataPaths(tmp_path))
    lan, minh = (store.learners.create({"name": name})["id"] for name in ("Lan", "Minh"))
    (store.learners.folder(lan) / "profile.json").write_text("{oops", encoding="utf-8")
    reopened = Store(DataPaths(tmp_path))
    assert reopened.learners.profile(lan) is None
    assert reopened.learners.profile(minh)["name"] == "Minh"
    assert len(reopened.damaged_files()) == 1
    assert [row["name"] for row in reopened.learners.learners()] == ["Minh"]
    assert [row["name"] for row in Store(DataPaths(tmp_path)).learners.learners()] == ["Minh"]


def test_the_index_is_rebuilt_from_profiles_when_damaged_or_missing(tmp_path):
    store = Store(DataPaths(tmp_path))
    ids = {store.learners.create({"name": name})["id"] for name in ("Lan", "Minh", "Hoa")}
    index = tmp_path / "learners" / "index.json"
    index.write_text("not json", encoding="utf-8")
    assert {row["id"] for row in Store(DataPaths(tmp_path)).learners.learners()} == ids
    index.unlink()
    assert {row["name"] for row in Store(DataPaths(tmp_path)).learners.learners()} == {"Lan", "Minh", "Hoa"}


def test_a_deletion_cut_short_never_brings_the_learner_back(tmp_path):
    store = Store(DataPaths(tmp_path))
    lan = store.learners.create({"name": "Lan"})["id"]
    store.learners.append(lan, [statement(1)])
    folder = store.learners.folder(lan)
    folder.replace(tmp_path / "learners" / f".deleted-{lan}")  # crash right after the first step
    assert Store(DataPaths(tmp_path)).learners.learners() == []
    assert not (tmp_path / "learners" / f".deleted-{lan}").exists()


def test_delete_removes_everything_of_one_learner(tmp_path):
    store = Store(DataPaths(tmp_path))
    lan, minh = (store.learners.create({"name": name})["id"] for name in ("Lan", "Minh"))
    store.learners.append(lan, [statement(1)])
    store.learners.delete(lan)
    assert [row["id"] for row in store.learners.learners()] == [minh]
    assert store.learners.profile(lan) is None and not store.learners.folder(lan).exists()
    with pytest.raises(KeyError):
        store.learners.append(lan, [statement(2)])


def test_unsafe_learner_ids_never_become_paths(tmp_path):
    store = Store(DataPaths(tmp_path))
    for bad in ("../secret_key", "..", "A" * 32, "", "0" * 31):
        assert store.learners.profile(bad) is None
        with pytest.raises(KeyError):
            store.learners.append(bad, [statement(1)])


def test_settings_get_defaults_and_a_stable_device_id(tmp_path):
    first = Store(DataPaths(tmp_path)).settings.get()
    assert first["signout_minutes"] == 10 and first["language"] == "vi" and len(first["device_id"]) == 36
    Store(DataPaths(tmp_path)).settings.update(centre_name="Trạm Học xã Tân Lập")
    again = Store(DataPaths(tmp_path)).settings.get()
    assert again["device_id"] == first["device_id"] and again["centre_name"] == "Trạm Học xã Tân Lập"


def test_threads_appending_to_one_learner_lose_nothing(tmp_path):
    store = Store(DataPaths(tmp_path))
    learner = store.learners.create({"name": "Lan"})["id"]

    def work(thread: int):
        for number in range(25):
            store.learners.append(learner, [statement(thread * 1000 + number)])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Store(DataPaths(tmp_path)).learners.count(learner) == 200
