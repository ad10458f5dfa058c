"""The builder: bundles that read back through courses, deterministic output, line-accurate errors."""

import hashlib
import os
import queue
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from builder.build import CourseBuild, build, cache_dir, check
from builder.cli import main as builder_main
from builder.problems import BuildFailed
from builder.render import vietnamese_slug
from builder.watch import watch
from courses import Bundle
from courses.members import asset_member, lesson_member


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lesson_html(bundle_path: Path, lesson_id: str) -> str:
    with Bundle(bundle_path) as bundle:
        return bundle.read(lesson_member(lesson_id)).decode()


def write_lesson(course: Path, name: str, body: str, front: str = "id: gioi-thieu\ntitle: Bài\n") -> Path:
    path = course / "lessons" / name
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def problems_of(course: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        check(course)
    return [str(problem) for problem in failure.value.problems]


def test_built_bundle_reads_back_and_verifies(mini_bundle):
    with Bundle(mini_bundle) as bundle:
        bundle.verify()
        course = bundle.course
        assert course.id == "mini" and course.version == "1.0.0"
        assert [lesson.id for lesson in course.lessons] == ["gioi-thieu", "dang-nhap", "ky-so"]
        assert [section.title for section in course.sections] == ["Phần 1: Làm quen", "Phần 2: Thực hành"]
        assert bundle.has(asset_member("lessons/images/dang-nhap.png"))
    assert mini_bundle.name == "mini-1.0.0.tramhoc"


def test_markdown_features_render(mini_bundle):
    html = lesson_html(mini_bundle, "dang-nhap")
    assert '<h2 id="dang-nhap-bang-vneid">' in html
    assert "<table>" in html and "<dl>" in html and 'class="footnote"' in html
    assert 'src="../assets/lessons/images/dang-nhap.png"' in html
    assert '<a href="https://dichvucong.gov.vn" rel="external noopener noreferrer" target="_blank">' in html
    intro = lesson_html(mini_bundle, "gioi-thieu")
    assert '<div class="admonition note">' in intro
    assert '<a href="dang-nhap#dang-nhap-bang-vneid">' in intro


def test_two_builds_are_byte_identical(tmp_path, mini_course):
    first = build(mini_course, tmp_path / "one", use_cache=False)
    second = build(mini_course, tmp_path / "two", use_cache=False)
    assert sha(first) == sha(second)


def test_source_date_epoch_is_honoured(tmp_path, mini_course, monkeypatch):
    plain = sha(build(mini_course, tmp_path / "plain", use_cache=False))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    stamped = build(mini_course, tmp_path / "stamped", use_cache=False)
    again = build(mini_course, tmp_path / "again", use_cache=False)
    assert sha(stamped) == sha(again) != plain


def test_cached_rebuild_after_an_edit_equals_a_clean_build(tmp_path, mini_course):
    out = tmp_path / "dist"
    build(mini_course, out)
    lesson = mini_course / "lessons" / "03-ky-so.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nĐoạn mới được thêm vào.\n", encoding="utf-8")
    rebuilt = sha(build(mini_course, out))
    clean = sha(build(mini_course, tmp_path / "clean", use_cache=False))
    assert rebuilt == clean
    assert "Đoạn mới" in lesson_html(out / "mini-1.0.0.tramhoc", "ky-so")


def test_cache_notices_a_deleted_asset(tmp_path, mini_course):
    out = tmp_path / "dist"
    build(mini_course, out)
    (mini_course / "lessons" / "images" / "so-do.svg").unlink()
    with pytest.raises(BuildFailed, match="1 problem"):
        build(mini_course, out)


def test_text_is_normalised_to_nfc(tmp_path, mini_course):
    decomposed = unicodedata.normalize("NFD", "Chữ ký số và Đăng nhập")
    write_lesson(mini_course, "03-ky-so.md", decomposed + "\n", "id: ky-so\ntitle: " + decomposed + "\n")
    bundle = build(mini_course, tmp_path / "out", use_cache=False)
    html = lesson_html(bundle, "ky-so")
    assert unicodedata.normalize("NFC", "Chữ ký số và Đăng nhập") in html
    with Bundle(bundle) as opened:
        assert opened.course.lesson("ky-so").title == unicodedata.normalize("NFC", decomposed)


def test_vietnamese_heading_slugs():
    assert vietnamese_slug("Đăng nhập bằng VNeID", "-") == "dang-nhap-bang-vneid"
    assert vietnamese_slug("Chữ ký số: là gì?", "-") == "chu-ky-so-la-gi"


def test_media_images_become_players(tmp_path, mini_course):
    (mini_course / "lessons" / "audio").mkdir()
    (mini_course / "lessons" / "audio" / "huong-dan.mp3").write_bytes(b"ID3 fake mp3")
    write_lesson(mini_course, "03-ky-so.md", "![Nghe hướng dẫn](audio/huong-dan.mp3)\n", "id: ky-so\ntitle: T\n")
    html = lesson_html(build(mini_course, tmp_path / "out", use_cache=False), "ky-so")
    assert '<audio aria-label="Nghe hướng dẫn" controls preload="metadata"' in html
    assert 'src="../assets/lessons/audio/huong-dan.mp3"' in html


REMOTE = [
    ("![ảnh](https://example.com/a.png)", "remote resource not allowed"),
    ('<img src="http://example.com/a.png">', "remote resource not allowed"),
    ('<video src="//cdn.example.com/v.mp4"></video>', "remote resource not allowed"),
    ('<script src="https://example.com/x.js"></script>', "scripts are not allowed"),
    ('<link rel="stylesheet" href="https://fonts.example.com/css">', "<link> is not allowed"),
    ('<iframe src="https://www.youtube.com/embed/x"></iframe>', "<iframe> is not allowed"),
    ('<p style="background: url(https://example.com/bg.png)">x</p>', "url() in a style attribute"),
    ("<style>@font-face { src: url(https://example.com/f.woff) }</style>", "<style> is not allowed"),
    ("![ảnh](data:image/png;base64,AAAA)", "embedded data"),
]


@pytest.mark.parametrize("snippet, message", REMOTE)
def test_remote_resources_are_build_errors(tmp_path, mini_course, snippet, message):
    write_lesson(mini_course, "03-ky-so.md", "Dòng một.\n\n" + snippet + "\n", "id: ky-so\ntitle: T\n")
    with pytest.raises(BuildFailed) as failure:
        build(mini_course, tmp_path / "out", use_cache=False)
    [problem] = failure.value.problems
    assert problem.path.endswith("lessons/03-ky-so.md") and problem.line == 7
    assert message in problem.message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.tramhoc"))


def test_ordinary_external_links_are_allowed(tmp_path, mini_course):
    write_lesson(mini_course, "03-ky-so.md", "[Cổng](https://dichvucong.gov.vn) <mailto:hotro@example.vn>\n",
                 "id: ky-so\ntitle: T\n")
    html = lesson_html(build(mini_course, tmp_path / "out", use_cache=False), "ky-so")
    assert 'href="https://dichvucong.gov.vn" rel="external' in html


BAD_SOURCES = [
    # (file to write, content, expected "path:line: message" suffix)
    ("lessons/03-ky-so.md", "---\nid: ky-so\ntitle: T\n---\nA\n\n![x](images/khong-co.png)\n",
     "lessons/03-ky-so.md:7: missing asset: images/khong-co.png"),
    ("lessons/03-ky-so.md", "---\nid: ky-so\ntitle: T\n---\n[x](99-khong-co.md)\n",
     "lessons/03-ky-so.md:5: broken link: no lesson lessons/99-khong-co.md"),
    ("lessons/03-ky-so.md", "---\nid: ky-so\ntitle: T\n---\n[x](01-gioi-thieu.md#khong-co)\n",
     "lessons/03-ky-so.md:5: lesson 'gioi-thieu' has no heading with anchor #khong-co"),
    ("lessons/03-ky-so.md", "---\nid: ky-so\ntitle: [T\n---\nA\n",
     "lessons/03-ky-so.md:3: front matter: a '[' on this line is never closed"),
    ("lessons/03-ky-so.md", "# Không có front matter\n", "lessons/03-ky-so.md:1: missing front matter"),
    ("lessons/03-ky-so.md", "---\nid: ky-so\n---\nA\n", "lessons/03-ky-so.md:1: front matter needs a non-empty 'title'"),
    ("lessons/03-ky-so.md", "---\nid: Ký Số\ntitle: T\n---\n", "lessons/03-ky-so.md:2: lesson id 'Ký Số' must be"),
    ("lessons/03-ky-so.md", "---\nid: ky-so\ntitle: T\nauthor: X\n---\n",
     "lessons/03-ky-so.md:4: unknown front matter field 'author'"),
    ("lessons/03-ky-so.md", "---\nid: gioi-thieu\ntitle: T\n---\n",
     "lessons/03-ky-so.md:2: duplicate lesson id 'gioi-thieu' (also used by lessons/01-gioi-thieu.md)"),
    ("lessons/03-ky-so.md", b"---\nid: ky-so\ntitle: T\n---\nd\xf2ng hai\n",
     "lessons/03-ky-so.md:5: file is not UTF-8 text"),
    ("course.yml", None, "course.yml:8: unknown course field 'tac_gia'"),
    ("course.yml", "id: mini\ntitle: T\nlanguage: vi\nversion: 1.0\nlessons:\n  - lessons/01-gioi-thieu.md\n",
     "course.yml:4: version 1.0 must be a semantic version"),
    ("course.yml", "id: mini\ntitle: T\nlanguage: vi\nversion: 1.0.0\nlessons:\n  - lessons/khong-co.md\n",
     "course.yml:6: no lesson file lessons/khong-co.md"),
    ("course.yml", "id: mini\ntitle: T\nlanguage: vi\nversion: 1.0.0\nlessons:\n  - lessons/01-gioi-thieu.md\n"
                   "  - lessons/01-gioi-thieu.md\n", "course.yml:7: lesson lessons/01-gioi-thieu.md is listed twice"),
    # Text that hides or reorders what it says (issue 14 #18): a right-to-left override, a zero-width space.
    ("course.yml", "id: mini\ntitle: \"Sở TT&TT tỉnh \u202eX\"\nlanguage: vi\nversion: 1.0.0\nlessons:\n"
                   "  - lessons/01-gioi-thieu.md\n",
     "course.yml:2: title contains a bidirectional control character (U+202E), which makes text read differently"),
    ("course.yml", "id: mini\ntitle: T\nlanguage: vi\nversion: 1.0.0\nauthors:\n  - Lan\n  - \"tỉnh\u200bX\"\n"
                   "lessons:\n  - lessons/01-gioi-thieu.md\n",
     "course.yml:7: an author's name contains an invisible formatting character (U+200B, such as a zero-width space)"),
    ("course.yml", "id: mini\ntitle: T\nlanguage: vi\nversion: 1.0.0\ndescription: \"a\\x07b\"\nlessons:\n"
                   "  - lessons/01-gioi-thieu.md\n", "course.yml:5: description contains a control character"),
    ("course.yml", "id: mini\ntitle: T\nlanguage: vi\nversion: 1.0.0\nsections:\n  - title: \"P\\u2066hần\"\n"
                   "    lessons:\n      - lessons/01-gioi-thieu.md\n",
     "course.yml:6: section title contains a bidirectional control character (U+2066)"),
    ("lessons/03-ky-so.md", "---\nid: ky-so\ntitle: Ký số\u2067 bài 1\n---\nA\n",
     "lessons/03-ky-so.md:3: title contains a bidirectional control character (U+2067)"),
]


@pytest.mark.parametrize("name, content, expected", BAD_SOURCES)
def test_bad_sources_are_reported_as_path_line_message(tmp_path, mini_course, capsys, name, content, expected):
    target = mini_course / name
    if content is None:
        lines = target.read_text(encoding="utf-8").split("\n")
        lines.insert(lines.index("sections:"), "tac_gia: X")
        content = "\n".join(lines)
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out"
    assert builder_main(["build", "--lang", "en", str(mini_course), "-o", str(out), "--quiet"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert any(line.endswith(expected) or expected in line for line in errors), errors
    assert errors[-1].endswith("nothing was written.")
    assert not out.exists() or not any(out.rglob("*.tramhoc"))


def test_every_problem_of_a_run_is_reported_at_once(mini_course):
    write_lesson(mini_course, "02-dang-nhap.md", "![a](images/a.png)\n\n![b](images/b.png)\n",
                 "id: dang-nhap\ntitle: T\n")
    write_lesson(mini_course, "03-ky-so.md", "[x](khong-co.md)\n", "id: ky-so\ntitle: T\nextra: 1\n")
    found = problems_of(mini_course)
    assert [line.split("lessons/", 1)[1] for line in found] == [
        "01-gioi-thieu.md:13: lesson 'dang-nhap' has no heading with anchor #dang-nhap-bang-vneid",
        "02-dang-nhap.md:5: missing asset: images/a.png",
        "02-dang-nhap.md:7: missing asset: images/b.png",
        "03-ky-so.md:4: unknown front matter field 'extra' (known: id, title, minutes, quiz, narration)",
    ]


def test_check_writes_nothing(tmp_path, mini_course):
    before = sorted(p.name for p in mini_course.rglob("*"))
    assert builder_main(["check", str(mini_course), "--quiet"]) == 0
    assert sorted(p.name for p in mini_course.rglob("*")) == before


def test_build_shows_progress_unless_quiet(tmp_path, mini_course, capsys):
    assert builder_main(["build", "--lang", "en", str(mini_course), "-o", str(tmp_path / "a")]) == 0
    captured = capsys.readouterr()
    assert "[3/3] lessons/03-ky-so.md" in captured.err and "wrote" in captured.out
    assert builder_main(["build", "--lang", "en", str(mini_course), "-o", str(tmp_path / "b"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_an_output_folder_that_cannot_be_written_is_a_clear_error(tmp_path, mini_course, capsys):
    """A full disk or an output path that is a file: one line saying so, no traceback, nothing written."""
    taken = tmp_path / "dist"
    taken.write_text("a file where the folder should be", encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    assert builder_main(["build", "--lang", "en", str(mini_course), "-o", str(taken / "out"), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"cannot write the bundle into {taken / 'out'}: ") and "Traceback" not in error
    assert error.rstrip().endswith("; nothing was written.") and len(error.splitlines()) == 1
    assert sorted(tmp_path.rglob("*")) == before


def test_missing_course_folder_is_a_clear_error(tmp_path, capsys):
    assert builder_main(["check", "--lang", "en", str(tmp_path / "nope")]) == 2
    assert "not a course folder" in capsys.readouterr().err


def test_watch_rebuilds_after_each_save_and_keeps_the_last_good_bundle(tmp_path, mini_course):
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    out = tmp_path / "dist"
    watcher = threading.Thread(target=watch, args=(mini_course, out, lambda path, _: events.put(("built", path)),
                                                    lambda problems: events.put(("failed", problems)), stop),
                               kwargs={"poll_seconds": 0.02}, daemon=True)
    watcher.start()
    try:
        kind, bundle = events.get(timeout=10)
        assert kind == "built" and bundle == out / "mini-1.0.0.tramhoc"
        lesson = mini_course / "lessons" / "03-ky-so.md"
        good = lesson.read_text(encoding="utf-8") + "\nĐoạn mới sau khi lưu.\n"
        lesson.write_text(good, encoding="utf-8")
        assert events.get(timeout=10) == ("built", bundle)
        assert "Đoạn mới sau khi lưu." in lesson_html(bundle, "ky-so")
        assert sha(bundle) == sha(build(mini_course, tmp_path / "clean", use_cache=False))
        last_good = sha(bundle)

        lesson.write_text(good + "\n![thiếu](images/khong-co.png)\n", encoding="utf-8")
        kind, problems = events.get(timeout=10)
        assert kind == "failed" and "missing asset: images/khong-co.png" in str(problems[0])
        assert sha(bundle) == last_good

        lesson.write_text(good, encoding="utf-8")
        assert events.get(timeout=10) == ("built", bundle)
        assert sha(bundle) == last_good
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()


def test_a_damaged_cache_entry_is_a_miss_not_a_wrong_bundle(tmp_path, mini_course):
    out = tmp_path / "dist"
    clean = sha(build(mini_course, out))
    entries = [path for path in cache_dir(mini_course).rglob("*") if path.is_file()]
    assert entries, "the build left no cache entries"
    for path in entries:
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF
        path.write_bytes(bytes(data))
    assert sha(build(mini_course, out)) == clean


def test_the_cache_stays_out_of_the_output_folder_and_a_failed_build_writes_nothing(tmp_path, mini_course):
    """The output folder may be a USB stick: only the bundle goes there. A build that fails leaves no
    bundle, no cache entry and no folder behind."""
    out = tmp_path / "usb"
    lesson = mini_course / "lessons" / "03-ky-so.md"
    good = lesson.read_text(encoding="utf-8")
    lesson.write_text(good + "\n![thiếu](images/khong-co.png)\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(mini_course, out)
    assert not out.exists() and not cache_dir(mini_course).exists()
    lesson.write_text(good, encoding="utf-8")
    bundle = build(mini_course, out)
    assert [path.name for path in out.iterdir()] == [bundle.name]
    assert any(path.is_file() for path in cache_dir(mini_course).rglob("*"))
    assert not cache_dir(mini_course).is_relative_to(out)


def test_a_link_to_a_file_outside_the_course_folder_is_refused_where_it_is_used(mini_course, tmp_path):
    secret = tmp_path / "bi-mat.svg"
    secret.write_text("<svg><!-- the province's private notes --></svg>", encoding="utf-8")
    image = mini_course / "lessons" / "images" / "so-do.svg"
    image.unlink()
    image.symlink_to(secret)  # git keeps symlinks: a course folder received from someone else can do this
    assert problems_of(mini_course) == [
        f"{mini_course / 'lessons' / '01-gioi-thieu.md'}:8: lessons/images/so-do.svg links to a file outside the "
        "course folder (only files inside it are packed)"]

    image.unlink()
    image.symlink_to(mini_course / "lessons" / "images" / "dang-nhap.png")  # a link inside the folder is fine
    with Bundle(build(mini_course, tmp_path / "out", use_cache=False)) as bundle:
        assert bundle.read(asset_member("lessons/images/so-do.svg")) == \
            (mini_course / "lessons" / "images" / "dang-nhap.png").read_bytes()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_pipe_or_an_oversized_asset_is_refused_without_being_read(mini_course, tmp_path):
    image = mini_course / "lessons" / "images" / "so-do.svg"
    image.unlink()
    os.mkfifo(image)  # opening it would wait for a writer forever
    with open(mini_course / "lessons" / "images" / "dang-nhap.png", "r+b") as huge:
        huge.truncate(4608 * 1024 * 1024)  # 4.5 GiB, sparse: reading it whole would crash the build
    started = time.monotonic()
    assert problems_of(mini_course) == [
        f"{mini_course / 'lessons' / '01-gioi-thieu.md'}:8: lessons/images/so-do.svg is not a regular file (a pipe "
        "or a device)",
        f"{mini_course / 'lessons' / '02-dang-nhap.md'}:10: lessons/images/dang-nhap.png is larger than 500 MB "
        "(4608 MB): make it smaller or split it"]
    assert time.monotonic() - started < 10


def test_yaml_aliases_are_refused_before_they_expand_and_messages_stay_short(mini_course, tmp_path, capsys):
    laughs = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    laughs += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]  # 9**10 values
    (mini_course / "course.yml").write_text("id: mini\ntitle: T\nlanguage: vi\nversion: 1.0.0\n"
                                            + "\n".join(laughs) + "\nlessons: *a9\n", encoding="utf-8")
    started = time.monotonic()
    assert builder_main(["check", "--lang", "en", str(mini_course)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert time.monotonic() - started < 10
    assert errors[0].endswith("course.yml:5: YAML anchors and aliases (&, *) are not allowed: write each value "
                              "out where it is used")
    assert sum(len(line) for line in errors) < 1000

    (mini_course / "course.yml").write_text(f"id: {'X' * 100_000}\ntitle: T\nlanguage: vi\nversion: 1.0.0\n"
                                            "lessons:\n  - lessons/01-gioi-thieu.md\n", encoding="utf-8")
    assert builder_main(["check", "--lang", "en", str(mini_course)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert "course.yml:1: course id 'XXX" in errors[0] and len(errors[0]) < 500 + len(str(mini_course)) + 20


def test_a_rebuild_sees_a_missing_or_refused_file_fixed_without_the_lesson_changing(mini_course, tmp_path):
    image = mini_course / "lessons" / "images" / "so-do.svg"
    data = image.read_bytes()
    image.unlink()
    image.symlink_to(tmp_path / "elsewhere.svg")
    watching = CourseBuild(mini_course)  # what `watch` keeps alive between saves
    with pytest.raises(BuildFailed, match="1 problem"):
        watching.compile()
    image.unlink()
    with pytest.raises(BuildFailed, match="1 problem"):
        watching.compile()
    image.write_bytes(data)
    assert watching.compile().members[asset_member("lessons/images/so-do.svg")].read_bytes() == data


@pytest.mark.parametrize("broken, expected", [
    (b"---\nid: gioi-thieu\ntitle: [B\n---\nA\n", "lessons/01-gioi-thieu.md:3: front matter: a '[' on this line"),
    (b"---\nid: gioi-thieu\ntitle: B\n---\nd\xf2ng\n", "lessons/01-gioi-thieu.md:5: file is not UTF-8 text"),
    ("---\nid: gioi-thieu\ntitle: B\nminutes: bảy\n---\nA\n".encode(), "lessons/01-gioi-thieu.md:4: minutes"),
])
def test_a_broken_lesson_is_reported_once_not_at_every_link_to_it(mini_course, broken, expected):
    """Issue 17 #19: lesson 3 links to lesson 1; a broken lesson 1 is not also 'not listed in course.yml'."""
    (mini_course / "lessons" / "01-gioi-thieu.md").write_bytes(broken)
    [problem] = problems_of(mini_course)
    assert expected in problem


@pytest.mark.parametrize("front, line, message", [
    ('id: ky-so\ntitle: "Ký số\nminutes: 5\n', 3, 'a quote (" or \') opened on this line is never closed'),
    ("id: ky-so\ntitle: T\n\tminutes: 5\n", 4, "a tab character: indent with spaces, not tabs"),
    ("id: ky-so\ntitle\nminutes: 5\n", 3, "this line has no ':' after its name: write 'name: value'"),
    ("id: ky-so\ntitle: Ký số: bài 1\n", 3, "a second ': ' on this line"),
])
def test_yaml_mistakes_are_reported_at_their_line_in_plain_words(mini_course, front, line, message):
    """Issue 17 #19: an unclosed quote is reported on its own line, not where PyYAML gave up, in plain words."""
    write_lesson(mini_course, "03-ky-so.md", "A\n", front)
    [problem] = problems_of(mini_course)
    assert f"lessons/03-ky-so.md:{line}: front matter: {message}" in problem
    assert "scanning" not in problem and "invalid YAML" not in problem


def test_a_misspelled_file_name_gets_a_did_you_mean(mini_course):
    """Issue 17 #19: a lesson named in course.yml, a lesson link and an image path, each one letter off."""
    config = mini_course / "course.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lessons/02-dang-nhap.md", "lessons/02-dang-nhp.md"),
                      encoding="utf-8")
    write_lesson(mini_course, "03-ky-so.md", "[x](01-gioi-thieuu.md)\n\n![y](images/dang-nhap.pgn)\n",
                 "id: ky-so\ntitle: T\n")
    problems = problems_of(mini_course)
    assert any(p.endswith("no lesson file lessons/02-dang-nhp.md (did you mean lessons/02-dang-nhap.md?)")
               for p in problems), problems
    assert any(p.endswith("broken link: no lesson lessons/01-gioi-thieuu.md (did you mean lessons/01-gioi-thieu.md?)")
               for p in problems), problems
    assert any(p.endswith("missing asset: images/dang-nhap.pgn (did you mean lessons/images/dang-nhap.png?)")
               for p in problems), problems
