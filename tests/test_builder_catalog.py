"""The builder's messages (issue 17 #18): its own catalog is complete, and a broken course is reported in
Vietnamese by default or for `language: vi`, in English with `--lang en`, always as `path:line: message`."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from builder.cli import main as builder_main
from builder.i18n import TRANSLATIONS, choose_language

ROOT = Path(__file__).resolve().parent.parent
CATALOG = TRANSLATIONS / "vi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[srdf]")


def vietnamese():
    with open(CATALOG / "builder.po", "rb") as po:
        return read_po(po, locale="vi")


def test_every_builder_message_is_translated_with_the_same_placeholders():
    found = {message for _, _, message, _, _ in extract_from_dir(ROOT, [("builder/**.py", "python")])}
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
