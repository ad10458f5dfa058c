"""A practice in the results: its statements are valid xAPI, and the report built from an export shows each
practice's completion rate and the steps where learners needed most hints."""

import csv
import io
from datetime import datetime, timezone

from practice_helpers import practice_of, right_form, url, wrong_form
from support.statements import START, scope
from xapi_schema import statement_errors

from player.results.export import export_results
from player.results.report import build_report
from player.web.services import services
from player.xapi import statements
from player.xapi.statements import PracticeRun
from player.xapi.validate import problem

COURSE = "thuc-hanh-mau"
PORTAL = (COURSE, "tam-tru", "dang-ky-tam-tru")
MESSAGES = (COURSE, "lua-dao", "tin-nhan-lua-dao")


def read_csv(path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_practice_statements_are_valid_xapi():
    run = PracticeRun("tam-tru", "Đăng ký tạm trú", "dang-ky-tam-tru", "Đăng ký tạm trú trực tuyến",
                      "9d6f0c8e-3b1a-4f2e-8c7d-1a2b3c4d5e6f")
    made = [statements.practice_step_checked(scope("a1b2c3"), run, "otp", "Nhập mã OTP", False, 2, 3, START),
            statements.practice_completed(scope("a1b2c3"), run, 2, 3, 95.5, START)]
    for statement in made:
        assert statement_errors(statement) == []
        assert problem(statement) is None


def test_the_report_shows_completion_per_practice_and_the_steps_needing_most_hints(
        tmp_path, make_player, signed_practice_bundle, publisher_key):
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    services(app).library.install(signed_practice_bundle)
    portal, messages = practice_of(app, *PORTAL), practice_of(app, *MESSAGES)
    for name, finish in (("Lò Văn Pà", True), ("Hà Thị Mai", False)):
        client = app.test_client()
        client.sign_in(name)
        client.post(url(*PORTAL, "start"))
        client.post(url(*PORTAL, "check"), data=right_form(portal.steps[0]))
        for _ in range(3):  # the OTP step: both needed every hint, the answer included
            client.post(url(*PORTAL, "check"), data=wrong_form(portal.steps[1]))
        if finish:
            for step in portal.steps[1:]:
                client.post(url(*PORTAL, "check"), data=right_form(step))
        client.post(url(*MESSAGES, "start"))
        client.post(url(*MESSAGES, "check"), data=wrong_form(messages.steps[0]))
        for step in messages.steps:
            client.post(url(*MESSAGES, "check"), data=right_form(step))
    usb = tmp_path / "usb"
    export_results(services(app).statements, usb, datetime(2025, 10, 9, tzinfo=timezone.utc))
    build_report([usb], tmp_path / "report", "en")
    practices = {row["Practice id"]: row for row in read_csv(tmp_path / "report" / "practices.csv")}
    assert {key: (row["Practice"], row["Started"], row["Finished"], row["Completion rate"])
            for key, row in practices.items()} == {
        "dang-ky-tam-tru": ("Đăng ký tạm trú trực tuyến", "2", "1", "50"),
        "tin-nhan-lua-dao": ("Tin nhắn nào là lừa đảo?", "2", "2", "100")}
    steps = read_csv(tmp_path / "report" / "practice_steps.csv")
    assert [(row["Step id"], row["Step"], row["Hints shown"], row["Learners who needed a hint"], row["Wrong checks"])
            for row in steps[:2]] == [("otp", "Nhập mã OTP", "6", "2", "6"),
                                      ("cong-an-goi", "Cuộc gọi đến", "2", "2", "2")]
    assert {row["Hints shown"] for row in steps[2:]} == {"0"}
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Practice steps needing most hints" in page and "Nhập mã OTP" in page


def test_the_report_in_vietnamese_names_the_practice_section(tmp_path, make_player, signed_practice_bundle,
                                                            publisher_key):
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    services(app).library.install(signed_practice_bundle)
    client = app.test_client()
    client.sign_in()
    client.post(url(*MESSAGES, "start"))
    client.post(url(*MESSAGES, "check"), data=wrong_form(practice_of(app, *MESSAGES).steps[0]))
    export_results(services(app).statements, tmp_path / "usb")
    build_report([tmp_path / "usb"], tmp_path / "report")
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Các bước thực hành cần nhiều gợi ý nhất" in page and "Tỉ lệ hoàn thành" in page
