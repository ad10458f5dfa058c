"""The builder's messages (issue 17 #18): its own catalog (with the messages courses/ makes about a course's
content) is complete, and a broken course is reported in Vietnamese by default or for `language: vi`, in
English with `--lang en`, always as `path:line: message`."""

import pickle
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from builder.cli import main as builder_main
from builder.i18n import TRANSLATIONS, choose_language, current_language, translate, use_language
from builder.sources import list_course_files, refusal
from courses.quiz import Choice, SingleChoice, question_problems

ROOT = Path(__file__).resolve().parent.parent
CATALOG = TRANSLATIONS / "vi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[srdf]")


def vietnamese():
    with open(CATALOG / "builder.po", "rb") as po:
        return read_po(po, locale="vi")


def test_every_builder_message_is_translated_with_the_same_placeholders():
    found = {message for _, _, message, _, _ in extract_from_dir(ROOT, [("builder/**.py", "python"),
                                                                        ("courses/**.py", "python")])}
    catalog = {m.id: m.string for m in vietnamese() if m.id and not m.fuzzy}
    assert len(found) > 50
    missing = sorted(m for m in found if not catalog.get(m))
    assert not missing, f"untranslated (see README, 'The builder's messages'): {missing}"
    for msgid in found:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(catalog[msgid])), msgid
        assert "khóa" not in catalog[msgid].lower()


def test_the_compiled_builder_catalog_matches_its_source():
    with open(CATALOG / "builder.mo", "rb") as mo:
        compiled = {m.id: m.string for m in read_mo(mo) if m.id}
    assert compiled == {m.id: m.string for m in vietnamese() if m.id and not m.fuzzy}, \
        "run `pybabel compile -D builder -d builder/translations`"


@pytest.mark.parametrize("environment, asked, course_language, expected", [
    ({}, None, None, "vi"),
    ({"LANG": "en_US.UTF-8"}, None, None, "en"),
    ({"LANG": "en_US.UTF-8"}, None, "vi", "vi"),
    ({"LANG": "vi_VN.UTF-8"}, None, "en", "en"),
    ({"LANG": "vi_VN.UTF-8"}, "en", "vi", "en"),
    ({"LC_ALL": "fr_FR.UTF-8"}, None, "fr", "vi"),
])
def test_the_language_is_asked_else_the_courses_else_the_systems_else_vietnamese(
        tmp_path, monkeypatch, environment, asked, course_language, expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("locale.getlocale", lambda *_: (None, None))
    if course_language:
        (tmp_path / "course.yml").write_text(f"id: x\nlanguage: {course_language}\n", encoding="utf-8")
    assert choose_language(asked, tmp_path) == expected


def break_course(course: Path) -> None:
    lesson = course / "lessons" / "03-ky-so.md"
    lesson.write_text('---\nid: ky-so\ntitle: "Ký số\n---\n![x](images/khong-co.png)\n', encoding="utf-8")


@pytest.mark.parametrize("language_line", ["language: vi", None])
def test_a_broken_course_is_reported_in_vietnamese_by_default(mini_course, monkeypatch, capsys, language_line):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda *_: (None, None))
    if language_line is None:  # a course in another language: the system's (none here), so Vietnamese
        config = mini_course / "course.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("language: vi", "language: fr"), encoding="utf-8")
    break_course(mini_course)
    assert builder_main(["check", str(mini_course), "--quiet"]) == 1
    errors = capsys.readouterr().err
    assert ("lessons/03-ky-so.md:3: phần đầu bài (front matter): dấu ngoặc (\" hoặc ') mở trên dòng này chưa được "
            "đóng: hãy thêm dấu ngoặc đóng") in errors
    assert errors.rstrip().endswith("1 lỗi; chưa ghi tệp nào.")


def test_a_broken_course_is_reported_in_english_with_lang_en(mini_course, capsys):
    break_course(mini_course)
    assert builder_main(["check", str(mini_course), "--quiet", "--lang", "en"]) == 1
    errors = capsys.readouterr().err
    assert ("lessons/03-ky-so.md:3: front matter: a quote (\" or ') opened on this line is never closed: add the "
            "closing quote") in errors
    assert errors.rstrip().endswith("1 problem(s); nothing was written.")


def test_new_and_keygen_speak_the_systems_language_else_vietnamese(tmp_path, monkeypatch, capsys):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda *_: (None, None))
    full = tmp_path / "khoa-hoc"
    full.mkdir()
    (full / "ghi-chu.txt").write_text("x", encoding="utf-8")
    assert builder_main(["new", str(full), "--title", "T"]) == 2
    assert "thư mục không trống" in capsys.readouterr().err
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert builder_main(["keygen", "--out", str(tmp_path / "keys"), "--publisher", "P"]) == 2
    assert "give --passphrase-file FILE" in capsys.readouterr().err


BROKEN_BLOCKS = """---
id: ky-so
title: "Ký số"
---
```quiz
Câu hỏi một?
+ Đúng
– Sai
```

```quiz
Câu hỏi hai?
- Một
- Hai
```

```gift
::G:: Câu GIFT? {=a ~b
```

```practice
loại: thủ tục
bước:
  - màn hình: Đăng nhập
    loại: đăng nhập
```
"""
IN_VIETNAMESE = [
    "lessons/01-gioi-thieu.md:3: title chứa ký tự định dạng vô hình (U+200B, như dấu cách có độ rộng bằng 0)",
    "lessons/03-ky-so.md:8: không hiểu dòng này: dòng đáp án bắt đầu bằng '+ ', '- ', '= ' hoặc '1. ', có chứa "
    "'->', hoặc là đúng/sai; dòng phản hồi bắt đầu bằng '>' (hãy dùng '-', phím dấu trừ, không dùng dấu gạch dài "
    "dán từ Word)",
    "lessons/03-ky-so.md:12: không có lựa chọn đúng: hãy đánh dấu các lựa chọn đúng bằng '+ ' ở đầu dòng",
    "lessons/03-ky-so.md:18: '{' chưa được đóng: hãy kết thúc phần đáp án bằng '}'",
    "lessons/03-ky-so.md:22: bài thực hành cần có tiêu đề: hãy thêm 'tiêu đề: …'",
]
IN_ENGLISH = [
    "lessons/01-gioi-thieu.md:3: title contains an invisible formatting character (U+200B, such as a zero-width "
    "space)",
    "lessons/03-ky-so.md:8: line not understood: an answer line starts with '+ ', '- ', '= ' or '1. ', contains "
    "'->', or is đúng/sai; feedback lines start with '>' (use '-', the minus key, not a dash pasted from Word)",
    "lessons/03-ky-so.md:12: no right choice: mark the right ones with '+ ' at the start of their line",
    "lessons/03-ky-so.md:18: '{' is not closed: end the answers with '}'",
    "lessons/03-ky-so.md:22: a practice needs a title: add 'tiêu đề: …'",
]


@pytest.mark.parametrize("arguments, expected", [([], IN_VIETNAMESE), (["--lang", "en"], IN_ENGLISH)])
def test_broken_questions_practices_and_titles_are_reported_in_the_chosen_language(
        mini_course, monkeypatch, capsys, arguments, expected):
    """Messages of the quiz parsers (native and GIFT), the practice parser and courses (a question without a right
    choice, a title with a zero-width space): Vietnamese for a `language: vi` course, English on asking."""
    (mini_course / "lessons" / "03-ky-so.md").write_text(BROKEN_BLOCKS, encoding="utf-8")
    first = mini_course / "lessons" / "01-gioi-thieu.md"
    first.write_text(re.sub(r"(?m)^title: .*$", 'title: "Giới\u200bthiệu"', first.read_text(encoding="utf-8"), 1),
                     encoding="utf-8")
    assert builder_main(["check", str(mini_course), "--quiet", *arguments]) == 1
    errors = capsys.readouterr().err
    for message in expected:
        assert message in errors
    assert errors.rstrip().endswith(("5 lỗi; chưa ghi tệp nào.", "5 problem(s); nothing was written.")[bool(arguments)])


def test_a_refused_file_is_explained_in_the_language_chosen_after_the_folder_was_listed(tmp_path):
    course = tmp_path / "khoa-hoc"
    (course / "images").mkdir(parents=True)
    (tmp_path / "ngoai.png").write_bytes(b"x")
    (course / "images" / "ngoai.png").symlink_to(tmp_path / "ngoai.png")
    previous = current_language()
    listing = list_course_files(course)  # listed in English, before any language is chosen
    try:
        use_language("vi")
        assert refusal("images/ngoai.png", listing.refused["images/ngoai.png"]) == (
            "images/ngoai.png trỏ tới một tệp ngoài thư mục khoá học (chỉ các tệp trong thư mục mới được đóng gói)")
    finally:
        use_language(previous)
    assert listing.refused["images/ngoai.png"] == (
        "links to a file outside the course folder (only files inside it are packed)")


@pytest.mark.parametrize("arguments, expected", [
    (["build", "--help"], ["cách dùng: python -m builder build", "tuỳ chọn:", "-h, --help hiện hướng dẫn này rồi thoát",
                           "--no-cache tạo lại mọi bài học"]),
    (["new", "--help", "--lang", "en"], ["usage: python -m builder new", "options:", "--title TITLE the course title"]),
    (["preview", "-h"], ["--port PORT cổng trên 127.0.0.1 (mặc định 8700; 0 để tự chọn một cổng trống)"]),
])
def test_the_help_speaks_the_asked_or_the_systems_language(monkeypatch, capsys, arguments, expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda *_: (None, None))
    with pytest.raises(SystemExit) as leaving:
        builder_main(arguments)
    assert leaving.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for text in expected:
        assert text in shown


def test_key_problems_found_by_courses_are_reported_in_the_chosen_language(mini_course, tmp_path, monkeypatch, capsys):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda *_: (None, None))
    arguments = ["keygen", "--out", str(tmp_path / "keys"), "--publisher", "Sở\u202eX", "--no-passphrase"]
    assert builder_main(arguments) == 2
    assert ("không tạo được cặp khoá: tên đơn vị phát hành chứa ký tự điều khiển hướng chữ (U+202E)"
            in capsys.readouterr().err)
    not_a_key = tmp_path / "ghi-chu.key"
    not_a_key.write_text("không phải khoá\n", encoding="utf-8")
    not_a_key.chmod(0o600)
    assert builder_main(["build", str(mini_course), "--out", str(tmp_path / "dist"), "--sign", str(not_a_key)]) == 2
    assert f"{not_a_key}: không phải tệp khoá của Trạm Học; chưa ghi tệp nào." in capsys.readouterr().err
    assert builder_main(["build", str(mini_course), "--sign", str(not_a_key), "--lang", "en"]) == 2
    assert f"{not_a_key}: not a Trạm Học key file; nothing was written." in capsys.readouterr().err


def test_a_courses_message_is_its_english_text_and_keeps_what_its_translation_needs():
    question = SingleChoice(id="q", text="Câu?", points=5000, choices=(Choice("a", 100), Choice("b", 0)))
    (problem,) = question_problems(question)
    assert problem == "points must be at most 1000" and isinstance(problem, str)
    copied = pickle.loads(pickle.dumps(problem))  # as the builder's worker processes pass them
    assert (copied, copied.msgid, copied.params["problem"].params) == (problem, "points %(problem)s", {"limit": 1000})
    previous = current_language()
    try:
        use_language("vi")
        assert translate(copied) == "điểm không được lớn hơn 1000"
    finally:
        use_language(previous)
