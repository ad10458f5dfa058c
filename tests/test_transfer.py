"""Moving learners by file: export from one data folder, import into another, import again (issue 20 #3)."""

import uuid

import pytest

from player.paths import DataPaths
from player.store import Store
from player.transfer import moving
from player.transfer.learnerfile import LearnerFileError
from player.web.services import services


def _statement(n: int) -> dict:
    return {"id": str(uuid.uuid4()), "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}, "n": n}


@pytest.fixture
def centres(tmp_path):
    """Two players' stores, each over its own data folder."""
    here, there = Store(DataPaths(tmp_path / "a")), Store(DataPaths(tmp_path / "b"))
    here.settings.update(centre_name="Xã Tân Lập")
    there.settings.update(centre_name="Phường Hòa Bình")
    return here, there


def _learner(store, name="Lan", statements=3):
    profile = store.learners.create({"name": name, "colour": 1, "created": "2026-01-01T00:00:00Z",
                                     "last_seen": None, "secret_kind": "pin", "secret_hash": "scrypt$x",
                                     "failures": 0, "locked_until": 0.0})
    store.learners.append(profile["id"], [_statement(n) for n in range(statements)])
    store.learners.put_draft(profile["id"], "course/lesson", {"answers": {"q1": "b"}})
    return profile["id"]


def test_round_trip_export_import_import_again_keeps_progress(centres, tmp_path):
    here, there = centres
    lan = _learner(here, statements=150)  # two segments
    path = moving.export_learners(here, [lan], tmp_path / "usb")

    plan = moving.plan_import(there, path)
    assert plan.other_centre and plan.source.centre == "Xã Tân Lập"
    assert [(c.new, len(c.statements)) for c in plan.changes] == [(True, 150)]
    moving.apply_import(there, plan)
    assert there.learners.profile(lan)["secret_hash"] == "scrypt$x"
    assert [s["id"] for s in there.learners.statements(lan)] == [s["id"] for s in here.learners.statements(lan)]
    assert there.learners.drafts(lan) == here.learners.drafts(lan)
    assert [row["id"] for row in there.learners.learners()] == [lan]

    again = moving.plan_import(there, path)
    assert not again.changes_anything
    moving.apply_import(there, again)
    assert there.learners.count(lan) == 150


def test_a_learner_already_there_is_merged_and_the_newer_profile_wins(centres, tmp_path):
    here, there = centres
    lan = _learner(here, statements=2)
    moving.apply_import(there, moving.plan_import(there, moving.export_learners(here, [lan], tmp_path / "usb")))
    there.learners.append(lan, [_statement(9)])  # learnt on the other PC too
    here.learners.append(lan, [_statement(5)])
    here.learners.update_profile(lan, name="Lan Nguyễn")
    here.learners.touch(lan, "2026-02-01T00:00:00Z")

    plan = moving.plan_import(there, moving.export_learners(here, [lan], tmp_path / "usb"))
    [change] = plan.changes
    assert (change.new, change.changed_fields, len(change.statements)) == (False, ("name",), 1)
    moving.apply_import(there, plan)
    assert there.learners.profile(lan)["name"] == "Lan Nguyễn"
    assert there.learners.count(lan) == 4  # 2 + 1 there + 1 new, none twice


def test_a_new_learner_whose_name_is_taken_here_gets_a_name_of_its_own(centres, tmp_path):
    """Two cards that look alike on the start screen would put a learner in another's profile."""
    here, there = centres
    lans = [_learner(here, "Lan"), _learner(here, "Lan Nguyễn")]
    _learner(there, "lan")  # another Lan, already at the other centre
    _learner(there, "Lan (Xã Tân Lập)")
    plan = moving.plan_import(there, moving.export_learners(here, lans, tmp_path / "usb"))
    assert [(c.name, c.renamed_from) for c in plan.changes] == [("Lan (Xã Tân Lập, 2)", "Lan"),
                                                                ("Lan Nguyễn", None)]
    moving.apply_import(there, plan)
    assert [there.learners.profile(lan)["name"] for lan in lans] == ["Lan (Xã Tân Lập, 2)", "Lan Nguyễn"]
    names = [row["name"].casefold() for row in there.learners.learners()]
    assert len(names) == len(set(names)) == 4
    again = moving.plan_import(there, moving.export_learners(here, lans, tmp_path / "usb"))
    assert not again.changes_anything  # the renamed learner is the same learner: merged, never made twice
    here.learners.touch(lans[0], "2026-03-01T00:00:00Z")  # Lan learns on at her centre, newer than here
    here.learners.update_profile(lans[0], colour=4)
    [change, _] = moving.plan_import(there, moving.export_learners(here, lans, tmp_path / "usb")).changes
    assert (change.name, change.changed_fields) == ("Lan (Xã Tân Lập, 2)", ("colour",))  # not back to "Lan"


def test_a_damaged_file_is_refused_and_nothing_imported(centres, tmp_path):
    here, there = centres
    path = moving.export_learners(here, [_learner(here)], tmp_path / "usb")
    data = bytearray(path.read_bytes())
    data[40] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(LearnerFileError):
        moving.plan_import(there, path)
    path.write_bytes(bytes(data[:len(data) // 2]))
    with pytest.raises(LearnerFileError):
        moving.plan_import(there, path)
    assert there.learners.learners() == []


def test_a_merge_a_crash_cut_short_is_finished_before_the_next_players_first_request(centres, tmp_path,
                                                                                      make_player, monkeypatch):
    here, there = centres
    lan = _learner(here, statements=2)
    moving.apply_import(there, moving.plan_import(there, moving.export_learners(here, [lan], tmp_path / "usb")))
    here.learners.append(lan, [_statement(7)])
    here.learners.update_profile(lan, name="Lan Nguyễn")
    here.learners.touch(lan, "2026-02-01T00:00:00Z")
    plan = moving.plan_import(there, moving.export_learners(here, [lan], tmp_path / "usb"))

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies after the statements, before the profile
    monkeypatch.setattr(there.learners, "update_profile", killed)
    with pytest.raises(KeyboardInterrupt):
        moving.apply_import(there, plan)
    assert there.paths.import_journal(lan).is_file() and there.learners.count(lan) == 3
    monkeypatch.undo()

    player = make_player(there.paths.root)
    assert "Lan Nguyễn" in player.test_client().get("/learners/").get_data(as_text=True)
    store = services(player).store
    assert store.learners.count(lan) == 3 and store.learners.profile(lan)["name"] == "Lan Nguyễn"
    assert not there.paths.import_journal(lan).exists()
