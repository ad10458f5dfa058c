"""Backups as docs/centre.md tells a centre to make them (issue 20 #6): the data folder copied while learners
are recording opens whole, with everything recorded before the copy began; a backup copied into the data
folder of another PC (the serving PC broke) brings back the learners, their progress, the courses, the
admin PIN and the centre's name."""

import json
import re
import shutil
import threading
import time
import uuid

from support.pages import ADMIN_PIN, open_lesson, text

from player.paths import DataPaths
from player.store import Store
from player.web.services import services

COPIES = 4


def shown(admin, learner_id: str) -> str:
    """The admin's page of a learner, from its heading, without the session's form tokens."""
    page = text(admin.get(f"/admin/learners/{learner_id}"))
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page[page.index("<h1"):])


def test_a_copy_taken_while_learners_record_opens_whole_with_everything_recorded_before_it(app, tmp_path):
    store = services(app).store
    learners = [store.learners.create({"name": f"Học viên {n}"})["id"] for n in range(3)]
    acknowledged, stop = [], threading.Event()

    def record():
        number = 0
        while not stop.is_set():
            statement = {"id": str(uuid.uuid4()), "n": number}
            store.learners.append(learners[number % len(learners)], [statement])
            acknowledged.append(statement["id"])  # after the write returned
            number += 1

    writer = threading.Thread(target=record)
    writer.start()
    copies = []
    try:
        for number in range(COPIES):
            while len(acknowledged) < 30 * (number + 1):  # learners go on recording between the copies
                time.sleep(0.005)
            before = set(acknowledged)
            copies.append((before, shutil.copytree(services(app).paths.root, tmp_path / f"usb-{number}",
                                                   ignore=shutil.ignore_patterns("webview"))))
    finally:
        stop.set()
        writer.join()
    assert len(acknowledged) > COPIES
    for before, copy in copies:
        opened = Store(DataPaths(copy))
        stored = {row["id"] for learner in learners for row in opened.learners.statements(learner)}
        assert before <= stored and opened.damaged_files() == []
        for path in copy.rglob("*.json"):
            json.loads(path.read_text(encoding="utf-8"))  # every file whole


def test_a_backup_restored_on_another_pc_brings_back_learners_progress_courses_and_the_pin(app, admin, tmp_path,
                                                                                         make_player):
    admin.post("/admin/settings", data={"centre_name": "Xã Tân Lập", "signout_minutes": "15", "language": "vi"})
    learner = app.test_client()
    lan = learner.sign_in("Lan")
    for lesson in ("gioi-thieu", "dang-nhap"):
        open_lesson(learner, "mini", lesson)
        learner.post(f"/courses/mini/lessons/{lesson}/done")
    before = shown(admin, lan)
    backup = shutil.copytree(services(app).paths.root, tmp_path / "usb" / "TramHoc-backup")

    new_pc = make_player(shutil.copytree(backup, tmp_path / "new-pc" / "ProgramData" / "TramHoc"))
    new_admin = new_pc.test_client()
    assert new_admin.post("/admin/sign-in", data={"pin": ADMIN_PIN}).status_code == 303
    after = shown(new_admin, lan)
    assert after == before and "66%" in after and "4 bản ghi" in after
    assert services(new_pc).store.settings.get()["centre_name"] == "Xã Tân Lập"
    assert "Lan" in text(new_pc.test_client().get("/learners/"))
    assert [course.id for course in services(new_pc).library.courses()] == ["mini"]
