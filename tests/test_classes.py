"""Classes in the admin area (issue 19 #1): making a class; importing its class list from .xlsx or CSV in
steps, with the columns guessed from Vietnamese or English headers, a preview, and every problem of a bad
list (missing names, duplicates in the file and against the learners here, wrong values, wrong encoding,
an empty sheet) shown with its row number before anything is written; what the import did; a class's
courses first for its learners while it runs."""

import io
import re
import unicodedata
from datetime import date, timedelta

import pytest
from class_lists import HEADERS, cp1258, csv_text, learners, xlsx
from support.pages import open_lesson, text

from player.results.export import export_results
from player.results.resultsfile import verify
from player.web.services import services

TODAY = date.today()


@pytest.fixture
def two_courses(app, signed_quiz_bundle):
    services(app).library.install(signed_quiz_bundle)
    return app


def make_class(admin, courses=("mini",), start=TODAY, end=TODAY + timedelta(days=30), name="Lớp DVC thôn Đông"):
    made = admin.post("/admin/classes/", data={"name": name, "courses": list(courses), "trainer": "Cô Hạnh",
                                               "place": "Nhà văn hoá thôn Đông", "start": start.isoformat(),
                                               "end": end.isoformat()})
    assert made.status_code == 303, text(made)
    return made.headers["Location"].rsplit("/", 1)[1]


def upload(admin, class_id, data: bytes, name="lop.xlsx"):
    return admin.post(f"/admin/classes/{class_id}/import", data={"list": (io.BytesIO(data), name)})


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def mapping_of(response) -> dict:
    """The columns a check page chose, as the confirm form sends them."""
    return dict(re.findall(r'<input type="hidden" name="(col_\w+)" value="(\d+)">', response.get_data(as_text=True)))


def confirm(admin, class_id, checked):
    return admin.post(f"/admin/classes/{class_id}/import/confirm", data={"token": token_of(checked),
                                                                         **mapping_of(checked)})


def names(app) -> list[str]:
    return sorted(row["name"] for row in services(app).store.learners.learners())


def test_the_admin_area_links_to_classes_and_only_the_admin_may_use_them(app, admin):
    assert 'href="/admin/classes/"' in admin.get("/admin/").get_data(as_text=True)
    assert "Chưa có lớp nào." in text(admin.get("/admin/classes/"))
    other = app.test_client()
    assert other.get("/admin/classes/").headers["Location"] == "/admin/"
    assert other.post("/admin/classes/", data={"name": "x"}).headers["Location"] == "/admin/"


def test_a_class_form_lists_every_problem_then_makes_the_class(app, admin):
    refused = admin.post("/admin/classes/", data={"name": " ", "start": "2026-05-10", "end": "2026-05-01"})
    page = text(refused)
    assert refused.status_code == 400
    for problem in ("Nhập tên lớp.", "Chọn khoá học của lớp.", "Ngày cuối đến trước ngày đầu."):
        assert problem in page
    assert services(app).store.classes.classes() == []

    class_id = make_class(admin, name="  Lớp   DVC thôn Đông ")
    stored = services(app).store.classes.get(class_id)
    assert (stored["name"], stored["courses"], stored["trainer"], stored["learners"]) == \
        ("Lớp DVC thôn Đông", ["mini"], "Cô Hạnh", [])
    page = text(admin.get(f"/admin/classes/{class_id}"))
    assert "Lớp DVC thôn Đông" in page and "đang diễn ra" in page and "Giảng viên: Cô Hạnh" in page
    assert "Chưa có học viên nào" in page
    assert "Lớp DVC thôn Đông" in text(admin.get("/admin/classes/"))


def test_an_xlsx_list_is_read_with_guessed_columns_and_written_only_once_confirmed(app, admin):
    class_id = make_class(admin)
    rows = [HEADERS, *learners(3)]
    rows[2][3] = 912345678  # a phone number typed as a number: Excel dropped its 0
    checked = upload(admin, class_id, xlsx(rows))
    page = text(checked)
    assert checked.status_code == 200 and "Chưa có gì được ghi." in page
    assert "Dòng 2 là tên các cột" in page  # row 1 is the list's title
    for field, column in (("name", "B: Họ và tên"), ("birth_year", "C: Năm sinh"), ("phone", "D: Số điện thoại"),
                          ("gender", "E: Giới tính"), ("group", "F: Thôn/Xóm")):
        assert re.search(rf'name="col_{field}">.*?<option value="\d+" selected>{column}</option>', page)
    assert "<td>3</td><td>Nguyễn Thị Lan</td><td>1960</td><td>0900000000</td><td>Nam</td><td>Thôn 1</td>" in page
    assert "<td>4</td><td>Trần Thị Lan</td><td>1961</td><td>0912345678</td><td>Nữ</td>" in page
    assert "3 học viên mới sẽ được tạo." in page and "0 dòng sẽ bị bỏ qua." in page
    assert names(app) == []  # nothing written yet

    done = confirm(admin, class_id, checked)
    page = text(done)
    assert done.status_code == 200 and "Đã nhập danh sách lớp" in page and "3 học viên được tạo" in page
    assert names(app) == ["Lê Thị Lan", "Nguyễn Thị Lan", "Trần Thị Lan"]
    stored = services(app).store.classes.get(class_id)
    assert len(stored["learners"]) == 3
    lan = services(app).store.learners.profile(next(row["id"] for row in services(app).store.learners.learners()
                                                     if row["name"] == "Trần Thị Lan"))
    assert (lan["birth_year"], lan["phone"], lan["gender"], lan["group"], lan["secret_kind"]) == \
        (1961, "0912345678", "female", "Thôn 2", None)  # an ordinary profile, with no code
    class_page = text(admin.get(f"/admin/classes/{class_id}"))
    assert "3 học viên" in class_page and "Trần Thị Lan</a></td><td>1961</td><td>0912345678</td>" in class_page


def test_every_problem_of_a_bad_list_is_shown_with_its_row_before_anything_is_written(app, admin):
    existing = app.test_client()
    existing.sign_in("Phạm Văn Bình")
    services(app).store.learners.update_profile(
        next(row["id"] for row in services(app).store.learners.learners()), birth_year=1950)
    existing.sign_in("Hồ Thu Hà")
    class_id = make_class(admin)
    rows = [["Họ tên", "Năm sinh", "SĐT", "Giới tính"],
            ["Nguyễn Thị Lan", "1985", "0912 345 678", "nữ"],     # 2: fine
            ["", "1990", "", ""],                                 # 3: no name
            ["nguyễn thị lan", "", "", ""],                       # 4: the same name as row 2
            ["Trần Văn An", "năm ngoái", "", ""],                 # 5: not a year
            ["Lê Minh", "1970", "12345", ""],                     # 6: not a phone number
            ["Đỗ Hoa", "", "", "x"],                              # 7: not a gender
            ["Phạm Văn Bình", "1980", "", "Nam"],                 # 8: someone else here has the name
            ["Hồ Thu Hà", "", "", ""],                            # 9: already here: enrolled
            ["", "", "", ""],                                     # blank rows are left out
            ["A" * 41, "", "", ""]]                               # 11: too long
    checked = upload(admin, class_id, csv_text(rows).encode("utf-8"), "lop.csv")
    page = text(checked)
    assert checked.status_code == 200 and "Chưa có gì được ghi." in page
    assert "1 học viên mới sẽ được tạo." in page and "1 học viên đã có trên máy này và sẽ được ghi danh." in page
    assert "7 dòng sẽ bị bỏ qua." in page
    for row, problem in ((3, "không có tên"), (4, "trùng tên với dòng 2"), (5, "“năm ngoái” không phải năm sinh"),
                         (6, "“12345” không phải số điện thoại"), (7, "“x” không phải giới tính (Nam, Nữ hoặc Khác)"),
                         (8, "một người khác ở đây có tên này (sinh năm 1950)"),
                         (11, "tên dài hơn 40 chữ")):
        assert re.search(rf"<tr><td>{row}</td><td>[^<]*</td><td>{re.escape(problem)}", page), (row, problem)
    assert names(app) == ["Hồ Thu Hà", "Phạm Văn Bình"]  # nothing written

    done = confirm(admin, class_id, checked)
    page = text(done)
    assert "1 học viên được tạo" in page and "1 đã có" in page and "7 dòng bị bỏ qua" in page
    assert "<td>4</td><td>nguyễn thị lan</td><td>trùng tên với dòng 2</td>" in page
    assert names(app) == ["Hồ Thu Hà", "Nguyễn Thị Lan", "Phạm Văn Bình"]
    assert len(services(app).store.classes.get(class_id)["learners"]) == 2

    again = text(upload(admin, class_id, csv_text(rows).encode("utf-8"), "lop.csv"))
    assert "2 học viên đã ở trong lớp này." in again and "0 học viên mới sẽ được tạo." in again


@pytest.mark.parametrize("data, name, problem", [
    (xlsx([], title=None), "lop.xlsx", "Trang tính trống: tệp này không có tên nào."),
    (b"", "lop.csv", "Trang tính trống: tệp này không có tên nào."),
    (b"\r\n , \r\n,,\r\n", "lop.csv", "Trang tính trống: tệp này không có tên nào."),
    (b"\xd0\xcf\x11\xe0" + bytes(100), "lop.xls", "Đây là tệp Excel cũ (.xls)."),
    (b"PK\x03\x04 not really a zip", "lop.xlsx", "Không mở được tệp Excel này"),
    (b"Nguy\x81n\r\n", "lop.csv", "Không đọc được chữ trong tệp"),
    (b"\x00\x01\x02binary", "lop.csv", "Tệp này không phải tệp CSV cũng không phải tệp Excel .xlsx."),
])
def test_a_list_that_cannot_be_read_says_why_and_writes_nothing(app, admin, data, name, problem):
    class_id = make_class(admin)
    refused = upload(admin, class_id, data, name)
    assert refused.status_code == 400 and problem in text(refused)
    assert names(app) == []


def test_a_list_with_column_names_but_no_learners_cannot_be_imported(app, admin):
    class_id = make_class(admin)
    checked = upload(admin, class_id, xlsx([HEADERS]))
    page = text(checked)
    assert "Trang tính có tên cột nhưng không có học viên nào." in page and "Nhập 0" not in page
    assert confirm(admin, class_id, checked).status_code == 400


@pytest.mark.parametrize("encode, delimiter, note", [
    (lambda body: body.encode("utf-8"), ",", False),
    (lambda body: body.encode("utf-8-sig"), ";", False),
    (lambda body: body.encode("utf-16"), "\t", False),
    (cp1258, ",", True),
])
def test_csv_lists_are_read_in_their_encoding_and_a_guess_is_said(app, admin, encode, delimiter, note):
    class_id = make_class(admin)
    rows = [["Họ và tên", "Năm sinh", "Thôn/Xóm"], ["Nguyễn Thị Lan", "1985", "Thôn Đông"],
            ["Đặng Văn Ưng", "1972", "Xóm Bãi"]]
    checked = upload(admin, class_id, encode(csv_text(rows, delimiter)), "lop.csv")
    page = text(checked)
    assert "<td>Nguyễn Thị Lan</td><td>1985</td>" in page and "<td>Đặng Văn Ưng</td><td>1972</td>" in page
    assert ("Tệp này không ở dạng UTF-8: đã được đọc theo Windows-1258 (tiếng Việt)." in page) is note
    confirm(admin, class_id, checked)
    assert names(app) == ["Nguyễn Thị Lan", "Đặng Văn Ưng"]


def test_names_are_stored_in_nfc_whatever_form_the_file_has(app, admin):
    class_id = make_class(admin)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    checked = upload(admin, class_id, csv_text([["Họ và tên"], [decomposed]]).encode("utf-8"), "lop.csv")
    confirm(admin, class_id, checked)
    assert names(app) == ["Nguyễn Thị Lan"] and unicodedata.is_normalized("NFC", names(app)[0])


def test_english_headers_and_a_list_without_headers_are_read_too(app, admin):
    class_id = make_class(admin)
    english = text(upload(admin, class_id, csv_text([["Full name", "Phone", "Village"], ["Lan", "0912345678", "Đông"]])
                          .encode(), "list.csv"))
    assert "<td>2</td><td>Lan</td><td></td><td>0912345678</td><td></td><td>Đông</td>" in english
    bare = text(upload(admin, class_id, csv_text([["Nguyễn Thị Lan", "1985"], ["Trần Văn Bình", "1990"]]).encode(),
                       "list.csv"))
    assert "Không thấy dòng tên cột nào: mỗi dòng được đọc là một học viên." in bare
    assert "<td>1</td><td>Nguyễn Thị Lan</td>" in bare and "2 học viên mới sẽ được tạo." in bare


def test_the_admin_may_choose_other_columns_and_must_choose_the_names(app, admin):
    class_id = make_class(admin)
    checked = upload(admin, class_id, csv_text([["Số", "Người học"], ["1", "Lan"]]).encode(), "lop.csv")
    assert "<td>1</td><td>1</td>" not in text(checked)
    token = token_of(checked)
    chosen = text(admin.post(f"/admin/classes/{class_id}/import/check", data={"token": token, "col_name": "1"}))
    assert "<td>2</td><td>Lan</td>" in chosen
    none = admin.post(f"/admin/classes/{class_id}/import/check", data={"token": token, "col_name": ""})
    assert "Chọn cột chứa họ tên." in text(none) and 'action="/admin/classes/' + class_id + '/import/confirm"' \
        not in none.get_data(as_text=True)
    assert admin.post(f"/admin/classes/{class_id}/import/confirm", data={"token": token}).status_code == 400
    assert names(app) == []


def test_a_list_token_is_bound_to_its_class_and_to_this_player(app, admin):
    first, second = make_class(admin), make_class(admin, name="Lớp hai")
    checked = upload(admin, first, csv_text([["Họ và tên"], ["Lan"]]).encode(), "lop.csv")
    for class_id, token in ((second, token_of(checked)), (first, "forged")):
        refused = admin.post(f"/admin/classes/{class_id}/import/confirm", data={"token": token, "col_name": "0"})
        assert refused.status_code == 303 and refused.headers["Location"] == f"/admin/classes/{class_id}"
    assert names(app) == []
    assert admin.get("/admin/classes/" + "f" * 32).status_code == 404


def test_a_learner_may_be_in_several_classes(app, admin):
    first, second = make_class(admin), make_class(admin, name="Lớp hai")
    for class_id in (first, second):
        confirm(admin, class_id, upload(admin, class_id, csv_text([["Họ và tên"], ["Lan"]]).encode(), "lop.csv"))
    learner_id, = [row["id"] for row in services(app).store.learners.learners()]
    assert sorted(row["id"] for row in services(app).store.classes.classes_of(learner_id)) == sorted([first, second])


def test_learners_of_a_running_class_see_its_courses_first(two_courses, admin):
    app = two_courses
    titles = {course.id: course.title for course in services(app).library.courses()}
    order = sorted(titles, key=lambda course_id: titles[course_id])
    last = order[-1]
    running = make_class(admin, courses=[last])
    make_class(admin, courses=[order[0]], start=TODAY - timedelta(days=60), end=TODAY - timedelta(days=30),
               name="Lớp cũ")
    confirm(admin, running, upload(admin, running, csv_text([["Họ và tên"], ["Nguyễn Thị Lan"]]).encode(), "a.csv"))
    member, other = app.test_client(), app.test_client()
    assert member.post(f"/learners/{services(app).store.learners.learners()[0]['id']}/open").status_code == 303
    other.sign_in("Trần Văn Bình")

    def shown(client):
        page = client.get("/").get_data(as_text=True)
        return sorted(titles, key=lambda course_id: page.index(f"/courses/{course_id}"))
    assert shown(member) == [last, *order[:-1]] and "Các khoá học của lớp bạn được xếp lên đầu." in text(member.get("/"))
    assert shown(other) == order


def test_classes_travel_in_the_export_and_in_their_learners_statements(app, admin, tmp_path):
    """Issue 19 #4: the export file names each class and its learners; a learner's statements about a
    class's course name the class in their xAPI grouping while it runs, and no other class."""
    running = make_class(admin)
    make_class(admin, name="Lớp cũ", start=TODAY - timedelta(days=60), end=TODAY - timedelta(days=30))
    for class_id in [row["id"] for row in services(app).store.classes.classes()]:
        confirm(admin, class_id, upload(admin, class_id, csv_text([["Họ và tên"], ["Lan"], ["Bình"]]).encode(),
                                        "lop.csv"))
    lan, binh = (next(row["id"] for row in services(app).store.learners.learners() if row["name"] == name)
                 for name in ("Lan", "Bình"))
    learner = app.test_client()
    assert learner.post(f"/learners/{lan}/open").status_code == 303
    open_lesson(learner, "mini", "gioi-thieu")
    launched, = services(app).store.learners.statements(lan)
    grouping = launched["context"]["contextActivities"]["grouping"]
    assert [activity["id"] for activity in grouping] == ["urn:tramhoc:course:mini", f"urn:tramhoc:class:{running}"]
    assert grouping[1]["definition"]["name"] == {"vi": "Lớp DVC thôn Đông"}

    admin.post(f"/admin/learners/{binh}/delete", data={"confirm": "yes"})
    header = verify(export_results(services(app).statements, tmp_path / "usb").path)
    assert sorted((record.name, record.learners) for record in header.classes) == [
        ("Lớp DVC thôn Đông", (lan,)), ("Lớp cũ", (lan,))]
    record = next(record for record in header.classes if record.id == running)
    assert (record.courses, record.trainer, record.place, record.start) == (
        ("mini",), "Cô Hạnh", "Nhà văn hoá thôn Đông", TODAY.isoformat())


def test_a_csv_that_is_not_vietnamese_windows_is_read_as_western_windows_and_said_so(app, admin):
    class_id = make_class(admin)
    data = csv_text([["Name"], ["Šárka Nováková"], ["José Pérez"]]).encode("cp1252")  # Š is not in Windows-1258
    page = text(upload(admin, class_id, data, "list.csv"))
    assert "đã được đọc theo Windows-1252." in page and "<td>Šárka Nováková</td>" in page
