"""One shape for what a person is told (player.web.errors.Problem): a sentence in the UI language that
names what they chose, and the technical words folded away as a detail, never mixed into the sentence."""

import errno
import io
import re

import pytest
from support.pages import ADMIN_PIN, text

from courses import FORMAT_VERSION
from courses.errors import BundleError, UnsupportedFormat
from player.web.errors import Problem, bundle_problem, os_kind, os_problem
from player.web.i18n import Language

FOLDED_DETAIL = re.compile(r'<summary>Chi tiết kỹ thuật \(cho người hỗ trợ\)</summary><code lang="en">(.*?)</code>')


def test_a_damaged_course_file_is_named_as_the_admin_chose_it_in_the_ui_language(app):
    """Issue 17 #13: not "course.tramhoc: not a readable bundle (not a zip file)", but the file's own name,
    in Vietnamese, with the English detail folded away for whoever helps."""
    admin = app.test_client()
    admin.set_admin_pin(ADMIN_PIN)
    response = admin.post("/install", follow_redirects=True,
                            data={"bundle": (io.BytesIO(b"this is no zip"), "Khoá học của tôi.tramhoc")})
    page = text(response)
    assert ("Không cài được khoá học này: Tệp khoá học Khoá học của tôi.tramhoc bị hỏng, hoặc không phải là tệp "
            "khoá học của Trạm Học.") in page
    assert "course.tramhoc" not in FOLDED_DETAIL.sub("", page)
    assert "not a readable bundle" in FOLDED_DETAIL.search(page).group(1)


def test_a_course_made_for_a_newer_player_says_so():
    newer = UnsupportedFormat("unsupported bundle format version 9", FORMAT_VERSION + 1, FORMAT_VERSION)
    said = bundle_problem(newer, "moi.tramhoc").text(Language("vi").gettext)
    assert said == (f"Tệp khoá học moi.tramhoc được làm cho phiên bản Trạm Học mới hơn (định dạng "
                    f"{FORMAT_VERSION + 1}; trình học này đọc định dạng {FORMAT_VERSION}). Hãy cài trình học mới "
                    "hơn trước.")
    assert bundle_problem(BundleError("x"), "a.tramhoc").detail == "x"


@pytest.mark.parametrize("error, kind, vietnamese", [
    (OSError(errno.ENOSPC, "No space left on device"), "full", "ổ đĩa đã đầy"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only", "nơi đó chỉ đọc được hoặc đang được bảo vệ"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "gone",
     "không thấy nơi đó, hoặc không vào được (có phải USB đã bị rút ra?)"),
    (OSError(errno.EBADF, "Bad file descriptor"), None, "máy tính báo có lỗi"),
])
def test_an_operating_system_error_becomes_a_reason_in_words(error, kind, vietnamese):
    problem = os_problem(error)
    assert os_kind(error) == kind
    assert problem.text(Language("vi").gettext) == vietnamese
    assert problem.detail == error.strerror  # the system's own words, kept apart


def test_a_problem_puts_its_parameters_into_the_translated_sentence_never_the_detail():
    problem = Problem("Could not write to %(place)s: %(reason)s", {"place": "E:\\", "reason": "x"}, detail="EIO")
    assert problem.text(Language("vi").gettext) == "Không ghi được vào E:\\: x"
    moved = problem.about(place="F:\\")
    assert moved.params == {"place": "F:\\", "reason": "x"} and moved.detail == "EIO" and problem.params["place"] == "E:\\"
