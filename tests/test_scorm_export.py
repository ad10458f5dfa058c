"""SCORM 1.2 export (authoring.scorm): a package whose imsmanifest.xml validates against the SCORM 1.2
schemas (../shared/conformance/scorm12) and lists exactly its files; byte-identical when made again; the
course's pages with the player's question markup, styles and translations; SCORM 1.2's limits kept on a
long course (4,096 characters of suspend_data, 255 of a response); the browser's grading (lesson.js, run
under node) giving the player's scores; and the command saying that the answer key travels."""

import json
import os
import shutil
import subprocess
import zipfile
from itertools import islice, permutations
from pathlib import Path

import pytest
from scorm_checks import SCORM12, manifest_problems, schema

from authoring.scorm.keys import MAX_RESPONSE, browser_quiz
from authoring.scorm.package import ExportFailed, export_scorm, package_files
from authoring.scorm.state import MAX_SUSPEND_DATA, largest_suspend_data
from builder.build import CourseBuild
from builder.cli import main as builder_main
from courses.quiz import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    item_keys,
    matching_options,
    quiz_from_bytes,
)
from player.quizzes.grading import feedback, grade_attempt, grade_question
from player.web.sanitise import clean_bundle_html

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "courses"
CONTENT = ROOT / "content"
STATIC = ROOT / "authoring" / "static" / "scorm"
needs_schemas = pytest.mark.skipif(not (SCORM12 / "xsd").is_dir(), reason=(
    f"the SCORM 1.2 schemas are not there: {SCORM12 / 'xsd'} (../shared/ beside the project, or TRAMHOC_SHARED)"))


def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed (apt-get install nodejs); CI is set, so this is a failure", pytrace=False)
        pytest.skip("node is not installed (apt-get install nodejs; scripts/setup test installs it)")
    return found


def run_js(script: str, data) -> object:
    """Run `script` under node with `data` as JSON on stdin; its JSON output."""
    done = subprocess.run([node(), "-e", script], input=json.dumps(data), capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def quiz_package(tmp_path_factory) -> Path:
    return export_scorm(FIXTURES / "quiz", tmp_path_factory.mktemp("scorm")).path


def members(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@needs_schemas
@pytest.mark.parametrize("course", [FIXTURES / "quiz", FIXTURES / "mini", *sorted(CONTENT.iterdir())],
                         ids=lambda path: path.name)
def test_the_manifest_validates_against_the_scorm_12_schemas_and_lists_every_file(course, tmp_path):
    package = export_scorm(course, tmp_path).path
    files = members(package)
    assert next(iter(files)) == "imsmanifest.xml"
    assert manifest_problems(files["imsmanifest.xml"], set(files)) == []
    assert {"index.html", "contents.html", "tramhoc/runtime.js", "tramhoc/lesson.js", "tramhoc/style.css"} <= set(files)


@needs_schemas
def test_the_checks_tell_broken_manifests_from_good_ones():
    """The schemas and the checks beside them, on real manifests: the broken examples are caught."""
    checker = schema()
    found = {folder.name: manifest_problems((folder / "imsmanifest.xml").read_bytes(), checker=checker)
             for folder in sorted((SCORM12 / "examples").iterdir())}
    broken = {"MalformedXml_SCORM12", "MissingLaunchUrl_SCORM12", "MissingRequiredFields_SCORM12",
              "ItemWithNonExistentResourceId_SCORM12", "PrerequisitesTest_SCORM12"}
    assert {name for name, problems in found.items() if problems} == broken, found
    ours = members_of_quiz_course()["imsmanifest.xml"]
    assert manifest_problems(ours.replace(b'adlcp:scormtype="sco"', b'adlcp:scormtype="lesson"'), checker=checker)
    assert manifest_problems(ours.replace(b"<schema>", b"<schemas>").replace(b"</schema>", b"</schemas>"),
                             checker=checker)


def members_of_quiz_course() -> dict[str, bytes]:
    return package_files(CourseBuild(FIXTURES / "quiz").compile())


def test_the_package_is_byte_identical_when_made_again(tmp_path, monkeypatch):
    first = export_scorm(FIXTURES / "quiz", tmp_path / "a").path
    second = export_scorm(FIXTURES / "quiz", tmp_path / "b").path
    assert first.name == "quiz-mau-1.0.0-scorm12.zip" and first.read_bytes() == second.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    third = export_scorm(FIXTURES / "quiz", tmp_path / "c").path
    with zipfile.ZipFile(third) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert [path.name for path in (tmp_path / "c").iterdir()] == [third.name]  # no temporary file left


def test_lessons_show_the_players_markup_in_the_course_language(quiz_package):
    files = members(quiz_package)
    lesson = files["lessons/on-tap.html"].decode()
    assert '<fieldset class="question question-single" id="q-dang-nhap-vneid"' in lesson
    assert 'name="a-dang-nhap-vneid"' in lesson and "Nộp bài" in lesson and 'lang="vi"' in lesson
    assert '<script type="application/json" id="tramhoc-quiz">' in lesson
    key = json.loads(lesson.split('id="tramhoc-quiz">', 1)[1].split("</script>", 1)[0])
    assert key["test"] and key["attempts"] == 2 and len(key["questions"]) == 9  # the description is not asked
    assert files["tramhoc/style.css"] == (ROOT / "player" / "static" / "style.css").read_bytes()
    english = members(export_scorm(CONTENT / "dich-vu-cong-en", quiz_package.parent / "en").path)
    assert "Submit my answers" in english["lessons/kiem-tra-cuoi-khoa.html"].decode()


def test_links_between_lessons_point_to_their_pages_and_nothing_is_fetched_from_the_internet(tmp_path, mini_course):
    lesson = mini_course / "lessons" / "03-ky-so.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n[Đăng nhập](02-dang-nhap.md#dang-nhap-bang-vneid)\n",
                      encoding="utf-8")
    files = members(export_scorm(mini_course, tmp_path).path)
    page = files["lessons/ky-so.html"].decode()
    assert 'href="dang-nhap.html#lesson-dang-nhap-bang-vneid"' in page and 'href="gioi-thieu.html"' in page
    assert 'id="lesson-dang-nhap-bang-vneid"' in files["lessons/dang-nhap.html"].decode()  # lesson ids: see sanitise
    assert 'src="../assets/lessons/images/' in files["lessons/dang-nhap.html"].decode()
    for name, data in files.items():
        if name.endswith((".html", ".css", ".js")):
            text = data.decode()
            assert "src=\"http" not in text and "url(http" not in text and "@import" not in text, name


def long_course(folder: Path, lessons: int, attempts: int | None = None) -> Path:
    """A course of `lessons` tests, each with long-winded questions."""
    (folder / "lessons").mkdir(parents=True)
    lines = ["id: khoa-dai", 'title: "Khóa học rất dài"', "language: vi", 'version: "1.0.0"', "lessons:"]
    settings = "quiz:\n  pass: 50\n" + (f"  attempts: {attempts}\n" if attempts else "")
    for number in range(lessons):
        pairs = "\n".join(f"Việc số {pair} có tên rất dài để thử -> Nơi làm {pair}" for pair in range(30))
        (folder / "lessons" / f"{number:04d}.md").write_text(
            f"---\nid: bai-{number:04d}\ntitle: \"Bài {number}\"\n{settings}---\n"
            f"```quiz\nid: ghep-{number:04d}\nGhép mỗi việc với nơi làm.\n{pairs}\n```\n\n"
            f"```quiz\nid: viet-{number:04d}\nloại: tự luận\nViết thật dài.\n```\n", encoding="utf-8")
        lines.append(f"  - lessons/{number:04d}.md")
    (folder / "course.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_long_course_stays_inside_scorm_12s_limits(tmp_path):
    course = long_course(tmp_path / "khoa-dai", 250)
    compiled = CourseBuild(course).compile()
    tests = {lesson.id: quiz_from_bytes(compiled.members[f"quizzes/{lesson.id}.json"]) for lesson in compiled.course.lessons}
    largest = largest_suspend_data(compiled.course, tests)
    assert largest <= MAX_SUSPEND_DATA
    files = package_files(compiled)
    key = browser_quiz(tests["bai-0000"])
    assert all(len(question["scorm"]["correct"]) <= MAX_RESPONSE for question in key["questions"])
    # The state runtime.js writes when every lesson is done and every test tried as often as it counts.
    runtime = (STATIC / "runtime.js").as_posix()
    written = run_js(f"""
const codec = require({json.dumps(runtime)});
const count = JSON.parse(require("fs").readFileSync(0, "utf8"));
const state = codec.empty();
for (let i = 0; i < count; i++) {{ state.done.add(i); state.tests.set(i, {{ used: 123456, best: 66.666666 }}); }}
const text = codec.encode(state, count);
const back = codec.decode(text, count);
console.log(JSON.stringify({{ length: text.length, done: back.done.size, used: back.tests.get(count - 1).used }}));
""", len(compiled.course.lessons))
    assert written == {"length": written["length"], "done": 250, "used": 9999}
    assert written["length"] <= largest <= MAX_SUSPEND_DATA
    assert b"ghep-0249" in files["lessons/bai-0249.html"]


def test_a_course_too_long_for_suspend_data_is_refused_and_nothing_is_written(tmp_path, capsys):
    course = long_course(tmp_path / "khoa-dai", 330)
    with pytest.raises(ExportFailed, match="suspend_data"):
        export_scorm(course, tmp_path / "out")
    assert builder_main(["export-scorm", "--lang", "en", str(course), "-o", str(tmp_path / "out")]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_command_writes_the_package_and_says_the_key_travels(tmp_path, capsys):
    assert builder_main(["export-scorm", str(FIXTURES / "quiz"), "-o", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert f"wrote {tmp_path / 'quiz-mau-1.0.0-scorm12.zip'}" in out and "one SCO: 4 lessons" in out
    assert "the answer key travels in the package" in err and "docs/scorm.md" in err
    assert "the answer key travels in the package" in (ROOT / "docs" / "scorm.md").read_text(encoding="utf-8").lower()


def test_a_course_with_problems_is_reported_path_line_and_nothing_is_written(tmp_path, mini_course, capsys):
    lesson = mini_course / "lessons" / "03-ky-so.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n![x](images/khong-co.png)\n", encoding="utf-8")
    assert builder_main(["export-scorm", "--lang", "en", str(mini_course), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "lessons/03-ky-so.md:" in err and "missing asset: images/khong-co.png" in err
    assert not (tmp_path / "out").exists()


# --- the browser's grading against the player's ----------------------------------------------------------

def responses(question):
    """Responses worth grading both ways: right, wrong, partly right, empty, oddly typed."""
    if isinstance(question, (SingleChoice, MultipleChoice)):
        keys = list(item_keys(question.id, "choice", [choice.text for choice in question.choices]))
        if isinstance(question, SingleChoice):
            return [*keys, "nope", None]
        return [[key] for key in keys] + [keys, keys[:2], [], None]
    if isinstance(question, TrueFalse):
        return ["true", "false", None]
    if isinstance(question, ShortAnswer):
        found = []
        for answer in question.answers:
            text = answer.text.replace("*", "bất kỳ")
            found += [text, text.upper(), f"  {text}  ", clean_diacritics(text)]
        return [*found, "không phải", "", None]
    if isinstance(question, Numeric):
        found = []
        for answer in question.answers:
            if answer.low is not None:
                found += [f"{answer.low:g}".replace(".", ","), f"{answer.high:g}", f"{(answer.low + answer.high) / 2}"]
        return [*found, "1.500.000", "abc", "", None]
    if isinstance(question, Matching):
        prompts = [pair for pair in question.pairs if pair.left]
        prompt_keys = item_keys(question.id, "prompt", [pair.left for pair in prompts])
        options = matching_options(question)
        option_keys = dict(zip(options, item_keys(question.id, "option", options)))
        right = {key: option_keys[pair.right] for key, pair in zip(prompt_keys, prompts)}
        values = list(right.values())
        rotated = dict(zip(right, values[1:] + values[:1]))
        return [right, rotated, dict(list(right.items())[:1]), {}, None]
    if isinstance(question, Ordering):
        keys = list(item_keys(question.id, "step", question.steps))
        return [list(order) for order in islice(permutations(keys), 8)] + [None]
    return ["Một câu trả lời tự luận.", None]


def clean_diacritics(text: str) -> str:
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").replace("đ", "d")


def all_quizzes():
    for course in [FIXTURES / "quiz", *sorted(CONTENT.iterdir())]:
        compiled = CourseBuild(course).compile()
        for name, data in compiled.members.items():
            if name.startswith("quizzes/"):
                yield f"{course.name}/{name}", quiz_from_bytes(data)


def test_the_browser_grades_every_question_as_the_player_does():
    cases, expected = [], []
    attempts, expected_attempts = [], []
    for where, quiz in all_quizzes():
        key = {question["id"]: question for question in browser_quiz(quiz)["questions"]}
        asked = [question for question in quiz.questions if question.id in key]
        for question in asked:
            for response in responses(question):
                cases.append({"question": key[question.id], "response": response})
                result = grade_question(question, response)
                expected.append({"where": where, "id": question.id, "response": response, "status": result.status,
                                 "score": result.score,
                                 "feedback": [str(clean_bundle_html(text)) for text in feedback(question, response)]})
        for pick in range(3):  # whole attempts: the first, second or third response to every question
            given = {question.id: responses(question)[pick % len(responses(question))] for question in asked}
            attempts.append({"questions": [key[question.id] for question in asked], "given": given,
                             "pass": quiz.settings.pass_percent})
            graded = grade_attempt(quiz, [question.id for question in asked], {k: v for k, v in given.items()
                                                                                if v is not None})
            expected_attempts.append({"where": where, "percent": graded.score_percent, "passed": graded.passed})
    lesson = (STATIC / "lesson.js").as_posix()
    got = run_js(f"""
const grading = require({json.dumps(lesson)});
const data = JSON.parse(require("fs").readFileSync(0, "utf8"));
const nil = (value) => (value === null ? undefined : value);
console.log(JSON.stringify({{
  cases: data.cases.map(({{ question, response }}) => ({{ ...grading.grade(question, nil(response)),
                                                          feedback: grading.feedback(question, nil(response)) }})),
  attempts: data.attempts.map(({{ questions, given, pass }}) => {{
    const found = grading.gradeAttempt(questions, Object.fromEntries(Object.entries(given).map(([k, v]) => [k, nil(v)])), pass);
    return {{ percent: found.percent, passed: found.passed }};
  }}),
}}));
""", {"cases": cases, "attempts": attempts})
    assert len(cases) > 500
    wrong = [(want, have) for want, have in zip(expected, got["cases"])
             if (want["status"], want["feedback"]) != (have["status"], have["feedback"])
             or (want["score"] is None) != (have["score"] is None)
             or (want["score"] is not None and abs(want["score"] - have["score"]) > 1e-9)]
    assert wrong == []
    wrong = [(want, have) for want, have in zip(expected_attempts, got["attempts"])
             if want["passed"] != have["passed"] or (want["percent"] is None) != (have["percent"] is None)
             or (want["percent"] is not None and abs(want["percent"] - have["percent"]) > 1e-9)]
    assert wrong == []
