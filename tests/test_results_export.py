"""Export: one self-checking results file per export, named for centre, device and time, written
atomically, never touching the local data; and the damaged or foreign files the reader refuses."""

import csv
import hashlib
import io
import json
from datetime import datetime, timezone

import pytest
from quiz_helpers import answer, lesson_quiz, open_quiz, submit
from support.pages import ADMIN_PIN, open_lesson
from support.sources import JsonLinesSource
from support.statements import many

from player.cli import main
from player.results import resultsfile
from player.results.export import export_results, file_stem
from player.results.resultsfile import ResultsFileError, statement_lines, verify
from player.web.services import services

WHEN = datetime(2025, 10, 1, 7, 30, 5, tzinfo=timezone.utc)


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "statements.jsonl"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in many(30, "a1")), encoding="utf-8")
    return JsonLinesSource(path, "Xã Tân Lập – Đông Hưng", "6b0d3c1e-2f4a-4d8b-9c1e-0a1b2c3d4e5f")


def test_export_writes_a_verifiable_file_and_leaves_the_data_alone(source, tmp_path):
    before = (source.path.read_bytes(), source.path.stat().st_mtime_ns)
    exported = export_results(source, tmp_path / "usb", WHEN)

    assert exported.path.name == "tramhoc-results_xa-tan-lap-dong-hung_6b0d3c1e_20251001T073005Z.jsonl"
    assert exported.statements == 30
    header = verify(exported.path)
    assert (header.centre, header.device_id, header.exported_at, header.statements) == (
        "Xã Tân Lập – Đông Hưng", source.device_id, "2025-10-01T07:30:05.000Z", 30)
    assert header.xapi_version == "1.0.3" and header.generator.startswith("tramhoc-player ")
    lines = [json.loads(line) for _, line in statement_lines(exported.path)]
    assert lines == list(source.statements())
    assert (source.path.read_bytes(), source.path.stat().st_mtime_ns) == before
    assert [p.name for p in (tmp_path / "usb").iterdir()] == [exported.path.name]  # no temporary file left


def test_an_export_counts_its_learners(tmp_path):
    path = tmp_path / "statements.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in many(30, "a1") + many(12, "b2")), encoding="utf-8")
    exported = export_results(JsonLinesSource(path, "Xã Tân Lập", "6b0d3c1e"), tmp_path / "usb", WHEN)
    assert (exported.learners, exported.statements) == (2, 42)


def test_exports_sit_side_by_side(source, tmp_path):
    first = export_results(source, tmp_path, WHEN)
    second = export_results(source, tmp_path, WHEN)
    later = export_results(source, tmp_path, datetime(2025, 10, 2, tzinfo=timezone.utc))
    assert second.path.name == first.path.name.replace(".jsonl", "-2.jsonl")
    assert len({first.path, second.path, later.path}) == 3
    assert first.path.read_bytes() == second.path.read_bytes()


def test_file_names_are_plain_ascii():
    assert file_stem("", "x", WHEN) == "tramhoc-results_centre_x_20251001T073005Z"
    assert file_stem("Phường Đồng Xuân / Hà Nội", "ABCDEF0123", WHEN) == \
        "tramhoc-results_phuong-dong-xuan-ha-noi_abcdef01_20251001T073005Z"


@pytest.mark.parametrize("damage, message", [
    (lambda data: b"", "the file is empty"),
    (lambda data: b"\x89PNG\r\n\x1a\n" + data, "this is not a Trạm Học results file"),
    (lambda data: data[:-1], "the file ends too early"),
    (lambda data: data[:len(data) // 2], "the file ends too early"),
    (lambda data: data.replace(b'"a1"', b'"a2"', 1), "the checksum does not match"),
    (lambda data: data.replace(b'"format_version":2', b'"format_version":3', 1),
     "results format version 3 is not supported"),
    (lambda data: data.replace(b'"format_version":2', b'"format_version":"2"', 1),
     "results format version 2 is not supported"),
    (lambda data: data.replace(b'"centre":', b'"center":', 1), "the header lacks centre"),
])
def test_damaged_or_foreign_files_are_refused_with_a_reason(source, tmp_path, damage, message):
    path = export_results(source, tmp_path, WHEN).path
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ResultsFileError) as refused:
        verify(path)
    assert str(refused.value).startswith(message)


def test_a_statement_count_that_disagrees_with_the_trailer_is_refused(source, tmp_path):
    path = export_results(source, tmp_path, WHEN).path
    lines = path.read_bytes().splitlines(keepends=True)
    body = b"".join(lines[:-2])  # one statement fewer, checksum recomputed: still not what the trailer says
    trailer = resultsfile.encode({"end": resultsfile.FORMAT, "statements": 30,
                                  "sha256": hashlib.sha256(body).hexdigest()})
    path.write_bytes(body + trailer)
    with pytest.raises(ResultsFileError, match="should hold 30 statements but holds 29"):
        verify(path)


def test_export_command_exports_what_learners_recorded_in_the_store(tmp_path, app, client, capsys):
    open_lesson(client, "mini", "gioi-thieu")
    open_lesson(client, "mini", "dang-nhap")
    settings = services(app).store.settings.update(centre_name="Xã Tân Lập")
    data = str(services(app).paths.root)
    assert main(["--data", data, "export", "--out", str(tmp_path / "usb")]) == 0
    assert "Đã xuất 2 bản ghi kết quả học vào tệp" in capsys.readouterr().out
    assert main(["--data", data, "export", "--out", str(tmp_path / "usb")]) == 0
    files = sorted((tmp_path / "usb").iterdir())
    assert len(files) == 2
    for path in files:
        header = verify(path)
        assert header.device_id == settings["device_id"] and header.centre == "Xã Tân Lập"
        verbs = [json.loads(raw)["verb"]["id"] for _, raw in statement_lines(path)]
        assert verbs == ["http://adlnet.gov/expapi/verbs/launched"] * 2


def test_the_admin_area_exports_whatever_statement_source_the_player_was_given(tmp_path, make_player, source):
    """Export reads the services' statement source, not the store behind its back: a test or another kind
    of store can plug in its own."""
    app = make_player(tmp_path / "data")
    services(app).statements = source
    admin = app.test_client()
    admin.set_admin_pin(ADMIN_PIN)
    download = tmp_path / "download.jsonl"
    download.write_bytes(admin.get("/admin/results/tramhoc-results.jsonl").get_data())
    assert verify(download).centre == "Xã Tân Lập – Đông Hưng"
    assert [json.loads(line) for _, line in statement_lines(download)] == list(source.statements())


def test_export_to_a_place_that_cannot_be_written_says_so(tmp_path, capsys):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    assert main(["--data", str(tmp_path / "data"), "export", "--out", str(blocked / "usb")]) == 1
    assert "Không ghi được vào" in capsys.readouterr().err


def test_what_a_learner_does_in_the_player_reaches_the_trainers_report(tmp_path, app, client):
    """Issues 4 and 5 end to end: lessons read and completed in the player → export → merged report."""
    services(app).store.settings.update(centre_name="Xã Tân Lập")
    for lesson in ("gioi-thieu", "dang-nhap", "ky-so"):
        open_lesson(client, "mini", lesson)
        client.post(f"/courses/mini/lessons/{lesson}/done")
    usb, report = tmp_path / "usb", tmp_path / "report"
    assert main(["--data", str(services(app).paths.root), "export", "--out", str(usb)]) == 0
    assert main(["report", str(usb), "-o", str(report), "--lang", "en"]) == 0
    courses = (report / "courses.csv").read_text(encoding="utf-8-sig").splitlines()
    assert courses[0].startswith("Course,Course id,Learners,Completed,Completion rate")
    assert courses[1].startswith("Khoá học nhỏ: Chữ ký số,mini,1,1,100")
    assert "Xã Tân Lập" in (report / "centres.csv").read_text(encoding="utf-8-sig")


def test_a_quiz_attempt_in_the_player_reaches_the_trainers_report(tmp_path, quiz_app):
    """A test taken in the player → export → report: the attempt, its score and each answer are counted,
    and a wrong choice is named in words, from the definitions the player recorded."""
    learner = quiz_app.test_client()
    learner.sign_in("Nguyễn Thị Lan")
    quiz = lesson_quiz(quiz_app, "quiz-mau", "on-tap")
    page = open_quiz(learner, "quiz-mau", "on-tap")
    outcomes = {question_id: "right" for question_id in page.question_ids}
    outcomes.update({"dang-nhap-vneid": "wrong", "so-chu-so-otp": "wrong"})
    fields = {}
    for question_id, outcome in outcomes.items():
        fields.update(answer(quiz.question(question_id), outcome, page))
    assert submit(learner, "quiz-mau", "on-tap", page, fields).status_code == 303
    usb, report = tmp_path / "usb", tmp_path / "report"
    assert main(["--data", str(services(quiz_app).paths.root), "export", "--out", str(usb)]) == 0
    assert main(["report", str(usb), "-o", str(report), "--lang", "en"]) == 0

    rows = {row["Question id"]: row for row in read_csv(report / "questions.csv")}
    wrong_choice = next(c.text for c in quiz.question("dang-nhap-vneid").choices if c.weight <= 0)
    assert rows["dang-nhap-vneid"]["Most-chosen wrong answer"] == wrong_choice
    assert (rows["dang-nhap-vneid"]["Answers"], rows["dang-nhap-vneid"]["Correct"]) == ("1", "0")
    assert (rows["thu-tu-nop"]["Type"], rows["thu-tu-nop"]["Correct"]) == ("sequencing", "1")
    assert rows["so-chu-so-otp"]["Its xAPI response"] == "98765"
    assert (rows["cam-nhan"]["Type"], rows["cam-nhan"]["Answers"], rows["cam-nhan"]["Correct"]) == (
        "long-fill-in", "1", "0")  # an essay is answered, never counted right
    graded = [q for q in quiz.questions if q.graded and q.id in outcomes]
    points = sum(q.points for q in graded)
    lost = quiz.question("dang-nhap-vneid").points + quiz.question("so-chu-so-otp").points
    learners = read_csv(report / "learners.csv")
    score = str(round(100 * (points - lost) / points))  # one attempt: its score is the best and the average
    assert [(row["Learner"], row["Quiz attempts"], row["Best score"], row["Average of all attempts"])
            for row in learners] == [("Nguyễn Thị Lan", "1", score, score)]


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


CLASS = {"id": "c" * 32, "name": "Lớp DVC thôn Đông", "courses": ["dich-vu-cong"], "trainer": "Cô Hạnh",
         "place": "Nhà văn hoá", "start": "2025-09-29", "end": "2025-10-10", "learners": ["a1", "b2"],
         "names": {"a1": "Nguyễn Thị Lan", "b2": "Trần Văn Bình"}}


def test_classes_and_their_learners_travel_in_the_header_of_format_version_2(tmp_path):
    """Issue 19 #4: the export names each class, its courses, dates and learners (ids and names)."""
    path = tmp_path / "statements.jsonl"
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in many(3, "a1")), encoding="utf-8")
    source = JsonLinesSource(path, "Xã Tân Lập", "6b0d3c1e", classes=[resultsfile.ClassRecord.from_json(CLASS)])
    exported = export_results(source, tmp_path / "usb", WHEN)
    first = json.loads(exported.path.read_bytes().splitlines()[0])
    assert (first["format_version"], first["classes"]) == (2, [CLASS])
    record, = verify(exported.path).classes
    assert (record.name, record.courses, record.start, record.end, record.learners, record.names) == (
        "Lớp DVC thôn Đông", ("dich-vu-cong",), "2025-09-29", "2025-10-10", ("a1", "b2"),
        (("a1", "Nguyễn Thị Lan"), ("b2", "Trần Văn Bình")))


def rewritten(header: dict, statements: list[dict]) -> bytes:
    """A results file with this exact header and a trailer that matches it."""
    body = resultsfile.encode(header) + b"".join(resultsfile.encode(statement) for statement in statements)
    return body + resultsfile.encode({"end": resultsfile.FORMAT, "statements": len(statements),
                                      "sha256": hashlib.sha256(body).hexdigest()})


def test_a_format_version_1_file_is_still_read_with_no_classes(tmp_path):
    old = tmp_path / "old.jsonl"
    old.write_bytes(rewritten({"format": resultsfile.FORMAT, "format_version": 1, "centre": "Xã Tân Lập",
                               "device_id": "6b0d3c1e", "exported_at": "2025-10-01T07:30:05.000Z",
                               "generator": "tramhoc-player 0.1.0", "xapi_version": "1.0.3"}, many(4, "a1")))
    header = verify(old)
    assert (header.statements, header.classes) == (4, ())
    assert len(list(statement_lines(old))) == 4


def test_classes_that_are_not_classes_are_left_out_of_a_header(tmp_path):
    crafted = tmp_path / "crafted.jsonl"
    classes = [CLASS, "x", {"id": "", "name": "no id"}, {"id": "d" * 32, "name": 7},
               {"id": "e" * 32, "name": "Lớp lạ", "learners": ["a1", 5, {"x": 1}], "courses": "dich-vu-cong",
                "trainer": "T" * 5000, "names": {"a1": "N" * 5000, "z9": "Không trong lớp", "5": "x"}},
               {"id": "f" * 32, "name": "Lớp tên lạ", "learners": ["a1", "b2"], "names": {"a1": 7, "b2": ""}},
               {"id": "9" * 32, "name": "Lớp danh sách tên", "learners": ["a1"], "names": ["a1", "Lan"]}]
    crafted.write_bytes(rewritten({"format": resultsfile.FORMAT, "format_version": 2, "centre": "Xã Tân Lập",
                                   "device_id": "6b0d3c1e", "exported_at": "2025-10-01T07:30:05.000Z",
                                   "generator": "x", "xapi_version": "1.0.3", "classes": classes}, many(1, "a1")))
    kept = verify(crafted).classes
    assert [record.id for record in kept] == ["c" * 32, "e" * 32, "f" * 32, "9" * 32]
    assert (kept[1].learners, kept[1].courses, len(kept[1].trainer)) == (("a1",), (), resultsfile.MAX_CLASS_TEXT)
    assert kept[1].names == (("a1", "N" * resultsfile.MAX_CLASS_TEXT),)  # only the class's learners, cut
    assert kept[2].names == kept[3].names == ()  # a name that is no text, or names that are no mapping


def test_an_export_names_the_learners_of_each_class(tmp_path, app):
    """Issue 19: the header names the class's learners, so the report can name those who have not started."""
    store = services(app).store
    lan, binh = (store.learners.create({"name": name})["id"] for name in ("Nguyễn Thị Lan", "Trần Văn Bình"))
    made = store.classes.create({"name": "Lớp DVC thôn Đông", "courses": ["mini"]})
    store.classes.enrol(made["id"], [lan])
    record, = verify(export_results(services(app).statements, tmp_path / "usb", WHEN).path).classes
    assert (record.learners, record.names) == ((lan,), ((lan, "Nguyễn Thị Lan"),))  # Bình is in no class
