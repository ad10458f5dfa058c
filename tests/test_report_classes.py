"""The report's classes (issue 19 #3): each class of the exports' headers with its learners enrolled, started,
finished and passed, average pre-test, post-test and gain, attendance by local date and each question right
before and after; the period's figures per centre; printable pages whose figures are the CSV files'; learners
by code on request; a file without classes gives the report it always gave."""

import hashlib
import re
from datetime import datetime, timezone

import pytest
from support.centres import C1, C2, DEVICE_A, DEVICE_B, Learner
from support.class_results import K1, K2, K3, centre_a, class_exports, exported
from support.report_files import Tables, number, read_csv

from player.cli import main
from player.results import merge, resultsfile
from player.results.gains import PrePost
from player.results.report import build_report
from player.results.resultsfile import ClassRecord
from player.results.seen_classes import SeenClasses
from player.web.i18n import Language
from player.xapi import vocabulary as xapi


@pytest.fixture
def usb(tmp_path):
    return class_exports(tmp_path)


def pick(rows: list[dict], *keys: str) -> list[tuple]:
    return [tuple(row[key] for key in keys) for row in rows]


FIGURES = ("Learners enrolled", "Started", "Finished", "Passed", "Average pre-test", "Average post-test",
           "Average gain (points)")


def test_a_class_shows_its_learners_pre_post_and_gain_worked_out_by_hand(usb, tmp_path):
    build_report([usb], tmp_path / "report", "en")
    out = tmp_path / "report"
    classes = read_csv(out / "classes.csv")
    assert pick(classes, "Class id", "Class", "Centre", "Trainer", "First day", "Last day", "Course", *FIGURES) == [
        (K2, "Lớp phường", "Phường Hòa Bình", "Anh Quân", "2025-10-05", "2025-10-12", C1[1],
         "1", "1", "0", "0", "100", "", ""),
        (K3, "Lớp tháng 11", "Phường Hòa Bình", "Anh Quân", "2025-11-01", "2025-11-05", C1[1],
         "1", "0", "0", "0", "", "", ""),
        # the newest export's record: four learners; pre (1/3 + 1/3 + 0) / 3 = 22 %, post 100 %, gain 2/3
        (K1, "Lớp DVC thôn Đông", "Xã Tân Lập", "Cô Hạnh", "2025-10-01", "2025-10-10", C1[1],
         "4", "3", "1", "2", "22", "100", "67")]
    learners = [row for row in read_csv(out / "class_learners.csv") if row["Class id"] == K1]
    assert pick(learners, "Learner", "Started", "Finished", "Passed", "Pre-test", "Post-test", "Gain (points)") == [
        ("c4", "no", "no", "no", "", "", ""),  # enrolled, no record yet: shown by id (in Vietnamese order)
        ("Lê Văn Cường", "yes", "no", "no", "0", "", ""),  # failed only the pre-test
        ("Nguyễn Văn An", "yes", "yes", "yes", "33", "100", "67"),
        ("Trần Thị Bình", "yes", "no", "yes", "33", "100", "67")]  # best post-test: the second attempt
    questions = [row for row in read_csv(out / "class_questions.csv") if row["Class id"] == K1]
    assert pick(questions, "Question id", "Answers in the pre-test", "Right before (pre-test)",
                "Answers in the post-test", "Right after (post-test)") == [
        ("q-matkhau", "3", "0", "3", "67"), ("q-otp", "3", "33", "3", "100"), ("q-vneid", "3", "33", "3", "100")]
    assert questions[0]["Question"] == "Mật khẩu nào an toàn nhất?"
    attendance = [row for row in read_csv(out / "class_attendance.csv") if row["Class id"] == K1]
    assert pick(attendance, "Date", "Learners active", "Learners enrolled") == [
        ("2025-10-01", "3", "4"), ("2025-10-02", "1", "4")]
    # The pre-test counts in no pass: Cường took a quiz (the pre-test) but has not passed or failed the course.
    courses = {row["Learner"]: row for row in read_csv(out / "learners.csv")}
    assert (courses["Lê Văn Cường"]["Passed"], courses["Trần Thị Bình"]["Passed"]) == ("", "yes")
    course, = read_csv(out / "courses.csv")  # and does not make a learner one who took a quiz of the course
    assert (course["Took a quiz"], course["Passed"], course["Pass rate"]) == ("2", "2", "100")


def test_an_enrolled_learner_who_has_not_started_is_named_by_the_class_list(tmp_path):
    """Issue 19: a learner with no statement yet has no name in the statements; the class in the export's
    header names them (a learner with statements keeps the name their statements give, as in learners.csv)."""
    made = Learner("c1", "Nguyễn Văn An", DEVICE_A, "Xã Tân Lập", 0).launch(C1, "an-toan").made
    k1 = ClassRecord(K1, "Lớp DVC thôn Đông", (C1[0],), learners=("c1", "c4", "c5"),
                     names=(("c1", "An (tên cũ)"), ("c4", "Đỗ Thị Dung")))
    exported(tmp_path / "usb", tmp_path, "a", made, "Xã Tân Lập", DEVICE_A, [k1],
             datetime(2025, 10, 3, tzinfo=timezone.utc))
    build_report([tmp_path / "usb"], tmp_path / "report", "en")
    rows = read_csv(tmp_path / "report" / "class_learners.csv")
    assert pick(rows, "Learner", "Learner id", "Started") == [
        ("c5", "c5", "no"), ("Đỗ Thị Dung", "c4", "no"), ("Nguyễn Văn An", "c1", "yes")]  # c5: no name known
    assert main(["report", str(tmp_path / "usb"), "-o", str(tmp_path / "shared"), "--codes"]) == 0
    assert "Đỗ Thị Dung" not in (tmp_path / "shared" / "class_learners.csv").read_text(encoding="utf-8")


def test_the_class_figures_are_the_same_whatever_the_order_and_worker_count(usb, tmp_path, monkeypatch):
    """Learners' attempts are split between processes by statement id: their figures add up exactly."""
    build_report([usb], tmp_path / "once", "en")
    build_report(sorted(usb.iterdir(), reverse=True) + [usb], tmp_path / "again", "en")
    monkeypatch.setattr(merge, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(merge, "MAX_WORKERS", 3)
    monkeypatch.setattr(merge.os, "cpu_count", lambda: 3)
    build_report([usb], tmp_path / "shared", "en")
    for name in ("classes", "class_learners", "class_attendance", "class_questions", "class_centres", "learners"):
        expected = (tmp_path / "once" / f"{name}.csv").read_bytes()
        assert (tmp_path / "again" / f"{name}.csv").read_bytes() == expected, name
        assert (tmp_path / "shared" / f"{name}.csv").read_bytes() == expected, name


def test_attendance_dates_are_the_centres_local_dates(usb, tmp_path):
    build_report([usb], tmp_path / "utc", "en", zone_name="UTC")
    attendance = [row for row in read_csv(tmp_path / "utc" / "class_attendance.csv") if row["Class id"] == K1]
    assert pick(attendance, "Date", "Learners active") == [("2025-10-01", "3")]


def test_the_period_shows_the_classes_held_in_it_per_centre_and_in_all(usb, tmp_path):
    assert main(["report", str(usb), "-o", str(tmp_path / "october"), "--lang", "en",
                 "--since", "2025-10-01", "--until", "2025-10-31"]) == 0
    out = tmp_path / "october"
    assert [row["Class id"] for row in read_csv(out / "classes.csv")] == [K2, K1]  # the November class is not
    centres = read_csv(out / "class_centres.csv")
    # all centres: pre (1/3 + 1/3 + 0 + 1) / 4 = 42 %, post (1 + 1) / 2, gain (2/3 + 2/3) / 2
    assert pick(centres, "Centre", "Classes held", *FIGURES) == [
        ("Phường Hòa Bình", "1", "1", "1", "0", "0", "100", "", ""),
        ("Xã Tân Lập", "1", "4", "3", "1", "2", "22", "100", "67"),
        ("All centres", "2", "5", "4", "1", "2", "42", "100", "67")]
    assert not (out / f"class-{K3}.html").exists() and (out / f"class-{K1}.html").exists()
    page = (out / "period.html").read_text(encoding="utf-8")
    assert "Classes held from 2025-10-01 to 2025-10-31" in page and f'href="class-{K1}.html"' in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_printable_class_page_shows_exactly_the_csv_figures(usb, tmp_path, language):
    build_report([usb], tmp_path / "report", language)
    out, t = tmp_path / "report", Language(language).gettext
    page = (out / f"class-{K1}.html").read_text(encoding="utf-8")
    tables = Tables(page).found
    csv_rows = [row for row in read_csv(out / "classes.csv") if row[t("Class id")] == K1]
    head, rows = tables[t("The class's figures")]
    assert len(rows) == len(csv_rows) == 1
    for title, cell in zip(head, rows[0]):
        expected = csv_rows[0][title]
        assert (number(cell) if expected.lstrip("-").isdigit() else cell) == expected, title
    assert [number(cell) for cell in rows[0][1:]] == ["4", "3", "1", "2", "22", "100", "67"]
    head, rows = tables[t("Learners of the class")]
    yes = t("yes")
    assert [[number(cell) if number(cell) else cell for cell in row[1:]] for row in rows][2] == [
        "Nguyễn Văn An", yes, yes, yes, "33", "100", "67"]
    assert 'class="comment"' in page and "@page { size: A4" in page


def test_names_are_replaced_by_codes_when_asked(usb, tmp_path):
    assert main(["report", str(usb), "-o", str(tmp_path / "shared"), "--codes"]) == 0
    out = tmp_path / "shared"
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Tuấn"):
            assert name not in text, f"{name} is in {path.name}"
    learner = Language("vi").gettext("Learner")
    codes = [row[learner] for row in read_csv(out / "class_learners.csv")]
    assert all(re.fullmatch(r"HV-[0-9A-F]{6}", code) for code in codes) and len(set(codes)) == len(codes) == 6
    assert {row[learner] for row in read_csv(out / "learners.csv")} <= set(codes)
    again = tmp_path / "again"
    build_report([usb], again, codes=True)
    assert [row[learner] for row in read_csv(again / "class_learners.csv")] == codes  # stable


def test_a_file_without_classes_gives_the_report_it_always_gave(tmp_path):
    """A format version 1 file (no classes): the same tables as before, empty class tables, no class pages."""
    old = tmp_path / "old.jsonl"
    made = centre_a()
    body = resultsfile.encode({"format": resultsfile.FORMAT, "format_version": 1, "centre": "Xã Tân Lập",
                               "device_id": DEVICE_A, "exported_at": "2025-10-03T00:00:00.000Z",
                               "generator": "tramhoc-player 0.1.0", "xapi_version": "1.0.3"})
    body += b"".join(resultsfile.encode(statement) for statement in made)
    old.write_bytes(body + resultsfile.encode({"end": resultsfile.FORMAT, "statements": len(made),
                                               "sha256": hashlib.sha256(body).hexdigest()}))
    report = build_report([old], tmp_path / "report", "en")
    out = tmp_path / "report"
    assert len(report.log.files) == 1 and not report.log.skipped
    assert [row["Learner"] for row in read_csv(out / "learners.csv")] == ["Lê Văn Cường", "Nguyễn Văn An",
                                                                        "Trần Thị Bình"]
    for name in ("classes", "class_learners", "class_attendance", "class_questions", "class_centres"):
        assert read_csv(out / f"{name}.csv") == []
    assert sorted(path.name for path in out.glob("*.html")) == ["index.html"]
    assert "class-pages" not in (out / "index.html").read_text(encoding="utf-8")


def test_statements_without_a_role_are_placed_by_their_quiz_when_the_course_is_known():
    """The player's class page knows the course; the report (no course) counts marked statements only."""
    old = Learner("c1", "An", DEVICE_A, "Xã Tân Lập", 0).take("pre1", ["Có", True, "123456"]).made
    roles = {xapi.quiz_iri(C1[0], "dau-vao"): "pre-test"}
    known, unknown = PrePost(), PrePost()
    for statement in old:
        known.add(statement, roles)
        unknown.add(statement)
    assert (round(known.pre, 4), known.answers[("pre-test", "q-otp")]) == (0.3333, [0, 1])
    assert (unknown.pre, unknown.answers) == (None, {})


def test_a_crafted_class_never_names_a_path_nor_runs_a_script(tmp_path):
    """A results file may come from anyone: its class's id becomes no path, its texts are text."""
    made = Learner("c1", "An", DEVICE_A, "Xã Tân Lập", 0).launch(C1, "an-toan").made
    crafted = ClassRecord("../../ngoai", "<script>alert(1)</script>", (C1[0],), "=cmd|' /C calc'!A0",
                          learners=("c1",))
    exported(tmp_path / "usb", tmp_path, "x", made, "Xã Tân Lập", DEVICE_A, [crafted],
             datetime(2025, 10, 3, tzinfo=timezone.utc))
    build_report([tmp_path / "usb"], tmp_path / "out" / "report", "en")
    pages = sorted(path.name for path in (tmp_path / "out" / "report").glob("class-*.html"))
    assert len(pages) == 1 and re.fullmatch(r"class-[0-9a-f]{32}\.html", pages[0])
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["report"]
    page = (tmp_path / "out" / "report" / pages[0]).read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    row, = read_csv(tmp_path / "out" / "report" / "classes.csv")
    assert (row["Class"], row["Trainer"]) == ("<script>alert(1)</script>", "'=cmd|' /C calc'!A0")


def test_the_classes_named_in_statements_give_each_class_its_courses_and_learners_on_each_computer():
    """Issue 19 #5, a report read from an LRS (no results file's header): a class is what its statements'
    grouping names, its name the newest statement's, its courses those its statements are about, its learners
    the accounts seen in it on each computer; a statement naming no class, or not of a learner's account, adds
    nothing."""
    new_name = (K1, "Lớp DVC thôn Đông")
    made = (Learner("c1", "An", DEVICE_A, "Xã Tân Lập", 0, [(K1, "Lớp cũ tên")]).launch(C1, "an-toan").made
            + Learner("c2", "Bình", DEVICE_A, "Xã Tân Lập", 10, [new_name, (K2, "Lớp phường")])
            .launch(C2, "ky-so").made
            + Learner("b1", "Tuấn", DEVICE_B, "Phường Hòa Bình", 20, [new_name]).launch(C1, "an-toan").made
            + Learner("c3", "Cường", DEVICE_A, "Xã Tân Lập", 30).launch(C1, "an-toan").made)
    by_mail = {**made[0], "actor": {"objectType": "Agent", "mbox": "mailto:an@example.org"},
               "timestamp": "2025-10-02T00:00:00.000Z"}
    seen = SeenClasses()
    for statement in [*made, by_mail]:
        seen.add(statement, statement["context"]["extensions"][xapi.EXTENSION_DEVICE])
    both = (C2[0], C1[0])
    assert seen.versions(lambda names, fallback: names.get("vi", fallback)) == [
        ("2025-10-01T01:10:00.000Z", DEVICE_A, ClassRecord(K1, "Lớp DVC thôn Đông", both, learners=("c1", "c2"))),
        ("2025-10-01T01:20:00.000Z", DEVICE_B, ClassRecord(K1, "Lớp DVC thôn Đông", both, learners=("b1",))),
        ("2025-10-01T01:10:00.000Z", DEVICE_A, ClassRecord(K2, "Lớp phường", (C2[0],), learners=("c2",)))]
