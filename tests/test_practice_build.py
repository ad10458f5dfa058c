"""Practice simulations through the builder: the ```practice block read into its own bundle member, every
authoring mistake reported as `path:line: message`, the format version that old players refuse, and the
parser fuzzed (only its own error, with a line, ever comes out)."""

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.build import build, check
from builder.practice_source import PracticeSyntaxError, parse_practice
from builder.problems import BuildFailed
from courses import FORMAT_VERSION, Bundle, BundleError
from courses.errors import UnsupportedFormat
from courses.manifest import Manifest
from courses.members import practice_member
from courses.practice import load_practices

PRACTICE_COURSE = Path(__file__).parent / "fixtures" / "courses" / "practice"
LESSON = "lessons/01-tam-tru.md"


@pytest.fixture
def practice_course(tmp_path) -> Path:
    return Path(shutil.copytree(PRACTICE_COURSE, tmp_path / "practice"))


def problems_of(course: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        check(course)
    return [f"{Path(p.path).relative_to(course.resolve()).as_posix()}:{p.line}: {p.message}"
            if Path(p.path).is_absolute() else str(p) for p in failed.value.problems]


def edit(course: Path, old: str, new: str, lesson: str = LESSON) -> None:
    path = course / lesson
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(course: Path, needle: str, lesson: str = LESSON) -> int:
    lines = (course / lesson).read_text(encoding="utf-8").split("\n")
    return next(index + 1 for index, line in enumerate(lines) if needle in line)


def test_each_lesson_s_practices_are_one_member_and_out_of_the_lesson_html(tmp_path):
    with Bundle(build(PRACTICE_COURSE, tmp_path, use_cache=False)) as bundle:
        assert bundle.manifest.format_version == 2  # practices need version 2; no pre-test nor narration, so not 3
        assert {name for name in bundle.manifest.files if name.startswith("practice/")} == {
            practice_member(lesson) for lesson in ("tam-tru", "ky-so", "lua-dao")}
        practices = load_practices(bundle)
        html = bundle.read("lessons/tam-tru.html").decode()
    portal = practices["tam-tru"][0]
    assert (portal.kind, [step.id for step in portal.steps]) == (
        "procedure", ["dang-nhap", "otp", "tim-thu-tuc", "to-khai", "dinh-kem", "nop"])
    form = portal.step("to-khai")
    assert [(f.id, f.type, f.expected) for f in form.fields] == [
        ("ho-ten", "text", "Lò Văn Pà"), ("ngay-bat-dau", "date", "2025-09-05")]
    assert portal.step("dang-nhap").fields[0].expected == "001099012345"  # YAML kept it as written
    assert practices["ky-so"][0].kind == "signing" and practices["lua-dao"][0].kind == "messages"
    assert '<div class="practice-block" id="practice-dang-ky-tam-tru"></div>' in html
    assert "001099012345" not in html and "H45.22" not in html  # the expected values stay in the member


def test_unknown_step_is_reported_at_its_line(practice_course):
    edit(practice_course, "loại: đính kèm", "loại: gửi thư")
    assert problems_of(practice_course) == [
        f"{LESSON}:{line_of(practice_course, 'loại: gửi thư')}: unknown step 'gửi thư' in a 'thủ tục' practice "
        "(known: 'đăng nhập', 'mã OTP', 'tìm thủ tục', 'biểu mẫu', 'đính kèm', 'xem lại', 'nộp hồ sơ', "
        "'thanh toán')"]


def test_a_jump_to_an_unknown_step_is_reported(practice_course):
    edit(practice_course, "    màn hình: Nhập mã OTP\n", "    màn hình: Nhập mã OTP\n    tiếp theo: to-khia\n")
    assert problems_of(practice_course) == [
        f"{LESSON}:{line_of(practice_course, 'tiếp theo: to-khia')}: unknown step 'to-khia' after 'tiếp theo' "
        "(steps: dang-nhap, otp, tim-thu-tuc, to-khai, dinh-kem, nop)"]


def test_a_field_without_a_label_is_reported(practice_course):
    edit(practice_course, "        nhãn: Họ và tên\n", "")
    assert problems_of(practice_course) == [
        f"{LESSON}:{line_of(practice_course, 'id: ho-ten')}: this field has no label: add 'nhãn: …' (the words the "
        "learner sees beside the box)"]


def test_an_expected_value_no_choice_can_produce_is_reported(practice_course):
    edit(practice_course, "        đúng: Đăng ký tạm trú\n", "        đúng: Đăng ký tạm trú dài hạn\n")
    assert problems_of(practice_course) == [
        f"{LESSON}:{line_of(practice_course, 'đúng: Đăng ký tạm trú dài hạn')}: no choice can give the expected "
        "value 'Đăng ký tạm trú dài hạn': it must be written exactly as one of the choices (Đăng ký thường trú, "
        "Đăng ký tạm trú, Cấp đổi thẻ căn cước)"]


def test_an_unreachable_step_is_reported(practice_course):
    edit(practice_course, "    màn hình: Tìm thủ tục\n", "    màn hình: Tìm thủ tục\n    tiếp theo: dinh-kem\n")
    assert problems_of(practice_course) == [
        f"{LESSON}:{line_of(practice_course, '- id: to-khai')}: step 'to-khai' can never be reached: a 'tiếp theo' "
        "before it jumps over it; remove that jump or this step"]


@pytest.mark.parametrize("old, new, needle, message", [
    ("loại: thủ tục", "loại: thu tục lạ", "loại: thu tục lạ",
     "unknown practice kind 'thu tục lạ': write 'thủ tục', 'ký số' or 'tin nhắn'"),
    ("        kiểu: ngày\n        đúng: 05/09/2025", "        kiểu: ngày\n        đúng: 31/02/2025", "đúng: 31/02/2025",
     "the expected date must be a real date written dd/mm/yyyy, e.g. 05/09/2025"),
    ("        gợi ý: Viết họ tên", "        goi y them nua: x\n        gợi ý: Viết họ tên", "goi y them nua",
     "unknown name 'goi y them nua' in a field (known: id, nhãn, kiểu, đúng, lựa chọn, gợi ý, gợi ý thêm, chú thích)"),
    ('        gợi ý: "Đọc lại thẻ tình huống: bạn cần đăng ký gì?"', "        gợi ý: Đọc lại thẻ: bạn cần gì?",
     "gợi ý: Đọc lại thẻ: bạn cần gì?",
     "this practice block cannot be read: a text that itself contains ': ' must be put in quotes, e.g. gợi ý: \"Đọc lại: …\""),
    ("  - id: nop\n", "  - id: otp\n", "  - id: otp\n    loại: nộp",
     "two steps have the id 'otp' (also line {otp}): give one of them another 'id:'"),
])
def test_other_mistakes_are_reported_in_trainers_words(practice_course, old, new, needle, message):
    edit(practice_course, old, new)
    text = (practice_course / LESSON).read_text(encoding="utf-8")
    line = text[:text.index(needle)].count("\n") + 1
    message = message.format(otp=line_of(practice_course, "- id: otp"))
    assert problems_of(practice_course) == [f"{LESSON}:{line}: {message}"]


def test_a_misspelt_practice_fence_is_an_error_not_a_code_block(practice_course):
    edit(practice_course, "```practice", "```practise")
    assert problems_of(practice_course) == [f"{LESSON}:{line_of(practice_course, '```practise')}: unknown block "
                                            "type 'practise': write ```practice for a practice simulation"]


def test_a_practice_id_is_unique_in_the_course(practice_course):
    edit(practice_course, "id: ky-so-pdf", "id: dang-ky-tam-tru", "lessons/02-ky-so.md")
    assert problems_of(practice_course) == [
        "lessons/02-ky-so.md:5: two practices have the id 'dang-ky-tam-tru' (also at lessons/01-tam-tru.md:8): "
        "give one of them another 'id:'"]


def test_old_players_refuse_new_bundles_and_new_players_read_old_ones(tmp_path):
    with Bundle(build(PRACTICE_COURSE, tmp_path, use_cache=False)) as bundle:
        manifest = bundle.manifest
    data = json.loads(manifest.to_bytes())
    newer = json.dumps({**data, "format_version": FORMAT_VERSION + 1}).encode()
    with pytest.raises(UnsupportedFormat, match=f"unsupported bundle format version {FORMAT_VERSION + 1}; this "
                                                f"player reads version {FORMAT_VERSION} \\(update the player"):
        Manifest.from_bytes(newer)
    with pytest.raises(BundleError, match="a practice member needs bundle format version 2, not 1"):
        Manifest.from_bytes(json.dumps({**data, "format_version": 1}).encode())
    without = {**data, "format_version": 1,
               "files": {name: entry for name, entry in data["files"].items() if not name.startswith("practice/")}}
    assert Manifest.from_bytes(json.dumps(without).encode()).format_version == 1


def test_a_practice_member_of_no_lesson_is_refused(tmp_path):
    with Bundle(build(PRACTICE_COURSE, tmp_path, use_cache=False)) as bundle:
        data = json.loads(bundle.manifest.to_bytes())
    data["files"]["practice/khong-co.json"] = data["files"]["practice/ky-so.json"]
    with pytest.raises(BundleError, match="practice 'practice/khong-co.json' belongs to no lesson"):
        Manifest.from_bytes(json.dumps(data).encode())


WORDS = st.sampled_from(["loại: thủ tục", "loại: ký số", "loại: tin nhắn", "tiêu đề: Thử", "bước:", "  - id: a",
                         "    loại: đăng nhập", "    loại: tin nhắn", "    màn hình: Màn", "    trường:",
                         "      - nhãn: Ô", "        đúng: 1", "        lựa chọn: [a, b]", "        kiểu: ngày",
                         "        kiểu: chọn", "    tiếp theo: a", "    tiếp theo: b", "  - id: b", "- x", ":",
                         "  : :", "\t", "'", '"', "{", "[", "&a", "*a", "!!python/object:os.system", "? x", "%YAML",
                         "đúng: 05/09/2025", "id: Ở", "- - -", "tình huống: |", "  nhiều dòng", ""])
# Lines as a lesson file gives them: UTF-8 text (no lone surrogates), split at its new lines.
BLOCKS = st.lists(st.one_of(WORDS, st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=30)),
                  max_size=14)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BLOCKS, st.integers(min_value=1, max_value=500))
def test_the_parser_only_ever_raises_its_own_error_with_a_line(lines, first_line):
    try:
        practice = parse_practice(lines, first_line)
    except PracticeSyntaxError as error:
        assert error.problems
        for line, message in error.problems:
            assert first_line <= line <= first_line + max(len(lines), 1), (line, message)
            assert isinstance(message, str) and message
    else:
        assert practice.steps


def test_the_worked_examples_of_the_authoring_guide_are_valid_practices():
    guide = (Path(__file__).resolve().parents[1] / "docs" / "authoring.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```practice\n(.*?)\n```$", guide, re.S | re.M)
    kinds = [parse_practice(block.split("\n"), 1).kind for block in blocks]
    assert kinds == ["procedure", "signing", "messages"]
    for image in ("practice-thu-tuc.png", "practice-ky-so.png", "practice-tin-nhan.png"):
        assert guide.count(f"](images/{image})") == 2  # in the Vietnamese and the English part
