"""A class's outcomes end to end in Debian's chromium (issue 19, the first "done when"): the admin makes a
class for a course with a pre-test and imports its 50 learners from an .xlsx file; two of them, picked on
the start screen by their imported names, take the pre-test (whose results give away no answer), read the
lessons and take the post-test with answers chosen so every score is known; the admin saves the results on a
(fake) USB stick and sees the class's averages on its page; `python -m player report` builds the report from
that stick; the class's figures and gains in its CSV files and on its printable page are the numbers worked
out by hand below, and the page is looked at in chromium (1024×768, and A4 as printed)."""

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import watch
from class_lists import HEADERS, learners, xlsx
from learner_steps import submit_test
from playwright.sync_api import Page, expect
from support.pages import ADMIN_PIN
from support.report_files import Tables, number, read_csv
from test_accessibility import axe_source, violations  # noqa: F401 - axe_source is a fixture

from builder.build import build
from player.app import create_app
from player.learners import credentials
from player.results.drives import Drive
from player.web.i18n import Language
from player.web.services import services

REPO = Path(__file__).parents[2]
COURSE = REPO / "tests" / "fixtures" / "courses" / "pretest"
SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))
A4 = {"width": 794, "height": 1123}
CLASS_NAME = "Dịch vụ công trực tuyến – thôn Đông"
LAN, BINH = "Nguyễn Thị Lan", "Trần Văn Bình"  # the 1st and the 12th row of class_lists.learners(50)
RIGHT = {"q-otp": "Không đọc mã cho ai", "q-vneid": "Tài khoản định danh điện tử VNeID",
         "q-matkhau": "Không, mật khẩu là của riêng mình"}
WRONG = {"q-otp": "Gửi mã qua tin nhắn", "q-vneid": "Tài khoản thư điện tử",
         "q-matkhau": "Có, để người thân làm giúp"}
# The questions each learner answers right: in the pre-test (drawn from the final test: the same three) and
# in the final test, which is the post-test (pass mark 80 %).
ANSWERS = {LAN: ({"q-otp"}, set(RIGHT)), BINH: (set(), {"q-otp", "q-vneid"})}


@pytest.fixture
def class_server(tmp_path, publisher_key, install_bundle, player_server, monkeypatch):
    """The player with the pre-test course, an admin PIN, and a USB stick plugged in: (server, stick)."""
    data = install_bundle(tmp_path / "data", build(COURSE, tmp_path / "dist", use_cache=False, signer=publisher_key),
                          publisher_key)
    services(create_app(data)).store.settings.update(admin_pin=credentials.hash_secret("admin", ADMIN_PIN),
                                                     centre_name="Xã Tân Lập")
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr("player.results.views.removable_drives", lambda: [Drive(stick, "KINGSTON", 3 * 1024**3)])
    with player_server(data) as server:
        yield server, stick


def admin_signs_in(page: Page, base: str) -> None:
    page.goto(base + "/admin/")
    page.locator("input[name=pin]").fill(ADMIN_PIN)
    page.locator("form[action$='/admin/sign-in'] button").click()


def make_class_of_50(page: Page, base: str, class_list: Path) -> str:
    """The admin makes the class for the course, imports the list and leaves; the class's id."""
    admin_signs_in(page, base)
    page.get_by_role("link", name="Lớp học").click()
    page.get_by_label("Tên lớp").fill(CLASS_NAME)
    page.get_by_label("Khoá học có kiểm tra đầu vào").check()
    page.get_by_label("Giảng viên").fill("Nguyễn Thị Hạnh")
    page.get_by_label("Ngày đầu").fill(date.today().isoformat())
    page.get_by_label("Ngày cuối").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Tạo lớp").click()
    class_id = urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[1]
    page.get_by_label("Tệp danh sách lớp").set_input_files(class_list)
    page.get_by_role("button", name="Đọc danh sách").click()
    page.get_by_role("button", name="Nhập 50 học viên vào lớp").click()
    expect(page.get_by_text("50 học viên được tạo")).to_be_visible()
    page.get_by_role("button", name="Thoát khu quản trị").click()  # before the learners sit down
    expect(page.locator("h1")).to_have_text("Ai đang học?")
    return class_id


def answer(page: Page, right: set[str]) -> None:
    """Choose the right answer to the questions in `right`, a wrong one to the others, and submit."""
    asked = page.locator("fieldset.question").evaluate_all("all => all.map(el => el.id.slice(2))")
    assert sorted(asked) == sorted(RIGHT)
    for question_id in asked:
        chosen = RIGHT[question_id] if question_id in right else WRONG[question_id]
        page.locator(f"#q-{question_id} label.option", has_text=chosen).click()
    submit_test(page, blank=0)


def learner_takes_the_course(page: Page, name: str, axe: str) -> list[str]:
    """Pick `name` on the start screen, take the pre-test, read both lessons, take the post-test, and leave
    the start screen to the next learner; what axe found on the pre-test's results."""
    pre, post = ANSWERS[name]
    page.get_by_role("link", name=name).click()
    page.get_by_role("button", name=f"Đúng, tôi là {name}").click()
    page.get_by_role("link", name="Mở khoá học").click()
    page.get_by_role("link", name="Bắt đầu học").click()
    expect(page.locator("h1")).to_have_text("Kiểm tra đầu vào")
    page.screenshot(path=str(SCREENSHOTS / "class-outcomes-pretest-1024x768.png"))
    answer(page, pre)
    expect(page.locator(".score-verdict")).to_have_text("✓ Bạn đã làm xong bài kiểm tra đầu vào.")
    expect(page.locator(".score")).to_have_text(f"Điểm của bạn: {round(len(pre) * 100 / 3)}%")
    expect(page.locator(".question-result")).to_have_count(0)  # the final test's key is not given away
    page.screenshot(path=str(SCREENSHOTS / "class-outcomes-pretest-results-1024x768.png"))
    found = violations(page, axe)
    page.get_by_role("link", name="Tiếp tục →").click()
    for lesson in ("Mã OTP là của riêng bạn", "Đăng nhập bằng VNeID"):
        expect(page.locator("article.lesson h1")).to_have_text(lesson)
        page.get_by_role("button", name="✓ Xong, sang bài tiếp").click()
    expect(page.locator("h1")).to_have_text("Kiểm tra cuối khoá")
    answer(page, post)
    expect(page.locator(".score")).to_contain_text(f"Điểm của bạn: {round(len(post) * 100 / 3)}%")
    page.get_by_role("button", name="Đổi học viên").click()
    expect(page.locator("h1")).to_have_text("Ai đang học?")
    return found


def save_on_the_stick(page: Page, base: str, stick: Path) -> Path:
    """The admin saves the results on the USB stick; the folder holding the results file."""
    admin_signs_in(page, base)
    page.get_by_role("link", name="Kết quả học tập").click()
    expect(page.get_by_label("USB “KINGSTON”")).to_be_checked()
    page.get_by_role("button", name="Lưu kết quả").click()
    expect(page.get_by_text("vào ổ USB “KINGSTON”, thư mục TramHoc.")).to_contain_text("Đã lưu kết quả của 2 học viên")
    results, = (stick / "TramHoc").glob("*.jsonl")
    return results.parent


def report_of(folder: Path, out: Path) -> None:
    """`python -m player report FOLDER -o OUT`, as the trainer runs it."""
    done = subprocess.run([sys.executable, "-m", "player", "report", str(folder), "-o", str(out), "--lang", "vi"],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.browser
def test_a_class_of_50_takes_the_pre_test_lessons_and_post_test_and_the_report_shows_its_gains(
        page: Page, class_server, tmp_path, axe_source):  # noqa: F811 - the fixture
    server, stick = class_server
    base = server.url.rstrip("/")
    class_list = tmp_path / "danh-sach-lop.xlsx"
    class_list.write_bytes(xlsx([HEADERS, *learners(50)]))
    names = [row[1] for row in learners(50)]
    assert (names[0], names[11]) == (LAN, BINH)
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    class_id = make_class_of_50(page, base, class_list)
    for name in (LAN, BINH):
        assert learner_takes_the_course(page, name, axe_source) == []
    folder = save_on_the_stick(page, base, stick)
    page.goto(f"{base}/admin/classes/{class_id}")  # the player's own class page counts as the report does
    expect(page.get_by_text("Trung bình của lớp: kiểm tra đầu vào 17%, kiểm tra cuối khoá 83%, "
                            "tiến bộ +67 điểm.")).to_be_visible()
    report = tmp_path / "report"
    report_of(folder, report)

    # Worked out by hand, each a share of the 3 questions, shown rounded to whole percent:
    #   Lan:  pre 1/3 = 33, post 3/3 = 100, gain 2/3 = +67; passed (100 >= 80), every lesson done: finished.
    #   Bình: pre 0/3 = 0,  post 2/3 = 67,  gain 2/3 = +67; failed (67 < 80): neither finished nor passed.
    #   The class: 50 enrolled, 2 started, 1 finished, 1 passed; pre (1/3 + 0) / 2 = 1/6 = 17,
    #   post (1 + 2/3) / 2 = 5/6 = 83, gain (2/3 + 2/3) / 2 = 67 (averages over the 2 who took the tests).
    t = Language("vi").gettext
    figures = ("Learners enrolled", "Started", "Finished", "Passed", "Average pre-test", "Average post-test",
               "Average gain (points)")
    row, = read_csv(report / "classes.csv")
    assert (row[t("Class id")], row[t("Class")], row[t("Course")]) == (class_id, CLASS_NAME,
                                                                     "Khoá học có kiểm tra đầu vào")
    assert [row[t(title)] for title in figures] == ["50", "2", "1", "1", "17", "83", "67"]

    yes, no = t("yes"), t("no")
    rows = {line[t("Learner")]: line for line in read_csv(report / "class_learners.csv")}
    per_learner = ("Started", "Finished", "Passed", "Pre-test", "Post-test", "Gain (points)")
    assert sorted(rows) == sorted(names)  # every learner of the class by name, those who never started too
    assert [rows[LAN][t(title)] for title in per_learner] == [yes, yes, yes, "33", "100", "67"]
    assert [rows[BINH][t(title)] for title in per_learner] == [yes, no, no, "0", "67", "67"]
    assert {tuple(line[t(title)] for title in per_learner) for name, line in rows.items()
            if name not in (LAN, BINH)} == {(no, no, no, "", "", "")}

    # Per question, right before / after out of 2 answers each: q-otp Lan only before, both after (50 / 100);
    # q-vneid nobody before, both after (0 / 100); q-matkhau nobody before, Lan only after (0 / 50).
    columns = ("Answers in the pre-test", "Right before (pre-test)", "Answers in the post-test",
               "Right after (post-test)")
    questions = {line[t("Question id")]: [line[t(title)] for title in columns]
                 for line in read_csv(report / "class_questions.csv")}
    assert questions == {"q-otp": ["2", "50", "2", "100"], "q-vneid": ["2", "0", "2", "100"],
                         "q-matkhau": ["2", "0", "2", "50"]}

    page_path = report / f"class-{class_id}.html"
    tables = Tables(page_path.read_text(encoding="utf-8")).found
    head, cells = tables[t("The class's figures")]
    assert [number(cell) for cell in cells[0][1:]] == ["50", "2", "1", "1", "17", "83", "67"]
    head, cells = tables[t("Learners of the class")]
    shown = {cell[head.index(t("Learner"))]: [number(value) or value for value in cell[head.index(t("Started")):]]
             for cell in cells}
    assert shown[LAN] == [yes, yes, yes, "33", "100", "67"]
    assert shown[BINH] == [yes, no, no, "0", "67", "67"]
    head, cells = tables[t("Questions before and after")]
    assert sorted([number(cell) for cell in line[2:]] for line in cells) == sorted(questions.values())
    head, cells = tables[t("Attendance by date")]
    assert [line[1:] for line in cells] == [["2", "50"]]  # both learners came today

    page.goto(page_path.as_uri())
    expect(page.get_by_role("heading", name="Báo cáo kết quả học tập của lớp")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "class-outcomes-1024x768.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "class-outcomes-a4-print.png"), full_page=True)
    assert seen.off_machine() == []  # the player on 127.0.0.1, the report from its folder
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []
