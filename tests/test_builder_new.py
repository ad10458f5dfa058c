"""`python -m builder new`: a course folder that builds and passes `builder check` at once; never written
over anything."""

import io

import pytest

from builder.build import check
from builder.cli import main as builder_main
from builder.new import NewCourse, NewCourseError, new_course


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_new_course_passes_check_at_once(tmp_path, capsys, language):
    folder = tmp_path / "content" / "ky-nang-moi"
    assert builder_main(["new", "--lang", "en", str(folder), "--title", "Kỹ năng mới", "--language", language,
                         "--author", "Nhóm biên soạn"]) == 0
    assert "next: python -m builder preview" in capsys.readouterr().out
    assert builder_main(["check", str(folder), "--quiet"]) == 0
    compiled = check(folder)
    course = compiled.course
    assert (course.id, course.title, course.language, course.authors) == (
        "ky-nang-moi", "Kỹ năng mới", language, ("Nhóm biên soạn",))
    assert len(course.lessons) == 2
    first, second = (compiled.members[f"lessons/{lesson.id}.html"].decode() for lesson in course.lessons)
    assert first.count('class="quiz-question"') == 2  # a ```quiz block and a ```gift block
    assert "admonition" in second and "<img" in second
    assert (folder / "README.md").read_text(encoding="utf-8").count("docs/authoring.md") >= 1
    assert (folder / "lessons" / "images").is_dir()


def test_it_asks_for_what_the_flags_do_not_give(tmp_path, monkeypatch):
    answers = io.StringIO("en\nDigital basics\nTrainers of X\n")
    monkeypatch.setattr("sys.stdin", answers)
    monkeypatch.setattr(answers, "isatty", lambda: True, raising=False)
    assert builder_main(["new", str(tmp_path / "digital-basics")]) == 0
    course = check(tmp_path / "digital-basics").course
    assert (course.language, course.title, course.authors) == ("en", "Digital basics", ("Trainers of X",))


def test_without_a_terminal_the_defaults_are_used(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert builder_main(["new", str(tmp_path / "khoa-hoc")]) == 0
    course = check(tmp_path / "khoa-hoc").course
    assert (course.language, course.title, course.authors) == ("vi", "Khoá học mới", ())


def test_an_empty_folder_is_used_and_a_non_empty_one_refused(tmp_path, capsys):
    empty = tmp_path / "trong"
    empty.mkdir()
    assert builder_main(["new", "--lang", "en", str(empty), "--title", "T"]) == 0
    before = sorted(path.relative_to(empty) for path in empty.rglob("*"))
    assert builder_main(["new", "--lang", "en", str(empty), "--title", "T"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(path.relative_to(empty) for path in empty.rglob("*")) == before
    hidden = tmp_path / "an"
    hidden.mkdir()
    (hidden / ".git").mkdir()
    with pytest.raises(NewCourseError, match="not empty"):
        new_course(hidden, NewCourse("T"))


@pytest.mark.parametrize("name, choices, message", [
    ("Khoa Hoc", NewCourse("T"), "the folder name is the course id"),
    ("ok", NewCourse("  "), "needs a title"),
    ("ok", NewCourse("T", language="tiếng việt"), "not a BCP 47 code"),
])
def test_bad_choices_are_refused_and_nothing_is_written(tmp_path, name, choices, message):
    with pytest.raises(NewCourseError, match=message):
        new_course(tmp_path / name, choices)
    assert list(tmp_path.iterdir()) == []


def test_titles_are_written_as_yaml_safely(tmp_path):
    new_course(tmp_path / "dac-biet", NewCourse('Khóa "đặc biệt": #1 – a: b', author="Sở TT&TT"))
    course = check(tmp_path / "dac-biet").course
    assert course.title == 'Khóa "đặc biệt": #1 – a: b' and course.authors == ("Sở TT&TT",)
