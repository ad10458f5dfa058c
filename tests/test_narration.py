"""Narration (issue 17 #24): an MP3 per lesson, named in front matter or beside the lesson, or per section
(`![…](x.mp3){.narration}`), checked by the builder (path:line), the lesson's described in the manifest since
format version 3, served with ranges so seeking works, and each learner's place and speed in each narration
kept in their store and given back when they open the lesson again."""

import json
import re
import shutil
from pathlib import Path

import pytest
from bundle_tools import hand_made_bundle
from support.audio import silent_mp3
from support.pages import learner_id

from builder.build import check
from builder.problems import BuildFailed
from courses import Bundle, BundleError, Manifest
from courses.members import asset_member
from player.web.services import services

FIXTURE = Path(__file__).parent / "fixtures" / "courses" / "narration"
LESSON = "/courses/nghe-thu/lessons/loi-chao"
AUDIO = "/courses/nghe-thu/assets/lessons/01-loi-chao.mp3"
OWN, PART = "lessons/01-loi-chao.mp3", "lessons/audio/phan-toc-do.mp3"  # the lesson's narration, a section's


@pytest.fixture
def course(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "narration")
    return tmp_path / "narration"


@pytest.fixture
def narration_app(tmp_path, make_player, signed_narration_bundle, publisher_key):
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    services(app).library.install(signed_narration_bundle)
    return app


def problems_of(course: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        check(course)
    return [str(problem).split("narration/", 1)[1] for problem in failure.value.problems]


def test_the_fixture_recording_is_the_generated_silence():
    assert (FIXTURE / "lessons" / "01-loi-chao.mp3").read_bytes() == silent_mp3(20)


def test_a_narration_beside_the_lesson_or_in_front_matter_is_packed_and_in_the_manifest(signed_narration_bundle):
    with Bundle(signed_narration_bundle) as bundle:
        bundle.verify()
        assert [lesson.narration for lesson in bundle.course.lessons] == [
            "lessons/01-loi-chao.mp3", "lessons/audio/ghi-am-bai-2.mp3", None]
        assert bundle.read(asset_member("lessons/01-loi-chao.mp3")) == silent_mp3(20)
        assert bundle.manifest.format_version == 3
        lessons = json.loads(bundle.manifest.to_bytes())["course"]["sections"][0]["lessons"]
    assert lessons[0]["narration"] == "lessons/01-loi-chao.mp3" and "narration" not in lessons[2]


def test_a_missing_narration_is_reported_at_its_front_matter_line(course):
    lesson = course / "lessons" / "02-dang-nhap.md"
    lesson.write_text(lesson.read_text().replace("ghi-am-bai-2.mp3", "khong-co.mp3"))
    assert problems_of(course) == [
        "lessons/02-dang-nhap.md:4: narration: no file lessons/audio/khong-co.mp3 (from 'audio/khong-co.mp3')"]


@pytest.mark.parametrize("written, message", [
    ("../../ngoai.mp3", "'../../ngoai.mp3' points outside the course folder"),
    ("https://example.org/a.mp3", "'https://example.org/a.mp3' must be a path relative to the lesson file"),
    ("audio/ghi-am.wav", "'audio/ghi-am.wav' is not an MP3 file: save the recording as .mp3"),
    ("", "narration must be the path of an MP3 file"),
])
def test_a_narration_that_is_not_a_course_mp3_is_refused(course, written, message):
    lesson = course / "lessons" / "02-dang-nhap.md"
    lesson.write_text(lesson.read_text().replace("audio/ghi-am-bai-2.mp3", f'"{written}"'))
    found = problems_of(course)
    assert len(found) == 1 and found[0].startswith("lessons/02-dang-nhap.md:4: ") and message in found[0]


def test_a_file_that_is_not_mp3_audio_inside_is_refused(course):
    (course / "lessons" / "audio" / "ghi-am-bai-2.mp3").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")  # a WAV renamed
    (course / "lessons" / "01-loi-chao.mp3").write_bytes(b"<html>")
    assert problems_of(course) == [
        "lessons/01-loi-chao.mp3: narration: lessons/01-loi-chao.mp3 is not MP3 audio (it is another kind of "
        "file renamed .mp3): export the recording as MP3 again",
        "lessons/02-dang-nhap.md:4: narration: lessons/audio/ghi-am-bai-2.mp3 is not MP3 audio (it is another "
        "kind of file renamed .mp3): export the recording as MP3 again"]


def test_an_id3_tagged_mp3_is_accepted(course):
    (course / "lessons" / "01-loi-chao.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + silent_mp3(1))
    assert check(course).course.lessons[0].narration == "lessons/01-loi-chao.mp3"


def test_a_lesson_without_narration_has_none(course):
    (course / "lessons" / "01-loi-chao.mp3").unlink()
    assert check(course).course.lessons[0].narration is None


def manifest_data(bundle_path: Path) -> dict:
    with Bundle(bundle_path) as bundle:
        return json.loads(bundle.manifest.to_bytes())


def test_a_narration_needs_format_version_3_and_a_packed_mp3(signed_narration_bundle):
    data = manifest_data(signed_narration_bundle)
    with pytest.raises(BundleError, match="a narration needs bundle format version 3, not 2"):
        Manifest.from_bytes(json.dumps({**data, "format_version": 2}).encode())
    del data["files"]["assets/lessons/01-loi-chao.mp3"]
    with pytest.raises(BundleError, match="the narration of lesson 'loi-chao' is not in the bundle"):
        Manifest.from_bytes(json.dumps(data).encode())
    data["course"]["sections"][0]["lessons"][0]["narration"] = "../x.mp3"
    with pytest.raises(BundleError, match="narration: must be the path of an MP3 file"):
        Manifest.from_bytes(json.dumps(data).encode())


def test_older_bundles_without_narration_still_read(signed_bundle):
    data = manifest_data(signed_bundle)
    old = Manifest.from_bytes(json.dumps({**data, "format_version": 1}).encode())
    assert old.format_version == 1 and all(lesson.narration is None for lesson in old.course.lessons)


# -- the player ------------------------------------------------------------------------------------------

def narration_box(client, url: str = LESSON) -> str | None:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'<section class="narration".*?</section>', page, re.S)
    return found.group(0) if found else None


def test_a_lesson_with_narration_shows_its_player_and_one_without_does_not(narration_app):
    client = narration_app.test_client()
    client.sign_in()
    box = narration_box(client)
    assert f'<audio src="{AUDIO}" controls preload="metadata"' in box
    assert 'data-position="0.0" data-speed="1.0"' in box
    assert "Nghe bài học này" in box and "Lùi 10 giây" in box and "0,75×" in box and "1,25×" in box
    assert 'data-speed="1.0" aria-pressed="true"' in box
    assert narration_box(client, "/courses/nghe-thu/lessons/chi-doc") is None
    page = client.get(LESSON).get_data(as_text=True)
    assert '<script src="/static/narration.js" defer></script>' in page


def test_the_recording_is_served_with_ranges_so_seeking_works(narration_app):
    client = narration_app.test_client()
    client.sign_in()
    whole = client.get(AUDIO)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg" and whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(AUDIO, headers={"Range": "bytes=9600-19199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 9600-19199/{len(silent_mp3(20))}"
    assert part.data == silent_mp3(20)[9600:19200]


def test_each_learner_s_place_and_speed_are_kept_and_given_back(narration_app):
    hoa, nam = narration_app.test_client(), narration_app.test_client()
    hoa.sign_in("Trần Thị Hoa")
    nam.sign_in("Phạm Văn Nam")
    saved = hoa.post(f"{LESSON}/listening", json={"narration": OWN, "position": 12.34, "speed": 1.25})
    assert saved.status_code == 204
    assert 'data-position="12.3" data-speed="1.25"' in narration_box(hoa)
    assert 'data-speed="1.25" aria-pressed="true"' in narration_box(hoa)
    assert 'data-position="0.0" data-speed="1.0"' in narration_box(nam)  # another learner starts at the beginning
    kept = services(narration_app).store.learners.listening(learner_id(hoa), f"nghe-thu/loi-chao#{OWN}")
    assert kept["narration"] == "lessons/01-loi-chao.mp3" and kept["position"] == 12.3


def test_a_place_survives_a_restart_of_the_player(narration_app, make_player, tmp_path):
    client = narration_app.test_client()
    client.sign_in()
    client.post(f"{LESSON}/listening", json={"narration": OWN, "position": 7, "speed": 0.75})
    again = make_player(tmp_path / "data").test_client()
    with client.session_transaction() as before, again.session_transaction() as after:
        after.update(before)
    assert 'data-position="7.0" data-speed="0.75"' in narration_box(again)


@pytest.mark.parametrize("sent", [
    {"position": -1, "speed": 1}, {"position": 5, "speed": 2}, {"position": "5", "speed": 1},
    {"position": True, "speed": 1}, {"position": 5}, {},
])
def test_a_place_that_is_not_one_is_refused(narration_app, sent):
    client = narration_app.test_client()
    client.sign_in()
    refused = client.post(f"{LESSON}/listening", json={"narration": OWN, **sent})
    assert refused.status_code == 400 and refused.json["error"] == "bad_place"
    assert 'data-position="0.0"' in narration_box(client)


def test_saving_a_place_needs_the_page_s_token_a_learner_and_a_narration_of_the_lesson(narration_app):
    client = narration_app.test_client()
    place = {"narration": OWN, "position": 1, "speed": 1}
    assert client.post(f"{LESSON}/listening", json=place).status_code in (302, 303, 401)
    client.sign_in()
    assert client.post(f"{LESSON}/listening", json=place, csrf=False).status_code == 400
    assert client.post("/courses/nghe-thu/lessons/chi-doc/listening", json=place).status_code == 404
    for other in ("lessons/audio/ghi-am-bai-2.mp3", "lessons/khong-co.mp3", "../x.mp3", None):  # not this lesson's
        assert client.post(f"{LESSON}/listening", json={**place, "narration": other}).status_code == 404


def test_a_damaged_listening_file_starts_the_narration_again_and_is_replaced(narration_app):
    client = narration_app.test_client()
    client.sign_in()
    client.post(f"{LESSON}/listening", json={"narration": OWN, "position": 9, "speed": 1})
    kept = services(narration_app).paths.learner_listening(learner_id(client))
    kept.write_bytes(b'{"listening": {"1": {"key": "nghe-thu/loi')  # cut short by a disk error
    assert 'data-position="0.0"' in narration_box(client)
    assert client.post(f"{LESSON}/listening", json={"narration": OWN, "position": 4, "speed": 1}).status_code == 204
    assert 'data-position="4.0"' in narration_box(client)


def test_a_narration_that_cannot_be_packed_is_refused_with_the_reason(course, tmp_path, monkeypatch):
    beside = course / "lessons" / "01-loi-chao.mp3"
    outside = tmp_path / "ngoai.mp3"
    beside.rename(outside)
    beside.symlink_to(outside)
    monkeypatch.setattr("builder.sources.MAX_FILE_MB", 0.0155)  # 16.2 KB: the 4 s recording (16 KB) still fits
    (course / "lessons" / "audio" / "ghi-am-bai-2.mp3").write_bytes(silent_mp3(5))
    assert problems_of(course) == [
        "lessons/01-loi-chao.mp3: narration: lessons/01-loi-chao.mp3 links to a file outside the course folder "
        "(only files inside it are packed)",
        "lessons/02-dang-nhap.md:4: narration: lessons/audio/ghi-am-bai-2.mp3 is larger than 0.0155 MB (1 MB): "
        "make it smaller or split it"]


# -- a section's narration ---------------------------------------------------------------------------------

def test_a_section_s_narration_is_an_audio_marked_narration(signed_narration_bundle):
    with Bundle(signed_narration_bundle) as bundle:
        html = bundle.read("lessons/loi-chao.html").decode()
        assert bundle.has(asset_member(PART))
    assert ('<p><audio aria-label="Nghe phần đổi tốc độ" class="narration" controls preload="metadata" '
            'src="../assets/lessons/audio/phan-toc-do.mp3">Nghe phần đổi tốc độ</audio></p>') in html


def test_a_section_s_narration_that_is_not_mp3_audio_is_refused(course):
    (course / "lessons" / "audio" / "phan-toc-do.mp3").write_bytes(b"\x00" * 64)
    assert problems_of(course) == [
        "lessons/audio/phan-toc-do.mp3: lessons/audio/phan-toc-do.mp3 is not MP3 audio (it is another kind of file "
        "renamed .mp3): export the recording as MP3 again"]


def narration_boxes(client, url: str = LESSON) -> list[str]:
    return re.findall(r'<section class="narration".*?</section>', client.get(url).get_data(as_text=True), re.S)


def test_a_section_s_narration_gets_its_own_controls_and_place(narration_app):
    client = narration_app.test_client()
    client.sign_in()
    own, part = narration_boxes(client)
    assert f'data-narration="{OWN}"' in own and f'data-narration="{PART}"' in part
    assert '<p class="narration-title" id="narration-title-1" lang="vi">Nghe phần đổi tốc độ</p>' in part
    assert f'<audio src="/courses/nghe-thu/assets/{PART}" controls preload="metadata"' in part
    assert 'id="narration-position-1"' in part and 'id="narration-position-0"' in own
    page = client.get(LESSON).get_data(as_text=True)
    assert page.index("Nghe riêng phần này") < page.index('id="narration-title-1"')  # under its heading
    saved = client.post(f"{LESSON}/listening", json={"narration": PART, "position": 2.5, "speed": 0.75})
    assert saved.status_code == 204
    own, part = narration_boxes(client)
    assert 'data-position="2.5" data-speed="0.75"' in part and 'data-position="0.0" data-speed="1.0"' in own


def test_a_hand_made_section_narration_cannot_smuggle_markup_or_reach_other_members(tmp_path, make_player):
    lesson = ('<p><audio class="narration" src="../assets/a.mp3" controls onplay="x()" '
              'aria-label="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"></audio></p>'
              '<audio class="narration" src="../assets/%2e%2e/manifest.json"></audio>')
    bundle = hand_made_bundle(tmp_path / "b.tramhoc", "tu-lam", {"bai": lesson}, {"a.mp3": silent_mp3(1)})
    app = make_player(tmp_path / "data")
    services(app).library.install(bundle, allow_unverified=True)
    client = app.test_client()
    client.sign_in()
    page = client.get("/courses/tu-lam/lessons/bai").get_data(as_text=True)
    assert "<script>x()" not in page and "onplay" not in page
    assert '&#34;&gt;&lt;script&gt;x()&lt;/script&gt;</p>' in page  # the description, shown as text
    assert client.get("/courses/tu-lam/assets/../manifest.json").status_code == 404
    assert client.post("/courses/tu-lam/lessons/bai/listening",
                       json={"narration": "../manifest.json", "position": 1, "speed": 1}).status_code == 404
    assert client.post("/courses/tu-lam/lessons/bai/listening",
                       json={"narration": "a.mp3", "position": 1, "speed": 1}).status_code == 204
