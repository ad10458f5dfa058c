"""Three classes at two centres for the report's class tests: learners with known pre-test and post-test
answers (q1's questions), exported as the player exports them, classes in the headers (tests/test_report_classes.py
works every figure out by hand)."""

import json
from datetime import datetime, timezone

from support.centres import C1, DEVICE_A, DEVICE_B, Learner
from support.sources import JsonLinesSource

from player.results.export import export_results
from player.results.resultsfile import ClassRecord

K1, K2, K3 = "1" * 32, "2" * 32, "3" * 32
ALL_RIGHT = ["Không", True, "Cụm từ dài"]


def class_record(class_id, name, learners, start, end, trainer="Cô Hạnh"):
    return ClassRecord(class_id, name, (C1[0],), trainer, "Nhà văn hoá", start, end, tuple(learners))


def centre_a(device=DEVICE_A, classes=()):
    """Four learners of class K1: known pre-test and post-test answers (q1's questions: OTP, VNeID, password);
    their statements name `classes` ((id, name) pairs) as a running class's do."""
    an = (Learner("c1", "Nguyễn Văn An", device, "Xã Tân Lập", 0, classes).launch(C1, "an-toan")
          .take("pre1", ["Có", True, "123456"], role="pre-test")          # 1 of 3 right
          .take("q1", ALL_RIGHT, role="post-test").complete_course(C1, 1.0))
    binh = (Learner("c2", "Trần Thị Bình", device, "Xã Tân Lập", 100, classes)
            .take("pre1", ["Không", False, "123456"], role="pre-test"))    # 1 of 3
    binh.minute = 1050  # 18:30 UTC on 1 October: 01:30 on 2 October in Vietnam
    binh.take("q1", ["Không", True, "123456"], role="post-test").take("q1", ALL_RIGHT, role="post-test")
    cuong = Learner("c3", "Lê Văn Cường", device, "Xã Tân Lập", 200, classes).take(
        "pre1", ["Có", False, "123456"], role="pre-test")                  # 0 of 3, failed: not a failed course
    return an.made + binh.made + cuong.made


def centre_b():
    tuan = Learner("b1", "Phạm Tuấn", DEVICE_B, "Phường Hòa Bình", 400)
    return tuan.take("pre1", ALL_RIGHT, role="pre-test").made


def exported(folder, tmp_path, name, made, centre, device, classes, when):
    path = tmp_path / f"{name}.statements"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in made), encoding="utf-8")
    return export_results(JsonLinesSource(path, centre, device, classes), folder, when).path


def class_exports(tmp_path):
    """A USB stick's folder: centre A's two exports (class K1) and centre B's (K2 in October, K3 in November)."""
    folder = tmp_path / "usb"
    made = centre_a()
    early = class_record(K1, "Lớp cũ tên", ["c1", "c2"], "2025-10-01", "2025-10-10")  # an older export
    exported(folder, tmp_path, "a-old", made[:5], "Xã Tân Lập", DEVICE_A, [early],
             datetime(2025, 10, 1, 3, tzinfo=timezone.utc))
    k1 = class_record(K1, "Lớp DVC thôn Đông", ["c1", "c2", "c3", "c4"], "2025-10-01", "2025-10-10")
    exported(folder, tmp_path, "a", made, "Xã Tân Lập", DEVICE_A, [k1], datetime(2025, 10, 3, tzinfo=timezone.utc))
    classes = [class_record(K2, "Lớp phường", ["b1"], "2025-10-05", "2025-10-12", "Anh Quân"),
               class_record(K3, "Lớp tháng 11", ["b2"], "2025-11-01", "2025-11-05", "Anh Quân")]
    exported(folder, tmp_path, "b", centre_b(), "Phường Hòa Bình", DEVICE_B, classes,
             datetime(2025, 10, 6, tzinfo=timezone.utc))
    return folder
